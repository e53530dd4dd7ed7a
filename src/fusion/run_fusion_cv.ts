/**
 * `keiro fuse cv`: a Matbench-style protocol over one dataset. The crystals (the union of the given
 * files) are dealt into k seeded folds; each fold is the test set once, while a seeded fraction of the
 * other folds' crystals is its validation set (early stopping, α, stacking) and the rest its training
 * set. Every mode runs on the same folds; the result is the mean ± std over folds of the per-fold test
 * MAE. The protocol (fold ids included) is written first, each fold's results (and its test crystals'
 * predictions) as the fold finishes,
 * so a killed run given the same command resumes at the first unfinished fold. docs/fusion.md.
 * @module
 */

import { join } from "node:path";
import { UsageError } from "../errors.ts";
import type { CrystalDataset } from "../materials/crystal_dataset.ts";
import { loadCrystalDataset } from "../materials/load_crystal_dataset.ts";
import { subsetCrystalDataset } from "../materials/subset_crystal_dataset.ts";
import { Progress } from "../progress.ts";
import { Rng } from "../rng.ts";
import { checkOutputDir, writeOutput } from "../write_output.ts";
import { compareFusion, type Comparison, type ModeSummary, weightingLabel } from "./compare_fusion.ts";
import { SPLIT } from "./fusion_inputs.ts";
import { kFolds } from "./k_folds.ts";
import { splitRows } from "./split_rows.ts";
import { testPredictionRows } from "./test_prediction_rows.ts";
import { metricsCsv } from "../metrics_csv.ts";
import { type FusionSetupOptions, prepareFusion } from "./prepare_fusion.ts";
import { FUSION_MODES, type FusionMode } from "./train_fusion.ts";
import { _num, _runLine } from "./_fusion_notes.ts";
import { mean } from "../mean.ts";
import { meanStd } from "../mean_std.ts";

/** Options of {@link runFusionCv}: the flags of `keiro fuse cv`. */
export interface RunFusionCvOptions extends FusionSetupOptions {
  /** The dataset's files (their union, in order; ids must be unique across them). */
  data: string[];
  /** Dataset form (default: by path). */
  format?: "csv" | "dir" | "jsonl";
  /** CSV/JSONL column holding the structure. */
  structureColumn?: string;
  /** CSV/JSONL id column. */
  idColumn?: string;
  /** Number of folds (≥ 2). */
  folds: number;
  /** Seed of the fold assignment and of each fold's validation draw. */
  foldSeed: number;
  /** Fraction of each fold's non-test crystals held out for validation, in (0, 1). */
  valFraction: number;
  /** Modes to run (default: every single-target mode, multitask too with two or more targets). */
  modes?: FusionMode[];
  /** Model seeds, one run of every mode each, per fold. */
  seeds: number[];
  /** Where the protocol, each fold's results and the report go (a resumed run reads them back). */
  out: string;
  /** The command line, for the report. */
  command: string;
}

/** One run of a fold: a mode (label) and seed. */
export interface CvRun {
  label: string;
  seed: number;
  test_mae: number;
  val_mae: number;
  /** Epochs run (0 for rf, and for late and the stacks when their base modes are listed: they train
   * nothing of their own). */
  epochs: number;
  best_epoch: number | null;
  train_s: number;
}

/** One fold's results, `folds/fold_<k>.json`. */
export interface CvFold {
  fold: number;
  sizes: { train: number; val: number; test: number };
  /** Wall time of the fold's runs, s. */
  seconds: number;
  /** Per mode, over the seeds. */
  results: ModeSummary[];
  runs: CvRun[];
}

/** One mode over the folds. */
export interface CvModeSummary {
  mode: string;
  /** Test MAE of each fold (mean over seeds). */
  fold_mae: number[];
  /** Mean and sample std (n − 1) of `fold_mae`. */
  test_mae: number;
  test_mae_std: number;
  /** Mean epochs run per run and mean best epoch (neural modes). */
  epochs: number;
  best_epoch: number | null;
}

