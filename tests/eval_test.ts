/**
 * keiro eval and compare: solutions matched to instances by id, errors that name the right file,
 * line and field, and references carried by the instances (opt_mlu, the milp labels of training data).
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { jsonl, keiro } from "./_cli.ts";

const dir = await Deno.makeTempDir({ prefix: "keiro-eval-test-" });
const instText = (await keiro(["gen", "te", "--count", "4", "--seed", "11", "--commodities", "6"])).stdout;
const instances = join(dir, "inst.jsonl");
await Deno.writeTextFile(instances, instText);
const milpText = (await keiro(["solve", "-m", "milp"], instText)).stdout;
const spText = (await keiro(["solve", "-m", "sp"], instText)).stdout;
const milp = jsonl<{ id: string; mlu: number }>(milpText);
const sp = jsonl<{ id: string; mlu: number }>(spText);

/** JSONL text of `records`. */
const lines = (records: unknown[]) => records.map((r) => JSON.stringify(r)).join("\n") + "\n";

interface Summary {
  reference: string;
  instances: number;
  methods: { method: string; instances: number; mean_ratio: number; worst_instance: number }[];
}

async function summary(args: string[], stdin = ""): Promise<Summary> {
  const r = await keiro(["eval", "--instances", instances, "--json", ...args], stdin);
  assert.equal(r.code, 0, r.stderr);
  return JSON.parse(r.stdout) as Summary;
}

async function fails(args: string[], stdin: string, want: string): Promise<void> {
  const r = await keiro(args, stdin);
  assert.equal(r.code, 2, `${args.join(" ")}: ${r.stderr}`);
  assert.equal(r.stderr, `error: ${want}\n`);
  assert.equal(r.stdout, "");
}

Deno.test("eval: a solution without method among named ones is an error naming its line and field", async () => {
  const records = jsonl(spText);
  delete records[1].method;
  await fails(
    ["eval", "--instances", instances],
    milpText + lines(records),
    "stdin: line 6: method is missing (the other solutions of this input name their method)",
  );
  records[1].method = 3;
  await fails(
    ["eval", "--instances", instances],
    lines(records),
    "stdin: line 2: method must be a non-empty string, got 3",
  );
  await fails(
    ["eval", "--instances", instances],
    "null\n",
    "stdin: line 1: solution must be a JSON object, got null",
  );
  await fails(
    ["eval", "--instances", instances],
    "[".repeat(100_000) + "]".repeat(100_000),
    "stdin: line 1: solution must be a JSON object, got an array",
  );
});

Deno.test("eval: errors in the instances file name the file and the line", async () => {
  const bad = join(dir, "bad.jsonl");
  const insts = jsonl<{ commodities: { demand: unknown }[] }>(instText);
  insts[2].commodities[0].demand = "lots";
  await Deno.writeTextFile(bad, lines(insts));
  await fails(
    ["eval", "--instances", bad],
    milpText,
    `${bad}: line 3: commodities[0].demand must be a positive number, got "lots"`,
  );
});

Deno.test("eval: solutions are matched by id, in any order, and may cover a subset of the instances", async () => {
  const subset = [sp[3], sp[1]];
  const s = await summary([], milpText + lines(subset));
  assert.equal(s.reference, "milp");
  assert.equal(s.instances, 4);
  const row = s.methods.find((m) => m.method === "sp")!;
  assert.equal(row.instances, 2);
  const ratios = [milp[3].mlu / sp[3].mlu, milp[1].mlu / sp[1].mlu];
  assert.ok(Math.abs(row.mean_ratio - (ratios[0] + ratios[1]) / 2) < 1e-12, JSON.stringify(row));
  assert.equal(row.worst_instance, ratios[0] < ratios[1] ? 3 : 1);
  const table = await keiro(["eval", "--instances", instances], milpText + lines(subset));
  assert.match(table.stdout, /\nsp\s+2\/4\s/);
  assert.match(table.stdout, /\nmilp\s+4\s/);
  const per = jsonl<{ id: string; instance: number }>(
    (await keiro(["eval", "--instances", instances, "--per-instance"], lines(subset))).stdout,
  );
  assert.deepEqual(per.map((e) => [e.id, e.instance]), [[sp[1].id, 1], [sp[3].id, 3]]);
  // instances that share ids (one topology imported twice) are still matched in order
  const twice = join(dir, "twice.jsonl");
  await Deno.writeTextFile(twice, instText + instText);
  const r = await keiro(["eval", "--instances", twice, "--json"], milpText + milpText + spText + spText);
  assert.equal(r.code, 0, r.stderr);
  assert.deepEqual((JSON.parse(r.stdout) as Summary).methods.map((m) => m.instances), [8, 8]);
});

