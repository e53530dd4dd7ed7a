/**
 * What the splittable LP bound costs at WAN scale: Kdl (Topology Zoo, 754 nodes, 1,790 links) with
 * gravity traffic over 2,000 pairs at load 0.9, `--tms` traffic matrices (instances 0 … tms−1 of
 * `keiro gen te --seed <seed>`, each from its own stream), each solved by greedy and by the LP (column
 * generation) on one thread. Per method: time per TM (mean, min, max, from each record's `time_ms`),
 * mean MLU; for the LP also the gap, how many TMs it proved optimal, its path columns and master
 * solves (`iterations`). Needs ../shared/data/te/large/Kdl.json beside the checkout.
 *
 *   deno task bench:te_lp_scale [--tms N] [--seed N] [--time-limit S]
 *
 * Writes bench/results/te_lp_scale.json and bench/results/te_lp_scale.md (command, commit, machine).
 * @module
 */

import { parseArgs } from "node:util";
import { Dataset } from "../src/te/dataset.ts";
import { formatTable } from "../src/format_table.ts";
import { type SolvedInstance, solveEach } from "../src/te/solve_each.ts";
import { benchEnv } from "./_env.ts";
import { kdlGenArgv } from "./_kdl_gen_argv.ts";

const { values: args } = parseArgs({
  args: Deno.args,
  options: {
    tms: { type: "string", default: "20" },
    seed: { type: "string", default: "1" },
    "time-limit": { type: "string", default: "60" },
  },
});
const TMS = Number(args.tms), SEED = Number(args.seed), LIMIT = Number(args["time-limit"]);
const KDL = new URL("../../shared/data/te/large/Kdl.json", import.meta.url).pathname;

/** The LP's fields of a solution record beside {@link SolvedInstance}'s. */
interface LpRecord extends SolvedInstance {
  bound?: number;
  iterations?: number;
  columns?: number;
}

interface Row {
  method: string;
  tms: number;
  ms_mean: number;
  ms_min: number;
  ms_max: number;
  mlu_mean: number;
  gap_mean: number | null;
  gap_max: number | null;
  optimal: number | null;
  columns_mean: number | null;
  iterations_mean: number | null;
}

const gen = kdlGenArgv(KDL, TMS, SEED);
const out = await new Deno.Command(Deno.execPath(), {
  args: ["run", "-A", new URL("../cli/main.ts", import.meta.url).pathname, ...gen],
  stdout: "piped",
  stderr: "inherit",
}).output();
if (!out.success) throw new Error(`keiro ${gen.join(" ")} failed`);
using ds = await Dataset.parse(new TextDecoder().decode(out.stdout));

const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
const rows: Row[] = [];
const records: Record<string, Omit<LpRecord, "paths">[]> = {};
for (const method of ["greedy", "lp"] as const) {
  const sols: LpRecord[] = [];
  for await (const s of solveEach(ds, { method, threads: 1, time_limit: LIMIT })) {
    sols.push(s);
    console.error(`${method} TM ${sols.length}/${TMS}: ${s.time_ms?.toFixed(0)} ms, MLU ${s.mlu.toFixed(6)}`);
  }
  records[method] = sols.map(({ paths: _, ...r }) => r);
  const ms = sols.map((s) => s.time_ms ?? NaN);
  const lp = method === "lp";
  rows.push({
    method,
    tms: sols.length,
    ms_mean: mean(ms),
    ms_min: Math.min(...ms),
    ms_max: Math.max(...ms),
    mlu_mean: mean(sols.map((s) => s.mlu)),
    gap_mean: lp ? mean(sols.map((s) => s.gap ?? NaN)) : null,
    gap_max: lp ? Math.max(...sols.map((s) => s.gap ?? NaN)) : null,
    optimal: lp ? sols.filter((s) => s.optimal).length : null,
    columns_mean: lp ? mean(sols.map((s) => s.columns ?? NaN)) : null,
    iterations_mean: lp ? mean(sols.map((s) => s.iterations ?? NaN)) : null,
  });
}
const lpMlu = records.lp.map((s) => s.mlu);
const greedyOverLp = mean(records.greedy.map((s, i) => s.mlu / lpMlu[i]));

const f = (x: number | null, d: number) => (x === null ? "n/a" : x.toFixed(d));
const table = formatTable(
  [
    "method",
    "TMs",
    "s/TM mean",
    "s/TM min",
    "s/TM max",
    "MLU mean",
    "gap mean",
    "gap max",
    "optimal",
    "columns",
    "master solves",
  ],
  rows.map((r) => [
    r.method,
    String(r.tms),
    f(r.ms_mean / 1e3, 3),
    f(r.ms_min / 1e3, 3),
    f(r.ms_max / 1e3, 3),
    f(r.mlu_mean, 4),
    r.gap_mean === null ? "n/a" : r.gap_mean.toExponential(1),
    r.gap_max === null ? "n/a" : r.gap_max.toExponential(1),
    r.optimal === null ? "n/a" : `${r.optimal}/${r.tms}`,
    f(r.columns_mean, 0),
    f(r.iterations_mean, 1),
  ]),
);
const env = benchEnv();
const load = Deno.loadavg();
console.log(table);
console.log(`greedy MLU / LP MLU: ${greedyOverLp.toFixed(4)} (mean over TMs)`);
const dir = new URL("./results/", import.meta.url).pathname;
await Deno.mkdir(dir, { recursive: true });
const params = { tms: TMS, seed: SEED, time_limit_s: LIMIT, threads: 1, generator: `keiro ${gen.join(" ")}` };
const write = async (name: string, text: string) => {
  await Deno.writeTextFile(`${dir}${name}.tmp`, text);
  await Deno.rename(`${dir}${name}.tmp`, `${dir}${name}`);
};
await write(
  "te_lp_scale.json",
  JSON.stringify(
    { env, load_avg_at_end: load, params, rows, greedy_over_lp: greedyOverLp, records },
    null,
    2,
  ) +
    "\n",
);
await write(
  "te_lp_scale.md",
  `# The LP bound at WAN scale (Kdl)\n\n- command: \`${env.command}\`\n- commit: ${env.commit}${
    env.dirty ? " (dirty)" : ""
  }\n` +
    `- machine: ${env.machine.cpu}, ${env.machine.cores} cores, ${env.machine.memory_gib} GiB, ${env.machine.os}; ` +
    `load average at the end ${load.map((x) => x.toFixed(2)).join(", ")} (the cores are shared)\n` +
    `- date: ${env.date}\n- params: ${JSON.stringify(params)}\n` +
    `- s/TM = per-TM solve time inside the core (one thread, release build); the LP is the column-generation\n` +
    `  LP: gap = (mlu − bound) / mlu with the Lagrangian bound, 0 when proven optimal; columns = path columns of\n` +
    `  the final master, master solves = HiGHS solves of the master (means over TMs)\n` +
    `- greedy MLU / LP MLU: ${greedyOverLp.toFixed(4)} (mean over TMs)\n\n` +
    "```\n" + table + "```\n",
);
