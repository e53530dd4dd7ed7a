/**
 * A whole `keiro params train` run: single-task runs (one model per target, each appending its best
 * validation loss to the `val_losses.json` history of the meeting notes) or multi-task runs (one
 * model for every target, weighted by a {@link TaskWeighting}), over `repeat` seeds; each run's
 * model, metrics CSV and errors; the errors on a held-out set; and Δp against a single-task run.
 * @module
 */

import { join } from "node:path";
import { InputError, UsageError } from "../errors.ts";
import { formatTable } from "../format_table.ts";
import { type DeltaP, deltaP } from "../losses/delta_p.ts";
import { appendLossHistory } from "../losses/inverse_loss_weights.ts";
import type { TaskWeighting } from "../losses/task_weighting.ts";
import { metricsCsv } from "../metrics_csv.ts";
import { writeOutput } from "../write_output.ts";
import type { ParamsConfigFile } from "./load_params_config.ts";
import { paramErrors, type TargetError } from "./param_errors.ts";
import { type ParamTarget, targetValues } from "./param_targets.ts";
import type { ParamsSet } from "./read_params_set.ts";
import { saveParamsModel } from "./saved_params_model.ts";
import { trainParams } from "./train_params.ts";
import { mean } from "../mean.ts";

/** Options of {@link runParamsTraining}. */
export interface RunParamsOptions {
  targets: ParamTarget[];
  /** One model per target (appending to `history`) instead of one for all. */
  single: boolean;
  /** Seeds `seed`, `seed + 1`, …, `seed + repeat − 1`. */
  repeat: number;
  seed: number;
  /** Task weighting of a multi-task run. */
  weighting: TaskWeighting;
  /** The loss history single-task runs append to. */
  history: string;
  config: ParamsConfigFile;
  /** Output folder. */
  out: string;
  /** Held-out images the errors are measured on (default: each run's validation images). */
  test?: ParamsSet;
  /** `results.json` of a single-task run, for Δp. */
  baseline?: string;
  device?: string;
  /** The command line, saved with the results. */
  command: string;
  log?: (line: string) => void;
}

/** One trained model. */
export interface ParamsRunResult {
  /** `multi` or the target of a single-task run. */
  group: string;
  seed: number;
  best_epoch: number;
  /** Best validation loss per target (encoded units). */
  val_loss: Record<string, number>;
  errors: TargetError[];
  train_s: number;
  images_per_s: number;
}

/** What a run writes to `results.json`. */
export interface ParamsResults {
  command: string;
  mode: "single" | "multi";
  weighting: TaskWeighting;
  evaluated_on: "test" | "validation";
  runs: ParamsRunResult[];
  /** Per target: the mean over seeds of its error (and exact-match rate for counts). */
  summary: TargetError[];
  delta_p: DeltaP | null;
}

/** The true values of `targets` in `records` (of the `params.jsonl` at `source`). */
function _truth(
  records: readonly Record<string, unknown>[],
  targets: readonly ParamTarget[],
  source: string,
) {
  return Object.fromEntries(targets.map((t) => [t.name, targetValues(records, t.name, source)]));
}

/** Per target, the mean over runs of its errors. */
function _summary(targets: readonly ParamTarget[], runs: readonly ParamsRunResult[]): TargetError[] {
  return targets.map((t) => {
    const es = runs.flatMap((r) => r.errors.filter((e) => e.target === t.name));
    const out: TargetError = { target: t.name, kind: t.kind, error: mean(es.map((e) => e.error)) };
    if (t.kind === "count") out.exact = mean(es.map((e) => e.exact!));
    return out;
  });
}

/** The single-task error of each of `targets` in the `results.json` at `path`. */
async function _baseline(path: string, targets: readonly ParamTarget[]): Promise<Record<string, number>> {
  let r: ParamsResults;
  try {
    r = JSON.parse(await Deno.readTextFile(path));
  } catch (e) {
    if (e instanceof Deno.errors.NotFound) throw new UsageError(`no such baseline file: ${path}`);
    throw new InputError(`${path}: not a results.json of keiro params train (${(e as Error).message})`);
  }
  if (!Array.isArray(r.summary)) {
    throw new InputError(`${path}: no summary (not a results.json of keiro params train)`);
  }
  return Object.fromEntries(targets.map((t) => {
    const s = r.summary.find((x) => x.target === t.name);
    if (!s) {
      throw new UsageError(`the baseline ${path} has no target '${t.name}'; train it with --single first`);
    }
    return [t.name, s.error];
  }));
}

