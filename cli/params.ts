/**
 * `keiro params gen|train|predict|loop`: images drawn from parameters, a CNN that regresses the
 * parameters back, and the generate → estimate → regenerate → compare loop; docs/params.md.
 * @module
 */

import { Command } from "commander";
import type { SubCommand } from "./_sub_command.ts";
import { readConfigText } from "../src/read_text.ts";
import { checkOutputDir } from "../src/write_output.ts";
import { drawParamsRecords, writeParamsSet } from "../src/params/generate_params_set.ts";
import { DEFAULT_RANGES, type ParamsRanges, parseParamsRanges } from "../src/params/params_ranges.ts";
import { boundedIntArg, intArg } from "./_parse.ts";

/** The ranges of `--config` (defaults without it). */
async function _ranges(path?: string): Promise<ParamsRanges> {
  return path === undefined ? { ...DEFAULT_RANGES } : parseParamsRanges(await readConfigText(path), path);
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
  return params;
}
