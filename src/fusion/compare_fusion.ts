/**
 * Runs several fusion modes over several seeds on the same splits and summarises them: mean ± std
 * of test MAE and R² per mode, train seconds, mean attention weights and importance probes, and
 * for multitask runs (one per task weighting) Δp against single-task CGCNN runs of every target,
 * with negative transfer flagged.
 * @module
 */

import { appendLossHistory } from "../losses/inverse_loss_weights.ts";
import { type DeltaP, deltaP } from "../losses/delta_p.ts";
import type { TaskWeighting } from "../losses/task_weighting.ts";
import type { FusionInputs } from "./fusion_inputs.ts";
import {
  type FusionMode,
  type FusionOptions,
  type FusionSaveSink,
  type ModeResult,
  trainFusion,
} from "./train_fusion.ts";
import { mean } from "../mean.ts";
import { meanStd } from "../mean_std.ts";

/** Options of {@link compareFusion}. */
export interface CompareOptions extends FusionOptions {
  /** Modes to run. */
  modes: FusionMode[];
  /** Seeds (one run of every mode each). */
  seeds: number[];
  /** Targets; the first is the one every single-target mode predicts. */
  targets: string[];
  /** Task weightings of the multitask runs (default: `[weighting]`). */
  weightings?: TaskWeighting[];
  /** Called after every run. */
  onRun?: (label: string, seed: number, r: ModeResult) => void;
  /** Where the run of `modes` of a seed saves its model (one mode; `fuse train --out`). */
  save?: (seed: number) => FusionSaveSink;
}

/** One row of the summary: a mode (multitask rows are labelled `multitask:<weighting>`). */
export interface ModeSummary {
  mode: string;
  /** First target's test MAE, mean and std over seeds. */
  test_mae: number;
  test_mae_std: number;
  test_r2: number;
  /** Training seconds, mean over seeds. */
  train_s: number;
  /** Per-target test MAE means (multitask rows and single-task baselines). */
  per_target?: Record<string, number>;
  /** Mean attention weights `[descriptors, gnn]`. */
  attention?: [number, number];
  /** Mean test MAE with descriptors zeroed / embeddings permuted. */
  importance?: { descriptors_zeroed: number; embeddings_permuted: number };
  /** Late-fusion α per seed. */
  alpha?: number[];
  /** Stacking meta-model per seed. */
  stack?: NonNullable<ModeResult["stack"]>[];
  /** Δp of a multitask row against the single-task runs (per-target means). */
  delta_p?: DeltaP;
}

/** What {@link compareFusion} returns. */
export interface Comparison {
  target: string;
  targets: string[];
  seeds: number[];
  results: ModeSummary[];
  /** Single-task CGCNN test MAE per target (the multitask baseline), when multitask ran. */
  single_task?: Record<string, number>;
  /** Every run, for the record. */
  runs: { label: string; seed: number; result: Omit<ModeResult, "predictions"> }[];
  /** Every run's predictions of every crystal (the inputs' rows), per target it predicts (the
   * report's parity plot and test_predictions.csv). */
  predictions: { label: string; seed: number; values: Record<string, Float64Array> }[];
}

/** Label of a task weighting. */
export function weightingLabel(w: TaskWeighting): string {
  return w.kind === "inverse" ? `inverse-${w.mode}` : w.kind;
}

function _summary(label: string, rs: ModeResult[], first: string): ModeSummary {
  const mae = rs.map((r) => r.test_mae[first]);
  const s: ModeSummary = {
    mode: label,
    test_mae: mean(mae),
    test_mae_std: meanStd(mae).std,
    test_r2: mean(rs.map((r) => r.test_r2[first])),
    train_s: mean(rs.map((r) => r.train_s)),
  };
  if (rs[0].targets.length > 1) {
    s.per_target = Object.fromEntries(rs[0].targets.map((t) => [t, mean(rs.map((r) => r.test_mae[t]))]));
  }
  if (rs[0].attention) {
    s.attention = [0, 1].map((k) => mean(rs.map((r) => r.attention![k]))) as [number, number];
  }
  if (rs[0].importance) {
    s.importance = {
      descriptors_zeroed: mean(rs.map((r) => r.importance!.descriptors_zeroed)),
      embeddings_permuted: mean(rs.map((r) => r.importance!.embeddings_permuted)),
    };
  }
  if (rs[0].alpha !== undefined) s.alpha = rs.map((r) => r.alpha!);
  if (rs[0].stack !== undefined) s.stack = rs.map((r) => r.stack!);
  return s;
}

/**
 * Every mode of `o.modes` for every seed. A late fusion or a stack reuses the same seed's runs of its
 * base modes (`stack_all` runs after the other modes for that). With
 * multitask, each seed first trains single-task CGCNNs on every target (appending their best
 * validation loss to an inverse weighting's history file, as the seed's single-task runs do), then
 * one multitask model per weighting.
 */
export async function compareFusion(inp: FusionInputs, o: CompareOptions): Promise<Comparison> {
  const first = o.targets[0];
  const byLabel = new Map<string, ModeResult[]>();
  const singles = new Map<string, ModeResult[]>();
  const runs: Comparison["runs"] = [];
  const predictions: Comparison["predictions"] = [];
  const record = (label: string, seed: number, r: ModeResult) => {
    if (!byLabel.has(label)) byLabel.set(label, []);
    byLabel.get(label)!.push(r);
    const { predictions: values, ...rest } = r;
    runs.push({ label, seed, result: rest });
    predictions.push({ label, seed, values });
    o.onRun?.(label, seed, r);
  };
  const weightings = o.weightings ?? [o.weighting];
  for (const seed of o.seeds) {
    const done: Partial<Record<FusionMode, ModeResult>> = {};
    const sink = o.save?.(seed);
    // stack_all last: it reuses every base mode the run lists
    const single = o.modes.filter((m) => m !== "multitask" && m !== "stack_all");
    for (const mode of o.modes.includes("stack_all") ? [...single, "stack_all" as const] : single) {
      const r = await trainFusion(inp, mode, o.targets, o, seed, { ...done }, sink);
      done[mode] = r;
      record(mode, seed, r);
    }
    if (!o.modes.includes("multitask")) continue;
    for (const t of o.targets) {
      const r = t === first && done.gnn ? done.gnn : await trainFusion(inp, "gnn", [t], o, seed);
      if (!singles.has(t)) singles.set(t, []);
      singles.get(t)!.push(r);
      if (r !== done.gnn) o.onRun?.(`gnn:${t}`, seed, r);
      for (const w of weightings) {
        if (w.kind === "inverse") await appendLossHistory(w.history, t, r.val_loss![t]);
      }
    }
    for (const w of weightings) {
      const label = `multitask:${weightingLabel(w)}`;
      const r = await trainFusion(inp, "multitask", o.targets, { ...o, weighting: w }, seed, {}, sink);
      record(label, seed, r);
    }
  }
  const results = [...byLabel.entries()].map(([label, rs]) => _summary(label, rs, first));
  const out: Comparison = {
    target: first,
    targets: o.targets,
    seeds: o.seeds,
    results,
    runs,
    predictions,
  };
  if (singles.size > 0) {
    const single = Object.fromEntries(
      o.targets.map((t) => [t, mean(singles.get(t)!.map((r) => r.test_mae[t]))]),
    );
    out.single_task = single;
    for (const s of results) if (s.per_target) s.delta_p = deltaP(single, s.per_target);
  }
  return out;
}