Deno.test("eval: an id without an instance, a second solution for an instance, or a missing reference are errors", async () => {
  const args = ["eval", "--instances", instances];
  await fails(
    args,
    lines([sp[0], { ...sp[1], id: "nope" }]),
    'stdin: line 2: id is "nope", which no instance has',
  );
  await fails(
    args,
    lines([sp[2], sp[0], sp[2]]),
    `stdin: line 3: id is "${
      sp[2].id
    }": a second solution of method "sp" for that instance (the first is on line 1)`,
  );
  await fails(
    args,
    lines([milp[0], milp[1], sp[2]]),
    `reference milp has no MLU for instance 2 (id "${sp[2].id}"), which sp solves`,
  );
  const noIds = lines(sp.slice(0, 3).map(({ id: _, ...rest }) => rest));
  const r = await keiro(args, noIds);
  assert.equal(r.code, 2);
  assert.match(
    r.stderr,
    /solutions without ids are matched to instances by order, and there are 3 for 4 instances/,
  );
});

Deno.test("eval and compare: opt_mlu and milp labels of the instances serve as the reference", async () => {
  // opt_mlu as keiro import te --opt attaches it, milp as a training run's data/*.jsonl carries it
  const withRefs = jsonl(instText).map((inst, i) => ({
    ...inst,
    opt_mlu: milp[i].mlu,
    milp: { mlu: milp[i].mlu, optimal: true, paths: [], time_ms: 1 },
  }));
  const refPath = join(dir, "with_refs.jsonl");
  await Deno.writeTextFile(refPath, lines(withRefs));
  const viaSolutions = (await summary([], milpText + spText)).methods.find((m) => m.method === "sp")!;
  const run = async (args: string[]) => {
    const r = await keiro(["eval", "--instances", refPath, "--json", ...args], spText);
    assert.equal(r.code, 0, r.stderr);
    return JSON.parse(r.stdout) as Summary;
  };
  const byLabel = await run([]);
  assert.equal(byLabel.reference, "milp", "the milp labels are the default reference");
  const byOpt = await run(["--reference", "opt_mlu"]);
  assert.equal(byOpt.reference, "opt_mlu");
  for (const s of [byLabel, byOpt]) {
    assert.deepEqual(s.methods.map((m) => m.method), ["sp"]);
    assert.ok(Math.abs(s.methods[0].mean_ratio - viaSolutions.mean_ratio) < 1e-12);
  }
  const optOnly = join(dir, "opt_only.jsonl");
  await Deno.writeTextFile(optOnly, lines(withRefs.map(({ milp: _, ...rest }) => rest)));
  const cmp = await keiro(["compare", "--methods", "sp,greedy", "--json", "-i", optOnly]);
  assert.equal(cmp.code, 0, cmp.stderr);
  const c = JSON.parse(cmp.stdout) as Summary;
  assert.equal(c.reference, "opt_mlu");
  assert.ok(Math.abs(c.methods[0].mean_ratio - viaSolutions.mean_ratio) < 1e-12);
  await fails(
    ["eval", "--instances", refPath, "--reference", "nope"],
    spText,
    "reference nope is neither a method among the solutions (sp) nor a key of the instances that holds reference MLUs (like opt_mlu)",
  );
  withRefs[1].opt_mlu = "low" as unknown as number;
  await Deno.writeTextFile(refPath, lines(withRefs));
  await fails(
    ["eval", "--instances", refPath, "--reference", "opt_mlu"],
    spText,
    `${refPath}: line 2: opt_mlu must be a non-negative number (a reference MLU), got "low"`,
  );
});
