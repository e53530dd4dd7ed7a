/**
 * Fusion cross-validation benchmark (issue 21, items 3 and 4): `keiro fuse cv` on the Castelli
 * perovskites, the union of `train_subset1024.csv`, `val.csv` and `test.csv` (the data of Matbench's
 * perovskites task, fewer structures), target `heat_all` (eV per 5-atom cell), 5 folds, every mode on
 * the same folds. The run goes to `<out>/fusion_cv/` and is resumable per fold (rerun the same
 * command after a kill); this script then writes `<out>/fusion_cv.{md,json}` with the command lines,
 * commit, machine, seeds, per-fold MAE, epochs and wall time per fold, the targets, and Matbench's
 * leaderboard side by side.
 *
 * `deno task bench:fusion_cv --materials <dir> [--folds 5] [--fold-seed 0] [--epochs 25] [--hidden 64]
 *   [--lr 0.003] [--trees 300] [--seeds 1] [--modes rf,gnn,early,late,attention,stack,alignn,stack_all]
 *   [--out bench/results]`
 *
 * `--materials` is the folder holding `perov5-castelli/` (the three CSVs), `magpie/` (matminer's
 * element tables) and `cgcnn-sample/atom_init.json`; keiro ships none of them.
 * @module
 */

import { parseArgs } from "node:util";
import { join } from "node:path";
import { benchEnv } from "./_env.ts";
import type { CvSummary } from "../src/fusion/run_fusion_cv.ts";
import { formatFusionCvTable } from "../src/fusion/format_fusion_cv_table.ts";

const { values: a } = parseArgs({
  args: Deno.args,
  options: {
    folds: { type: "string", default: "5" },
    "fold-seed": { type: "string", default: "0" },
    epochs: { type: "string", default: "25" },
    hidden: { type: "string", default: "64" },
    lr: { type: "string", default: "0.003" },
    trees: { type: "string", default: "300" },
    seeds: { type: "string", default: "1" },
    modes: { type: "string", default: "rf,gnn,early,late,attention,stack,alignn,stack_all" },
    out: { type: "string", default: "bench/results" },
    materials: { type: "string" },
  },
});
if (a.materials === undefined) {
  console.error(
    "give --materials <dir>: the folder with perov5-castelli/, magpie/ and cgcnn-sample/atom_init.json",
  );
  Deno.exit(2);
}

/** Matbench v0.1 `matbench_perovskites` (5-fold, 18,928 structures), test MAE in eV/cell. */
const MATBENCH: readonly { model: string; mae: number }[] = [
  { model: "coGN", mae: 0.0269 },
  { model: "ALIGNN", mae: 0.0288 },
  { model: "MEGNet", mae: 0.0352 },
  { model: "CGCNN", mae: 0.0452 },
  { model: "MODNet", mae: 0.0908 },
  { model: "RF-SCM/Magpie", mae: 0.2355 },
];
const FUSED = ["early", "late", "attention", "stack", "alignn", "stack_all"];
/** keiro's counterpart of a Matbench model. */
const _OURS: Record<string, string> = { CGCNN: "gnn", ALIGNN: "alignn", "RF-SCM/Magpie": "rf" };

const ROOT = new URL("..", import.meta.url).pathname;
const DATA = a.materials;
const CASTELLI = join(DATA, "perov5-castelli");
const env = benchEnv();
const run = join(a.out!, "fusion_cv");
await Deno.mkdir(run, { recursive: true });
const config = {
  _comment: "bench/fusion_cv.ts: the model config of its fuse cv run",
  hidden: Number(a.hidden),
  lr: Number(a.lr),
  schedule: "cosine",
  forest: { trees: Number(a.trees) },
};
const configPath = join(a.out!, "fusion_cv.config.json");
await Deno.writeTextFile(configPath, JSON.stringify(config, null, 2) + "\n");
const argv = [
  "fuse",
  "cv",
  ...["train_subset1024", "val", "test"].flatMap((f) => ["--data", join(CASTELLI, `${f}.csv`)]),
  "--structure-column",
  "cif",
  "--target",
  "heat_all",
  "--elements",
  join(DATA, "magpie"),
  "--atom-init",
  join(DATA, "cgcnn-sample/atom_init.json"),
  "--folds",
  a.folds!,
  "--fold-seed",
  a["fold-seed"]!,
  "--epochs",
  a.epochs!,
  "--patience",
  a.epochs!,
  "--seeds",
  a.seeds!,
  "--modes",
  a.modes!,
  "--config",
  configPath,
  "--out",
  run,
];
const t0 = performance.now();
const p = await new Deno.Command(Deno.execPath(), {
  args: ["run", "-A", join(ROOT, "cli/main.ts"), ...argv],
  stdout: "inherit",
  stderr: "inherit",
}).output();
if (!p.success) throw new Error(`keiro ${argv.join(" ")} exited with ${p.code}`);
const minutes = (performance.now() - t0) / 60e3;

