/**
 * Trains and scores one fusion mode for one seed on {@link FusionInputs}:
 *
 * | mode | model |
 * |---|---|
 * | `rf` | random forest on the Magpie descriptors |
 * | `gnn` | CGCNN alone |
 * | `early` | `[descriptors ‖ CGCNN embedding]` → MLP |
 * | `late` | `α·RF + (1 − α)·CGCNN`, α grid-searched on validation MAE |
 * | `attention` | softmax-weighted sum of projected descriptors and embedding → MLP |
 * | `stack` | ridge meta-model over the RF and CGCNN predictions, cross-fitted on the validation rows |
 * | `stack_all` | the same meta-model over every base model: rf, gnn, early, attention and alignn |
 * | `alignn` | ALIGNN-style: convolutions alternate between the bond-angle line graph and the atom graph; `[descriptors ‖ embedding]` → MLP |
 * | `multitask` | shared CGCNN, one head per target, task weights from {@link TaskWeighting} |
 *
 * Neural modes train on z-scored targets (and z-scored descriptors), keep the parameters of the
 * best validation MAE (mean over targets, z-scored) and stop after `patience` epochs without
 * improvement; the learning rate is constant or cosine-annealed over `epochs`. Every metric is
 * reported in the targets' own units.
 * @module
 */

import { UsageError } from "../errors.ts";
import { l1Loss } from "../losses/l1_loss.ts";
import { r2Score } from "../losses/r2_score.ts";
import type { TaskWeighting } from "../losses/task_weighting.ts";
import { TaskWeighter } from "../losses/task_weighter.ts";
import { ZScore } from "../losses/z_score.ts";
import { join } from "node:path";
import { applyColumnScales, fitColumnScales } from "./column_scales.ts";
import { splitRows } from "./split_rows.ts";
import { fitForest, type ForestConfig } from "./fit_forest.ts";
import { stackPredictions } from "./stack_predictions.ts";
import { type FusionInputs, SPLIT } from "./fusion_inputs.ts";
import { FusionModel, type FusionNativeConfig, type FusionStepMetrics } from "./fusion_model.ts";
import type { SavedFusionParts } from "./saved_fusion_model.ts";

/** File names of a saved model's parts. */
const _FOREST = "forest.safetensors", _NETWORK = "network.safetensors";

/** The fusion modes. */
export const FUSION_MODES = [
  "rf",
  "gnn",
  "early",
  "late",
  "attention",
  "stack",
  "alignn",
  "stack_all",
  "multitask",
] as const;
/** One fusion mode. */
export type FusionMode = typeof FUSION_MODES[number];
/** The base models `stack_all` stacks. */
export const STACK_ALL_BASES: readonly FusionMode[] = ["rf", "gnn", "early", "attention", "alignn"];

/** A stacking meta-model: `intercept`, the ridge penalty `lambda` and one weight per base mode. */
export type StackWeights = { intercept: number; lambda: number } & { [base: string]: number };

/** Options shared by every mode. */
export interface FusionOptions {
  /** Native model config (its `mode` is set per run). */
  native: FusionNativeConfig;
  /** Random forest config. */
  forest: ForestConfig;
  /** Maximum epochs of a neural mode. */
  epochs: number;
  /** Stop after this many epochs without a better validation MAE. */
  patience: number;
  /** Learning-rate schedule over `epochs`: cosine annealing from the config's `lr` to 0, or constant. */
  schedule: "constant" | "cosine";
  /** Task weighting of the multitask mode. */
  weighting: TaskWeighting;
  /** Device of the neural modes: `cpu` (default), `cuda`, `cuda:N` (the forest runs on the CPU). */
  device?: string;
  /** Called after every epoch of a neural mode (for logs and progress). */
  onEpoch?: (mode: FusionMode, metrics: FusionStepMetrics & { weights: number[] | null }) => void;
}

