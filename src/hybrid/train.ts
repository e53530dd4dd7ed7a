/**
 * The training loop of the hybrid model (`keiro train`): data, phase 1 (imitation of MILP paths),
 * phase 2 (RL), schedules, validation, metrics, checkpoints, resume, Ctrl-C, and the final test
 * evaluation. The arithmetic is native: one call per batch step.
 *
 * Run directory `<out>/`: `config.json` (the resolved config, written at start), `data/` (the
 * labelled sets, and the labels of an interrupted labelling: see labelled_set.ts), `metrics.jsonl`
 * and `metrics.csv` (one row per epoch), `last/` and `best/` (checkpoints; best = highest greedy
 * validation ratio), `test.json` (the test evaluation).
 * @module
 */

import { rewardOptions } from "./reward_options.ts";
import { join } from "node:path";
import { UsageError } from "../errors.ts";
import type { MethodSummary } from "../te/summarize.ts";
import { Progress } from "../progress.ts";
import { comparisonTable } from "../te/comparison_table.ts";
import { summarize } from "../te/summarize.ts";
import { checkOutputDir, writeOutput } from "../write_output.ts";
import { findCheckpoint, readState, saveCheckpoint, type TrainerState } from "./checkpoint.ts";
import { type HybridConfig, modelConfig } from "./config.ts";
import { configDifferences } from "./config_differences.ts";
import { type LabelledSet, prepareSplit, readSplitFile, type SplitFile } from "./labelled_set.ts";
import { type Split, SPLITS } from "./splits.ts";
import { MetricsLog, type MetricsRow } from "../metrics_log.ts";
import {
  HybridModel,
  type RouteRecord,
  type RouteRequest,
  type StepMetrics,
  type StepRequest,
} from "./model.ts";
import { Rng } from "../rng.ts";
import { configDevice } from "../device.ts";
import { scoreRouting } from "./score_routing.ts";
import { type EvalSampling, evalSampling } from "./eval_sampling.ts";
import { imitationTargets } from "./imitation_targets.ts";
import { readSampling, type SamplingTuning, tuneSampling } from "./tune_sampling.ts";
import { shapeBatches } from "./shape_batches.ts";

/** Options of {@link train}. */
export interface TrainOptions {
  /** The resolved config. */
  config: HybridConfig;
  /** Run directory. */
  out: string;
  /** Instance files instead of generated sets (labelled by the MILP unless they carry `milp`). */
  files?: { train?: string; val?: string; test?: string };
  /** Continue from `<out>/last`, or, in a run stopped before its first checkpoint, the labelling. */
  resume?: boolean;
  /** Receives progress lines (epochs, notes); default: dropped. */
  log?: (line: string) => void;
  /** Show progress bars (on a terminal). Default true. */
  progress?: boolean;
}

/** The test evaluation (`<out>/test.json`). */
export interface TestReport {
  /** Checkpoint evaluated (`best`, else `last`). */
  checkpoint: string;
  /** Epoch of that checkpoint. */
  epoch: number;
  instances: number;
  reference: "milp";
  /** Percentage of reference MLUs proven optimal by the MILP. */
  reference_optimal_pct: number;
  /** keiro greedy, keiro best-of-N, and the MILP reference. */
  methods: MethodSummary[];
  /** The sampling of the best-of-N row: the tuned one, else the config's. */
  eval_sampling: EvalSampling;
  /** The validation tuning that chose it (`null` with an empty `eval_sampling_grid`). */
  sampling_tuning: SamplingTuning | null;
}

/** What {@link train} did. */
export interface TrainResult {
  /** Stopped by Ctrl-C (last/ saved, no test evaluation). */
  interrupted: boolean;
  /** Epochs completed. */
  epochs: number;
  /** The test evaluation (absent when interrupted). */
  test?: TestReport;
  /** The test evaluation as a table. */
  table?: string;
}

/** Native step metrics that are counts: summed over an epoch (the others are averaged, weighted by
 * the instances of each batch). */
const _COUNTS = new Set(["episodes", "steps"]);

function _fmt(x: number | null | undefined, d = 4): string {
  return typeof x === "number" && Number.isFinite(x) ? x.toFixed(d) : "n/a";
}

