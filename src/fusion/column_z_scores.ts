/**
 * Per-column z-scores of a row-major `[S, D]` matrix: fitted on some rows (the training crystals),
 * applied to any rows (the same table, or new crystals with a saved model's scores).
 * @module
 */

import { ZScore } from "../losses/z_score.ts";

/** One {@link ZScore} per column of `x` (`[S, d]`), fitted on the rows `rows`. */
export function fitColumnZScores(x: Float32Array, d: number, rows: readonly number[]): ZScore[] {
  return Array.from({ length: d }, (_, j) => ZScore.fit(rows.map((r) => x[r * d + j])));
}

/** `x` (`[S, d]`) with column `j` z-scored by `scores[j]`. */
export function applyColumnZScores(x: Float32Array, scores: readonly ZScore[]): Float32Array {
  const d = scores.length, out = new Float32Array(x.length);
  for (let i = 0; i < x.length; i++) out[i] = scores[i % d].transform(x[i]);
  return out;
}
