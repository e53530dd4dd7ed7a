/**
 * Coefficient of determination.
 * @module
 */

/**
 * Coefficient of determination over the entries whose target is not NaN:
 *
 *   R² = 1 − SS_res / SS_tot,   SS_res = Σ (y_i − p_i)²,   SS_tot = Σ (y_i − ȳ)²
 *
 * with ȳ the mean of the present targets. 1 is a perfect fit, 0 is no better than predicting ȳ, and
 * it is negative for worse. As in scikit-learn's `r2_score`: a constant target (SS_tot = 0) gives 1
 * when the fit is perfect and 0 otherwise, and fewer than two present targets give NaN. A NaN
 * prediction with a present target makes the result NaN.
 *
 * @param pred predictions p
 * @param target targets y, same length as `pred`; NaN = missing
 * @throws {RangeError} when the lengths differ
 */
export function r2Score(pred: ArrayLike<number>, target: ArrayLike<number>): number {
  if (pred.length !== target.length) {
    throw new RangeError(`r2Score: ${pred.length} predictions but ${target.length} targets`);
  }
  let sum = 0, n = 0;
  for (let i = 0; i < target.length; i++) {
    if (!Number.isNaN(target[i])) {
      sum += target[i];
      n++;
    }
  }
  if (n < 2) return NaN;
  const mean = sum / n;
  let ssRes = 0, ssTot = 0;
  for (let i = 0; i < target.length; i++) {
    const y = target[i];
    if (Number.isNaN(y)) continue;
    ssRes += (y - pred[i]) ** 2;
    ssTot += (y - mean) ** 2;
  }
  if (Number.isNaN(ssRes)) return NaN;
  if (ssTot === 0) return ssRes === 0 ? 1 : 0;
  return 1 - ssRes / ssTot;
}
