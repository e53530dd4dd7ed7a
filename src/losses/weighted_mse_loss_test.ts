import assert from "node:assert/strict";
import { mseLoss } from "./mse_loss.ts";
import { weightedMseLoss } from "./weighted_mse_loss.ts";

// 3 rows × 2 tasks, row major.
const pred = [1, 0, 2, 0, 3, 0];
const target = [2, 1, NaN, 3, 5, NaN];

Deno.test("weightedMseLoss: Σ_t w_t · MSE_t, each task averaged over its own present targets", () => {
  // task 0: (1−2)², missing, (3−5)² → (1 + 4) / 2 = 2.5
  // task 1: (0−1)², (0−3)², missing → (1 + 9) / 2 = 5
  // L = 1 · 2.5 + 0.5 · 5 = 5
  assert.equal(weightedMseLoss(pred, target, [1, 0.5]), 5);
  assert.equal(weightedMseLoss(pred, target, [0, 2]), 10);
});

Deno.test("weightedMseLoss: equal unit weights = sum of column MSEs; an unlabelled column adds 0", () => {
  const p = [1, 2, 3, 4], y = [0, 0, 5, 5]; // columns: [1,3] vs [0,5] and [2,4] vs [0,5]
  assert.equal(weightedMseLoss(p, y, [1, 1]), mseLoss([1, 3], [0, 5]) + mseLoss([2, 4], [0, 5])); // 2.5 + 2.5
  assert.equal(weightedMseLoss(p, y, [1, 1]), 5);
  // task 1 has no present target: only task 0's 2.5 remains
  assert.equal(weightedMseLoss(pred, [2, NaN, NaN, NaN, 5, NaN], [1, 1]), 2.5);
});

Deno.test("weightedMseLoss: shapes must fit [n, T]", () => {
  assert.throws(() => weightedMseLoss([1, 2, 3], [1, 2, 3], [1, 1]), RangeError);
  assert.throws(() => weightedMseLoss([1, 2], [1, 2, 3, 4], [1, 1]), RangeError);
  assert.throws(() => weightedMseLoss([], [], []), RangeError);
});
