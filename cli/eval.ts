/**
 * `keiro eval`: score routings against their instances, whatever made them, and compare methods.
 * @module
 */

import { Command } from "commander";
import type { SubCommand } from "./_sub_command.ts";
import { formatComparison } from "../src/te/comparison_table.ts";
import { readDataset } from "../src/te/read_dataset.ts";
import {
  compareMethods,
  defaultReference,
  evaluateSolutions,
  type SolutionSource,
} from "../src/te/evaluate_solutions.ts";
import { modelSources } from "../src/hybrid/model_sources.ts";
import { readInput, readTextFile } from "../src/read_text.ts";
import { modelSourceOptions, withModelOptions } from "./_model_options.ts";
import { writeOutput } from "../src/write_output.ts";
import { rejectUnused } from "./_parse.ts";

/** The `eval` command. */
export function evalCommand(): SubCommand {
  return withModelOptions(
    new Command("eval")
      .description("score solutions (JSONL, any method) against instances and compare methods")
      .argument("[solutions...]", "solution files (default stdin); a file may hold several methods")
      .requiredOption("--instances <file>", "the instances the solutions route (JSONL)")
      .option("--reference <method>", "method whose MLU is the reference (default: milp, else lp)"),
    "also route the instances with a trained keiro model (repeatable; no stdin is read when only models are given)",
  )
    .option("--json", "print the summary as JSON instead of a table", false)
    .option("--per-instance", "print one JSONL evaluation per solution instead of a summary", false)
    .option("--edge-loads", "with --per-instance: include the load on every edge", false)
    .option("-o, --output <file>", "write to a file (atomically) instead of stdout")
    .addHelpText(
      "after",
      "\nExamples:\n  cat milp.jsonl greedy.jsonl | keiro eval --instances inst.jsonl\n  keiro eval --instances inst.jsonl lp.jsonl sp.jsonl --reference lp --json",
    )
    .action(async (files, o, cmd) => {
      rejectUnused(
        cmd,
        "edgeLoads",
        o.perInstance,
        "needs --per-instance (edge loads are per-instance records)",
      );
      for (const name of ["json", "reference"]) {
        rejectUnused(cmd, name, !o.perInstance, "applies to the summary, not to --per-instance records");
      }
      using ds = await readDataset(o.instances);
      const sources: SolutionSource[] = files.length
        ? await Promise.all(files.map(async (f) => ({ name: f, text: await readTextFile(f) })))
        : o.model.length
        ? []
        : [{ name: "stdin", text: await readInput() }];
      sources.push(...await modelSources(o.model, ds, o.instances, modelSourceOptions(o)));
      const evals = await evaluateSolutions(ds, sources, o.edgeLoads);
      if (o.perInstance) {
        const lines = [...evals.values()].flat().map((e) => JSON.stringify(e));
        return await writeOutput(o.output, lines.join("\n") + "\n");
      }
      const reference = o.reference ?? defaultReference(evals.keys());
      const rows = compareMethods(evals, reference);
      await writeOutput(o.output, formatComparison(rows, reference, o.json));
    });
}
