/**
 * TE quality benchmark: trains keiro's hybrid model with several seeds per scenario (each run
 * generates and MILP-labels its own train/val/test sets, seeded), then scores on the run's fresh
 * test set, in the same run: shortest path, the greedy heuristic, keiro greedy decode, keiro
 * best-of-32 and the reference (MILP optimum, or the LP bound where the MILP is too slow).
 * Reports mean ± std over seeds and checks the issue's targets.
 *
 * Each scenario trains a file of configs/ as it is (configs/te_<scenario>.json; the ablations
 * te_nsfnet_c5.json and configs/ablation/*.json) but for the run's seed, the --budget and a run
 * name, written with it to the run's bench_config.json.
 *
 *   deno task bench:te_quality [--scenarios c5,c20,c100,nws200,ablation] [--seeds 3]
 *                              [--budget S] [--rescore]
 *
 * `--rescore` trains nothing: it scores the runs a previous invocation left in --runs again, with
 * the current code (for a change to routing or scoring); the results say so. It runs `keiro tune`
 * on each run first (best-of-N sampling chosen on the run's validation set, as `keiro train` does
 * after training).
 *
 * keiro-best32 samples as each run chose on its validation set (`eval_sampling_grid`, with the run's
 * eval_temperature / eval_top_p as the first candidate: the scenario's when it trained, the one saved
 * in the run's config.json when rescored); the results list the choices.
 *
 * Writes bench/results/te_quality_<scenarios>.{json,md} (e.g. te_quality_c5.json) with command,
 * commit, machine, seeds and every scenario's config file; each run's directory (metrics,
 * checkpoints) goes to --runs.
 * @module
 */

import { parseArgs } from "node:util";
import { join } from "node:path";
import { formatTable } from "../src/format_table.ts";
import { benchEnv } from "./_env.ts";
import { findCheckpoint } from "../src/hybrid/checkpoint.ts";
import type { EvalSampling } from "../src/hybrid/eval_sampling.ts";
import { readSampling, SAMPLING_FILE } from "../src/hybrid/tune_sampling.ts";
import { meanStd } from "../src/mean_std.ts";

const { values: args } = parseArgs({
  args: Deno.args,
  options: {
    scenarios: { type: "string", default: "c5,c20,c100,nws200,ablation" },
    seeds: { type: "string", default: "3" },
    budget: { type: "string", default: "600" },
    runs: { type: "string", default: join(Deno.env.get("HOME") ?? "/tmp", ".cache/keiro/te_quality") },
    rescore: { type: "boolean", default: false },
  },
});
const SEEDS = Array.from({ length: Number(args.seeds) }, (_, i) => i + 1);
const BUDGET = Number(args.budget);
const ROOT = new URL("..", import.meta.url).pathname;

/** A trained configuration evaluated against a reference. */
interface Scenario {
  name: string;
  /** The config file (relative to the repository), trained as it is but for {@link _runKeys}. */
  config: string;
  reference: "milp" | "lp";
  /** Target on keiro-best32's mean ratio (milp reference) or on MLU/LP vs greedy (lp reference). */
  target?: { best32?: number; greedy_decode?: number; better_than_greedy_pct?: number };
}

/** The ablations: configs/te_nsfnet_c5.json with one decision changed, a file each. */
const _ABLATIONS = [...Deno.readDirSync(join(ROOT, "configs/ablation"))]
  .map((e) => e.name.replace(/\.json$/, "")).sort();
const SCENARIOS: Record<string, Scenario[]> = {
  c5: [{
    name: "nsfnet-c5",
    config: "configs/te_nsfnet_c5.json",
    reference: "milp",
    target: { best32: 0.995, greedy_decode: 0.98 },
  }],
  c20: [{
    name: "nsfnet-c20",
    config: "configs/te_nsfnet_c20.json",
    reference: "milp",
    target: { best32: 0.97 },
  }],
  c100: [{
    name: "nsfnet-c100",
    config: "configs/te_nsfnet_c100.json",
    reference: "lp",
    target: { better_than_greedy_pct: 5 },
  }],
  nws200: [{
    name: "nws30-c200",
    config: "configs/te_nws30_c200.json",
    reference: "lp",
    target: { better_than_greedy_pct: 5 },
  }],
  ablation: [
    { name: "ablation:hybrid", config: "configs/te_nsfnet_c5.json", reference: "milp" },
    ..._ABLATIONS.map((a): Scenario => ({
      name: `ablation:${a.replaceAll("_", "-")}`,
      config: `configs/ablation/${a}.json`,
      reference: "milp",
    })),
  ],
};

