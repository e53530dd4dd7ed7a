/**
 * `keiro route`: route TE instances with a trained hybrid model (greedy decode or best-of-N).
 * @module
 */

import { Command } from "commander";
import type { SubCommand } from "./_sub_command.ts";
import { UsageError } from "../src/errors.ts";
import { withDeviceOption } from "./_device_option.ts";
import { chooseDevice } from "../src/device.ts";
import { openModel, routeWithModel } from "../src/hybrid/route_with_model.ts";
import { readDataset } from "../src/te/read_dataset.ts";
import { writeOutput } from "../src/write_output.ts";
import { boundedIntArg, intArg, temperatureArg, topPArg } from "./_parse.ts";

/** The `route` command. */
export function routeCommand(): SubCommand {
  return withDeviceOption(new Command("route"), "cpu")
    .description("route TE instances (JSONL) with a trained keiro model; one solution per instance")
    .argument("[instances]", "instances file (JSONL); default stdin")
    .requiredOption(
      "--model <dir>",
      "a run directory of keiro train (its best/ checkpoint) or a checkpoint directory",
    )
    .option(
      "--samples <n>",
      "best of the greedy decode and n − 1 samples (method keiro-best<n>) (default: 1, the greedy decode)",
      boundedIntArg(1, "max_samples"),
    )
    .option("--greedy", "greedy decode only (method keiro; the default)", false)
    .option(
      "--temperature <t>",
      "sampling temperature (default: the checkpoint's tuned one (keiro tune), else the run's eval_temperature, else its sampling_temperature)",
      temperatureArg,
    )
    .option(
      "--top-p <p>",
      "nucleus sampling threshold (default: the checkpoint's tuned one, else the run's eval_top_p)",
      topPArg,
    )
    .option("--seed <n>", "sampling seed (default: 0)", intArg)
    .option(
      "--local-search <n>",
      'then improve each candidate (the greedy decode and each distinct sample) by local search, n rounds per commodity, and keep the best (method name + "+ls"; the greedy_ls method uses 10)',
      boundedIntArg(0, "max_local_search"),
      0,
    )
    .option("-o, --output <file>", "write to a file (atomically) instead of stdout")
    .addHelpText(
      "after",
      "\nExamples:\n  keiro gen te --count 20 --seed 7 | keiro route --model runs/demo > keiro.jsonl\n  keiro route --model runs/demo --samples 32 test.jsonl > best32.jsonl",
    )
    .action(async (file, o) => {
      if (o.greedy && o.samples !== undefined && o.samples > 1) {
        throw new UsageError("--greedy and --samples > 1 exclude each other");
      }
      const device = await chooseDevice(o.device);
      using ds = await readDataset(file);
      const opened = await openModel(o.model, device);
      try {
        const out = await routeWithModel(opened, ds, file ?? "stdin", {
          samples: o.greedy ? 1 : o.samples ?? 1,
          temperature: o.temperature,
          top_p: o.topP,
          seed: o.seed,
          local_search: o.localSearch,
        });
        await writeOutput(o.output, out);
      } finally {
        opened.model.close();
      }
    });
}