/** What {@link runFusionCv} returns (and writes as `results.json`). */
export interface CvSummary {
  target: string;
  folds: number;
  fold_seed: number;
  crystals: number;
  results: CvModeSummary[];
  per_fold: CvFold[];
  /** Folds read back from an earlier run. */
  resumed: number[];
}

/** Every crystal of `files` in one dataset. */
async function _union(o: RunFusionCvOptions): Promise<CrystalDataset> {
  const parts: CrystalDataset[] = [];
  for (const path of o.data) {
    parts.push(
      await loadCrystalDataset(path, {
        format: o.format,
        structureColumn: o.structureColumn,
        idColumn: o.idColumn,
        targets: o.targets.length > 0 ? o.targets : undefined,
      }),
    );
  }
  if (o.targets.length === 0) {
    const cols = Object.keys(parts[0].targets);
    throw new UsageError(
      `give at least one --target; ${parts[0].name} has the numeric columns ${cols.join(", ") || "(none)"}`,
    );
  }
  const seen = new Map<string, string>();
  for (const ds of parts) {
    for (const id of ds.ids) {
      const other = seen.get(id);
      if (other !== undefined) {
        throw new UsageError(`${ds.name}: id ${id} is also in ${other}; the union needs unique ids`);
      }
      seen.set(id, ds.name);
    }
  }
  return {
    name: parts.map((p) => p.name).join("+"),
    ids: parts.flatMap((p) => p.ids),
    structures: parts.flatMap((p) => p.structures),
    compositions: parts.flatMap((p) => p.compositions),
    targets: Object.fromEntries(
      o.targets.map((t) => [t, Float64Array.from(parts.flatMap((p) => Array.from(p.targets[t])))]),
    ),
  };
}

/** The split codes of fold `k`: its crystals test, `valFraction` of the rest (seeded) validation. */
function _foldSplit(foldOf: number[], k: number, o: RunFusionCvOptions): Uint8Array {
  const split = new Uint8Array(foldOf.length).fill(SPLIT.train);
  const rest: number[] = [];
  foldOf.forEach((f, i) => f === k ? split[i] = SPLIT.test : rest.push(i));
  const nVal = Math.max(1, Math.round(o.valFraction * rest.length));
  const val = new Rng(o.foldSeed + k + 1).shuffle(rest).slice(0, nVal);
  for (const i of val) split[i] = SPLIT.val;
  return split;
}

/** The first top-level key whose value differs between two protocols. */
function _firstDifference(a: Record<string, unknown>, b: Record<string, unknown>): string | undefined {
  const keys = new Set([...Object.keys(a), ...Object.keys(b)]);
  return [...keys].find((k) => JSON.stringify(a[k]) !== JSON.stringify(b[k]));
}

async function _readJson(path: string): Promise<unknown | undefined> {
  try {
    return JSON.parse(await Deno.readTextFile(path));
  } catch (e) {
    if (e instanceof Deno.errors.NotFound) return undefined;
    throw new UsageError(
      `${path}: not readable as JSON (${(e as Error).message}); remove it to redo that part`,
    );
  }
}

/** Per mode over the folds. */
function _summaries(folds: CvFold[]): CvModeSummary[] {
  return folds[0].results.map(({ mode }) => {
    const maes = folds.map((f) => f.results.find((s) => s.mode === mode)!.test_mae);
    const runs = folds.flatMap((f) => f.runs.filter((r) => r.label === mode));
    const best = runs.flatMap((r) => r.best_epoch === null ? [] : [r.best_epoch]);
    return {
      mode,
      fold_mae: maes,
      test_mae: mean(maes),
      test_mae_std: meanStd(maes).std,
      epochs: mean(runs.map((r) => r.epochs)),
      best_epoch: best.length > 0 ? mean(best) : null,
    };
  });
}

