import assert from "node:assert/strict";
import { Rng } from "../rng.ts";
import { stackPredictions } from "./stack_predictions.ts";

/** Two base models' predictions over 200 rows and a target 0.25·a + 0.75·b + 0.05 (+ noise). */
function _bases(noise: number, seed: number) {
  const r = new Rng(seed);
  const u = () => r.u32() / 2 ** 32;
  const n = 200;
  const a = Float64Array.from({ length: n }, u), b = Float64Array.from({ length: n }, u);
  const y = a.map((v, i) => 0.05 + 0.25 * v + 0.75 * b[i] + noise * (u() - 0.5));
  return { a, b, y, fit: Array.from({ length: 60 }, (_, i) => 100 + i) };
}

Deno.test("stackPredictions: recovers the known weights of synthetic base predictions", () => {
  const { a, b, y, fit } = _bases(0, 1);
  const s = stackPredictions([a, b], y, fit, { seed: 0 });
  assert.equal(s.lambda, 0, `cross-fitted MAE per λ ${s.cvMae}`);
  assert.ok(Math.abs(s.model.weights[0] - 0.25) < 1e-6 && Math.abs(s.model.weights[1] - 0.75) < 1e-6);
  assert.ok(Math.abs(s.model.intercept - 0.05) < 1e-6);
  for (const r of [0, 50, 199]) assert.ok(Math.abs(s.predictions[r] - y[r]) < 1e-6, `row ${r}`);
  // with noise, still close
  const noisy = _bases(0.2, 2);
  const t = stackPredictions([noisy.a, noisy.b], noisy.y, noisy.fit, { seed: 0 });
  assert.ok(Math.abs(t.model.weights[0] - 0.25) < 0.1 && Math.abs(t.model.weights[1] - 0.75) < 0.1);
});

Deno.test("stackPredictions: a fit row's prediction never depends on its own target (cross-fitted)", () => {
  const { a, b, y, fit } = _bases(0.2, 3);
  const lambdas = [0.01];
  const s = stackPredictions([a, b], y, fit, { seed: 4, lambdas });
  for (const i of [0, 17, 59]) {
    const r = fit[i];
    const moved = Float64Array.from(y);
    moved[r] += 1000;
    const t = stackPredictions([a, b], moved, fit, { seed: 4, lambdas });
    assert.equal(t.predictions[r], s.predictions[r], `fit row ${r}: its own target moved its prediction`);
    // the rows of the other folds (and every row outside the fit rows) do see it
    const other = fit.find((_, j) => s.folds[j] !== s.folds[i])!;
    assert.notEqual(t.predictions[other], s.predictions[other]);
    assert.notEqual(t.predictions[0], s.predictions[0]);
  }
  // targets of rows outside the fit rows (the base models' training rows) are never used
  const train = Float64Array.from(y);
  for (let r = 0; r < 100; r++) train[r] = 1e9;
  assert.deepEqual(stackPredictions([a, b], train, fit, { seed: 4, lambdas }).predictions, s.predictions);
  assert.throws(() => stackPredictions([a, b], y, [5], { seed: 0 }), RangeError);
});