/** Scores of one mode and seed. Metric records are keyed by target. */
export interface ModeResult {
  mode: FusionMode;
  targets: string[];
  test_mae: Record<string, number>;
  test_r2: Record<string, number>;
  val_mae: Record<string, number>;
  /** Wall time of training (and of the parts a late fusion combines), s. */
  train_s: number;
  /** Predictions in target units, per target, over all rows (train, val, test order of the inputs). */
  predictions: Record<string, Float64Array>;
  /** Best epoch (neural modes). */
  best_epoch?: number;
  /** The native model's resolved config (neural modes). */
  config?: Required<FusionNativeConfig>;
  /** Mean attention weights `[descriptors, gnn]` on the test set (attention). */
  attention?: [number, number];
  /** Test MAE of the first target with the descriptors zeroed / the embeddings permuted (early, attention). */
  importance?: { descriptors_zeroed: number; embeddings_permuted: number };
  /** Chosen α of a late fusion. */
  alpha?: number;
  /** The stacking meta-model (stack, stack_all): `intercept + Σ weight·base` with one weight per base
   * mode (rf and gnn for stack), and its ridge penalty. */
  stack?: StackWeights;
  /** Learned Kendall log σ² per target (multitask with kendall). */
  log_vars?: number[];
  /** Impurity importances of the 10 strongest descriptors (rf). */
  top_descriptors?: { name: string; importance: number }[];
  /** Best validation MAE per target (z-scored units), what single-task runs append to a loss history. */
  val_loss?: Record<string, number>;
}

function _pick(a: ArrayLike<number>, rows: readonly number[]): Float64Array {
  return Float64Array.from(rows, (r) => a[r]);
}

/** MAE and R² of `pred` on the rows of a split, per target. */
function _score(inp: FusionInputs, targets: string[], pred: Record<string, Float64Array>, code: number) {
  const rows = splitRows(inp.split, code);
  const mae: Record<string, number> = {}, r2: Record<string, number> = {};
  for (const t of targets) {
    const y = _pick(inp.targets[t], rows), p = _pick(pred[t], rows);
    mae[t] = l1Loss(p, y);
    r2[t] = r2Score(p, y);
  }
  return { mae, r2 };
}

/** The part of a {@link ModeResult} every mode shares: predictions scored on test and validation. */
function _scored(
  inp: FusionInputs,
  mode: FusionMode,
  targets: string[],
  predictions: Record<string, Float64Array>,
  train_s: number,
): ModeResult {
  const test = _score(inp, targets, predictions, SPLIT.test);
  const val = _score(inp, targets, predictions, SPLIT.val);
  return { mode, targets, test_mae: test.mae, test_r2: test.r2, val_mae: val.mae, train_s, predictions };
}

/** Where a run saves its model files; {@link trainFusion} fills in `parts` with what it saved. */
export interface FusionSaveSink {
  /** The folder (created when missing). */
  dir: string;
  /** What was saved, for the model's `model.json` (saved_fusion_model.ts). */
  parts?: SavedFusionParts;
}

/** The part of `sink.parts` a mode fills in (the rest stays as it was). */
function _record(sink: FusionSaveSink | undefined, parts: Partial<SavedFusionParts>): void {
  if (!sink) return;
  sink.parts = {
    ...(sink.parts ??
      { forest: null, network: null, alpha: null, stack: null, bases: null, descriptor_names: [] }),
    ...parts,
  };
}

async function _forest(
  inp: FusionInputs,
  targets: string[],
  o: FusionOptions,
  seed: number,
  sink?: FusionSaveSink,
): Promise<ModeResult> {
  if (!inp.descriptors) throw new UsageError("mode rf needs composition descriptors: pass --elements");
  const t0 = performance.now();
  const d = inp.descriptorNames.length, train = splitRows(inp.split, SPLIT.train);
  const predictions: Record<string, Float64Array> = {};
  let importances: number[] = [];
  if (sink) await Deno.mkdir(sink.dir, { recursive: true });
  for (const t of targets) {
    const rows = train.filter((r) => Number.isFinite(inp.targets[t][r]));
    // The single-target modes fit one forest, the one saved.
    const save = sink && t === targets[0] ? join(sink.dir, _FOREST) : undefined;
    const f = await fitForest(inp.descriptors, d, rows, _pick(inp.targets[t], rows), o.forest, seed, save);
    predictions[t] = Float64Array.from(f.predictions);
    if (t === targets[0]) importances = f.importances;
  }
  const train_s = (performance.now() - t0) / 1e3;
  const top = importances.map((v, j) => ({ name: inp.descriptorNames[j], importance: v }))
    .sort((a, b) => b.importance - a.importance).slice(0, 10);
  _record(sink, { forest: _FOREST, descriptor_names: [...inp.descriptorNames] });
  return { ..._scored(inp, "rf", targets, predictions, train_s), top_descriptors: top };
}

