/**
 * `keiro params gen|train|predict|loop`: images drawn from parameters, a CNN that regresses the
 * parameters back, and the generate → estimate → regenerate → compare loop; docs/params.md.
 * @module
 */

import { dirname, join } from "node:path";
import { Command, Option } from "commander";
import { withDeviceOption } from "./_device_option.ts";
import type { SubCommand } from "./_sub_command.ts";
import { commandLine } from "./_command_line.ts";
import { chooseDevice } from "../src/device.ts";
import { parseTaskWeighting, type TaskWeighting } from "../src/losses/task_weighting.ts";
import { readConfigText } from "../src/read_text.ts";
import { checkOutputDir, writeOutput } from "../src/write_output.ts";
import { drawParamsRecords, writeParamsSet } from "../src/params/generate_params_set.ts";
import { loadParamsConfig } from "../src/params/load_params_config.ts";
import { formatTargetErrors, paramErrors } from "../src/params/param_errors.ts";
import { parseParamTargets, targetValues } from "../src/params/param_targets.ts";
import { DEFAULT_RANGES, type ParamsRanges, parseParamsRanges } from "../src/params/params_ranges.ts";
import { readParamsSet } from "../src/params/read_params_set.ts";
import { runParamsLoop } from "../src/params/run_params_loop.ts";
import { formatParamsResults, runParamsTraining } from "../src/params/run_params_training.ts";
import { predictWithSavedModel } from "../src/params/saved_params_model.ts";
import { boundedIntArg, intArg, positiveIntArg } from "./_parse.ts";

/** The ranges of `--config` (defaults without it). */
async function _ranges(path?: string): Promise<ParamsRanges> {
  return path === undefined ? { ...DEFAULT_RANGES } : parseParamsRanges(await readConfigText(path), path);
}

/** `--weighting`: the meeting notes' names (inverse-latest, inverse-average) or a `--task-weighting` form. */
function _weighting(spec: string, history: string, targets: string[]): TaskWeighting {
  const m = /^inverse-(latest|average)$/.exec(spec);
  return parseTaskWeighting(m ? `inverse:${m[1]}:${history}` : spec, targets);
}

