import assert from "node:assert/strict";
import { kendallLoss, kendallWeights } from "./kendall_loss.ts";

const close = (a: number, b: number) => assert.ok(Math.abs(a - b) < 1e-12, `${a} ≠ ${b}`);

Deno.test("kendallLoss: Σ exp(−s_t)·L_t + s_t", () => {
  // s = (0, log 2): 1·2 + 0 + 0.5·0.5 + log 2 = 2.25 + 0.6931471805599453 = 2.9431471805599454
  close(kendallLoss([2, 0.5], [0, Math.log(2)]), 2.9431471805599454);
  assert.equal(kendallLoss([3, 4], [0, 0]), 7); // s = 0: the plain sum
  assert.throws(() => kendallLoss([1], [0, 0]), RangeError);
});

Deno.test("kendallLoss: for fixed L_t the minimum is at s_t = log L_t (weight 1/L_t)", () => {
  const L = 0.5, at = (s: number) => kendallLoss([L], [s]);
  close(at(Math.log(L)), 1 + Math.log(L)); // e^{−log L}·L + log L
  assert.ok(at(Math.log(L)) < at(Math.log(L) + 0.01));
  assert.ok(at(Math.log(L)) < at(Math.log(L) - 0.01));
});

Deno.test("kendallWeights: exp(−s_t)", () => {
  const w = kendallWeights(new Float64Array([0, Math.log(4)]));
  assert.equal(w[0], 1);
  close(w[1], 0.25);
  assert.deepEqual(kendallWeights([]), []);
});
