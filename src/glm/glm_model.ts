/**
 * A graph learning module model held by the native core: a GNN (GCN or GAT) over the input graph,
 * a kNN graph, a learned sparse graph, the input graph mixed with the learned one, or no graph (an
 * MLP), trained full-batch on one {@link GraphDataset}. A {@link NativeHandle}: close it, or let
 * `using` do it. See docs/glm.md.
 * @module
 */

import { NativeError } from "../errors.ts";
import { NativeHandle, type NativeRequest } from "../native_handle.ts";
import { packBuffers } from "../pack_buffers.ts";
import type { GlmConfig } from "./config.ts";
import type { GraphDataset } from "./datasets/graph_dataset.ts";

/** Metrics of one training epoch (accuracies are fractions in [0, 1]; null when the split has no
 * node). */
export interface GlmStepMetrics {
  epoch: number;
  /** Total loss: `ce + reg + glm.dae · dae` (and the first layer's L2 penalty). */
  loss: number;
  /** Cross-entropy on the training nodes. */
  ce: number;
  /** Graph regularisers (0 without a learned graph). */
  reg: number;
  /** The feature-denoising loss of the learned graph, unweighted (0 unless `glm.dae` > 0). */
  dae: number;
  train_acc: number | null;
  val_acc: number | null;
  val_loss: number;
  test_acc: number | null;
  /** Message-passing edges used. */
  edges: number;
  /** Wall time of the native step (training and evaluation), ms. */
  ms: number;
}

/** An evaluation without dropout (accuracies are fractions in [0, 1]; null when the split has no
 * node). */
export interface GlmEvaluation {
  train_acc: number | null;
  val_acc: number | null;
  val_loss: number;
  test_acc: number | null;
  edges: number;
}

/** Predictions for every node. */
export interface GlmPrediction {
  /** Most probable class per node, `[N]`. */
  classes: number[];
  /** Class probabilities per node, `[N][C]`. */
  probabilities: number[][];
}

/** The graph the GNN sees (after symmetrisation and mixing, without added self-loops). */
export interface GlmGraph {
  nodes: number;
  /** `[src, dst, weight]` triples. */
  edges: [number, number, number][];
}

/** A native GLM model, its optimiser state and its best snapshot. */
export class GlmModel extends NativeHandle {
  /** The resolved config (every default filled in by the native core). */
  readonly config: GlmConfig;
  /** Number of trainable parameters. */
  readonly parameters: number;
  /** Number of classes. */
  readonly classes: number;

  private constructor(handle: Deno.PointerValue, config: GlmConfig, parameters: number, classes: number) {
    super("glm", "GLM model", handle);
    this.config = config;
    this.parameters = parameters;
    this.classes = classes;
  }

  /**
   * A freshly initialised model for `ds` (initialisation, dropout and sampling drawn from `seed`).
   * `config` holds the user's keys only; the native core validates it (an unknown key is a usage
   * error naming the key) and returns it resolved in {@link GlmModel.config}.
   */
  static async create(ds: GraphDataset, config: GlmConfig, seed: number, device = "cpu"): Promise<GlmModel> {
    const n = ds.numNodes, f = ds.numFeatures;
    if (ds.features.length !== n * f || ds.labels.length !== n || ds.split.length !== n) {
      throw new NativeError(
        `dataset ${ds.name}: features/labels/split lengths ${ds.features.length}/${ds.labels.length}/${ds.split.length} do not match ${n} nodes × ${f} features`,
      );
    }
    const edges = ds.edges ?? new Uint32Array(0);
    const { text, handle } = await NativeHandle.open(
      "glm",
      {
        kind: "new",
        config,
        seed,
        nodes: n,
        features: f,
        edges: edges.length / 2,
        classes: ds.numClasses,
        device,
      },
      packBuffers([ds.features, ds.labels, ds.split, edges]),
    );
    const payload = JSON.parse(text) as { parameters?: number; classes?: number; config?: GlmConfig };
    return new GlmModel(handle, payload.config ?? config, payload.parameters ?? NaN, payload.classes ?? NaN);
  }

  async #call<T>(request: NativeRequest): Promise<T> {
    return JSON.parse(await this.call(request)) as T;
  }

  /** Trains one full-batch epoch (number `epoch`, from 1) and evaluates without dropout. */
  step(epoch: number): Promise<GlmStepMetrics> {
    return this.#call({ kind: "step", epoch });
  }

  /** Snapshots the current parameters as the best ones. */
  async keepBest(): Promise<void> {
    await this.#call({ kind: "keep_best" });
  }

  /**
   * Evaluates the current parameters, or with `best` the best snapshot; `epoch` sets the epoch of
   * the schedules (the Gumbel temperature), default 0.
   */
  evaluate(best = false, epoch?: number): Promise<GlmEvaluation> {
    return this.#call({ kind: "evaluate", best, ...(epoch === undefined ? {} : { epoch }) });
  }

  /**
   * Class probabilities of every node (no dropout) with the current parameters, or with `best` the
   * best snapshot; `epoch` as in {@link GlmModel.evaluate}.
   */
  predict(best = false, epoch?: number): Promise<GlmPrediction> {
    return this.#call({ kind: "predict", best, ...(epoch === undefined ? {} : { epoch }) });
  }

  /** Saves the best snapshot (the current parameters before any {@link GlmModel.keepBest}) to a
   * safetensors file. */
  async save(path: string): Promise<void> {
    await this.#call({ kind: "save", path });
  }

  /** Loads parameters saved by {@link GlmModel.save} (same config, feature width and classes). */
  async load(path: string): Promise<void> {
    await this.#call({ kind: "load", path });
  }

  /**
   * The graph the GNN sees with the current parameters, or with `best` the best snapshot; `epoch`
   * as in {@link GlmModel.evaluate}.
   */
  graph(best = false, epoch?: number): Promise<GlmGraph> {
    return this.#call({ kind: "graph", best, ...(epoch === undefined ? {} : { epoch }) });
  }
}
