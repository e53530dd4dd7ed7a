/**
 * A fusion model held by the native core: a CGCNN encoder (with the bond-angle line graph for
 * alignn) with a gnn, early, attention, multitask or alignn head, trained in mini-batches on z-scored targets. A {@link NativeHandle}: close it, or
 * let `using` do it. See docs/fusion.md.
 * @module
 */

import { NativeError } from "../errors.ts";
import { NativeHandle, type NativeRequest } from "../native_handle.ts";
import type { PackedCrystalGraphs } from "../materials/pack_crystal_graphs.ts";
import { packBuffers } from "../pack_buffers.ts";

/** The native model config (every key optional; docs/fusion.md documents them). */
export interface FusionNativeConfig {
  mode?: "gnn" | "early" | "attention" | "multitask" | "alignn";
  hidden?: number;
  conv_layers?: number;
  fc_hidden?: number;
  dropout?: number;
  lr?: number;
  weight_decay?: number;
  batch_size?: number;
  loss?: "l1" | "mse";
  kendall?: boolean;
  bn_momentum?: number;
  gaussian?: { dmin?: number; dmax?: number; step?: number; width?: number };
}

/** The data of one model: every crystal with its split code (1 train, 2 val, 3 test, 0 unused: a
 * loaded model predicting new crystals has no training crystal). */
export interface FusionModelData {
  graphs: PackedCrystalGraphs;
  /** `[S, D]` z-scored descriptors, or null. */
  descriptors: Float32Array | null;
  descriptorDim: number;
  /** `[S, T]` z-scored targets, NaN = missing. */
  targets: Float32Array;
  tasks: number;
  split: Uint8Array;
}

/** Metrics of one epoch (losses and MAEs per task, in z-scored units). */
export interface FusionStepMetrics {
  epoch: number;
  /** Weighted total loss, mean over mini-batches. */
  loss: number;
  train_loss: number[];
  val_loss: number[] | null;
  val_mae: number[] | null;
  /** Kendall log σ² per task (null unless learned). */
  log_vars: number[] | null;
  /** Learning rate used. */
  lr: number;
  /** Wall time of the native epoch, ms. */
  ms: number;
}

/** Options of {@link FusionModel.predict}. */
export interface FusionPredictOptions {
  /** Use the best snapshot (default false). */
  best?: boolean;
  /** Only crystals with this split code. */
  split?: number;
  /** Zero the descriptors (importance probe). */
  zeroDescriptors?: boolean;
  /** Permute the pooled embeddings across crystals with this seed (importance probe). */
  permuteEmbeddings?: number;
}

/** Predictions in z-scored units. */
export interface FusionPredictions {
  ids: number[];
  /** `[n][T]`. */
  predictions: number[][];
  /** Mean attention weights `[descriptors, gnn]` (attention mode), else null. */
  attention: [number, number] | null;
}

/** A native fusion model, its optimiser state and its best snapshot. */
export class FusionModel extends NativeHandle {
  /** The resolved config. */
  readonly config: Required<FusionNativeConfig>;
  /** Number of trainable parameters. */
  readonly parameters: number;

  private constructor(handle: Deno.PointerValue, config: Required<FusionNativeConfig>, parameters: number) {
    super("fusion", "fusion model", handle);
    this.config = config;
    this.parameters = parameters;
  }

  /** A freshly initialised model (initialisation, shuffling and dropout drawn from `seed`). */
  static async create(
    data: FusionModelData,
    config: FusionNativeConfig,
    seed: number,
    device = "cpu",
  ): Promise<FusionModel> {
    const g = data.graphs;
    const s = g.atomOffsets.length - 1, a = g.atomOffsets[s];
    if (data.targets.length !== s * data.tasks || data.split.length !== s) {
      throw new NativeError(
        `fusion data: ${data.targets.length} targets / ${data.split.length} splits for ${s} crystals`,
      );
    }
    const request = {
      kind: "new",
      config,
      seed,
      crystals: s,
      atoms: a,
      feature_dim: g.featureDim,
      slots: g.maxNeighbours,
      descriptor_dim: data.descriptors ? data.descriptorDim : 0,
      tasks: data.tasks,
      angles: config.mode === "alignn",
      device,
    };
    const blob = packBuffers([
      g.atomFeatures,
      g.atomOffsets,
      g.nbrIndex,
      g.nbrDist,
      data.descriptors ?? new Float32Array(0),
      data.targets,
      data.split,
      ...(config.mode === "alignn" ? [g.bondCosines] : []),
    ]);
    const { text, handle } = await NativeHandle.open("fusion", request, blob);
    const p = JSON.parse(text) as { parameters: number; config: Required<FusionNativeConfig> };
    return new FusionModel(handle, p.config, p.parameters);
  }

  async #call<T>(request: NativeRequest): Promise<T> {
    return JSON.parse(await this.call(request)) as T;
  }

  /**
   * One epoch with task weights (null: all 1, or learned with `kendall`) and learning rate `lr`
   * (default: the config's).
   */
  step(epoch: number, weights: number[] | null, lr?: number): Promise<FusionStepMetrics> {
    return this.#call({ kind: "step", epoch, ...(weights ? { weights } : {}), ...(lr ? { lr } : {}) });
  }

  /** Snapshots the current parameters and batch-norm statistics as the best. */
  async keepBest(): Promise<void> {
    await this.#call({ kind: "keep_best" });
  }

  /** Saves the best snapshot (the current parameters before any {@link FusionModel.keepBest}) and
   * its batch-norm statistics to a safetensors file. */
  async save(path: string): Promise<void> {
    await this.#call({ kind: "save", path });
  }

  /** Loads parameters saved by {@link FusionModel.save} (same config and widths). */
  async load(path: string): Promise<void> {
    await this.#call({ kind: "load", path });
  }

  /** Predictions for the crystals of a split (or all), with optional importance probes. */
  predict(o: FusionPredictOptions = {}): Promise<FusionPredictions> {
    return this.#call({
      kind: "predict",
      best: o.best ?? false,
      ...(o.split === undefined ? {} : { split: o.split }),
      zero_descriptors: o.zeroDescriptors ?? false,
      ...(o.permuteEmbeddings === undefined ? {} : { permute_embeddings: o.permuteEmbeddings }),
    });
  }
}
