/**
 * Correctness against the public oracles in ../shared/data/te (skipped when it is absent).
 * Tolerances: LP values relative 1e-4 (the oracles were solved with SciPy's HiGHS); MILP values
 * relative 1e-4 (both sides stop at a 1e-6 relative gap, and solver feasibility tolerances move
 * the last digits of the small Abilene MLUs).
 */
import assert from "node:assert/strict";
import { Dataset, type SolveOptions } from "../src/te/dataset.ts";
import { type ImportOptions, importTe } from "../src/te/import_te.ts";
import { solveAll } from "../src/te/solve_all.ts";
import type { TeInstance } from "../src/te/topology.ts";
import { HAVE_DATA, jsonl, TE_DATA } from "./_cli.ts";

const T = TE_DATA;

function csv(path: string): Record<string, string>[] {
  const [head, ...rows] = Deno.readTextFileSync(path).split(/\r?\n/).filter((l) =>
    l.trim() !== "" && !l.startsWith("#")
  );
  const keys = head.split(",");
  return rows.map((r) => Object.fromEntries(r.split(",").map((v, i) => [keys[i], v])));
}

async function solve(
  instances: TeInstance[],
  opts: SolveOptions,
): Promise<{ id: string; mlu: number; optimal?: boolean; complete: boolean }[]> {
  using ds = await Dataset.parse(instances.map((i) => JSON.stringify(i)).join("\n"));
  let text = "";
  for await (const chunk of solveAll(ds, opts)) text += chunk;
  const sols = jsonl<{ id: string; mlu: number; complete: boolean }>(text);
  // the evaluator must agree with what every solver reports
  const evals = await ds.evaluate(text);
  evals.forEach((e, i) => {
    if (e.verified) {
      assert.ok(
        Math.abs(e.mlu - sols[i].mlu) <= 1e-9 * sols[i].mlu,
        `${sols[i].id}: evaluator ${e.mlu} vs reported ${sols[i].mlu}`,
      );
    }
  });
  return sols;
}

/** Largest relative deviation from an oracle per test, printed so CI logs show the real agreement. */
const deviations = new Map<string, number>();

function close(got: number, want: number, rel: number, what: string) {
  const test = what.replace(/-.*$/, "");
  deviations.set(test, Math.max(deviations.get(test) ?? 0, Math.abs(got - want) / Math.abs(want)));
  assert.ok(
    Math.abs(got - want) <= rel * Math.abs(want),
    `${what}: got ${got}, oracle ${want} (rel ${(Math.abs(got - want) / want).toExponential(2)})`,
  );
}

const data = (name: string, fn: () => Promise<void>) => Deno.test({ name, ignore: !HAVE_DATA, fn });

data("LP on Repetita Geant2012: every file ≈ 0.90 as in repetita_opt_mlu.csv", async () => {
  const rows = csv(`${T}/topologyzoo/repetita_opt_mlu.csv`);
  const insts = await importTe({
    format: "repetita",
    graph: `${T}/topologyzoo/Geant2012.graph`,
    demands: rows.map((r) => `${T}/topologyzoo/${r.demands}`),
  });
  assert.equal(insts.length, 5);
  assert.equal(insts[0].edges.length, 122);
  const sols = await solve(insts, { method: "lp" });
  sols.forEach((s, i) => close(s.mlu, Number(rows[i].mlu_split_anypath_edgeLP), 1e-4, s.id));
});

data("LP on FIGRET GEANT equals figret .opt on a sample (test_7 every 34th, all of train_5)", async () => {
  const base: ImportOptions = { format: "dote", graph: `${T}/geant/figret_GEANT.json` };
  const test7 = await importTe({
    ...base,
    tm: `${T}/geant/figret_test_7.hist`,
    opt: `${T}/geant/figret_test_7.opt`,
  });
  const train5 = await importTe({
    ...base,
    tm: `${T}/geant/figret_train_5.hist`,
    opt: `${T}/geant/figret_train_5.opt`,
  });
  assert.equal(test7.length, 677);
  const sample = [...test7.filter((_, i) => i % 34 === 0), ...train5];
  const sols = await solve(sample, { method: "lp" });
  sols.forEach((s, i) => close(s.mlu, sample[i].opt_mlu as number, 1e-4, s.id));
});

data(
  "LP on SNDlib GEANT 15-min matrices (FIGRET capacities) matches geant_tm_15min_opt_mlu.csv",
  async () => {
    const rows = new Map(
      csv(`${T}/geant/geant_tm_15min_opt_mlu.csv`).map((r) => [r.time, Number(r.mlu_split_anypath_edgeLP)]),
    );
    const skipped: string[] = [];
    const insts = await importTe(
      {
        format: "nodelink",
        graph: `${T}/geant/figret_GEANT.json`,
        tm: `${T}/geant/geant_tm_15min.txt`,
        scale: 1e6,
        name: "geant",
      },
      (l) => skipped.push(l),
    );
    assert.equal(skipped.length, 2, "the two all-zero matrices are skipped");
    const sample = insts.filter((_, i) => i % 16 === 0);
    const sols = await solve(sample, { method: "lp" });
    sols.forEach((s) => close(s.mlu, rows.get(s.id.replace(/^geant-/, ""))!, 1e-4, s.id));
  },
);

