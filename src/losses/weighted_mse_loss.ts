/**
 * The weighted multi-task MSE of the design notes (`WeightedMSELoss`).
 * @module
 */

/**
 * Weighted sum of per-task mean squared errors over an `[n, T]` row-major prediction/target pair,
 * `T = weights.length`:
 *
 *   L = Σ_t w_t · MSE_t,   MSE_t = (1/n_t) · Σ_{i : y_{i,t} ≠ NaN} (p_{i,t} − y_{i,t})²
 *
 * where `n_t` counts the rows whose target of task `t` is present. This is the multi-task loss of
 * the meeting notes (`WeightedMSELoss`, weights from inverse single-task validation losses), and the
 * loss the native core differentiates for any weighting other than Kendall's: each task is averaged
 * over its own labelled rows, so a task with many missing labels is not down-weighted by them.
 * A task column with no present target in the batch contributes 0 (nothing to fit), unlike
 * `mseLoss` of an all-NaN column, which is NaN. Targets are expected to be z-scored already
 * (see `ZScore`), so the `w_t` only express task priorities, not unit conversions.
 *
 * @param pred predictions, `n·T` values, row `i` task `t` at `i·T + t`
 * @param target targets, same layout; NaN = missing label
 * @param weights `w_t`, one per task
 * @throws {RangeError} when the lengths do not fit `[n, T]`
 */
export function weightedMseLoss(
  pred: ArrayLike<number>,
  target: ArrayLike<number>,
  weights: ArrayLike<number>,
): number {
  const T = weights.length;
  if (pred.length !== target.length) {
    throw new RangeError(`weightedMseLoss: ${pred.length} predictions but ${target.length} targets`);
  }
  if (T === 0 || target.length % T !== 0) {
    throw new RangeError(`weightedMseLoss: ${target.length} values do not form rows of ${T} tasks`);
  }
  const sums = new Float64Array(T), counts = new Float64Array(T);
  for (let i = 0; i < target.length; i++) {
    const y = target[i];
    if (Number.isNaN(y)) continue;
    const d = pred[i] - y;
    sums[i % T] += d * d;
    counts[i % T]++;
  }
  let loss = 0;
  for (let t = 0; t < T; t++) if (counts[t] > 0) loss += weights[t] * (sums[t] / counts[t]);
  return loss;
}
