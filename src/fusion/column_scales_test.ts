import assert from "node:assert/strict";
import { applyColumnScales, fitColumnScales } from "./column_scales.ts";

const _close = (a: number, b: number, tol: number, msg?: string) =>
  assert.ok(Math.abs(a - b) <= tol, `${msg ?? ""} ${a} vs ${b}`);

Deno.test("fitColumnScales: mean, population std and range of the fitted rows only", () => {
  // [4, 2]; rows 0..2 fit, row 3 (an outlier in column 1) does not
  const x = Float32Array.from([1, 0, 2, 0, 3, 0.5, 9, 100]);
  const [a, b] = fitColumnScales(x, 2, [0, 1, 2]);
  _close(a.mean, 2, 1e-12);
  _close(a.std, Math.sqrt(2 / 3), 1e-7);
  assert.deepEqual([a.min, a.max, b.min, b.max], [1, 3, 0, 0.5]);
});

Deno.test("applyColumnScales: a value outside the fitted range is clamped to it before the z-score", () => {
  const x = Float32Array.from([1, 0, 2, 0, 3, 0.5, 9, 100]);
  const scales = fitColumnScales(x, 2, [0, 1, 2]);
  const z = applyColumnScales(x, scales);
  const maxZ = (0.5 - scales[1].mean) / scales[1].std;
  _close(z[5], maxZ, 1e-6);
  _close(z[7], maxZ, 1e-6, "100 is clamped to the fitted maximum 0.5:");
  _close(z[6], (3 - 2) / scales[0].std, 1e-6, "9 is clamped to 3:");
});

Deno.test("applyColumnScales: scales saved without a range (earlier models) only z-score", () => {
  const z = applyColumnScales(Float32Array.from([10, -10]), [{ mean: 0, std: 2 }]);
  assert.deepEqual(Array.from(z), [5, -5]);
});
