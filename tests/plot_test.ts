/**
 * `keiro plot` end to end: the picture's colours are the evaluator's loads, the highlighted path is
 * the solution's, and bad choices are usage errors.
 * @module
 */

import assert from "node:assert/strict";
import { jsonl, keiro } from "./_cli.ts";
import { checkSvg, elementsOfClass } from "../src/report/_check_svg.ts";

Deno.test("plot: a greedy routing, its hottest link at the evaluator's MLU, a commodity's path", async () => {
  const inst = (await keiro(["gen", "te", "--count", "3", "--commodities", "12", "--seed", "4"])).stdout;
  const dir = Deno.makeTempDirSync({ prefix: "keiro-plot-" });
  Deno.writeTextFileSync(`${dir}/i.jsonl`, inst);
  const greedy = await keiro(["solve", "--method", "greedy"], inst);
  Deno.writeTextFileSync(`${dir}/g.jsonl`, greedy.stdout);
  const r = await keiro([
    "plot",
    "--instances",
    `${dir}/i.jsonl`,
    `${dir}/g.jsonl`,
    "--index",
    "2",
    "--commodity",
    "5",
  ]);
  assert.equal(r.code, 0, r.stderr);
  checkSvg(r.stdout);
  const mlu = jsonl<{ mlu: number; paths: number[][] }>(greedy.stdout)[2];
  const hottest = elementsOfClass(r.stdout, "link hottest");
  assert.equal(hottest.length, 1);
  assert.equal(Number(hottest[0]["data-util"]), Math.round(mlu.mlu * 100) / 100);
  assert.ok(r.stdout.includes(`MLU ${mlu.mlu.toFixed(4)}`), "the title carries the MLU");
  const d = elementsOfClass(r.stdout, "path")[0].d;
  assert.equal(
    d.split(/[ML]/).filter((s) => s.trim()).length,
    mlu.paths[5].length,
    "one vertex per path node",
  );
  const instance = JSON.parse(inst.split("\n")[2]);
  assert.ok(
    r.stdout.includes(`commodity 5: ${instance.commodities[5].src} → ${instance.commodities[5].dst}`),
  );
  // From stdin, by id, to a file; the topology alone without solutions.
  const byId = await keiro([
    "plot",
    "--instances",
    `${dir}/i.jsonl`,
    "-",
    "--id",
    instance.id,
    "--commodity",
    "5",
    "-o",
    `${dir}/p.svg`,
  ], greedy.stdout);
  assert.equal(byId.code, 0, byId.stderr);
  assert.equal(Deno.readTextFileSync(`${dir}/p.svg`), r.stdout);
  const bare = await keiro(["plot", "--instances", `${dir}/i.jsonl`]);
  assert.equal(bare.code, 0, bare.stderr);
  assert.equal(elementsOfClass(bare.stdout, "link hottest").length, 0);
  Deno.removeSync(dir, { recursive: true });
});

Deno.test("plot: an instance or commodity that is not there, or several methods, are usage errors", async () => {
  const inst = (await keiro(["gen", "te", "--count", "2", "--commodities", "3", "--seed", "1"])).stdout;
  const dir = Deno.makeTempDirSync({ prefix: "keiro-plot-" });
  Deno.writeTextFileSync(`${dir}/i.jsonl`, inst);
  const both = (await keiro(["solve", "--method", "greedy"], inst)).stdout +
    (await keiro(["solve", "--method", "sp"], inst)).stdout;
  Deno.writeTextFileSync(`${dir}/s.jsonl`, both);
  for (
    const [args, want] of [
      [["--index", "2"], /--index 2: .* has 2 instances/],
      [["--id", "nope"], /--id nope: no instance/],
      [["--commodity", "3"], /--commodity 3: the instance has 3 commodities/],
      [[], /holds the methods greedy, sp: pick one with --method/],
      [["--method", "lp"], /lp is not among them/],
    ] as const
  ) {
    const extra = args.length === 0 || args[0] === "--method" ? [...args] : ["--method", "greedy", ...args];
    const r = await keiro(["plot", "--instances", `${dir}/i.jsonl`, `${dir}/s.jsonl`, ...extra]);
    assert.equal(r.code, 2, `${args}: ${r.stderr}`);
    assert.match(r.stderr, want);
    assert.equal(r.stdout, "");
  }
  Deno.removeSync(dir, { recursive: true });
});
