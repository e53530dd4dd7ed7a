/**
 * Mean absolute error (L1 loss).
 * @module
 */

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
  if (pred.length !== target.length) {
    throw new RangeError(`l1Loss: ${pred.length} predictions but ${target.length} targets`);
  }
  let sum = 0, n = 0;
  for (let i = 0; i < target.length; i++) {
    const y = target[i];
    if (Number.isNaN(y)) continue;
    sum += Math.abs(pred[i] - y);
    n++;
  }
  return n === 0 ? NaN : sum / n;
}