function _freshState(cfg: HybridConfig): TrainerState {
  const supervised = cfg.two_phase_training && cfg.supervised_epochs > 0;
  return {
    epoch: 0,
    phase: supervised ? "supervised" : "rl",
    phase_epoch: 0,
    phase_done: false,
    lr: supervised ? cfg.supervised_learning_rate : cfg.learning_rate,
    baseline: null,
    entropy_weight: cfg.entropy_weight,
    rng: new Rng(cfg.seed).state,
    best_ratio: null,
    best_epoch: null,
    phase_best_ratio: null,
    stale_epochs: 0,
    reset_critic: false,
    elapsed_s: 0,
    phase_elapsed_s: 0,
    steps: 0,
    finished: false,
  };
}

/** The phase the next epoch belongs to, switching phases in `st` when phase 1 is over; null when
 * training is over. */
function _nextPhase(st: TrainerState, cfg: HybridConfig): "supervised" | "rl" | null {
  const supEpochs = cfg.two_phase_training ? cfg.supervised_epochs : 0;
  if (st.phase === "supervised" && (st.phase_done || st.phase_epoch >= supEpochs)) {
    Object.assign(st, {
      phase: "rl",
      phase_epoch: 0,
      phase_done: false,
      phase_best_ratio: null,
      stale_epochs: 0,
      phase_elapsed_s: 0,
      reset_critic: st.epoch > 0,
    });
  }
  if (st.phase === "rl" && (st.phase_done || st.phase_epoch >= cfg.max_epochs)) return null;
  if (cfg.time_budget_s !== null && st.elapsed_s >= cfg.time_budget_s) return null;
  return st.phase;
}

/** Phase 1's share of the time budget (seconds). */
function _phaseOneShare(cfg: HybridConfig): number {
  if (cfg.time_budget_s === null) return Infinity;
  const s = cfg.two_phase_training ? cfg.supervised_epochs : 0;
  return s + cfg.max_epochs > 0 ? cfg.time_budget_s * s / (s + cfg.max_epochs) : 0;
}

function _lr(cfg: HybridConfig, st: TrainerState): number {
  const sup = st.phase === "supervised";
  const base = sup ? cfg.supervised_learning_rate : cfg.learning_rate;
  const decay = sup ? cfg.supervised_decay_rate ?? cfg.decay_rate : cfg.decay_rate;
  return cfg.lr_decay_step > 0 ? base / decay ** Math.floor(st.phase_epoch / cfg.lr_decay_step) : base;
}

function _request(
  cfg: HybridConfig,
  st: TrainerState,
  targets: number[][][],
  indices: number[],
  lr: number,
  seed: number,
): StepRequest {
  const common = { indices, lr, weight_decay: cfg.weight_decay, grad_clip: cfg.grad_clip, seed };
  if (st.phase === "supervised") {
    return {
      kind: "supervised",
      ...common,
      labels: indices.map((i) => targets[i]),
      edge_loss_weight: cfg.edge_loss_weight,
    };
  }
  return {
    kind: "rl",
    ...common,
    algorithm: cfg.rl_algorithm,
    samples: cfg.rl_samples_per_instance,
    entropy_weight: st.entropy_weight,
    value_loss_weight: cfg.value_loss_weight,
    ppo_epsilon: cfg.ppo_epsilon,
    ppo_epochs: cfg.ppo_epochs,
    baseline: st.baseline ?? 0,
    normalize_advantage: cfg.normalize_advantage,
    advantage: cfg.advantage_baseline,
    temperature: cfg.sampling_temperature,
    top_p: cfg.sampling_top_p,
    ...(st.reset_critic ? { reset_critic: true } : {}),
    reward: rewardOptions(cfg),
  };
}

/** Routes `set` with `req` and scores it against the MILP labels. */
async function _evaluate(
  model: HybridModel,
  set: LabelledSet,
  method: string,
  req: RouteRequest,
): Promise<{ summary: MethodSummary; routed: RouteRecord[] }> {
  const t0 = performance.now();
  const routed = await model.route(set.ds, req);
  const ms = (performance.now() - t0) / Math.max(1, routed.length);
  return { summary: scoreRouting(method, routed, set.labels.map((l) => l.mlu), ms), routed };
}

function _bestOfRequest(cfg: HybridConfig, seed: number, sampling = evalSampling(cfg)): RouteRequest {
  return { samples: cfg.eval_samples, ...sampling, seed };
}

