/**
 * The reward settings of an RL step, taken from a training config.
 * @module
 */

import type { HybridConfig } from "./config.ts";
import type { RewardOptions } from "./model.ts";

/** The native step's `reward` object for `cfg` (docs/hybrid.md "Losses"). */
export function rewardOptions(cfg: HybridConfig): RewardOptions {
  return {
    version: cfg.reward_function_version,
    smooth_penalty: cfg.rl_use_smooth_penalty,
    penalty_lambda: cfg.rl_penalty_lambda,
    completion_penalty: cfg.use_completion_penalty,
    completion_penalty_weight: cfg.completion_penalty_weight,
  };
}
