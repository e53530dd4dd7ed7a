import assert from "node:assert/strict";
import { Rng } from "../rng.ts";
import { fitRidge, predictRidge } from "./fit_ridge.ts";

function _columns(n: number, seed: number): [Float64Array, Float64Array] {
  const r = new Rng(seed);
  const u = () => r.u32() / 2 ** 32;
  return [Float64Array.from({ length: n }, u), Float64Array.from({ length: n }, () => 3 * u() - 1)];
}

Deno.test("fitRidge: λ = 0 recovers known weights and intercept; only the given rows count", () => {
  const [a, b] = _columns(50, 1);
  const y = a.map((v, i) => 0.1 + 0.3 * v + 0.7 * b[i]);
  y[0] = 1e6; // not among the rows
  const rows = Array.from({ length: 49 }, (_, i) => i + 1);
  const m = fitRidge([a, b], y, rows, 0);
  assert.ok(Math.abs(m.weights[0] - 0.3) < 1e-6 && Math.abs(m.weights[1] - 0.7) < 1e-6, `${m.weights}`);
  assert.ok(Math.abs(m.intercept - 0.1) < 1e-6, `${m.intercept}`);
  assert.ok(Math.abs(predictRidge(m, [a, b], 0) - (0.1 + 0.3 * a[0] + 0.7 * b[0])) < 1e-6);
});

Deno.test("fitRidge: a penalty shrinks the weights towards 0; a constant column gets weight 0", () => {
  const [a, b] = _columns(40, 2);
  const y = a.map((v, i) => 2 * v - b[i]);
  const rows = Array.from({ length: 40 }, (_, i) => i);
  const norm = (w: number[]) => Math.hypot(...w);
  const w0 = fitRidge([a, b], y, rows, 0).weights, w1 = fitRidge([a, b], y, rows, 1).weights;
  assert.ok(norm(w1) < 0.8 * norm(w0), `${w0} → ${w1}`);
  const c = new Float64Array(40).fill(5);
  const m = fitRidge([a, c], a.map((v) => 2 * v + 1), rows, 0);
  assert.ok(Math.abs(m.weights[1]) < 1e-9 && Math.abs(m.weights[0] - 2) < 1e-6, `${m.weights}`);
  assert.throws(() => fitRidge([a], y, [], 0), RangeError);
  assert.throws(() => fitRidge([a], y, rows, -1), RangeError);
});
