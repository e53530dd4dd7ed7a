/**
 * A reference of Kendall et al.'s homoscedastic uncertainty weighting, for tests and reports (the
 * native core learns the log variances and differentiates the same formula).
 * @module
 */

function _check(losses: ArrayLike<number>, logVars: ArrayLike<number>): void {
  if (losses.length !== logVars.length) {
    throw new RangeError(`kendallLoss: ${losses.length} task losses but ${logVars.length} log variances`);
  }
}

/**
 * The uncertainty-weighted multi-task loss (Kendall, Gal and Cipolla, "Multi-Task Learning Using
 * Uncertainty to Weigh Losses", CVPR 2018) in the form of the fusion seed's
 * `MultiTaskUncertaintyWeighting`:
 *
 *   L = Σ_t exp(−s_t) · L_t + s_t,   s_t = log σ_t²
 *
 * The paper's regression form is (1/(2σ_t²)) · L_t + log σ_t = ½ · (exp(−s_t) · L_t + s_t), half of
 * this one (the seed's comment says 1/(2σ²) but its code, followed here, uses exp(−s_t)); both
 * have the same minimiser in s_t, s_t* = log L_t, i.e. the learned weight tends to 1/L_t, the
 * inverse-loss weighting, and only the gradient scale differs by 2. The s_t term keeps σ_t from
 * growing without bound. Learning s_t rather than σ_t keeps it unconstrained and stable.
 *
 * @param losses per-task losses L_t
 * @param logVars s_t = log σ_t², one per task (0 = weight 1)
 * @throws {RangeError} when the lengths differ
 */
export function kendallLoss(losses: ArrayLike<number>, logVars: ArrayLike<number>): number {
  _check(losses, logVars);
  let sum = 0;
  for (let t = 0; t < losses.length; t++) sum += Math.exp(-logVars[t]) * losses[t] + logVars[t];
  return sum;
}

/**
 * The effective task weights of {@link kendallLoss}, w_t = exp(−s_t) = 1/σ_t², for reporting what a
 * Kendall-weighted run learned.
 *
 * @param logVars s_t = log σ_t²
 */
export function kendallWeights(logVars: ArrayLike<number>): number[] {
  return Array.from(logVars, (s) => Math.exp(-s));
}
