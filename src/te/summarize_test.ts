import assert from "node:assert/strict";
import type { Evaluation } from "./dataset.ts";
import { ratio, summarize } from "./summarize.ts";

const ev = (mlu: number, complete = true): Evaluation => ({ mlu, complete, problems: [], verified: true });

Deno.test("ratio: reference / MLU, incomplete counts 0, zero loads count 1", () => {
  assert.equal(ratio(0.5, ev(1)), 0.5);
  assert.equal(ratio(0.5, ev(0.2, false)), 0);
  assert.equal(ratio(0, ev(0)), 1);
});

Deno.test("summarize: the mean counts failures as 0 instead of dropping them", () => {
  const s = summarize("m", [ev(1), ev(2), ev(1, false), ev(1)], [1, 1, 1, 0.5], [2, 4, undefined, 6]);
  assert.equal(s.instances, 4);
  assert.equal(s.mean_ratio, (1 + 0.5 + 0 + 0.5) / 4);
  assert.equal(s.worst_ratio, 0);
  assert.equal(s.worst_instance, 2);
  assert.equal(s.complete_pct, 75);
  assert.equal(s.mean_mlu, 4 / 3);
  assert.equal(s.mean_mlu_over_reference, (1 + 2 + 2) / 3);
  assert.equal(s.mean_time_ms, 4);
});

Deno.test("summarize: the worst instance is the evaluation's instance index, not its position", () => {
  const s = summarize("m", [{ ...ev(1), instance: 4 }, { ...ev(2), instance: 9 }], [1, 1], [1, 1]);
  assert.equal(s.worst_instance, 9);
  assert.equal(s.instances, 2);
});
