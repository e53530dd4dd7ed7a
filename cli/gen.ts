/**
 * `keiro gen te`: generate TE instances (JSONL on stdout or --output).
 * @module
 */

import { Command } from "commander";
import type { SubCommand } from "./_sub_command.ts";
import { generate, type GenOptions } from "../src/te/generate.ts";
import { topologyGraph } from "../src/te/topology_graph.ts";
import { writeOutput } from "../src/write_output.ts";
import { choiceArg, intArg, positiveArg, positiveIntArg, rangeArg, rejectUnused } from "./_parse.ts";

const BUILT_IN = ["nsfnet", "nws", "grid", "waxman"] as const;
/** The built-in topologies drawn with `--nodes` nodes. */
const SIZED = ["nws", "grid", "waxman"];

/** The `gen` command group. */
export function genCommand(): SubCommand {
  const gen = new Command("gen").description("generate datasets");
  gen.command("te")
    .description("generate traffic-engineering instances (defaults: the seed project's NSFNET distribution)")
    .option(
      "--topology <name|file>",
      `${BUILT_IN.join("|")}, or a topology file (.xml, .json, .graph, .gml)`,
      "nsfnet",
    )
    .option("--nodes <n>", "nodes of nws, grid and waxman graphs", intArg, 14)
    .option("--commodities <k>", "commodities per instance (gravity: 0 = every connected pair)", intArg, 5)
    .option("--count <n>", "instances to generate", positiveIntArg, 10)
    .option("--seed <n>", "random seed (same seed, byte-identical output)", intArg, 0)
    .option(
      "--capacity <lo:hi>",
      "integer link capacities in [lo, hi), equal both ways (given with a topology file: redraws every link)",
      rangeArg,
      [1000, 10000] as [number, number],
    )
    .option(
      "--default-capacity <c>",
      "topology file: capacity of links the file gives none (without it or --capacity, such a link is an error)",
      positiveArg,
    )
    .option(
      "--demand <lo:hi>",
      "integer demands in [lo, hi] (pairs traffic)",
      rangeArg,
      [5, 500] as [number, number],
    )
    .option(
      "--traffic <model>",
      "pairs: distinct random pairs; gravity: demand ∝ node capacity products",
      choiceArg(["pairs", "gravity"] as const),
      "pairs" as const,
    )
    .option("--load <x>", "gravity: scale demands so that shortest-path routing has this MLU", positiveArg, 1)
    .option("-o, --output <file>", "write to a file (atomically) instead of stdout")
    .addHelpText(
      "after",
      "\nExamples:\n  keiro gen te --count 100 --commodities 20 --seed 1 > nsfnet_c20.jsonl\n  keiro gen te --topology ../shared/data/te/b4/B4.json --traffic gravity --commodities 0 --load 0.9",
    )
    .action(async (o, cmd) => {
      rejectUnused(
        cmd,
        "nodes",
        SIZED.includes(o.topology),
        `applies to --topology ${SIZED.join(", ")} only`,
      );
      const builtIn = (BUILT_IN as readonly string[]).includes(o.topology);
      const redraw = cmd.getOptionValueSource("capacity") === "cli";
      rejectUnused(cmd, "defaultCapacity", !builtIn, "applies to a topology file only");
      rejectUnused(cmd, "defaultCapacity", !redraw, "does nothing with --capacity, which redraws every link");
      rejectUnused(cmd, "load", o.traffic === "gravity", "applies to --traffic gravity only");
      rejectUnused(cmd, "demand", o.traffic === "pairs", "applies to --traffic pairs only");
      const graph: GenOptions = builtIn
        ? { topology: o.topology as GenOptions["topology"] }
        : await topologyGraph(o.topology, {
          redraw,
          defaultCapacity: o.defaultCapacity,
          remedy: "pass --default-capacity C or --capacity lo:hi",
        });
      const opts: GenOptions = {
        ...graph,
        nodes: o.nodes,
        commodities: o.commodities,
        count: o.count,
        seed: o.seed,
        capacity: o.capacity,
        demand: o.demand,
        traffic: o.traffic,
        load: o.load,
      };
      await writeOutput(o.output, await generate(opts));
    });
  return gen;
}
