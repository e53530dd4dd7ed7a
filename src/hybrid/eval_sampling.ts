/**
 * The sampling settings of best-of-N decoding, shared by training's validation and test and by
 * routing with a trained model.
 * @module
 */

import type { HybridConfig } from "./config.ts";

/** Temperature and nucleus threshold of best-of-N sampling. */
export interface EvalSampling {
  temperature: number;
  top_p: number;
}

/**
 * A run's best-of-N sampling: `eval_temperature`, else `sampling_temperature`, and `eval_top_p`.
 * Keys missing from `cfg` (a run saved before they existed, or no config at all) take the seed's
 * defaults: temperature 1, top-p 0.9.
 */
export function evalSampling(
  cfg?: Partial<Pick<HybridConfig, "eval_temperature" | "sampling_temperature" | "eval_top_p">>,
): EvalSampling {
  return {
    temperature: cfg?.eval_temperature ?? cfg?.sampling_temperature ?? 1,
    top_p: cfg?.eval_top_p ?? 0.9,
  };
}