/** The report: the protocol, one row per mode (each fold's MAE, mean ± std), one row per fold. */
function _markdown(s: CvSummary, command: string, protocol: Record<string, unknown>): string {
  const k = s.folds;
  const lines = [
    `# Cross-validation: ${s.target}`,
    "",
    `Command: \`${command}\``,
    "",
    `${s.crystals} crystals, ${k} folds (fold seed ${s.fold_seed}), validation ${protocol.val_fraction} of ` +
    `each fold's training crystals; model seeds ${
      (protocol.seeds as number[]).join(", ")
    }; epochs ≤ ${protocol.epochs}, ` +
    `patience ${protocol.patience}. Fold ids: \`protocol.json\`.`,
    "",
    `| mode | ${
      Array.from({ length: k }, (_, i) => `fold ${i}`).join(" | ")
    } | mean ± std | epochs | best epoch |`,
    `|---|${"---:|".repeat(k)}---:|---:|---:|`,
    ...s.results.map((m) =>
      `| ${m.mode} | ${m.fold_mae.map((v) => _num(v)).join(" | ")} | ${_num(m.test_mae)} ± ${
        _num(m.test_mae_std)
      } | ${_num(m.epochs, 3)} | ${m.best_epoch === null ? "" : _num(m.best_epoch, 3)} |`
    ),
    "",
    "| fold | train | val | test | wall s |",
    "|---:|---:|---:|---:|---:|",
    ...s.per_fold.map((f) =>
      `| ${f.fold} | ${f.sizes.train} | ${f.sizes.val} | ${f.sizes.test} | ${_num(f.seconds, 4)} |`
    ),
    "",
  ];
  if (s.resumed.length > 0) {
    lines.push(`Folds ${s.resumed.join(", ")} were read back from an earlier run.`, "");
  }
  return lines.join("\n");
}

/**
 * Runs the protocol of `o` into `o.out`: `protocol.json` (folds, fold seed, validation fraction,
 * modes, seeds, epochs, config, and the test and validation ids of every fold), `folds/fold_<k>.json`
 * and `folds/fold_<k>_predictions.csv` (every test crystal's id, true value and each run's prediction)
 * as each fold finishes, then `results.json`, `report.md` and `config.json`. An existing
 * `protocol.json` must equal the new one (else a usage error naming the first differing key); its
 * finished folds are read back, not rerun.
 */
