/**
 * `keiro train`: train the hybrid GCN + Teal model (docs/hybrid.md) from a config.
 * @module
 */

import { join } from "node:path";
import { Command } from "commander";
import type { SubCommand } from "./_sub_command.ts";
import {
  type HybridConfig,
  loadConfig,
  RECOMMENDED_CONFIG,
  RECOMMENDED_CONFIG_PATH,
} from "../src/hybrid/config.ts";
import { train } from "../src/hybrid/train.ts";
import { writeOutput } from "../src/write_output.ts";
import { intArg } from "./_parse.ts";
import { withDeviceOption } from "./_device_option.ts";
import { chooseDevice, deviceKeys } from "../src/device.ts";

/** The `train` command. */
export function trainCommand(): SubCommand {
  const cmd = new Command("train")
    .description(
      "train the hybrid GCN + Teal router: MILP labels, supervised phase, RL phase, test evaluation",
    )
    .option(
      "-c, --config <file>",
      `training config (JSON; keys of the seed's configs/seed/hybrid_base.json accepted as they are); default: ${RECOMMENDED_CONFIG}, the general model, which routes instances of any size (with --resume: <out>/config.json)`,
    )
    .requiredOption(
      "--out <dir>",
      "run directory: config.json, data/, metrics.{jsonl,csv}, last/, best/, test.json",
    )
    .option("--train <file>", "training instances (JSONL) instead of generating num_train_data")
    .option("--val <file>", "validation instances (JSONL) instead of generating num_val_data")
    .option("--test <file>", "test instances (JSONL) instead of generating num_test_data")
    .option(
      "--resume",
      "continue <out>/last, or the labelling of a run stopped before its first checkpoint (config: --config, else <out>/config.json)",
      false,
    )
    .option("--seed <n>", "override the config's seed (default: the config's)", intArg)
    .option("--threads <n>", "override the config's threads, 0 = all cores (default: the config's)", intArg)
    .option("--epochs <n>", "override the config's max_epochs, the RL epochs (default: the config's)", intArg)
    .option("-q, --quiet", "no per-epoch lines on stderr", false);
  return withDeviceOption(cmd, "the config's use_gpu / gpu_id, else cpu")
    .addHelpText(
      "after",
      "\nExamples:\n  keiro train --out runs/general\n  keiro train --config configs/te_nsfnet_c5.json --out runs/demo\n  keiro train --out runs/demo --resume --epochs 40\n\nCtrl-C finishes the current step, saves <out>/last and exits; --resume continues it.",
    )
    .action(async (o) => {
      const file = o.config ?? (o.resume ? join(o.out, "config.json") : RECOMMENDED_CONFIG_PATH);
      const device = await chooseDevice(o.device, file);
      const overrides: Partial<HybridConfig> = {
        seed: o.seed,
        threads: o.threads,
        max_epochs: o.epochs,
        ...deviceKeys(device),
      };
      const { config, warnings } = await loadConfig(file, overrides, {
        resolved: o.resume && !o.config,
        flags: { seed: "--seed", threads: "--threads", max_epochs: "--epochs" },
      });
      for (const w of warnings) console.error(`warning: ${w}`);
      const log = o.quiet ? undefined : (line: string) => console.error(line);
      const result = await train({
        config,
        out: o.out,
        files: { train: o.train, val: o.val, test: o.test },
        resume: o.resume,
        log,
      });
      if (result.interrupted) {
        console.error(
          `stopped after ${result.epochs} complete epochs; resume with: keiro train --out ${o.out} --resume`,
        );
        Deno.exit(130);
      }
      console.error(
        `test set (${result.test!.instances} instances, checkpoint ${result.test!.checkpoint}, epoch ${
          result.test!.epoch
        }):`,
      );
      await writeOutput(undefined, result.table!);
    });
}
