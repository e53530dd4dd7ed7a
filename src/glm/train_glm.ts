/**
 * Training a graph learning module on one dataset and graph mode over several seeds
 * (`keiro glm train`): full-batch epochs with early stopping on the validation accuracy, the best
 * snapshot evaluated on the test nodes, mean ± std over seeds, epoch time and peak memory.
 * @module
 */

import { UsageError } from "../errors.ts";
import { type MeanStd, meanStd } from "../mean_std.ts";
import { Progress } from "../progress.ts";
import type { GlmConfig } from "./config.ts";
import type { GraphDataset } from "./datasets/graph_dataset.ts";
import { GlmModel, type GlmStepMetrics } from "./glm_model.ts";
import { peakRssMb } from "./peak_rss_mb.ts";

/** Options of {@link trainGlm}. */
export interface TrainGlmOptions {
  /** The dataset of a seed (Planetoid: the same one for every seed; csv: a split drawn per seed). */
  dataset: (seed: number) => Promise<GraphDataset>;
  /** The user's config (passed to the native core, which resolves it). */
  config: GlmConfig;
  /** Seeds, one run each (model initialisation, dropout, sampling, and the csv split). */
  seeds: number[];
  /** Maximum epochs per seed. */
  epochs: number;
  /** Device: `cpu` (default), `cuda`, `cuda:N`. */
  device?: string;
  /** Stop a seed after this many epochs without a better validation accuracy (ties: lower
   * validation loss). */
  patience: number;
  /** Show a progress bar on stderr (on a terminal, after a second). Default true. */
  progress?: boolean;
  /** Called after every epoch of every seed (e.g. for a metrics log). */
  onEpoch?: (seed: number, metrics: GlmStepMetrics) => void;
  /** Receives one line per finished seed; default: dropped. */
  log?: (line: string) => void;
  /** Called with the first seed's dataset once its model is made (the config and the dataset
   * accepted), before any epoch, e.g. to show the dataset's notes. */
  onStart?: (ds: GraphDataset) => void;
  /** Called with every seed's model after its best snapshot is evaluated (before the model is
   * closed), e.g. to save it or to export the learned graph. */
  onModel?: (model: GlmModel, run: GlmRun) => Promise<void>;
}

/** Which run {@link TrainGlmOptions.onModel} receives. */
export interface GlmRun {
  /** Position of the seed in `seeds` (0 = the first). */
  index: number;
  seed: number;
  /** Epoch of the best snapshot (from 1; 0 when no epoch ran). */
  bestEpoch: number;
  /** The seed's dataset. */
  dataset: GraphDataset;
}

/** One seed's run. Accuracies are percentages (NaN, written as null in JSON, for a split without
 * nodes). */
export interface GlmSeedResult {
  seed: number;
  /** Accuracies of the best snapshot. */
  train_acc: number;
  val_acc: number;
  val_loss: number;
  test_acc: number;
  /** Epoch of the best snapshot (from 1). */
  best_epoch: number;
  /** Epochs run (early stopping included). */
  epochs: number;
  /** Mean native wall time of an epoch (training step and evaluation), ms. */
  epoch_ms: number;
  /** Message-passing edges of the best snapshot. */
  edges: number;
  /** Wall time of the seed's run, dataset and model creation included, s. */
  seconds: number;
}

export type { MeanStd } from "../mean_std.ts";

/** What {@link trainGlm} reports. Accuracies are percentages (81.5 = 81.5%). */
export interface GlmSummary {
  dataset: string;
  /** Graph mode of the resolved config. */
  graph: string;
  test_accuracy: MeanStd;
  val_accuracy: MeanStd;
  /** Number of seeds. */
  seeds: number;
  /** Mean wall time of an epoch over every epoch of every seed, ms. */
  epoch_ms: number;
  /** Peak resident memory of the process (VmHWM), MB = 2^20 bytes. */
  peak_rss_mb: number;
  nodes: number;
  features: number;
  classes: number;
  parameters: number;
  /** The seeds used. */
  seed_list: number[];
  per_seed: GlmSeedResult[];
  /** The resolved config of the first seed's model (every default filled in). */
  config: GlmConfig;
  /** The dataset's notes (e.g. padded or missing nodes). */
  notes: string[];
}

/** A fraction as a percentage; NaN for null (a split without nodes; JSON writes it as null). */
function _pct(x: number | null): number {
  return x === null ? NaN : 100 * x;
}

