/**
 * Mean squared error.
 * @module
 */

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
  if (pred.length !== target.length) {
    throw new RangeError(`mseLoss: ${pred.length} predictions but ${target.length} targets`);
  }
  let sum = 0, n = 0;
  for (let i = 0; i < target.length; i++) {
    const y = target[i];
    if (Number.isNaN(y)) continue;
    const d = pred[i] - y;
    sum += d * d;
    n++;
  }
  return n === 0 ? NaN : sum / n;
}
