/**
 * Mean absolute error (L1 loss).
 * @module
 */

import { _maskedMean } from "./_masked_mean.ts";

/**
 * Mean absolute error over the entries whose target is not NaN:
 *
 *   L1 = (1/n) · Σ_{i : y_i ≠ NaN} |p_i − y_i|,   n = #{i : y_i ≠ NaN}
 *
 * A NaN target marks a missing label and is skipped; a NaN prediction with a present target is not
 * skipped and makes the result NaN (a model that predicts NaN must not look good). When every target
 * is NaN there is nothing to average and the result is NaN.
 *
 * @param pred predictions p
 * @param target targets y, same length as `pred`
 * @throws {RangeError} when the lengths differ
 */
export function l1Loss(pred: ArrayLike<number>, target: ArrayLike<number>): number {
  return _maskedMean("l1Loss", pred, target, Math.abs);
}
