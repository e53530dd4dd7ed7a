import assert from "node:assert/strict";
import { Dataset } from "../te/dataset.ts";
import { generate } from "../te/generate.ts";
import { type SolvedInstance, solveEach } from "../te/solve_each.ts";
import { imitationTargets } from "./imitation_targets.ts";
import type { LabelledSet, MilpLabel } from "./labelled_set.ts";

Deno.test("imitationTargets: greedy paths exactly where the greedy MLU matches the label's", async () => {
  const text = await generate({ topology: "nsfnet", commodities: 5, count: 6, seed: 3 });
  using ds = await Dataset.parse(text);
  const greedy: SolvedInstance[] = [];
  for await (const s of solveEach(ds, { method: "greedy", threads: 1 })) greedy.push(s);
  // Even instances: a label as good as greedy; odd ones: a label 10 % better than greedy.
  const marker = [[0]];
  const labels: MilpLabel[] = greedy.map((g, i) => ({
    mlu: i % 2 === 0 ? g.mlu : 0.9 * g.mlu,
    optimal: true,
    paths: marker,
    time_ms: 1,
  }));
  const set: LabelledSet = { split: "train", path: "-", ds, labels };

  const t = await imitationTargets(set, "greedy_if_optimal", 1);
  assert.equal(t.greedy, 3);
  t.paths.forEach((p, i) => assert.deepEqual(p, i % 2 === 0 ? greedy[i].paths : marker, `instance ${i}`));

  const m = await imitationTargets(set, "milp", 1);
  assert.equal(m.greedy, 0);
  assert.ok(m.paths.every((p) => p === marker));
});
