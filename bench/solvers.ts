/**
 * Solver benchmark: per-instance time of every method on NSFNET with 5, 20, 50 and 100
 * commodities, GEANT (FIGRET matrices) and Repetita Geant2012, and throughput with 1 and 2
 * threads. The baseline in the same run is shortest path (speed) and the LP bound (quality,
 * reported as mean MLU / LP). Exact methods (milp, lp) run on `--count` instances per dataset,
 * the heuristics (sp, greedy) on `--heuristic-count` so that their throughput is measurable.
 *
 *   deno task bench:solvers [--count N] [--heuristic-count N] [--time-limit S] [--seed N] [--quick]
 *
 * Writes bench/results/solvers.json and bench/results/solvers.md (with command, commit, machine).
 * @module
 */

import { parseArgs } from "node:util";
import { Dataset, type SolveOptions } from "../src/te/dataset.ts";
import { formatTable } from "../src/format_table.ts";
import { generate } from "../src/te/generate.ts";
import { importTe } from "../src/te/import_te.ts";
import { solveAll } from "../src/te/solve_all.ts";
import type { TeInstance } from "../src/te/topology.ts";
import { benchEnv } from "./_env.ts";

const { values: args } = parseArgs({
  args: Deno.args,
  options: {
    count: { type: "string", default: "10" },
    "heuristic-count": { type: "string", default: "2000" },
    "time-limit": { type: "string", default: "30" },
    seed: { type: "string", default: "1" },
    quick: { type: "boolean", default: false },
  },
});
const COUNT = Number(args.count), HCOUNT = Number(args["heuristic-count"]);
const LIMIT = Number(args["time-limit"]), SEED = Number(args.seed);
const T = new URL("../../shared/data/te/", import.meta.url).pathname;

/** A benchmark dataset: instances for the exact methods and (a superset) for the heuristics. */
interface BenchSet {
  name: string;
  exact: string;
  heuristic: string;
}

interface Row {
  dataset: string;
  method: string;
  threads: number;
  instances: number;
  ms_mean: number;
  ms_p50: number;
  ms_max: number;
  per_s: number;
  optimal_pct: number | null;
  mlu_over_lp: number;
  vs_sp_speed: number | null;
}

const _text = (xs: TeInstance[]) => xs.map((i) => JSON.stringify(i)).join("\n");

async function datasets(): Promise<BenchSet[]> {
  const out: BenchSet[] = [];
  for (const c of args.quick ? [5, 20] : [5, 20, 50, 100]) {
    // instance i depends only on (seed, i): the exact set is a prefix of the heuristic set
    const heuristic = await generate({ count: Math.max(COUNT, HCOUNT), commodities: c, seed: SEED });
    out.push({ name: `nsfnet-c${c}`, exact: heuristic.split("\n").slice(0, COUNT).join("\n"), heuristic });
  }
  try {
    const geant = await importTe({
      format: "dote",
      graph: `${T}geant/figret_GEANT.json`,
      tm: `${T}geant/figret_test_7.hist`,
    });
    out.push({
      name: "geant-figret",
      exact: _text(geant.slice(0, Math.min(COUNT, 4))),
      heuristic: _text(geant),
    });
    const files = [0, 1, 2, 3, 4].map((i) => `${T}topologyzoo/Geant2012.000${i}.demands`);
    const g12 = await importTe({
      format: "repetita",
      graph: `${T}topologyzoo/Geant2012.graph`,
      demands: files,
    });
    out.push({
      name: "geant2012",
      exact: _text(g12.slice(0, Math.min(COUNT, args.quick ? 1 : 2))),
      heuristic: _text(g12),
    });
  } catch (e) {
    console.error(`skipping GEANT datasets: ${(e as Error).message}`);
  }
  return out;
}

async function run(
  ds: Dataset,
  opts: SolveOptions,
): Promise<{ sols: { mlu: number; time_ms: number; optimal?: boolean }[]; wall: number }> {
  const t0 = performance.now();
  let text = "";
  for await (const chunk of solveAll(ds, opts)) text += chunk;
  const wall = performance.now() - t0;
  return { sols: text.split("\n").filter((l) => l).map((l) => JSON.parse(l)), wall };
}

