/**
 * Dynamic Weight Average task weights.
 * @module
 */

/**
 * Dynamic Weight Average (Liu, Johns and Davison, "End-to-End Multi-Task Learning with Attention",
 * CVPR 2019): the weights of epoch e from the training losses of the two epochs before it,
 *
 *   r_t = L_t(e−1) / L_t(e−2),   w_t = T · exp(r_t/τ) / Σ_j exp(r_j/τ)
 *
 * with T the number of tasks and τ the temperature (2 in the paper; larger τ flattens the weights
 * towards 1). A task whose loss fell more slowly (larger r_t) gets more weight; the weights sum to
 * T. While fewer than two epochs have finished every weight is 1.
 *
 * @param history per-task training losses of the finished epochs, oldest first (`history[e][t]`);
 *   only the last two rows are used
 * @param taskCount T
 * @param temperature τ > 0, default 2
 * @throws {RangeError} when a row's length is not `taskCount` or a loss used is not positive and
 *   finite (a diverged run)
 */
export function dwaWeights(
  history: readonly ArrayLike<number>[],
  taskCount: number,
  temperature = 2,
): number[] {
  if (!(temperature > 0) || !Number.isFinite(temperature)) {
    throw new RangeError(`dwaWeights: the temperature must be positive, got ${temperature}`);
  }
  const e = history.length;
  if (e < 2) return new Array(taskCount).fill(1);
  const last = history[e - 1], before = history[e - 2];
  if (last.length !== taskCount || before.length !== taskCount) {
    throw new RangeError(`dwaWeights: expected ${taskCount} losses per epoch`);
  }
  const r = Array.from({ length: taskCount }, (_, t) => {
    const a = last[t], b = before[t];
    if (!(a > 0 && b > 0 && Number.isFinite(a) && Number.isFinite(b))) {
      throw new RangeError(`dwaWeights: task ${t} has losses ${b}, ${a}; they must be positive and finite`);
    }
    return a / b / temperature;
  });
  const top = Math.max(...r); // subtracted before exp for numerical safety; the ratio is unchanged
  const ex = r.map((x) => Math.exp(x - top));
  const sum = ex.reduce((s, x) => s + x, 0);
  return ex.map((x) => taskCount * x / sum);
}
