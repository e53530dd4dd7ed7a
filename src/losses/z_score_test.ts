import assert from "node:assert/strict";
import { InputError } from "../errors.ts";
import { ZScore } from "./z_score.ts";

const close = (a: number, b: number) => assert.ok(Math.abs(a - b) < 1e-12, `${a} ≠ ${b}`);

Deno.test("ZScore.fit: mean and population std, NaN ignored", () => {
  // μ = 2, σ² = (1 + 0 + 1) / 3 = 2/3, σ = 0.816496580927726
  const z = ZScore.fit([1, 2, 3, NaN]);
  assert.equal(z.mean, 2);
  close(z.std, 0.816496580927726);
  close(z.transform(3), 1.224744871391589); // 1 / σ
  assert.equal(z.transform(2), 0);
  assert.deepEqual(z.toJSON(), { mean: 2, std: z.std });
});

Deno.test("ZScore: transform and inverse of arrays round trip and keep NaN", () => {
  const z = ZScore.fit([10, 20, 30, 40]); // μ = 25, σ² = (225 + 25 + 25 + 225) / 4 = 125
  close(z.std, Math.sqrt(125));
  const t = z.transform([10, NaN, 40]);
  assert.ok(t instanceof Float64Array);
  close(t[0], -15 / Math.sqrt(125));
  assert.ok(Number.isNaN(t[1]));
  const back = z.inverse(t);
  close(back[0], 10);
  assert.ok(Number.isNaN(back[1]));
  close(back[2], 40);
  close(z.inverse(z.transform(17.5)), 17.5);
});

Deno.test("ZScore: a constant column gets std 1 (centring only)", () => {
  const z = ZScore.fit([5, 5, NaN, 5]);
  assert.equal(z.mean, 5);
  assert.equal(z.std, 1);
  assert.equal(z.transform(7), 2);
  assert.equal(z.inverse(-1), 4);
});

Deno.test("ZScore: nothing to fit, infinite values and bad parameters are errors", () => {
  assert.throws(() => ZScore.fit([NaN, NaN]), InputError);
  assert.throws(() => ZScore.fit([]), InputError);
  assert.throws(() => ZScore.fit([1, Infinity]), InputError);
  assert.throws(() => new ZScore(0, 0), RangeError);
  assert.throws(() => new ZScore(NaN, 1), RangeError);
  assert.equal(new ZScore(1, 2).inverse(3), 7);
});
