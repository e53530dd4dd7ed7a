import assert from "node:assert/strict";
import { dwaWeights } from "./dwa_weights.ts";

const close = (a: number, b: number) => assert.ok(Math.abs(a - b) < 1e-12, `${a} ≠ ${b}`);

Deno.test("dwaWeights: 1 each before two epochs have finished", () => {
  assert.deepEqual(dwaWeights([], 3), [1, 1, 1]);
  assert.deepEqual(dwaWeights([[0.5, 0.2, 0.1]], 3), [1, 1, 1]);
});

Deno.test("dwaWeights: T · softmax(r/τ) of the last two epochs' loss ratios", () => {
  // r = (0.5/1, 1/1) = (0.5, 1), τ = 2: w_0 = 2·e^0.25 / (e^0.25 + e^0.5) = 2 / (1 + e^0.25)
  //   = 0.8756469982284039, w_1 = 2 − w_0 = 1.1243530017715961 (the slower task gets more)
  const w = dwaWeights([[9, 9], [1, 1], [0.5, 1]], 2);
  close(w[0], 0.8756469982284039);
  close(w[1], 1.1243530017715961);
  // τ = 1: w_0 = 2 / (1 + e^0.5) = 0.7550813375962908
  close(dwaWeights([[1, 1], [0.5, 1]], 2, 1)[0], 0.7550813375962908);
  // equal ratios give equal weights whatever the loss scale
  assert.deepEqual(dwaWeights([[4, 0.1], [2, 0.05]], 2), [1, 1]);
  const hot = dwaWeights([[1, 1], [0.1, 10]], 2, 1e6); // large τ flattens towards 1
  close(hot[0] + hot[1], 2);
  assert.ok(Math.abs(hot[0] - 1) < 1e-4);
});

Deno.test("dwaWeights: diverged losses, wrong widths and bad temperatures are errors", () => {
  assert.throws(() => dwaWeights([[0, 1], [1, 1]], 2), RangeError);
  assert.throws(() => dwaWeights([[1, 1], [NaN, 1]], 2), RangeError);
  assert.throws(() => dwaWeights([[1, 1], [1]], 2), RangeError);
  assert.throws(() => dwaWeights([], 2, 0), RangeError);
});
