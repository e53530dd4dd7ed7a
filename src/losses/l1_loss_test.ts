import assert from "node:assert/strict";
import { l1Loss } from "./l1_loss.ts";

Deno.test("l1Loss: mean |p − y| over the present targets", () => {
  // |1−2| = 1, target 2 missing, |3−5| = 2 → (1 + 2) / 2 = 1.5
  assert.equal(l1Loss([1, 2, 3], [2, NaN, 5]), 1.5);
  assert.equal(l1Loss(new Float64Array([4, -1]), new Float32Array([1, 1])), 2.5); // (3 + 2) / 2
});

Deno.test("l1Loss: all targets missing gives NaN, a NaN prediction poisons, lengths must match", () => {
  assert.ok(Number.isNaN(l1Loss([1, 2], [NaN, NaN])));
  assert.ok(Number.isNaN(l1Loss([], [])));
  assert.ok(Number.isNaN(l1Loss([NaN, 1], [0, 1])));
  assert.throws(() => l1Loss([1, 2], [1]), RangeError);
});
