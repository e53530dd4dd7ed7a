import assert from "node:assert/strict";
import { mseLoss } from "./mse_loss.ts";

Deno.test("mseLoss: mean (p − y)² over the present targets", () => {
  // (1−2)² = 1, target 2 missing, (3−5)² = 4 → (1 + 4) / 2 = 2.5
  assert.equal(mseLoss([1, 2, 3], [2, NaN, 5]), 2.5);
  assert.equal(mseLoss([0, 0, 0], [1, -2, 3]), 14 / 3); // (1 + 4 + 9) / 3
});

Deno.test("mseLoss: all targets missing gives NaN, a NaN prediction poisons, lengths must match", () => {
  assert.ok(Number.isNaN(mseLoss([1], [NaN])));
  assert.ok(Number.isNaN(mseLoss([NaN], [1])));
  assert.throws(() => mseLoss([1], [1, 2]), RangeError);
});