/** Trains (or resumes) a run; see the module doc for what goes where. */
export async function train(opts: TrainOptions): Promise<TrainResult> {
  const cfg = opts.config, out = opts.out, log = opts.log ?? (() => {});
  if (cfg.threads > 0 && Deno.env.get("RAYON_NUM_THREADS") === undefined) {
    Deno.env.set("RAYON_NUM_THREADS", String(cfg.threads));
  }
  await checkOutputDir(out, "--out");
  const given: Partial<Record<Split, SplitFile>> = {};
  for (const split of SPLITS) {
    const file = opts.files?.[split];
    if (file !== undefined) given[split] = await readSplitFile(cfg, file);
  }
  await Deno.mkdir(out, { recursive: true });
  const lastDir = await findCheckpoint(out, "last");
  if (opts.resume && !lastDir) {
    // interrupted before its first checkpoint (while labelling): the labels kept are reused
    const started = await Deno.stat(join(out, "config.json")).then(() => true, () => false);
    if (!started) {
      throw new UsageError(`--resume: ${out} holds no training run (no config.json, no checkpoint)`);
    }
    log(`resuming ${out}: no checkpoint yet, continuing the labelling`);
  }
  if (!opts.resume && lastDir) {
    throw new UsageError(
      `${out} already holds a training run; pass --resume to continue it or choose another --out`,
    );
  }
  await writeOutput(join(out, "config.json"), JSON.stringify(cfg, null, 2) + "\n");

  const sets: LabelledSet[] = [];
  try {
    for (const split of SPLITS) {
      sets.push(await prepareSplit(cfg, split, { out, given: given[split], reuse: opts.resume, log }));
    }
    return await _run(cfg, out, sets[0], sets[1], sets[2], lastDir, log, opts.progress ?? true);
  } finally {
    for (const s of sets) s.ds.close();
  }
}

async function _run(
  cfg: HybridConfig,
  out: string,
  train: LabelledSet,
  val: LabelledSet,
  test: LabelledSet,
  lastDir: string | undefined,
  log: (line: string) => void,
  progress: boolean,
): Promise<TrainResult> {
  let model: HybridModel;
  let st: TrainerState;
  if (lastDir) {
    model = await HybridModel.load(lastDir, { optimizer: true, device: configDevice(cfg) });
    const differences = configDifferences(
      { ...modelConfig(cfg) },
      { ...model.config },
      "config",
      "checkpoint",
    );
    if (differences) {
      model.close();
      throw new UsageError(`--resume: the config's model differs from the checkpoint's: ${differences}`);
    }
    st = await readState(lastDir);
    log(`resuming ${out} after epoch ${st.epoch} (${st.phase})`);
  } else {
    model = await HybridModel.create(modelConfig(cfg), cfg.seed, configDevice(cfg));
    st = _freshState(cfg);
    log(
      `model: ${model.parameters} parameters on ${
        configDevice(cfg)
      }; ${train.ds.length} train, ${val.ds.length} val, ${test.ds.length} test instances`,
    );
  }
  try {
    const metrics = new MetricsLog(out);
    await metrics.open(lastDir ? st.epoch : undefined);
    const interrupted = await _loop(cfg, out, model, st, train, val, metrics, log, progress);
    if (interrupted) return { interrupted: true, epochs: st.epoch };
    const report = await _test(cfg, out, model, st, val, test, log);
    const table = comparisonTable(report.methods, "milp");
    await writeOutput(join(out, "test.json"), JSON.stringify(report, null, 2) + "\n");
    return { interrupted: false, epochs: st.epoch, test: report, table };
  } finally {
    model.close();
  }
}