/**
 * Trains one model per seed: up to `epochs` full-batch epochs, snapshotting the parameters
 * whenever the validation accuracy improves (or ties with a lower validation loss), stopping after
 * `patience` epochs without improvement, and evaluating the best snapshot. Returns per-seed results
 * and their mean ± sample standard deviation (n − 1).
 */
export async function trainGlm(opts: TrainGlmOptions): Promise<GlmSummary> {
  if (opts.seeds.length === 0) throw new RangeError("trainGlm: no seeds");
  const perSeed: GlmSeedResult[] = [];
  let allMs = 0, allEpochs = 0;
  let first: { ds: GraphDataset; parameters: number } | undefined;
  let resolved: GlmConfig = {};
  const total = opts.seeds.length * opts.epochs;
  let bar: Progress | undefined;
  try {
    for (const [i, seed] of opts.seeds.entries()) {
      const t0 = performance.now();
      const ds = await opts.dataset(seed);
      using model = await GlmModel.create(ds, opts.config, seed, opts.device);
      if (i === 0) {
        opts.onStart?.(ds);
        first = { ds, parameters: model.parameters };
        resolved = model.config;
        const progress = opts.progress ?? true;
        if (progress) bar = new Progress(`glm ${ds.name} ${String(model.config.graph ?? "")}`.trim(), total);
      }
      // glm.dae_warmup: the classifier does not train yet, so neither snapshots nor patience count
      const warmup = Number((model.config.glm as Record<string, unknown> | undefined)?.dae_warmup ?? 0);
      if (warmup >= opts.epochs) {
        throw new UsageError(
          `glm.dae_warmup (${warmup}) leaves no epoch of --epochs ${opts.epochs} to classify`,
        );
      }
      let best: { acc: number; loss: number; epoch: number } | undefined;
      let stale = 0, epochs = 0, ms = 0;
      for (let epoch = 1; epoch <= opts.epochs; epoch++) {
        const m = await model.step(epoch);
        opts.onEpoch?.(seed, m);
        epochs = epoch;
        ms += m.ms;
        if (epoch <= warmup) {
          bar?.update(i * opts.epochs + epoch);
          continue;
        }
        // Without validation nodes (accuracy null) every epoch is the best so far: no early stop.
        const acc = m.val_acc ?? NaN;
        const better = m.val_acc === null || best === undefined || acc > best.acc ||
          (acc === best.acc && m.val_loss < best.loss);
        if (better) {
          best = { acc, loss: m.val_loss, epoch };
          stale = 0;
          await model.keepBest();
        } else {
          stale++;
        }
        bar?.update(i * opts.epochs + epoch);
        if (stale >= opts.patience) break;
      }
      const ev = await model.evaluate(true, best?.epoch);
      await opts.onModel?.(model, { index: i, seed, bestEpoch: best?.epoch ?? 0, dataset: ds });
      allMs += ms;
      allEpochs += epochs;
      const r: GlmSeedResult = {
        seed,
        train_acc: _pct(ev.train_acc),
        val_acc: _pct(ev.val_acc),
        val_loss: ev.val_loss,
        test_acc: _pct(ev.test_acc),
        best_epoch: best?.epoch ?? 0,
        epochs,
        epoch_ms: epochs > 0 ? ms / epochs : 0,
        edges: ev.edges,
        seconds: (performance.now() - t0) / 1000,
      };
      perSeed.push(r);
      bar?.update((i + 1) * opts.epochs);
      opts.log?.(
        `seed ${seed}: test ${r.test_acc.toFixed(2)}%, val ${
          r.val_acc.toFixed(2)
        }%, best epoch ${r.best_epoch}/${epochs}, ${r.epoch_ms.toFixed(1)} ms/epoch`,
      );
    }
  } finally {
    bar?.stop();
  }
  const ds = first!.ds;
  return {
    dataset: ds.name,
    graph: String(resolved.graph ?? opts.config.graph ?? ""),
    test_accuracy: meanStd(perSeed.map((r) => r.test_acc)),
    val_accuracy: meanStd(perSeed.map((r) => r.val_acc)),
    seeds: perSeed.length,
    epoch_ms: allEpochs > 0 ? allMs / allEpochs : 0,
    peak_rss_mb: peakRssMb(),
    nodes: ds.numNodes,
    features: ds.numFeatures,
    classes: ds.numClasses,
    parameters: first!.parameters,
    seed_list: opts.seeds,
    per_seed: perSeed,
    config: resolved,
    notes: ds.notes,
  };
}
