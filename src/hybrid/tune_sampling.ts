/**
 * Choosing a model's best-of-N sampling on validation data. Best-of-N gains from diverse samples,
 * and how much diversity helps depends on the model and the number of commodities: on the NSFNET
 * c20 bench runs, best-of-32 reached a ratio of 0.94 vs the MILP at temperature 2.0 / top-p 1.0 and
 * 0.97 at 1.0 / 0.9. {@link tuneSampling} routes the first validation instances at every setting of
 * a grid and keeps the one with the best mean approximation ratio; the choice is saved beside the
 * checkpoint as {@link SAMPLING_FILE} and used by `keiro route`, `compare` and `eval` unless their
 * sampling flags say otherwise.
 * @module
 */

import { join } from "node:path";
import { writeOutput } from "../write_output.ts";
import { UsageError } from "../errors.ts";
import type { HybridConfig } from "./config.ts";
import { type EvalSampling, evalSampling } from "./eval_sampling.ts";
import type { LabelledSet } from "./labelled_set.ts";
import type { HybridModel } from "./model.ts";
import { scoreRouting } from "./score_routing.ts";

/** The file a checkpoint's tuned sampling is saved in. */
export const SAMPLING_FILE = "eval_sampling.json";

/** One grid setting's result. */
export interface SamplingTrial extends EvalSampling {
  /** Mean approximation ratio of best-of-N against the validation labels. */
  mean_ratio: number;
  /** Completeness of best-of-N, %. */
  complete_pct: number;
}

/** What {@link tuneSampling} tried and chose (the content of {@link SAMPLING_FILE}). */
export interface SamplingTuning {
  /** The chosen setting: the best mean ratio, the earlier grid entry on a tie. */
  chosen: EvalSampling;
  /** N of best-of-N. */
  samples: number;
  /** Validation instances routed (the first ones of the set). */
  instances: number;
  /** Sampling seed. */
  seed: number;
  trials: SamplingTrial[];
}

/** Options of {@link tuneSampling}; omitted ones come from the run's config. */
export interface TuneOptions {
  /** Settings to try after the config's own (default: `eval_sampling_grid`). */
  grid?: EvalSampling[];
  /** Route at most this many validation instances, the first ones (default: `eval_tune_instances`). */
  instances?: number;
  /** Sampling seed (default: the config's seed + 2). */
  seed?: number;
  /** Checkpoint directory to save the result in ({@link SAMPLING_FILE}); not saved when absent. */
  dir?: string;
  /** Receives a line before and after the trials. */
  log?: (line: string) => void;
}

/**
 * Routes the first validation instances best-of-`eval_samples` at the config's sampling, then at
 * every grid setting (duplicates once), and returns the setting with the best mean ratio against
 * the validation labels (the earlier one on a tie, so the config's own setting wins ties).
 */
export async function tuneSampling(
  cfg: HybridConfig,
  model: HybridModel,
  val: LabelledSet,
  opts: TuneOptions = {},
): Promise<SamplingTuning> {
  const grid = [
    evalSampling(cfg),
    ...(opts.grid ?? cfg.eval_sampling_grid.map(([temperature, top_p]) => ({ temperature, top_p }))),
  ];
  const n = Math.min(opts.instances ?? cfg.eval_tune_instances, val.ds.length);
  const seed = opts.seed ?? cfg.seed + 2;
  opts.log?.(`tuning best-of-${cfg.eval_samples} sampling on ${n} validation instances`);
  const indices = Array.from({ length: n }, (_, i) => i);
  const reference = val.labels.slice(0, n).map((l) => l.mlu);
  const seen = new Set<string>();
  const trials: SamplingTrial[] = [];
  for (const s of grid) {
    const key = `${s.temperature}/${s.top_p}`;
    if (seen.has(key)) continue;
    seen.add(key);
    const routed = await model.route(val.ds, {
      indices,
      samples: cfg.eval_samples,
      temperature: s.temperature,
      top_p: s.top_p,
      seed,
    });
    const { mean_ratio, complete_pct } = scoreRouting("best-of", routed, reference, 0);
    trials.push({ temperature: s.temperature, top_p: s.top_p, mean_ratio, complete_pct });
  }
  const best = trials.reduce((a, b) => (b.mean_ratio > a.mean_ratio ? b : a));
  const tuning = {
    chosen: { temperature: best.temperature, top_p: best.top_p },
    samples: cfg.eval_samples,
    instances: n,
    seed,
    trials,
  };
  opts.log?.(
    `  ${
      trials.map((t) => `${t.temperature} / ${t.top_p}: ${t.mean_ratio.toFixed(4)}`).join(", ")
    } → ${best.temperature} / ${best.top_p}`,
  );
  if (opts.dir) await writeOutput(join(opts.dir, SAMPLING_FILE), JSON.stringify(tuning, null, 2) + "\n");
  return tuning;
}

/** The tuned sampling saved in checkpoint directory `dir`, if any; an unreadable or malformed file
 * is a {@link UsageError} naming it. */
export async function readSampling(dir: string): Promise<SamplingTuning | undefined> {
  const path = join(dir, SAMPLING_FILE);
  const bad = (why: string) =>
    new UsageError(`${path}: ${why} (run keiro tune --model <run> again, or delete the file)`);
  let t: SamplingTuning;
  try {
    t = JSON.parse(await Deno.readTextFile(path)) as SamplingTuning;
  } catch (e) {
    if (e instanceof Deno.errors.NotFound) return undefined;
    throw bad((e as Error).message);
  }
  const c = t?.chosen;
  if (
    typeof c?.temperature !== "number" || !(c.temperature > 0) || typeof c.top_p !== "number" ||
    !(c.top_p > 0 && c.top_p <= 1)
  ) {
    throw bad("chosen must be {temperature > 0, top_p in (0, 1]}");
  }
  return t;
}
