/**
 * A mean and its sample standard deviation over seeds or folds.
 * @module
 */

import { mean } from "./mean.ts";

/** A mean and a sample standard deviation (n − 1; 0 for a single value). */
export interface MeanStd {
  mean: number;
  std: number;
}

/** Mean and sample standard deviation (n − 1) of `xs`; std 0 for fewer than two values. */
export function meanStd(xs: readonly number[]): MeanStd {
  const m = mean(xs);
  const std = xs.length < 2 ? 0 : Math.sqrt(xs.reduce((a, b) => a + (b - m) ** 2, 0) / (xs.length - 1));
  return { mean: m, std };
}
