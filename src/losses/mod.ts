/**
 * Losses, metrics, target transforms and task weightings of the multi-task materials regression:
 * the TypeScript side evaluates and reports with these and chooses the per-epoch task weights; the
 * native core differentiates the same formulas.
 * @module
 */

export { l1Loss } from "./l1_loss.ts";
export { mseLoss } from "./mse_loss.ts";
export { weightedMseLoss } from "./weighted_mse_loss.ts";
export { r2Score } from "./r2_score.ts";
export { ZScore } from "./z_score.ts";
export { type AngleOptions, decodeAngle, encodeAngle } from "./angle_target.ts";
export { parseTaskWeighting, type TaskWeighting } from "./task_weighting.ts";
export {
  appendLossHistory,
  inverseLossWeights,
  type LossHistory,
  readLossHistory,
} from "./inverse_loss_weights.ts";
export { dwaWeights } from "./dwa_weights.ts";
export { kendallLoss, kendallWeights } from "./kendall_loss.ts";
export { TaskWeighter } from "./task_weighter.ts";
export { type DeltaP, deltaP, type DeltaPTask } from "./delta_p.ts";