const s = JSON.parse(await Deno.readTextFile(join(run, "results.json"))) as CvSummary & { command: string };
const protocol = JSON.parse(await Deno.readTextFile(join(run, "protocol.json")));
const by = Object.fromEntries(s.results.map((m) => [m.mode, m]));
const table = formatFusionCvTable(s);

const ours = (
  m: string,
) => (by[m] ? `${by[m].test_mae.toFixed(4)} ± ${by[m].test_mae_std.toFixed(4)}` : "not run");
/** The issue's targets, each with its verdict (undefined: a mode it needs did not run). */
const checks: { target: string; pass: boolean | undefined; detail: string }[] = [];
const fusedRun = FUSED.filter((m) => by[m]);
if (by.gnn && fusedRun.length > 0) {
  const best = fusedRun.reduce((x, y) => (by[y].test_mae < by[x].test_mae ? y : x));
  const wins = by[best].fold_mae.filter((v, k) => v < by.gnn.fold_mae[k]).length;
  checks.push({
    target: "the best fusion mode beats CGCNN alone on every fold",
    pass: wins === s.folds,
    detail: `${best} (best mean) beats gnn on ${wins} of ${s.folds} folds`,
  });
}
checks.push({
  target: "the ALIGNN-style mode beats CGCNN on the mean",
  pass: by.alignn && by.gnn ? by.alignn.test_mae < by.gnn.test_mae : undefined,
  detail: by.alignn && by.gnn
    ? `alignn ${ours("alignn")} vs gnn ${ours("gnn")}`
    : "not run: --modes lacks alignn or gnn",
});

const fold = s.per_fold.map((f) =>
  `| ${f.fold} | ${f.sizes.train} | ${f.sizes.val} | ${f.sizes.test} | ${f.seconds.toFixed(0)} | ${
    f.runs.filter((r) => r.epochs > 0).map((r) => `${r.label} ${r.epochs} (best ${r.best_epoch})`).join(", ")
  } |`
);
const md = [
  "# Fusion: 5-fold cross-validation on the Castelli perovskites, heat_all (eV/cell)",
  "",
  `\`${env.command}\` — commit ${env.commit}${env.dirty ? " (dirty)" : ""}, ${env.machine.cpu}, ` +
  `${env.machine.cores} cores, ${env.machine.memory_gib} GiB, ${env.date}; ${minutes.toFixed(1)} min ` +
  `in this invocation${
    s.resumed.length > 0 ? ` (folds ${s.resumed.join(", ")} read back from an earlier one)` : ""
  }.`,
  "",
  `keiro command: \`${s.command}\``,
  "",
  `${s.crystals} crystals (the union of train_subset1024.csv, val.csv and test.csv), ${s.folds} folds with ` +
  `fold seed ${s.fold_seed}; in each fold ${protocol.val_fraction} of the other folds' crystals validate ` +
  `(early stopping, α, stacking) and the rest train; model seeds ${protocol.seeds.join(", ")}; at most ` +
  `${protocol.epochs} epochs (cosine schedule), model config ${JSON.stringify(config)}. Fold ids: ` +
  "`fusion_cv/protocol.json`; per-fold runs: `fusion_cv/folds/`.",
  "",
  "Test MAE per fold (mean over model seeds), and mean ± sample std over folds; epochs = mean epochs run " +
  "per neural run (rf, late, stack and stack_all train nothing of their own):",
  "",
  "```",
  table,
  "```",
  "",
  "| fold | train | val | test | wall s | epochs run (best epoch) |",
  "|---:|---:|---:|---:|---:|---|",
  ...fold,
  "",
  "## Targets",
  "",
  ...checks.map((c) =>
    `- ${c.target}: **${c.pass === undefined ? "NOT RUN" : c.pass ? "PASS" : "FAIL"}** — ${c.detail}`
  ),
  "",
  "## Matbench's leaderboard side by side",
  "",
  `Matbench \`matbench_perovskites\`: 5-fold, **18,928** structures. keiro here: ${s.folds}-fold on ` +
  `**${s.crystals}** structures (the ones in the Castelli files given), so each fold trains on fewer structures and ` +
  "the absolute numbers are not comparable; the budget above is far below a converged run.",
  "",
  "| Matbench model | MAE (eV/cell) | keiro mode | MAE here (eV/cell) |",
  "|---|---:|---|---:|",
  ...MATBENCH.map((m) => {
    const mine = _OURS[m.model] ?? "";
    return `| ${m.model} | ${m.mae} | ${mine} | ${mine ? ours(mine) : ""} |`;
  }),
  ...FUSED.filter((m) => by[m] && !Object.values(_OURS).includes(m)).map((m) => `| | | ${m} | ${ours(m)} |`),
  "",
].join("\n");
await Deno.writeTextFile(join(a.out!, "fusion_cv.md"), md);
await Deno.writeTextFile(
  join(a.out!, "fusion_cv.json"),
  JSON.stringify(
    { env, argv: ["keiro", ...argv], config, minutes, matbench: MATBENCH, checks, ...s },
    null,
    2,
  ) +
    "\n",
);
console.log(md);
