/**
 * The fair control for `stack_all` (issue 21, item 3): `stack_all` stacks four networks and a forest,
 * so it is set against an ensemble of as many CGCNNs rather than against one. Reads a `fuse cv` run of
 * one mode over several seeds (`bench/fusion_cv.ts --modes gnn --seeds 4 …`, its `fusion_cv/folds/`),
 * and per fold computes each seed's test MAE, their mean, and the MAE of the ensemble (the mean of the
 * seeds' predictions); then compares with the per-fold MAE of `stack_all` in an earlier
 * `bench/fusion_cv.ts` result (`--compare`). The comparison is only made when that result's run of the
 * same mode and seed 0 has the same per-fold MAE (to 1e-9): then the folds, the data and the model
 * are the same. Writes `<out>.{md,json}` with the command lines, commit, machine and seeds.
 *
 *   deno run -A bench/fusion_cv_ensemble.ts --run <out>/fusion_cv [--mode gnn]
 *     [--compare bench/results/fusion_cv.json] [--out bench/results/fusion_cv_ensemble]
 * @module
 */

import { parseArgs } from "node:util";
import { join } from "node:path";
import { benchEnv } from "./_env.ts";
import { parseCsv } from "../src/read_csv.ts";
import { formatTable } from "../src/format_table.ts";
import { mean } from "../src/mean.ts";
import { meanStd } from "../src/mean_std.ts";

const { values: a } = parseArgs({
  args: Deno.args,
  options: {
    run: { type: "string" },
    mode: { type: "string", default: "gnn" },
    compare: { type: "string", default: "bench/results/fusion_cv.json" },
    out: { type: "string", default: "bench/results/fusion_cv_ensemble" },
  },
});
if (a.run === undefined) {
  console.error("give --run <dir>: the fusion_cv folder of a bench/fusion_cv.ts run with several seeds");
  Deno.exit(2);
}

/** One `bench/fusion_cv.ts` result, the parts read here. */
interface _CvBench {
  argv: string[];
  env: { commit: string };
  target: string;
  results: { mode: string; fold_mae: number[] }[];
}

const pm = (v: readonly number[]) => {
  const m = meanStd(v);
  return `${m.mean.toFixed(4)} ± ${m.std.toFixed(4)}`;
};

const env = benchEnv();
const protocol = JSON.parse(await Deno.readTextFile(join(a.run, "protocol.json")));
const target: string = protocol.target;
const command: string = JSON.parse(await Deno.readTextFile(join(a.run, "results.json"))).command;
const ref = JSON.parse(await Deno.readTextFile(a.compare!)) as _CvBench;
const refMae = (m: string) => ref.results.find((r) => r.mode === m)?.fold_mae;
const stackAll = refMae("stack_all"), single0 = refMae(a.mode!);
if (!stackAll || !single0) throw new Error(`${a.compare} has no stack_all or ${a.mode} result`);

const folds: { fold: number; seeds: number[]; seed_mae: number[]; ensemble_mae: number }[] = [];
for (let k = 0; k < protocol.folds; k++) {
  const rows = parseCsv(
    await Deno.readTextFile(join(a.run, "folds", `fold_${k}_predictions.csv`)),
    `fold_${k}_predictions.csv`,
  );
  const header = rows[0].fields;
  const cols = header.flatMap((h, i) => {
    const m = h.match(new RegExp(`^${a.mode}:seed(\\d+):${target}$`));
    return m ? [{ seed: Number(m[1]), i }] : [];
  });
  if (cols.length < 2) throw new Error(`fold ${k}: fewer than 2 seeds of ${a.mode} in ${header.join(",")}`);
  const truth = header.indexOf(target);
  const data = rows.slice(1).map((r) => r.fields.map(Number));
  const mae = (pred: (r: number[]) => number) => mean(data.map((r) => Math.abs(pred(r) - r[truth])));
  folds.push({
    fold: k,
    seeds: cols.map((c) => c.seed),
    seed_mae: cols.map((c) => mae((r) => r[c.i])),
    ensemble_mae: mae((r) => mean(cols.map((c) => r[c.i]))),
  });
}
const seed0 = folds.map((f) => f.seed_mae[f.seeds.indexOf(0)]);
const same = seed0.every((v, k) => Math.abs(v - single0[k]) <= 1e-9);
const ensemble = folds.map((f) => f.ensemble_mae);
const wins = stackAll.filter((v, k) => v < ensemble[k]).length;
const n = folds[0].seeds.length;

const table = formatTable(
  [
    "fold",
    `${a.mode} seed 0`,
    `${a.mode} mean of ${n} seeds`,
    `ensemble of ${n}`,
    "stack_all",
    "stack_all better",
  ],
  [
    ...folds.map((f, k) => [
      String(k),
      seed0[k].toFixed(4),
      mean(f.seed_mae).toFixed(4),
      f.ensemble_mae.toFixed(4),
      stackAll[k].toFixed(4),
      stackAll[k] < f.ensemble_mae ? "yes" : "no",
    ]),
    [
      "mean ± std",
      pm(seed0),
      pm(folds.map((f) => mean(f.seed_mae))),
      pm(ensemble),
      pm(stackAll),
      `${wins}/${folds.length}`,
    ],
  ],
);
const verdict = same
  ? `stack_all beats the ensemble of ${n} ${a.mode} seeds on ${wins} of ${folds.length} folds ` +
    `(mean ${mean(stackAll).toFixed(4)} against ${mean(ensemble).toFixed(4)} eV)`
  : `NOT COMPARABLE: seed 0 of ${a.mode} differs from ${a.compare}'s (${seed0.map((v) => v.toFixed(6))} vs ` +
    `${single0.map((v) => v.toFixed(6))}), so the folds or the model differ`;
console.log(table + "\n" + verdict);
const md = [
  `# Fusion: stack_all against an ensemble of ${n} ${a.mode} seeds (5-fold CV, ${target})`,
  "",
  `\`${env.command}\` — commit ${env.commit}${env.dirty ? " (dirty)" : ""}, ${env.machine.cpu}, ` +
  `${env.machine.cores} cores, ${env.date}.`,
  "",
  `The ${a.mode} runs: \`${command}\` (seeds ${folds[0].seeds.join(", ")}, ` +
  `fold seed ${protocol.fold_seed}). stack_all: \`${a.compare}\` (\`${
    ref.argv.join(" ")
  }\`, commit ${ref.env.commit}). ` +
  `Seed 0 of ${a.mode} ${
    same ? "reproduces" : "does NOT reproduce"
  } that result's per-fold MAE to 1e-9, so ` +
  `${same ? "the folds and the model are the same" : "the two runs are not comparable"}.`,
  "",
  "Test MAE (eV/cell) per fold; the ensemble predicts the mean of the seeds' predictions:",
  "",
  "```",
  table,
  "```",
  "",
  `**${verdict}.**`,
  "",
].join("\n");
await Deno.writeTextFile(`${a.out}.md`, md);
await Deno.writeTextFile(
  `${a.out}.json`,
  JSON.stringify({ env, compare: a.compare, mode: a.mode, same, folds, stack_all: stackAll, wins }, null, 2) +
    "\n",
);
console.error(`wrote ${a.out}.{md,json}`);