async function _neural(
  inp: FusionInputs,
  mode: "gnn" | "early" | "attention" | "multitask" | "alignn",
  targets: string[],
  o: FusionOptions,
  seed: number,
  sink?: FusionSaveSink,
): Promise<ModeResult> {
  const t0 = performance.now();
  const train = splitRows(inp.split, SPLIT.train);
  const s = inp.split.length, tasks = targets.length;
  const scales = targets.map((t) => ZScore.fit(_pick(inp.targets[t], train)));
  const y = new Float32Array(s * tasks);
  targets.forEach((t, k) => inp.targets[t].forEach((v, i) => y[i * tasks + k] = scales[k].transform(v)));
  const useDesc = mode === "early" || mode === "attention" || mode === "alignn";
  if (useDesc && !inp.descriptors) {
    throw new UsageError(`mode ${mode} needs composition descriptors: pass --elements`);
  }
  const d = inp.descriptorNames.length;
  const descScales = useDesc ? fitColumnScales(inp.descriptors!, d, train) : null;
  const desc = descScales ? applyColumnScales(inp.descriptors!, descScales) : null;
  using model = await FusionModel.create(
    { graphs: inp.graphs, descriptors: desc, descriptorDim: d, targets: y, tasks, split: inp.split },
    { ...o.native, mode, kendall: mode === "multitask" && o.weighting.kind === "kendall" },
    seed,
    o.device,
  );
  const weighter = mode === "multitask" ? await TaskWeighter.load(o.weighting, targets) : null;
  const history: number[][] = [];
  let best = Infinity, bestEpoch = 0, bestVal: number[] = [], logVars: number[] | undefined;
  for (let epoch = 1; epoch <= o.epochs && epoch - bestEpoch <= o.patience; epoch++) {
    const weights = weighter ? weighter.weights(epoch - 1, history) : null;
    const lr = o.schedule === "cosine"
      ? model.config.lr * 0.5 * (1 + Math.cos(Math.PI * (epoch - 1) / o.epochs))
      : undefined;
    const m = await model.step(epoch, weights, lr);
    history.push(m.train_loss);
    o.onEpoch?.(mode, { ...m, weights });
    const v = m.val_mae ?? m.train_loss;
    const mean = v.reduce((a, b) => a + b, 0) / v.length;
    if (mean < best) {
      [best, bestEpoch, bestVal] = [mean, epoch, m.val_loss ?? v];
      logVars = m.log_vars ?? undefined;
      await model.keepBest();
    }
  }
  const train_s = (performance.now() - t0) / 1e3;
  if (sink) {
    await Deno.mkdir(sink.dir, { recursive: true });
    await model.save(join(sink.dir, _NETWORK));
    _record(sink, {
      network: {
        file: _NETWORK,
        config: model.config,
        targets: scales.map((z) => z.toJSON()),
        descriptors: descScales,
      },
      ...(useDesc ? { descriptor_names: [...inp.descriptorNames] } : {}),
    });
  }
  const p = await model.predict({ best: true });
  const predictions: Record<string, Float64Array> = {};
  targets.forEach((t, k) =>
    predictions[t] = Float64Array.from(p.predictions, (row) => scales[k].inverse(row[k]))
  );
  const out: ModeResult = {
    ..._scored(inp, mode, targets, predictions, train_s),
    best_epoch: bestEpoch,
    config: model.config,
    val_loss: Object.fromEntries(targets.map((t, k) => [t, bestVal[k]])),
    ...(logVars ? { log_vars: logVars } : {}),
  };
  if (useDesc) {
    const probe = async (opts: { zeroDescriptors?: boolean; permuteEmbeddings?: number }) => {
      const q = await model.predict({ best: true, split: SPLIT.test, ...opts });
      const pred = Float64Array.from(q.predictions, (row) => scales[0].inverse(row[0]));
      return l1Loss(pred, _pick(inp.targets[targets[0]], q.ids));
    };
    out.importance = {
      descriptors_zeroed: await probe({ zeroDescriptors: true }),
      embeddings_permuted: await probe({ permuteEmbeddings: seed + 1 }),
    };
    if (mode === "attention") {
      out.attention = (await model.predict({ best: true, split: SPLIT.test })).attention ?? undefined;
    }
  }
  return out;
}

/** α·RF + (1 − α)·GNN with α ∈ {0, 0.05, …, 1} chosen on the validation MAE of each target. */
function _late(inp: FusionInputs, targets: string[], rf: ModeResult, gnn: ModeResult): ModeResult {
  const val = splitRows(inp.split, SPLIT.val);
  const predictions: Record<string, Float64Array> = {};
  let alpha = 0;
  for (const t of targets) {
    const blend = (a: number) => rf.predictions[t].map((v, i) => a * v + (1 - a) * gnn.predictions[t][i]);
    let bestA = 0, bestMae = Infinity;
    for (let k = 0; k <= 20; k++) {
      const a = k / 20, mae = l1Loss(_pick(blend(a), val), _pick(inp.targets[t], val));
      if (mae < bestMae) [bestA, bestMae] = [a, mae];
    }
    predictions[t] = blend(bestA);
    if (t === targets[0]) alpha = bestA;
  }
  return { ..._scored(inp, "late", targets, predictions, rf.train_s + gnn.train_s), alpha };
}

