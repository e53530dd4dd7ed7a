/**
 * `keiro solve`: route every instance with one method; one solution per instance, same order.
 * @module
 */

import { Command, Option } from "commander";
import type { SubCommand } from "./_sub_command.ts";
import type { Dataset, SolveOptions } from "../src/te/dataset.ts";
import { Progress } from "../src/progress.ts";
import { readDataset } from "../src/te/read_dataset.ts";
import { solveAll } from "../src/te/solve_all.ts";
import type { SolvedInstance } from "../src/te/solve_each.ts";
import { SOLVE_METHODS } from "../src/te/solve_method.ts";
import { openOutput, type OutputSink } from "../src/write_output.ts";
import { boundedIntArg, choiceArg, nonNegativeArg, rejectUnused } from "./_parse.ts";

/** Seconds per instance the MILP and the LP get unless `--time-limit` says otherwise. */
export const TIME_LIMIT_S = 60;

/** The methods that `--time-limit` applies to. */
export const TIMED_METHODS: readonly string[] = ["milp", "lp"];

/** The `--time-limit` option of `solve` and `compare` (default {@link TIME_LIMIT_S}). */
export function timeLimitOption() {
  return new Option(
    "--time-limit <s>",
    "milp, lp: seconds per instance (0 = none); at the limit, the best routing found with optimal false, the bound and the gap",
  ).argParser(nonNegativeArg).default(TIME_LIMIT_S);
}

/** The solve options' `time_limit` for a `--time-limit` value (0 = none). */
export function timeLimitOf(seconds: number): number | undefined {
  return seconds > 0 ? seconds : undefined;
}

/**
 * Solves `ds` with `opts`, streaming JSONL into `out` when given; returns all of it. Warns on stderr
 * (one line, with the largest gap) when the MILP or the LP stopped at its time limit before proving an
 * instance optimal.
 */
export async function solveWithProgress(ds: Dataset, opts: SolveOptions, out?: OutputSink): Promise<string> {
  const bar = new Progress(`solve ${opts.method}`, ds.length);
  let all = "";
  try {
    for await (const chunk of solveAll(ds, opts, (d) => bar.update(d))) {
      all += chunk;
      await out?.write(chunk);
    }
    await out?.commit();
  } catch (e) {
    await out?.abort();
    throw e;
  } finally {
    bar.stop();
  }
  if (TIMED_METHODS.includes(opts.method)) {
    const stopped = all.split("\n").filter((l) => l !== "").map((l) => JSON.parse(l) as SolvedInstance)
      .filter((s) => s.optimal === false);
    if (stopped.length > 0) {
      const gap = Math.max(...stopped.map((s) => s.gap ?? NaN));
      console.error(
        `warning: ${opts.method} reached its time limit (${opts.time_limit} s) on ${stopped.length} of ${ds.length} ` +
          `instances before proving them optimal (largest gap ${gap.toPrecision(3)}): their records have ` +
          "optimal false, the best routing found, the bound and the gap",
      );
    }
  }
  return all;
}

/** The `solve` command. */
export function solveCommand(): SubCommand {
  return new Command("solve")
    .description("route TE instances (JSONL) with an exact or classical method")
    .requiredOption(
      "-m, --method <method>",
      "milp: unsplittable optimum; lp: splittable optimum, the bound (column generation); sp: hop shortest path; greedy: sequential minimax; greedy_ls: greedy, then local search (10 rounds per commodity)",
      choiceArg(SOLVE_METHODS),
    )
    .option("-i, --input <file>", "instances (JSONL); default stdin")
    .option("-o, --output <file>", "write to a file (atomically) instead of stdout")
    .addOption(timeLimitOption())
    .option("--gap <g>", "milp: relative optimality gap", nonNegativeArg, 1e-6)
    .option("--flows", "lp: report per-commodity flows per edge", false)
    .option(
      "--threads <n>",
      "instances solved in parallel (0 = all cores)",
      boundedIntArg(0, "max_threads"),
      0,
    )
    .addHelpText(
      "after",
      "\nExamples:\n  keiro gen te --count 20 | keiro solve --method milp --time-limit 10 > milp.jsonl\n  keiro solve -m lp --flows -i instances.jsonl -o lp.jsonl",
    )
    .action(async (o, cmd) => {
      rejectUnused(
        cmd,
        "flows",
        o.method === "lp",
        "applies to --method lp only (the splittable LP's flows)",
      );
      rejectUnused(
        cmd,
        "timeLimit",
        TIMED_METHODS.includes(o.method),
        "applies to --method milp and lp only",
      );
      rejectUnused(cmd, "gap", o.method === "milp", "applies to --method milp only");
      using ds = await readDataset(o.input);
      const opts = {
        method: o.method,
        time_limit: timeLimitOf(o.timeLimit),
        mip_gap: o.gap,
        flows: o.flows,
        threads: o.threads,
      };
      await solveWithProgress(ds, opts, await openOutput(o.output));
    });
}