export async function runFusionCv(o: RunFusionCvOptions): Promise<CvSummary> {
  const targets = o.targets;
  if (new Set(targets).size !== targets.length) throw new UsageError("a --target is given twice");
  if (!Number.isInteger(o.folds) || o.folds < 2) throw new UsageError(`--folds must be ≥ 2, got ${o.folds}`);
  if (!(o.valFraction > 0 && o.valFraction < 1)) {
    throw new UsageError(`--val-fraction must be in (0, 1), got ${o.valFraction}`);
  }
  const modes = o.modes ?? FUSION_MODES.filter((m) => m !== "multitask" || targets.length > 1);
  if (modes.includes("multitask") && targets.length < 2) {
    throw new UsageError("mode multitask needs two or more --target");
  }
  await checkOutputDir(o.out, "--out");
  const p = await prepareFusion(o, modes, async () => {
    const all = await _union(o);
    if (all.ids.length < o.folds) {
      throw new UsageError(
        `--folds ${o.folds} needs at least as many crystals; ${all.name} has ${all.ids.length}`,
      );
    }
    return {
      train: all,
      val: subsetCrystalDataset(all, [], "none"),
      test: subsetCrystalDataset(all, [], "none"),
    };
  });
  const n = p.inp.ids.length;
  const foldOf = kFolds(n, o.folds, o.foldSeed);
  const splits = Array.from({ length: o.folds }, (_, k) => _foldSplit(foldOf, k, o));
  const idsOf = (split: Uint8Array, code: number) => p.inp.ids.filter((_, i) => split[i] === code);
  const protocol: Record<string, unknown> = {
    protocol: "k-fold cross-validation: each fold the test set once; validation drawn from the other folds",
    data: o.data,
    crystals: n,
    target: targets[0],
    targets,
    folds: o.folds,
    fold_seed: o.foldSeed,
    val_fraction: o.valFraction,
    modes,
    seeds: o.seeds,
    weightings: p.weightings.map(weightingLabel),
    epochs: p.epochs,
    patience: p.patience,
    schedule: p.file.schedule,
    native: p.file.native,
    forest: p.file.forest,
    cutoff: o.cutoff,
    max_neighbours: o.maxNeighbours,
    fold_ids: splits.map((s, k) => ({ fold: k, test: idsOf(s, SPLIT.test), val: idsOf(s, SPLIT.val) })),
  };
  await Deno.mkdir(join(o.out, "folds"), { recursive: true });
  const protocolPath = join(o.out, "protocol.json");
  const before = await _readJson(protocolPath) as Record<string, unknown> | undefined;
  if (before !== undefined) {
    const key = _firstDifference(before, protocol);
    if (key !== undefined) {
      throw new UsageError(
        `${protocolPath}: an earlier run with a different ${key}; give another --out, or remove ${o.out} to start over`,
      );
    }
  } else {
    await writeOutput(protocolPath, JSON.stringify(protocol, null, 2) + "\n");
  }
  o.log(
    `fuse cv: ${n} crystals, ${o.folds} folds (fold seed ${o.foldSeed}), ${p.inp.descriptorNames.length} ` +
      `descriptors, target ${targets[0]}; modes ${modes.join(", ")}; seeds ${o.seeds.join(", ")}`,
  );
  const perFold: CvFold[] = [], resumed: number[] = [];
  for (let k = 0; k < o.folds; k++) {
    const path = join(o.out, "folds", `fold_${k}.json`);
    const done = await _readJson(path) as CvFold | undefined;
    if (done !== undefined) {
      perFold.push(done);
      resumed.push(k);
      o.log(`fold ${k}: read back from ${path}`);
      continue;
    }
    const split = splits[k];
    const sizes = {
      train: split.filter((c) => c === SPLIT.train).length,
      val: split.filter((c) => c === SPLIT.val).length,
      test: split.filter((c) => c === SPLIT.test).length,
    };
    const t0 = performance.now();
    const runs: CvRun[] = [];
    let epochs = 0, bar: Progress | undefined;
    let c: Comparison;
    try {
      c = await compareFusion({ ...p.inp, split }, {
        ...p.compare(modes, o.seeds),
        onEpoch: (mode, m) => {
          bar ??= new Progress(`fold ${k} ${mode}`, p.epochs);
          bar.update(m.epoch);
          epochs++;
        },
        onRun: (label, seed, r) => {
          bar?.stop();
          bar = undefined;
          o.log(`fold ${k}/${o.folds}: ${_runLine(label, seed, r)}`);
          runs.push({
            label,
            seed,
            test_mae: r.test_mae[targets[0]],
            val_mae: r.val_mae[targets[0]],
            epochs,
            best_epoch: r.best_epoch ?? null,
            train_s: r.train_s,
          });
          epochs = 0;
        },
      });
    } finally {
      bar?.stop();
    }
    const fold: CvFold = {
      fold: k,
      sizes,
      seconds: (performance.now() - t0) / 1e3,
      results: c.results,
      runs,
    };
    const test = splitRows(split, SPLIT.test);
    await writeOutput(
      join(o.out, "folds", `fold_${k}_predictions.csv`),
      metricsCsv(testPredictionRows(c, test, { ids: p.inp.ids, actual: p.inp.targets })),
    );
    await writeOutput(path, JSON.stringify(fold, null, 2) + "\n");
    perFold.push(fold);
  }
  const summary: CvSummary = {
    target: targets[0],
    folds: o.folds,
    fold_seed: o.foldSeed,
    crystals: n,
    results: _summaries(perFold),
    per_fold: perFold,
    resumed,
  };
  await writeOutput(
    join(o.out, "results.json"),
    JSON.stringify({ command: o.command, ...summary }, null, 2) + "\n",
  );
  await writeOutput(join(o.out, "report.md"), _markdown(summary, o.command, protocol));
  const { fold_ids: _, ...config } = protocol;
  await writeOutput(join(o.out, "config.json"), JSON.stringify(config, null, 2) + "\n");
  o.log(`wrote ${o.out}/{protocol.json,folds/,results.json,report.md,config.json}`);
  return summary;
}