/** What a run sets over its scenario's config: the run's seed, the bench's --budget and a name. */
function _runKeys(s: Scenario, seed: number): Record<string, unknown> {
  return { seed, time_budget_s: BUDGET, expt_name: `${s.name}-seed${seed}` };
}

interface Summary {
  method: string;
  mean_ratio: number;
  worst_ratio: number;
  complete_pct: number;
  mean_mlu_over_reference: number;
  mean_time_ms: number;
}

async function _keiro(argv: string[]): Promise<string> {
  const out = await new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", join(ROOT, "cli/main.ts"), ...argv],
    stdout: "piped",
    stderr: "inherit",
  }).output();
  if (!out.success) throw new Error(`keiro ${argv.join(" ")} failed with exit code ${out.code}`);
  return new TextDecoder().decode(out.stdout);
}

/** Trains one scenario with one seed (or tunes its sampling again, with --rescore) and scores its
 * test set; returns the methods' summaries and the sampling chosen on validation. */
async function _run(s: Scenario, seed: number): Promise<{ methods: Summary[]; sampling: EvalSampling }> {
  const dir = join(args.runs!, s.name.replace(":", "_"), `seed${seed}`);
  const cfg = { ...JSON.parse(await Deno.readTextFile(join(ROOT, s.config))), ..._runKeys(s, seed) };
  if (args.rescore) {
    await Deno.stat(join(dir, "run", "test.json")).catch(() => {
      throw new Error(`--rescore: ${dir} holds no finished run (no run/test.json)`);
    });
    const trained = JSON.parse(await Deno.readTextFile(join(dir, "bench_config.json"))).time_budget_s;
    if (trained !== BUDGET) throw new Error(`--rescore: ${dir} was trained with --budget ${trained}`);
    await _keiro(["tune", "--model", join(dir, "run")]);
  } else {
    await Deno.remove(dir, { recursive: true }).catch(() => {});
    await Deno.mkdir(dir, { recursive: true });
    const cfgPath = join(dir, "bench_config.json");
    await Deno.writeTextFile(cfgPath, JSON.stringify(cfg, null, 2));
    await _keiro(["train", "--config", cfgPath, "--out", join(dir, "run"), "--quiet"]);
  }
  const methods = s.reference === "milp" ? "sp,greedy,milp" : "sp,greedy,lp";
  const text = await _keiro([
    "compare",
    "--input",
    join(dir, "run", "data", "test.jsonl"),
    "--methods",
    methods,
    "--reference",
    s.reference,
    "--model",
    join(dir, "run"),
    "--json",
  ]);
  // The checkpoint keiro route uses: best/, else last/.
  const run = join(dir, "run");
  const ck = await findCheckpoint(run, "best") ?? await findCheckpoint(run, "last");
  const tuned = ck && await readSampling(ck);
  if (!tuned) throw new Error(`${run}: no tuned sampling (${SAMPLING_FILE}) in its checkpoint`);
  return { methods: (JSON.parse(text) as { methods: Summary[] }).methods, sampling: tuned.chosen };
}

