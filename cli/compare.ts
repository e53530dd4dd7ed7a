/**
 * `keiro compare`: solve instances with several methods, score them, print the comparison table.
 * @module
 */

import { Command } from "commander";
import type { SubCommand } from "./_sub_command.ts";
import { formatComparison } from "../src/te/comparison_table.ts";
import { compareMethods, evaluateSolutions, type SolutionSource } from "../src/te/evaluate_solutions.ts";
import { chooseReference } from "../src/te/choose_reference.ts";
import { UsageError } from "../src/errors.ts";
import { SOLVE_METHODS, type SolveMethod } from "../src/te/solve_method.ts";
import { readDataset } from "../src/te/read_dataset.ts";
import { checkOutputDir, openOutput, writeOutput } from "../src/write_output.ts";
import { modelSources } from "../src/hybrid/model_sources.ts";
import { modelSourceOptions, withModelOptions } from "./_model_options.ts";
import { boundedIntArg, rejectUnused } from "./_parse.ts";
import { solveWithProgress, TIMED_METHODS, timeLimitOf, timeLimitOption } from "./solve.ts";

/** The `compare` command. */
export function compareCommand(): SubCommand {
  return withModelOptions(
    new Command("compare")
      .description("solve instances with several methods and print the comparison table")
      .option("-i, --input <file>", "instances (JSONL); default stdin")
      .option(
        "--methods <list>",
        `comma-separated methods among ${SOLVE_METHODS.join(",")}`,
        SOLVE_METHODS.join(","),
      )
      .option(
        "--reference <name>",
        "reference method, or an instance key holding reference MLUs such as opt_mlu (default: milp, else lp, else the instances' milp labels, else their opt_mlu)",
      )
      .addOption(timeLimitOption())
      .option(
        "--threads <n>",
        "instances solved in parallel (0 = all cores)",
        boundedIntArg(0, "max_threads"),
        0,
      ),
    "also route with a trained keiro model (repeatable): rows keiro (greedy) and keiro-best<N>",
  )
    .option("--save <dir>", "also write each method's solutions to <dir>/<method>.jsonl")
    .option("--json", "print the summary as JSON instead of a table", false)
    .addHelpText(
      "after",
      "\nExamples:\n  keiro gen te --count 20 --commodities 20 --seed 1 | keiro compare --time-limit 30\n  keiro gen te --count 50 --seed 99 | keiro compare --methods sp,greedy,milp --model runs/demo",
    )
    .action(async (o, cmd) => {
      const methods = o.methods.split(",").map((m) => m.trim()).filter((m) => m !== "");
      const bad = methods.filter((m) => !(SOLVE_METHODS as readonly string[]).includes(m));
      if (bad.length || methods.length === 0) {
        throw new UsageError(
          `--methods: unknown method ${bad.join(", ") || "(none)"}; choose from ${SOLVE_METHODS.join(", ")}`,
        );
      }
      rejectUnused(
        cmd,
        "timeLimit",
        methods.some((m) => TIMED_METHODS.includes(m)),
        "applies to milp and lp only, which --methods leaves out",
      );
      if (o.save) await checkOutputDir(o.save, "--save");
      using ds = await readDataset(o.input);
      // chosen before solving (a bad --reference fails fast) unless it may name a model's method
      const modelReference = o.model.length > 0 && o.reference !== undefined &&
        !methods.includes(o.reference);
      const early = modelReference ? undefined : await chooseReference(ds, methods, o.reference, o.input);
      if (o.save) await Deno.mkdir(o.save, { recursive: true });
      const sources: SolutionSource[] = [];
      for (const m of methods as SolveMethod[]) {
        const sink = o.save ? await openOutput(`${o.save}/${m}.jsonl`) : undefined;
        const text = await solveWithProgress(
          ds,
          { method: m, time_limit: timeLimitOf(o.timeLimit), threads: o.threads },
          sink,
        );
        sources.push({ name: m, text });
      }
      if (o.model.length) {
        // model rows go before the exact methods (the reference stays last when listed last)
        const at = sources.findIndex((src) => src.name === "milp" || src.name === "lp");
        const models = await modelSources(o.model, ds, o.input ?? "stdin", modelSourceOptions(o));
        for (const m of models) if (o.save) await writeOutput(`${o.save}/${m.name}.jsonl`, m.text);
        sources.splice(at < 0 ? sources.length : at, 0, ...models);
      }
      const evals = await evaluateSolutions(ds, sources);
      const reference = early ?? await chooseReference(ds, [...evals.keys()], o.reference, o.input);
      const rows = compareMethods(evals, reference);
      await writeOutput(undefined, formatComparison(rows, reference.name, o.json, ds.length));
    });
}
