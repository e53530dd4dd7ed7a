/**
 * `keiro import te`: topology + traffic-matrix files → TE instances (JSONL).
 * @module
 */

import { Command } from "commander";
import type { SubCommand } from "./_sub_command.ts";
import { Dataset } from "../src/te/dataset.ts";
import { importTe } from "../src/te/import_te.ts";
import { TE_FORMATS } from "../src/te/read_topology.ts";
import { writeOutput } from "../src/write_output.ts";
import { choiceArg, intRangeArg, positiveArg } from "./_parse.ts";

/** The `import` command group. */
export function importCommand(): SubCommand {
  const imp = new Command("import").description("convert public datasets to keiro's formats");
  imp.command("te")
    .description("import a topology and its traffic matrices: one instance per matrix")
    .requiredOption("--format <format>", TE_FORMATS.join("|"), choiceArg(TE_FORMATS))
    .requiredOption("--graph <file>", "topology file (SNDlib .xml, node-link .json, Repetita .graph, .gml)")
    .option(
      "--demands <files...>",
      "demand files: SNDlib demand-matrix .xml or Repetita .demands (one instance each)",
    )
    .option("--tm <file>", "traffic-matrix text file, one n×n matrix per line (optionally after a label)")
    .option("--tm-range <i:j>", "only matrices i..j-1 of --tm (0-based) (default: all)", intRangeArg)
    .option("--scale <x>", "multiply every demand by x", positiveArg, 1)
    .option(
      "--default-capacity <c>",
      "capacity of edges whose file gives none (default: none; such an edge is an error)",
      positiveArg,
    )
    .option("--opt <file>", "per-matrix optimal MLUs (one per line, e.g. DOTE .opt), attached as opt_mlu")
    .option("--name <prefix>", "prefix of instance ids (default: the graph file name)")
    .option("-o, --output <file>", "write to a file (atomically) instead of stdout")
    .addHelpText(
      "after",
      "\nExamples:\n  keiro import te --format repetita --graph Geant2012.graph --demands Geant2012.0000.demands\n" +
        "  keiro import te --format dote --graph figret_GEANT.json --tm figret_test_7.hist --opt figret_test_7.opt --tm-range 0:10\n" +
        "  keiro import te --format sndlib --graph abilene.xml --tm abilene_tm_5min.txt --tm-range 0:288",
    )
    .action(async (o) => {
      const skipped: string[] = [];
      const instances = await importTe(o, (label) => skipped.push(label));
      if (skipped.length) {
        console.error(`warning: skipped ${skipped.length} matrices without demand: ${skipped.join(", ")}`);
      }
      const text = instances.map((i) => JSON.stringify(i)).join("\n") + (instances.length ? "\n" : "");
      using _ds = await Dataset.parse(text); // validate exactly as every consumer will
      await writeOutput(o.output, text);
    });
  return imp;
}