/** Runs epochs until done; returns true when interrupted by Ctrl-C. */
async function _loop(
  cfg: HybridConfig,
  out: string,
  model: HybridModel,
  st: TrainerState,
  train: LabelledSet,
  val: LabelledSet,
  metrics: MetricsLog,
  log: (line: string) => void,
  progress: boolean,
): Promise<boolean> {
  const rng = new Rng(0);
  rng.state = st.rng;
  let stop = false;
  const onSigint = () => {
    if (stop) Deno.exit(130);
    stop = true;
    log("interrupt: finishing the current step and saving last/ (Ctrl-C again to quit now)");
  };
  Deno.addSignalListener("SIGINT", onSigint);
  const runStart = performance.now(), elapsedAtStart = st.elapsed_s;
  const elapsed = () => elapsedAtStart + (performance.now() - runStart) / 1000;
  const share1 = _phaseOneShare(cfg);
  // Only a run with phase-1 epochs ahead needs the greedy routings.
  const source = st.phase === "supervised" ? cfg.label_paths : "milp";
  const targets = await imitationTargets(train, source, cfg.threads);
  // A step takes instances of one shape (sets may mix node and commodity counts).
  const shapes = (await train.ds.shapes()).map((s) => `${s.nodes}x${s.commodities}`);
  if (source !== "milp") {
    log(
      `imitation targets: the greedy routing for ${targets.greedy} of ${train.ds.length} training instances (as good as the MILP label), the MILP paths for the rest`,
    );
  }
  try {
    for (let phase = _nextPhase(st, cfg); phase !== null; phase = _nextPhase(st, cfg)) {
      const snapshot: TrainerState = { ...st, rng: rng.state };
      const epochStart = performance.now(), phaseStart = elapsed() - st.phase_elapsed_s;
      const sup = phase === "supervised";
      const bs = sup ? cfg.supervised_batch_size ?? cfg.batch_size : cfg.batch_size;
      const lr = _lr(cfg, st);
      const order = rng.shuffle(Array.from({ length: train.ds.length }, (_, i) => i));
      const batchList = shapeBatches(order, shapes, bs);
      const batches = batchList.length;
      const bar = progress ? new Progress(`epoch ${st.epoch + 1} ${phase}`, batches) : undefined;
      const sums = new Map<string, number>(), counts = new Map<string, number>();
      let weight = 0, episodes = 0, stepTime = 0, cut = false, batchesDone = 0;
      try {
        for (let b = 0; b < batches; b++) {
          if (stop) break;
          const indices = batchList[b];
          const t0 = performance.now();
          const m: StepMetrics = await model.step(
            train.ds,
            _request(cfg, st, targets.paths, indices, lr, rng.u32()),
          );
          stepTime += (performance.now() - t0) / 1000;
          st.steps++;
          for (const [k, v] of Object.entries(m)) {
            if (typeof v !== "number") continue;
            if (_COUNTS.has(k)) counts.set(k, (counts.get(k) ?? 0) + v);
            else sums.set(k, (sums.get(k) ?? 0) + v * indices.length);
          }
          weight += indices.length;
          batchesDone++;
          episodes += typeof m.episodes === "number"
            ? m.episodes
            : indices.length * (sup ? 1 : cfg.rl_samples_per_instance);
          if (!sup) {
            st.reset_critic = false;
            if (typeof m.reward_mean === "number" && Number.isFinite(m.reward_mean)) {
              st.baseline = st.baseline === null ? m.reward_mean : 0.95 * st.baseline + 0.05 * m.reward_mean;
            }
            if (cfg.adaptive_entropy && typeof m.entropy === "number" && Number.isFinite(m.entropy)) {
              const w = Math.exp(
                Math.log(st.entropy_weight || 1e-6) + cfg.entropy_lr * (cfg.target_entropy - m.entropy),
              );
              st.entropy_weight = Math.min(1, Math.max(1e-6, w));
            }
          }
          bar?.update(b + 1);
          const now = elapsed();
          if (cfg.time_budget_s !== null && b + 1 < batches) {
            if (now >= cfg.time_budget_s || (sup && now - phaseStart >= share1)) {
              cut = true;
              break;
            }
          }
        }
      } finally {
        bar?.stop();
      }
      if (stop) {
        // weights have moved on; the epoch is counted again on --resume
        await saveCheckpoint(model, out, "last", cfg, { ...snapshot, elapsed_s: elapsed() });
        log(`interrupted during epoch ${st.epoch + 1}: saved ${join(out, "last")}; continue with --resume`);
        return true;
      }
      st.epoch++;
      st.phase_epoch++;
      st.lr = lr;
      st.rng = rng.state;
      const epochSteps = (performance.now() - epochStart) / 1000;

      const greedy = (await _evaluate(model, val, "keiro", { samples: 1 })).summary;
      const improved = st.best_ratio === null || greedy.mean_ratio > st.best_ratio;
      if (improved) Object.assign(st, { best_ratio: greedy.mean_ratio, best_epoch: st.epoch });
      if (st.phase_best_ratio === null || greedy.mean_ratio > st.phase_best_ratio) {
        Object.assign(st, { phase_best_ratio: greedy.mean_ratio, stale_epochs: 0 });
      } else st.stale_epochs++;
      let note = "";
      if (cfg.early_stopping_patience > 0 && st.stale_epochs >= cfg.early_stopping_patience) {
        st.phase_done = true;
        note = ` (early stop: ${st.stale_epochs} epochs without a better validation ratio)`;
      }
      st.elapsed_s = elapsed();
      st.phase_elapsed_s = st.elapsed_s - phaseStart;
      if (cut || (sup && st.phase_elapsed_s >= share1)) {
        st.phase_done = true;
        note ||= " (time budget)";
      }
      const last = _nextPhase({ ...st }, cfg) === null;
      let bestOf: MethodSummary | undefined;
      if (st.phase_epoch % cfg.val_every === 0 || last) {
        bestOf =
          (await _evaluate(model, val, `keiro-best${cfg.eval_samples}`, _bestOfRequest(cfg, rng.u32())))
            .summary;
        st.rng = rng.state;
      }
      const avg = Object.fromEntries([...sums].map(([k, v]) => [k, v / Math.max(1, weight)]));
      const row: MetricsRow = {
        epoch: st.epoch,
        phase,
        phase_epoch: st.phase_epoch,
        batches: batchesDone,
        instances: weight,
        episodes,
        ...Object.fromEntries(counts),
        ...avg,
        val_ratio: greedy.mean_ratio,
        val_worst: greedy.worst_ratio,
        val_complete_pct: greedy.complete_pct,
        val_mlu: greedy.mean_mlu,
        val_best_ratio: bestOf?.mean_ratio ?? null,
        val_best_worst: bestOf?.worst_ratio ?? null,
        val_best_complete_pct: bestOf?.complete_pct ?? null,
        samples_per_s: stepTime > 0 ? episodes / stepTime : null,
        lr,
        entropy_weight: st.entropy_weight,
        baseline: st.baseline,
        epoch_s: epochSteps,
        wall_s: elapsed(),
        best: improved,
      };
      await metrics.append(row);
      st.elapsed_s = elapsed();
      // Validation and checkpoints count towards the phase's share of the budget.
      st.phase_elapsed_s = st.elapsed_s - phaseStart;
      if (improved) await saveCheckpoint(model, out, "best", cfg, { ...st });
      st.finished = last;
      await saveCheckpoint(model, out, "last", cfg, { ...st });
      log(
        `epoch ${st.epoch} ${phase} ${st.phase_epoch}: loss ${_fmt(avg.loss)}` +
          (sup ? "" : ` reward ${_fmt(avg.reward_mean)} mlu ${_fmt(avg.mlu_mean)}`) +
          ` | val ratio ${_fmt(greedy.mean_ratio)}` +
          (bestOf ? ` best-of-${cfg.eval_samples} ${_fmt(bestOf.mean_ratio)}` : "") +
          ` complete ${_fmt(greedy.complete_pct, 1)}% | lr ${lr.toExponential(2)} | ${
            _fmt(epochSteps, 1)
          } s` +
          (improved ? " *" : "") + note,
      );
    }
  } finally {
    Deno.removeSignalListener("SIGINT", onSigint);
  }
  return false;
}

