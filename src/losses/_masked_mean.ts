/**
 * The masked mean that L1 and MSE share.
 * @module
 */

/**
 * `(1/n) · Σ_{i : y_i ≠ NaN} err(p_i − y_i)`: NaN targets are skipped, a NaN prediction with a
 * present target makes the result NaN, and no present target gives NaN.
 *
 * @param name the caller, for the error message
 * @throws {RangeError} when the lengths differ
 */
export function _maskedMean(
  name: string,
  pred: ArrayLike<number>,
  target: ArrayLike<number>,
  err: (d: number) => number,
): number {
  if (pred.length !== target.length) {
    throw new RangeError(`${name}: ${pred.length} predictions but ${target.length} targets`);
  }
  let sum = 0, n = 0;
  for (let i = 0; i < target.length; i++) {
    const y = target[i];
    if (Number.isNaN(y)) continue;
    sum += err(pred[i] - y);
    n++;
  }
  return n === 0 ? NaN : sum / n;
}
