/**
 * Per-column scaling of a row-major `[S, D]` descriptor matrix: fitted on some rows (the training
 * crystals), applied to any rows (the same table, or new crystals with a saved model's scales).
 * @module
 */

import { ZScore } from "../losses/z_score.ts";

/**
 * One column's transform, `(clamp(x, min, max) − mean) / std`: the training crystals' z-score of a
 * value clamped to their range. A network extrapolates linearly in its inputs, so one crystal whose
 * descriptor lies far outside the training range (in the Castelli perovskites, Co on both sites makes
 * `mode GSmagmom` 93 standard deviations from the mean) would otherwise be predicted thousands of eV
 * off; trees clamp the same way implicitly. Scales saved without `min`/`max` (models of earlier
 * commits) do not clamp.
 */
export interface ColumnScale {
  /** Mean of the column over the fitted rows. */
  mean: number;
  /** Population standard deviation (1 for a constant column, as {@link ZScore}). */
  std: number;
  /** Smallest and largest fitted value. */
  min?: number;
  max?: number;
}

/** One {@link ColumnScale} per column of `x` (`[S, d]`), fitted on the rows `rows`. */
export function fitColumnScales(x: Float32Array, d: number, rows: readonly number[]): ColumnScale[] {
  return Array.from({ length: d }, (_, j) => {
    const v = rows.map((r) => x[r * d + j]);
    const { mean, std } = ZScore.fit(v);
    return { mean, std, min: v.reduce((a, b) => Math.min(a, b)), max: v.reduce((a, b) => Math.max(a, b)) };
  });
}

/** `x` (`[S, d]`) with column `j` clamped and z-scored by `scales[j]`. */
export function applyColumnScales(x: Float32Array, scales: readonly ColumnScale[]): Float32Array {
  const d = scales.length, out = new Float32Array(x.length);
  for (let i = 0; i < x.length; i++) {
    const s = scales[i % d];
    const v = Math.min(Math.max(x[i], s.min ?? -Infinity), s.max ?? Infinity);
    out[i] = (v - s.mean) / s.std;
  }
  return out;
}
