/**
 * The options of `keiro compare` and `keiro eval` that add trained models as methods.
 * @module
 */

import type { Command, OptionValues } from "commander";
import type { ModelSourceOptions } from "../src/hybrid/model_sources.ts";
import { boundedIntArg, temperatureArg, topPArg } from "./_parse.ts";

/**
 * Adds `--model` (help text `modelHelp`), `--model-samples`, `--model-temperature`, `--model-top-p`
 * and `--model-local-search`.
 */
export function withModelOptions<A extends unknown[], O extends OptionValues>(
  cmd: Command<A, O>,
  modelHelp: string,
) {
  return cmd
    .option("--model <dir>", modelHelp, (v: string, prev: string[]) => [...prev, v], [] as string[])
    .option(
      "--model-samples <n>",
      "N of the models' best-of-N method (1 = greedy only)",
      boundedIntArg(1, "max_samples"),
      32,
    )
    .option(
      "--model-temperature <t>",
      "best-of-N sampling temperature (default: each checkpoint's tuned one (keiro tune), else its run's eval_temperature, else its sampling_temperature)",
      temperatureArg,
    )
    .option(
      "--model-top-p <p>",
      "best-of-N nucleus threshold (default: each checkpoint's tuned one, else its run's eval_top_p)",
      topPArg,
    )
    .option(
      "--model-local-search <n>",
      "also report each model's decodes followed by local search from every candidate, n rounds per commodity (methods keiro+ls, keiro-best<N>+ls); 0 = none",
      boundedIntArg(0, "max_local_search"),
      0,
    );
}

/** The decoding options parsed by {@link withModelOptions}. */
export function modelSourceOptions(
  o: { modelSamples: number; modelTemperature?: number; modelTopP?: number; modelLocalSearch: number },
): ModelSourceOptions {
  return {
    samples: o.modelSamples,
    temperature: o.modelTemperature,
    top_p: o.modelTopP,
    local_search: o.modelLocalSearch,
  };
}