/**
 * `intercept + Σ w_b·base_b` per target over the base results `bases` (mode `label`), a ridge fit on
 * the validation rows and cross-fitted there ({@link stackPredictions}, folds drawn from `seed`): the
 * base models never trained on those rows, and no row's prediction comes from a meta-model fit on
 * that row.
 */
function _stack(
  inp: FusionInputs,
  label: FusionMode,
  targets: string[],
  bases: Partial<Record<FusionMode, ModeResult>>,
  seed: number,
): ModeResult {
  const names = Object.keys(bases) as FusionMode[];
  const predictions: Record<string, Float64Array> = {};
  let stack: StackWeights | undefined;
  for (const t of targets) {
    const y = inp.targets[t];
    const fit = splitRows(inp.split, SPLIT.val).filter((r) => Number.isFinite(y[r]));
    if (fit.length < 2) {
      throw new UsageError(`mode ${label} needs at least 2 validation crystals with ${t}, got ${fit.length}`);
    }
    const s = stackPredictions(names.map((b) => bases[b]!.predictions[t]), y, fit, { seed });
    predictions[t] = s.predictions;
    if (t === targets[0]) {
      const weights = Object.fromEntries(names.map((b, i) => [b, s.model.weights[i]]));
      stack = { ...weights, intercept: s.model.intercept, lambda: s.lambda } as StackWeights;
    }
  }
  const trainS = names.reduce((sum, b) => sum + bases[b]!.train_s, 0);
  return { ..._scored(inp, label, targets, predictions, trainS), stack };
}

/**
 * Trains `mode` on `targets` with `seed`. Every mode but multitask uses the first target only.
 * A late fusion or a stack reuses `parts` (the same seed's results of its base modes) when given and
 * trains the bases it is not given. With `sink`, the run's model files (forest, network) go to
 * `sink.dir` and `sink.parts` says what they are (a late fusion or a stack given `parts` has nothing
 * to save: refused; `stack_all` saves each base model in the subfolder named after it).
 */
export async function trainFusion(
  inp: FusionInputs,
  mode: FusionMode,
  targets: string[],
  o: FusionOptions,
  seed: number,
  parts: Partial<Record<FusionMode, ModeResult>> = {},
  sink?: FusionSaveSink,
): Promise<ModeResult> {
  if (targets.length === 0) throw new UsageError("give at least one --target");
  const single = mode === "multitask" ? targets : targets.slice(0, 1);
  if (mode === "multitask" && targets.length < 2) {
    throw new UsageError("mode multitask needs two or more --target");
  }
  if (sink && Object.values(parts).some((p) => p !== undefined)) {
    throw new RangeError("trainFusion: a reused part cannot be saved");
  }
  switch (mode) {
    case "rf":
      return await _forest(inp, single, o, seed, sink);
    case "late":
    case "stack": {
      const rf = parts.rf ?? await _forest(inp, single, o, seed, sink);
      const gnn = parts.gnn ?? await _neural(inp, "gnn", single, o, seed, sink);
      const r = mode === "late"
        ? _late(inp, single, rf, gnn)
        : _stack(inp, "stack", single, { rf, gnn }, seed);
      _record(sink, { alpha: r.alpha ?? null, stack: r.stack ?? null });
      return r;
    }
    case "stack_all": {
      const bases: Partial<Record<FusionMode, ModeResult>> = {};
      const saved: Record<string, SavedFusionParts> = {};
      for (const b of STACK_ALL_BASES) {
        const sub: FusionSaveSink | undefined = sink && { dir: join(sink.dir, b) };
        bases[b] = parts[b] ?? await trainFusion(inp, b, single, o, seed, {}, sub);
        if (sub) saved[b] = sub.parts!;
      }
      const r = _stack(inp, "stack_all", single, bases, seed);
      const names = Object.values(saved).find((p) => p.descriptor_names.length > 0)?.descriptor_names ?? [];
      _record(sink, { stack: r.stack ?? null, bases: saved, descriptor_names: names });
      return r;
    }
    default:
      return await _neural(inp, mode, single, o, seed, sink);
  }
}