data("MILP on all 36 B4 matrices equals the unsplittable oracle", async () => {
  const rows = csv(`${T}/b4/b4_opt_mlu.csv`);
  const insts = await importTe({
    format: "nodelink",
    graph: `${T}/b4/B4.json`,
    tm: `${T}/b4/b4_tm_real.txt`,
  });
  assert.equal(insts.length, 36);
  const sols = await solve(insts, { method: "milp", time_limit: 240 });
  sols.forEach((s, i) => {
    assert.ok(s.complete);
    close(s.mlu, Number(rows[i].mlu_unsplit_anypath_MILP), 1e-4, s.id);
  });
});

data("MILP on the 40 Abilene matrices with unsplittable oracles equals the oracle", async () => {
  const rows = csv(`${T}/abilene/abilene_opt_mlu.csv`).filter((r) => r.mlu_unsplit_anypath_MILP !== "");
  assert.equal(rows.length, 40);
  const want = new Map(rows.map((r) => [r.time, Number(r.mlu_unsplit_anypath_MILP)]));
  const lines = Deno.readTextFileSync(`${T}/abilene/abilene_tm_5min.txt`).split("\n").filter((l) =>
    want.has(l.split(" ", 1)[0])
  );
  const tm = await Deno.makeTempFile({ suffix: ".txt" });
  await Deno.writeTextFile(tm, lines.join("\n"));
  const insts = await importTe({ format: "sndlib", graph: `${T}/abilene/abilene.xml`, tm });
  assert.equal(insts.length, 40);
  const sols = await solve(insts, { method: "milp", time_limit: 240 });
  sols.forEach((s) => close(s.mlu, want.get(s.id.replace(/^abilene-/, ""))!, 1e-4, s.id));
});

data("import: every format reads the shared files", async () => {
  const ab = await importTe({
    format: "sndlib",
    graph: `${T}/abilene/abilene.xml`,
    demands: [`${T}/abilene/demandMatrix-abilene-zhang-5min-20040301-0000.xml`],
  });
  assert.equal(ab.length, 1);
  assert.equal((ab[0].nodes as string[]).length, 12);
  assert.equal(ab[0].edges.length, 30);
  assert.deepEqual(new Set(ab[0].edges.map((e) => e.capacity)), new Set([9920, 2480]));
  const g50 = await importTe({ format: "sndlib", graph: `${T}/sndlib_extra/germany50.xml` });
  assert.equal((g50[0].nodes as string[]).length, 50);
  assert.equal(g50[0].edges.length, 176);
  assert.ok(g50[0].edges.every((e) => e.capacity === 40), "one add-module per link");
  assert.equal(g50[0].commodities.length, 662);
  const uscarrier = await importTe({
    format: "nodelink",
    graph: `${T}/topologyzoo/UsCarrier.json`,
    tm: `${T}/b4/b4_tm_real.txt`,
    tmRange: [0, 1],
  })
    .catch((e: Error) => e);
  assert.match(String(uscarrier), /expected 24964 values for 158 nodes/);
  const rep = await importTe({
    format: "repetita",
    graph: `${T}/topologyzoo/Geant2012.graph`,
    demands: [`${T}/topologyzoo/Geant2012.0000.demands`],
  });
  assert.equal((rep[0].nodes as string[]).length, 40);
  assert.ok(rep[0].commodities.length <= 1560 && rep[0].commodities.every((c) => c.demand > 0));
  const dote = await importTe({
    format: "dote",
    graph: `${T}/geant/figret_GEANT.json`,
    tm: `${T}/geant/figret_test_7.hist`,
    tmRange: [5, 8],
  });
  assert.deepEqual(dote.map((i) => i.id), ["figret_GEANT-5", "figret_GEANT-6", "figret_GEANT-7"]);
  using ds = await Dataset.parse([...ab, ...g50, ...rep, ...dote].map((i) => JSON.stringify(i)).join("\n"));
  assert.equal(ds.length, 6);
});

Deno.test({
  name: "(report) largest relative deviation from each oracle",
  ignore: !HAVE_DATA,
  fn: () => {
    for (const [k, v] of deviations) console.log(`  ${k}: ${v.toExponential(2)}`);
    assert.ok([...deviations.values()].every((v) => v <= 1e-4));
  },
});
