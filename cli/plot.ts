/**
 * `keiro plot`: draw one routed instance as SVG (links coloured by utilisation, a commodity's path
 * highlighted).
 * @module
 */

import { Command } from "commander";
import type { SubCommand } from "./_sub_command.ts";
import { parseDataset } from "../src/te/read_dataset.ts";
import { plotRouting } from "../src/te/plot_routing.ts";
import { readInput, readTextFile } from "../src/read_text.ts";
import { writeOutput } from "../src/write_output.ts";
import { intArg } from "./_parse.ts";

/** The `plot` command. */
export function plotCommand(): SubCommand {
  return new Command("plot")
    .description(
      "draw an instance and its routing as SVG: links coloured by utilisation, one path highlighted",
    )
    .argument(
      "[solutions]",
      "solutions (JSONL, as solve/route/eval take them; - for stdin); none: the topology alone",
    )
    .requiredOption("--instances <file>", "the instances (JSONL)")
    .option("--index <i>", "which instance (0-based position in the file)", intArg, 0)
    .option("--id <id>", "which instance, by id (instead of --index)")
    .option("--method <m>", "the solutions' method to draw, when they hold several")
    .option(
      "--commodity <k>",
      "commodity whose path is highlighted (default: the largest demand crossing the most loaded link)",
      intArg,
    )
    .option("-o, --output <file>", "write the SVG to a file (atomically) instead of stdout")
    .addHelpText(
      "after",
      "\nExamples:\n  keiro solve --method greedy < inst.jsonl > greedy.jsonl\n  keiro plot --instances inst.jsonl greedy.jsonl --index 3 -o greedy3.svg\n  keiro route --model runs/demo inst.jsonl | keiro plot --instances inst.jsonl - --commodity 0 > keiro0.svg",
    )
    .action(async (file: string | undefined, o) => {
      const text = await readTextFile(o.instances);
      using ds = await parseDataset(text, o.instances);
      const solutions = file === undefined ? undefined : {
        name: file === "-" ? "stdin" : file,
        text: file === "-" ? await readInput() : await readTextFile(file),
      };
      const svg = await plotRouting(ds, text, o.instances, solutions, {
        index: o.id === undefined ? o.index : undefined,
        id: o.id,
        method: o.method,
        commodity: o.commodity,
      });
      await writeOutput(o.output, svg);
    });
}
