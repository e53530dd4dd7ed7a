import assert from "node:assert/strict";
import { r2Score } from "./r2_score.ts";

Deno.test("r2Score: 1 − SS_res/SS_tot over the present targets", () => {
  // ȳ = 2.5, SS_tot = 2.25 + 0.25 + 0.25 + 2.25 = 5, SS_res = (4−5)² = 1 → 1 − 1/5 = 0.8
  assert.equal(r2Score([1, 2, 3, 5, 100], [1, 2, 3, 4, NaN]), 0.8);
  assert.equal(r2Score([2.5, 2.5, 2.5, 2.5], [1, 2, 3, 4]), 0); // predicting the mean
  assert.equal(r2Score([4, 3, 2, 1], [1, 2, 3, 4]), -3); // SS_res = 9 + 1 + 1 + 9 = 20 → 1 − 4
  assert.equal(r2Score([1, 2], [1, 2]), 1);
});

Deno.test("r2Score: constant target, too few targets and NaN predictions", () => {
  assert.equal(r2Score([2, 2], [2, 2]), 1);
  assert.equal(r2Score([2, 3], [2, 2]), 0);
  assert.ok(Number.isNaN(r2Score([1, 2], [1, NaN])));
  assert.ok(Number.isNaN(r2Score([NaN, 2, 3], [1, 2, 3])));
  assert.throws(() => r2Score([1], [1, 2]), RangeError);
});