const env = benchEnv();
const results: Record<string, unknown>[] = [];
const rows: string[][] = [];
const verdicts: string[] = [];
const notes: string[] = [];
for (const key of args.scenarios!.split(",")) {
  for (const s of SCENARIOS[key] ?? []) {
    const perSeed: Summary[][] = [];
    const samplings: EvalSampling[] = [];
    for (const seed of SEEDS) {
      const t0 = performance.now();
      const { methods, sampling } = await _run(s, seed);
      perSeed.push(methods);
      samplings.push(sampling);
      console.error(`${s.name} seed ${seed}: ${((performance.now() - t0) / 1000).toFixed(0)} s`);
    }
    const methods = perSeed[0].map((m) => m.method);
    const agg: Record<string, Record<string, { mean: number; std: number }>> = {};
    for (const m of methods) {
      const pick = (f: keyof Summary) =>
        meanStd(perSeed.map((r) => Number(r.find((x) => x.method === m)![f])));
      agg[m] = {
        ratio: pick("mean_ratio"),
        worst: pick("worst_ratio"),
        complete: pick("complete_pct"),
        over_ref: pick("mean_mlu_over_reference"),
        ms: pick("mean_time_ms"),
      };
      const a = agg[m];
      rows.push([
        s.name,
        m,
        s.reference === "milp" ? `${a.ratio.mean.toFixed(4)} ± ${a.ratio.std.toFixed(4)}` : "—",
        s.reference === "milp" ? a.worst.mean.toFixed(4) : "—",
        `${a.over_ref.mean.toFixed(4)} ± ${a.over_ref.std.toFixed(4)}`,
        `${a.complete.mean.toFixed(1)}%`,
        a.ms.mean.toFixed(2),
      ]);
    }
    const t = s.target;
    const best = agg[methods.find((m) => m.startsWith("keiro-best")) ?? "keiro"];
    if (t?.best32 !== undefined) {
      verdicts.push(
        `${s.name}: best-of-32 ${best.ratio.mean.toFixed(4)} (target ≥ ${t.best32}) ${
          best.ratio.mean >= t.best32 ? "PASS" : "FAIL"
        }`,
      );
    }
    if (t?.greedy_decode !== undefined) {
      const g = agg["keiro"].ratio.mean;
      verdicts.push(
        `${s.name}: greedy decode ${g.toFixed(4)} (target ≥ ${t.greedy_decode}) ${
          g >= t.greedy_decode ? "PASS" : "FAIL"
        }`,
      );
    }
    if (t?.better_than_greedy_pct !== undefined) {
      const k = best.over_ref.mean, g = agg["greedy"].over_ref.mean;
      const pct = (1 - k / g) * 100;
      verdicts.push(
        `${s.name}: keiro MLU/LP ${k.toFixed(4)} vs greedy ${g.toFixed(4)}: ${
          pct.toFixed(1)
        }% better (target ≥ ${t.better_than_greedy_pct}%) ${
          pct >= t.better_than_greedy_pct ? "PASS" : "FAIL"
        }`,
      );
    }
    results.push({
      scenario: s.name,
      config: s.config,
      reference: s.reference,
      seeds: SEEDS,
      per_seed: perSeed,
      sampling: samplings,
      aggregate: agg,
    });
    notes.push(
      `${s.name}: best-of-N sampling chosen on validation (temperature / top-p), seeds ${SEEDS.join(", ")}: ${
        samplings.map((x) => `${x.temperature} / ${x.top_p}`).join(", ")
      }`,
    );
  }
}
const table = formatTable([
  "scenario",
  "method",
  "ratio vs milp",
  "worst",
  "MLU / reference",
  "complete",
  "ms/inst",
], rows);
console.log(table);
console.log([...verdicts, ...notes].join("\n"));
const out = join(ROOT, "bench/results");
// One result file per scenario set, so that runs of different sets do not overwrite each other.
const stem = `te_quality_${args.scenarios!.replaceAll(",", "+")}${args.rescore ? "_rescored" : ""}`;
await Deno.mkdir(out, { recursive: true });
await Deno.writeTextFile(
  join(out, `${stem}.json`),
  JSON.stringify({ env, budget_s: BUDGET, rescored: args.rescore, results, verdicts, notes }, null, 2) + "\n",
);
await Deno.writeTextFile(
  join(out, `${stem}.md`),
  `# TE quality\n\n\`${env.command}\` — commit ${env.commit}${
    env.dirty ? " (dirty)" : ""
  }, ${env.machine.cpu}, ${env.machine.cores} cores, ${env.date}; seeds ${
    SEEDS.join(", ")
  }; training budget ${BUDGET} s per run.${
    args.rescore
      ? " Rescored (`--rescore`): the runs were trained by an earlier invocation; only the test scoring ran with this commit."
      : ""
  }\n\n\`\`\`\n${table}\n\`\`\`\n\n${[...verdicts, ...notes].map((v) => `- ${v}`).join("\n")}\n`,
);