/** Tunes the best checkpoint's (else the current model's) sampling on validation, then evaluates it
 * on the test set. */
async function _test(
  cfg: HybridConfig,
  out: string,
  current: HybridModel,
  st: TrainerState,
  val: LabelledSet,
  test: LabelledSet,
  log: (line: string) => void,
): Promise<TestReport> {
  const bestDir = await findCheckpoint(out, "best");
  const model = bestDir ? await HybridModel.load(bestDir, { device: configDevice(cfg) }) : current;
  try {
    const dir = bestDir ?? await findCheckpoint(out, "last");
    // Without a grid, a choice saved earlier in the checkpoint (keiro tune) is kept and used, as
    // keiro route would.
    const tuning = cfg.eval_sampling_grid.length
      ? await tuneSampling(cfg, model, val, { dir, log })
      : (dir ? await readSampling(dir) : undefined) ?? null;
    const sampling = tuning?.chosen ?? evalSampling(cfg);
    const ref = test.labels.map((l) => l.mlu);
    const greedy = (await _evaluate(model, test, "keiro", { samples: 1 })).summary;
    const bestOf = (await _evaluate(
      model,
      test,
      `keiro-best${cfg.eval_samples}`,
      _bestOfRequest(cfg, cfg.seed + 1, sampling),
    ))
      .summary;
    const milp = summarize(
      "milp",
      test.labels.map((l) => ({ mlu: l.mlu, complete: true, problems: [], verified: true })),
      ref,
      test.labels.map((l) => (Number.isFinite(l.time_ms) ? l.time_ms : undefined)),
    );
    return {
      checkpoint: bestDir ? "best" : "last",
      epoch: bestDir ? (await readState(bestDir)).epoch : st.epoch,
      instances: test.ds.length,
      reference: "milp",
      reference_optimal_pct: 100 * test.labels.filter((l) => l.optimal).length /
        Math.max(1, test.labels.length),
      methods: [greedy, bestOf, milp],
      eval_sampling: sampling,
      sampling_tuning: tuning,
    };
  } finally {
    if (model !== current) model.close();
  }
}