/** Trains, saves and scores every model of the run; writes `results.json` and returns it. */
export async function runParamsTraining(set: ParamsSet, o: RunParamsOptions): Promise<ParamsResults> {
  // Everything that can be wrong with the inputs is checked before the first model trains.
  if (o.test && !o.test.records) {
    throw new UsageError("the --test folder needs its params.jsonl (the true parameters)");
  }
  const testTruth = o.test ? _truth(o.test.records!, o.targets, o.test.source) : undefined;
  if (!set.records) throw new UsageError("training needs the folder's params.jsonl (the true parameters)");
  _truth(set.records, o.targets, set.source);
  const single = o.baseline ? await _baseline(o.baseline, o.targets) : undefined;
  await Deno.mkdir(o.out, { recursive: true });
  await writeOutput(join(o.out, "config.json"), JSON.stringify(o.config, null, 2) + "\n");
  const groups = o.single ? o.targets.map((t) => [t]) : [o.targets];
  const runs: ParamsRunResult[] = [];
  for (const targets of groups) {
    const group = o.single ? targets[0].name : "multi";
    for (let seed = o.seed; seed < o.seed + o.repeat; seed++) {
      const dir = join(o.out, group, `seed${seed}`);
      const t = await trainParams(set, {
        targets,
        native: o.config.native,
        epochs: o.config.epochs,
        patience: o.config.patience,
        valFraction: o.config.val_fraction,
        weighting: o.single ? { kind: "equal" } : o.weighting,
        seed,
        device: o.device,
        onEpoch: (e) =>
          o.log?.(
            `${group} seed ${seed} epoch ${e.epoch}: loss ${e.loss.toFixed(4)} val ${
              e.val_loss.map((v) => v.toFixed(4)).join(" ")
            }`,
          ),
      });
      using model = t.model;
      await saveParamsModel(dir, model, t.codec, set.images[0], seed);
      await writeOutput(join(dir, "metrics.csv"), metricsCsv(t.epochs, targets.map((x) => x.name)));
      const evalImages = o.test ? o.test.images : t.valRows.map((r) => set.images[r]);
      const truth = testTruth ?? _truth(t.valRows.map((r) => set.records![r]), targets, set.source);
      const pred = t.codec.decode(await model.predict(evalImages, true));
      const val_loss = Object.fromEntries(targets.map((x, k) => [x.name, t.valLoss[k]]));
      if (o.single) await appendLossHistory(o.history, group, t.valLoss[0]);
      runs.push({
        group,
        seed,
        best_epoch: t.bestEpoch,
        val_loss,
        errors: paramErrors(targets, pred, truth),
        train_s: t.trainSeconds,
        images_per_s: mean(t.epochs.map((e) => e.images_per_s)),
      });
    }
  }
  const summary = _summary(o.targets, runs);
  const delta_p = single ? deltaP(single, Object.fromEntries(summary.map((s) => [s.target, s.error]))) : null;
  const results: ParamsResults = {
    command: o.command,
    mode: o.single ? "single" : "multi",
    weighting: o.weighting,
    evaluated_on: o.test ? "test" : "validation",
    runs,
    summary,
    delta_p,
  };
  await writeOutput(join(o.out, "results.json"), JSON.stringify(results, null, 2) + "\n");
  return results;
}

/** The summary table: per target its error, exact-match rate, and with a baseline the single-task error and Δ. */
export function formatParamsResults(r: ParamsResults): string {
  const header = ["target", "kind", "error", "exact"];
  if (r.delta_p) header.push("single", "relative", "transfer");
  const rows = r.summary.map((s, i) => {
    const row = [
      s.target,
      s.kind === "angle" ? "angle (mean °)" : `${s.kind} (MAE)`,
      s.error.toFixed(s.kind === "angle" ? 2 : 3),
      s.exact === undefined ? "n/a" : `${(100 * s.exact).toFixed(1)}%`,
    ];
    const d = r.delta_p?.perTask[i];
    if (d) row.push(d.single.toFixed(3), `${d.relative.toFixed(1)}%`, d.negativeTransfer ? "NEGATIVE" : "ok");
    return row;
  });
  const tail = r.delta_p ? `Δp vs single-task: ${r.delta_p.deltaP.toFixed(1)}%\n` : "";
  return `${r.mode}-task, errors on the ${r.evaluated_on} images, mean over ${
    r.runs.length / (r.mode === "single" ? r.summary.length : 1)
  } seed(s)\n` +
    formatTable(header, rows) + tail;
}