const rows: Row[] = [];
for (const set of await datasets()) {
  using exact = await Dataset.parse(set.exact);
  using heuristic = await Dataset.parse(set.heuristic);
  const lpAll = (await run(heuristic, { method: "lp", threads: 2 })).sols.map((s) => s.mlu);
  const spPerS: Record<number, number> = {};
  for (const method of ["sp", "greedy", "lp", "milp"] as const) {
    const ds = method === "sp" || method === "greedy" ? heuristic : exact;
    for (const threads of [1, 2]) {
      // single-thread MILP only where it is cheap
      if (method === "milp" && threads === 1 && set.name !== "nsfnet-c5" && set.name !== "nsfnet-c20") {
        continue;
      }
      const { sols, wall } = await run(ds, { method, threads, time_limit: LIMIT });
      const ms = sols.map((s) => s.time_ms).sort((a, b) => a - b);
      const perS = 1000 * ds.length / wall;
      if (method === "sp") spPerS[threads] = perS;
      const row: Row = {
        dataset: set.name,
        method,
        threads,
        instances: ds.length,
        ms_mean: ms.reduce((a, b) => a + b, 0) / ms.length,
        ms_p50: ms[Math.floor(ms.length / 2)],
        ms_max: ms[ms.length - 1],
        per_s: perS,
        optimal_pct: method === "milp" ? 100 * sols.filter((s) => s.optimal).length / sols.length : null,
        mlu_over_lp: sols.reduce((a, s, i) => a + s.mlu / lpAll[i], 0) / sols.length,
        vs_sp_speed: spPerS[threads] ? perS / spPerS[threads] : null,
      };
      rows.push(row);
      console.error(
        `${set.name} ${method} threads=${threads}: ${row.ms_mean.toFixed(2)} ms/instance, ${
          perS.toFixed(1)
        } inst/s`,
      );
    }
  }
}

const f = (x: number | null, d: number) => (x === null ? "n/a" : x.toFixed(d));
const table = formatTable(
  [
    "dataset",
    "method",
    "threads",
    "n",
    "ms mean",
    "ms p50",
    "ms max",
    "inst/s",
    "optimal",
    "MLU/LP",
    "speed vs sp",
  ],
  rows.map((r) => [
    r.dataset,
    r.method,
    String(r.threads),
    String(r.instances),
    f(r.ms_mean, 2),
    f(r.ms_p50, 2),
    f(r.ms_max, 2),
    f(r.per_s, 2),
    r.optimal_pct === null ? "n/a" : `${r.optimal_pct.toFixed(0)}%`,
    f(r.mlu_over_lp, 4),
    f(r.vs_sp_speed, 4),
  ]),
);
const env = benchEnv();
console.log(table);
const dir = new URL("./results/", import.meta.url).pathname;
await Deno.mkdir(dir, { recursive: true });
const params = { count: COUNT, heuristic_count: HCOUNT, time_limit_s: LIMIT, seed: SEED, quick: args.quick };
const write = async (name: string, text: string) => {
  await Deno.writeTextFile(`${dir}${name}.tmp`, text);
  await Deno.rename(`${dir}${name}.tmp`, `${dir}${name}`);
};
await write("solvers.json", JSON.stringify({ env, params, rows }, null, 2) + "\n");
await write(
  "solvers.md",
  `# Solver benchmark\n\n- command: \`${env.command}\`\n- commit: ${env.commit}${
    env.dirty ? " (dirty)" : ""
  }\n` +
    `- machine: ${env.machine.cpu}, ${env.machine.cores} cores, ${env.machine.memory_gib} GiB, ${env.machine.os}\n` +
    `- date: ${env.date}\n- params: ${
      JSON.stringify(params)
    } (NSFNET instances from \`keiro gen te --seed ${SEED}\`)\n` +
    `- ms = per-instance solve time inside the core; inst/s = wall-clock throughput of the whole set;\n` +
    `  MLU/LP = mean of method MLU / splittable LP optimum; speed vs sp = inst/s relative to shortest path\n\n` +
    "```\n" + table + "```\n",
);
