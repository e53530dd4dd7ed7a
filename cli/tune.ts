/**
 * `keiro tune`: choose a trained run's best-of-N sampling on its validation set (what `keiro train`
 * does after training when `eval_sampling_grid` is set), e.g. for a run trained before tuning
 * existed or with another grid.
 * @module
 */

import { resolve } from "node:path";
import { Command, InvalidArgumentError } from "commander";
import type { SubCommand } from "./_sub_command.ts";
import { UsageError } from "../src/errors.ts";
import { resolveConfig } from "../src/hybrid/config.ts";
import type { EvalSampling } from "../src/hybrid/eval_sampling.ts";
import { prepareSplit } from "../src/hybrid/labelled_set.ts";
import { withDeviceOption } from "./_device_option.ts";
import { chooseDevice } from "../src/device.ts";
import { openModel } from "../src/hybrid/route_with_model.ts";
import { SAMPLING_FILE, tuneSampling } from "../src/hybrid/tune_sampling.ts";
import { boundedIntArg, intArg, temperatureArg, topPArg } from "./_parse.ts";

function _grid(v: string): EvalSampling[] {
  return v.split(",").map((pair) => {
    const [t, p, extra] = pair.split("/");
    if (t === undefined || p === undefined || extra !== undefined) {
      throw new InvalidArgumentError(
        `expected temperature/top-p pairs like 1/0.9,0.5/0.9, got ${JSON.stringify(v)}`,
      );
    }
    return { temperature: temperatureArg(t.trim()), top_p: topPArg(p.trim()) };
  });
}

/** The `tune` command. */
export function tuneCommand(): SubCommand {
  return withDeviceOption(new Command("tune"), "cpu")
    .description(
      `choose a trained run's best-of-N sampling (temperature, top-p) on its validation set; saves it as ${SAMPLING_FILE} beside the checkpoint, where route, compare and eval find it`,
    )
    .requiredOption("--model <dir>", "a run directory of keiro train (its best/ checkpoint, else last/)")
    .option(
      "--grid <pairs>",
      "settings to try after the run's own, temperature/top-p pairs separated by commas (default: the run's eval_sampling_grid)",
      _grid,
    )
    .option(
      "--instances <n>",
      "validation instances routed per setting (default: the run's eval_tune_instances)",
      boundedIntArg(1, "max_items"),
    )
    .option("--seed <n>", "sampling seed (default: the run's seed + 2, as keiro train uses)", intArg)
    .addHelpText(
      "after",
      "\nPrints the trials and the choice as JSON.\n\nExample:\n  keiro tune --model runs/demo --grid 0.5/0.9,1/0.9,2/1",
    )
    .action(async (o) => {
      const opened = await openModel(o.model, await chooseDevice(o.device));
      try {
        if (!opened.config || resolve(opened.dir) === resolve(o.model)) {
          throw new UsageError(
            `--model ${o.model}: expected a run directory of keiro train (with config.json and best/ or last/)`,
          );
        }
        const cfg = resolveConfig(opened.config, `the config.json of ${o.model}`).config;
        const val = await prepareSplit(cfg, "val", {
          out: o.model,
          reuse: true,
          log: (l) => console.error(l),
        });
        try {
          const tuning = await tuneSampling(cfg, opened.model, val, {
            grid: o.grid,
            instances: o.instances,
            seed: o.seed,
            dir: opened.dir,
            log: (l) => console.error(l),
          });
          console.log(JSON.stringify(tuning, null, 2));
        } finally {
          val.ds.close();
        }
      } finally {
        opened.model.close();
      }
    });
}
