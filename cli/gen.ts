/**
 * `keiro gen te`: generate TE instances (JSONL on stdout or --output).
 * @module
 */

import { basename, extname } from "node:path";
import { Command } from "commander";
import type { SubCommand } from "./_sub_command.ts";
import { generate, type GenOptions } from "../src/te/generate.ts";
import { readTopology } from "../src/te/read_topology.ts";
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
      "integer link capacities in [lo, hi), equal both ways (files keep theirs unless given)",
      rangeArg,
      [1000, 10000] as [number, number],
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
      rejectUnused(cmd, "load", o.traffic === "gravity", "applies to --traffic gravity only");
      rejectUnused(cmd, "demand", o.traffic === "pairs", "applies to --traffic pairs only");
      const opts: GenOptions = {
        nodes: o.nodes,
        commodities: o.commodities,
        count: o.count,
        seed: o.seed,
        capacity: o.capacity,
        demand: o.demand,
        traffic: o.traffic,
        load: o.load,
      };
      if ((BUILT_IN as readonly string[]).includes(o.topology)) {
        opts.topology = o.topology as GenOptions["topology"];
      } else {
        const t = await readTopology(o.topology);
        const redraw = cmd.getOptionValueSource("capacity") === "cli";
        opts.topology = "given";
        opts.name = basename(o.topology, extname(o.topology));
        opts.graph = {
          nodes: t.nodes,
          edges: t.edges.map((e) => [e.src, e.dst, redraw ? null : e.capacity]),
        };
      }
      await writeOutput(o.output, await generate(opts));
    });
  return gen;
}
