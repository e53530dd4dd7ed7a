import assert from "node:assert/strict";
import { Dataset } from "./dataset.ts";
import { generate } from "./generate.ts";
import { solveEach } from "./solve_each.ts";

Deno.test("solveEach: one parsed solution per instance, in input order, across blocks", async () => {
  // 300 instances: the greedy heuristic is solved in blocks of 256, so two chunks.
  const text = await generate({ topology: "nsfnet", commodities: 3, count: 300, seed: 11 });
  const ids = text.split("\n").filter((l) => l.trim() !== "").map((l) => JSON.parse(l).id);
  using ds = await Dataset.parse(text);
  const seen: unknown[] = [];
  let progress = 0;
  for await (const s of solveEach(ds, { method: "greedy", threads: 2 }, (d) => (progress = d))) {
    assert.equal(s.paths.length, 3);
    assert.ok(s.mlu > 0);
    seen.push(s.id);
  }
  assert.deepEqual(seen, ids);
  assert.equal(progress, 300);
});