/** The `params` command group. */
export function paramsCommand(): SubCommand {
  const params = new Command("params").description(
    "parametric images → parameters: generator, multi-task CNN, regenerate-and-compare loop (docs/params.md)",
  );
  params.command("gen")
    .description("draw images from random parameters: DIR/<id>.png, DIR/params.jsonl, DIR/ranges.json")
    .requiredOption("--out <dir>", "output folder")
    .option("--count <n>", "images to draw", boundedIntArg(1, "max_items"), 100)
    .option("--seed <n>", "random seed (same seed, byte-identical files)", intArg, 0)
    .option("-c, --config <file>", "parameter ranges (JSON: size, circles, dips, hue, radius, stroke, noise)")
    .addHelpText("after", "\nExample:\n  keiro params gen --count 2000 --seed 1 --out runs/images")
    .action(async (o) => {
      const ranges = await _ranges(o.config);
      await checkOutputDir(o.out, "--out");
      await writeParamsSet(o.out, drawParamsRecords(o.count, o.seed, ranges), ranges);
    });
  withDeviceOption(
    params.command("train")
      .description("train CNNs that regress the parameters of the images in DIR (with its params.jsonl)")
      .argument("<dir>", "folder of images and params.jsonl (keiro params gen)"),
    "cpu",
  )
    .requiredOption(
      "--out <dir>",
      "output folder: <group>/seed<n>/{model.safetensors,model.json,metrics.csv}, results.json",
    )
    .option("--targets <list>", "comma-separated targets, name or name:count|angle|real", "circles,dips,hue")
    .option(
      "--single",
      "one single-task model per target, each appending its best validation loss to --history",
      false,
    )
    .option("--repeat <n>", "runs with seeds seed .. seed+n-1", boundedIntArg(1, "max_runs"), 1)
    .option("--seed <n>", "first seed", intArg, 0)
    .addOption(
      new Option(
        "--weighting <spec>",
        "multi-task weighting: equal, inverse-latest, inverse-average, kendall, dwa[:T], fixed:T=W,…",
      ).default("equal"),
    )
    .option("--history <file>", "the single-task loss history (default: val_losses.json beside --out)")
    .option("--test <dir>", "held-out images the errors are measured on (default: the validation images)")
    .option("--baseline <file>", "results.json of a --single run: report Δp and negative transfer against it")
    .option("-c, --config <file>", "model and run config (JSON; docs/params.md)")
    .option("--epochs <n>", "maximum epochs (default: the config's)", positiveIntArg)
    .addHelpText(
      "after",
      `
Examples:
  keiro params train runs/images --targets circles,dips,hue --single --repeat 2 --out runs/single
  keiro params train runs/images --weighting inverse-latest --baseline runs/single/results.json --out runs/multi`,
    )
    .action(async function (this: SubCommand, dir: string) {
      const o = this.opts();
      const targets = parseParamTargets(o.targets);
      const history = o.history ?? join(dirname(o.out), "val_losses.json");
      const weighting = _weighting(o.weighting, history, targets.map((t) => t.name));
      const config = await loadParamsConfig(o.config);
      if (o.epochs !== undefined) config.epochs = o.epochs;
      await checkOutputDir(o.out, "--out");
      const device = await chooseDevice(o.device);
      const set = await readParamsSet(dir);
      const test = o.test === undefined ? undefined : await readParamsSet(o.test);
      const r = await runParamsTraining(set, {
        targets,
        single: o.single,
        repeat: o.repeat,
        seed: o.seed,
        weighting,
        history,
        config,
        out: o.out,
        test,
        baseline: o.baseline,
        device,
        command: commandLine(this),
        log: (line) => console.error(line),
      });
      await writeOutput(undefined, formatParamsResults(r));
    });
  withDeviceOption(
    params.command("predict")
      .description(
        "predict the parameters of the images in DIR with a saved model (JSONL: id and parameters)",
      )
      .argument("<dir>", "folder of images (with params.jsonl, the errors are printed to stderr)"),
    "cpu",
  )
    .requiredOption("--model <dir>", "a model folder of keiro params train (<out>/<group>/seed<n>)")
    .option("--out <file>", "write the predictions here (default: stdout)")
    .action(async (dir: string, o) => {
      const device = await chooseDevice(o.device);
      const set = await readParamsSet(dir);
      const { codec, predictions } = await predictWithSavedModel(o.model, set.images, device);
      const lines = set.ids.map((id, i) =>
        JSON.stringify({
          id,
          ...Object.fromEntries(codec.targets.map((t) => [t.name, predictions[t.name][i]])),
        }) + "\n"
      );
      await writeOutput(o.out, lines.join(""));
      if (set.records) {
        const file = join(dir, "params.jsonl");
        const truth = Object.fromEntries(
          codec.targets.map((t) => [t.name, targetValues(set.records!, t.name, file)]),
        );
        console.error(formatTargetErrors(paramErrors(codec.targets, predictions, truth)).trimEnd());
      }
    });
  withDeviceOption(
    params.command("loop")
      .description(
        "generate → estimate → regenerate → compare: parameter errors, pixel MSE, SSIM, a sheet of pairs",
      ),
    "cpu",
  )
    .requiredOption("--model <dir>", "a model folder of keiro params train (<out>/<group>/seed<n>)")
    .requiredOption("--out <dir>", "output folder: original/, regenerated/, sheet.png, loop.json")
    .option("--count <n>", "images to generate", boundedIntArg(1, "max_items"), 50)
    .option("--seed <n>", "random seed of the generated parameters", intArg, 1000)
    .option("-c, --config <file>", "parameter ranges (as for gen; the size must be the model's)")
    .option("--sheet <n>", "pairs on sheet.png", positiveIntArg, 8)
    .action(async (o) => {
      const device = await chooseDevice(o.device);
      await checkOutputDir(o.out, "--out");
      const r = await runParamsLoop({ ...o, ranges: await _ranges(o.config), device });
      await writeOutput(
        undefined,
        formatTargetErrors(r.errors) +
          `image distance, original vs regenerated: pixel MSE ${r.pixel_mse.toFixed(5)}, SSIM ${
            r.ssim.toFixed(3)
          }\n` +
          `  (unrelated pairs of originals, for scale: pixel MSE ${r.unrelated.pixel_mse.toFixed(5)}, SSIM ${
            r.unrelated.ssim.toFixed(3)
          })\n`,
      );
    });
  return params;
}
