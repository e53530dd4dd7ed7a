/**
 * Mean squared error.
 * @module
 */

import { _maskedMean } from "./_masked_mean.ts";

/**
 * Mean squared error over the entries whose target is not NaN:
 *
 *   MSE = (1/n) · Σ_{i : y_i ≠ NaN} (p_i − y_i)²,   n = #{i : y_i ≠ NaN}
 *
 * A NaN target marks a missing label and is skipped; a NaN prediction with a present target makes
 * the result NaN. When every target is NaN the result is NaN. The RMSE is `Math.sqrt(mseLoss(…))`.
 *
 * @param pred predictions p
 * @param target targets y, same length as `pred`
 * @throws {RangeError} when the lengths differ
 */
export function mseLoss(pred: ArrayLike<number>, target: ArrayLike<number>): number {
  return _maskedMean("mseLoss", pred, target, (d) => d * d);
}
