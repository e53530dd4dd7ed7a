/**
 * Trains one params model (one or several targets) on a folder of images for one seed: a seeded
 * train/validation split, targets encoded by a {@link TargetCodec} fitted on the training images,
 * task weights from a {@link TaskWeighter} before every epoch, the learning rate cosine-annealed,
 * and the parameters of the best mean validation loss kept (early stopping after `patience` epochs
 * without improvement).
 * @module
 */

import { UsageError } from "../errors.ts";
import { kendallWeights } from "../losses/kendall_loss.ts";
import type { TaskWeighting } from "../losses/task_weighting.ts";
import { TaskWeighter } from "../losses/task_weighter.ts";
import { Rng } from "../rng.ts";
import { type ParamTarget, TargetCodec, targetValues } from "./param_targets.ts";
import { ParamsModel, type ParamsNativeConfig } from "./params_model.ts";
import type { ParamsSet } from "./read_params_set.ts";

/** Options of {@link trainParams}. */
export interface TrainParamsOptions {
  targets: ParamTarget[];
  /** Native model config (`kendall` is set from the weighting). */
  native: ParamsNativeConfig;
  epochs: number;
  patience: number;
  /** Share of the images held out for validation. */
  valFraction: number;
  weighting: TaskWeighting;
  seed: number;
  device?: string;
  /** Called after every epoch with its row of the metrics CSV. */
  onEpoch?: (row: EpochRow) => void;
}

/** One epoch: the weighted loss, and per target its training and validation loss and its weight. */
export interface EpochRow {
  epoch: number;
  loss: number;
  /** Per target, in target order. */
  train_loss: number[];
  val_loss: number[];
  /** The weight of each target's loss (learned ones with kendall). */
  weights: number[];
  lr: number;
  images_per_s: number;
}

/** A trained model (the caller closes it) with what it was trained on and how it went. */
export interface TrainedParams {
  model: ParamsModel;
  codec: TargetCodec;
  epochs: EpochRow[];
  bestEpoch: number;
  /** Validation loss per target at the best epoch (encoded units). */
  valLoss: number[];
  /** Indices of the validation images. */
  valRows: number[];
  trainSeconds: number;
}

/** Trains a model on `set` (which must have its `params.jsonl`). */
export async function trainParams(set: ParamsSet, o: TrainParamsOptions): Promise<TrainedParams> {
  if (!set.records) throw new UsageError("training needs the folder's params.jsonl (the true parameters)");
  const values = Object.fromEntries(
    o.targets.map((t) => [t.name, targetValues(set.records!, t.name, set.source)]),
  );
  const order = new Rng(o.seed).shuffle(set.ids.map((_, i) => i));
  const nVal = Math.max(1, Math.round(o.valFraction * order.length));
  if (order.length - nVal < 2) throw new UsageError(`${order.length} images: too few to train and validate`);
  const valRows = order.slice(0, nVal).sort((a, b) => a - b);
  const split = new Uint8Array(order.length).fill(1);
  for (const r of valRows) split[r] = 2;
  const codec = TargetCodec.fit(o.targets, values, order.slice(nVal));
  const { width, height } = set.images[0];
  const kendall = o.weighting.kind === "kendall";
  const model = await ParamsModel.create(
    { width, height, heads: codec.heads() },
    { ...o.native, kendall },
    o.seed,
    { images: set.images, targets: codec.encode(values), split },
    o.device,
  );
  try {
    const names = o.targets.map((t) => t.name);
    const weighter = await TaskWeighter.load(o.weighting, names);
    const t0 = performance.now();
    const epochs: EpochRow[] = [], history: number[][] = [];
    let best = Infinity, bestEpoch = 0, valLoss: number[] = [];
    for (let epoch = 1; epoch <= o.epochs && epoch - bestEpoch <= o.patience; epoch++) {
      const weights = weighter.weights(epoch - 1, history);
      const lr = model.config.lr * 0.5 * (1 + Math.cos(Math.PI * (epoch - 1) / o.epochs));
      const m = await model.step(epoch, weights, lr);
      history.push(m.train_loss);
      const row: EpochRow = {
        epoch,
        loss: m.loss,
        train_loss: m.train_loss,
        val_loss: m.val_loss!,
        weights: weights ?? kendallWeights(m.log_vars!),
        lr,
        images_per_s: m.images_per_s,
      };
      epochs.push(row);
      o.onEpoch?.(row);
      const mean = row.val_loss.reduce((a, b) => a + b, 0) / row.val_loss.length;
      if (mean < best) {
        [best, bestEpoch, valLoss] = [mean, epoch, row.val_loss];
        await model.keepBest();
      }
    }
    return {
      model,
      codec,
      epochs,
      bestEpoch,
      valLoss,
      valRows,
      trainSeconds: (performance.now() - t0) / 1e3,
    };
  } catch (e) {
    model.close();
    throw e;
  }
}
