/**
 * A graph learning module model held by the native core: a GNN (GCN or GAT) over the input graph,
 * a kNN graph, a learned sparse graph, the input graph mixed with the learned one, or no graph (an
 * MLP), trained full-batch on one {@link GraphDataset}. An opaque handle with an explicit
 * {@link GlmModel.close} and a `FinalizationRegistry` safety net. See docs/glm.md.
 * @module
 */

import { NativeError } from "../errors.ts";
import { bytes, native, unpack } from "../native.ts";
import type { GlmConfig } from "./config.ts";
import type { GraphDataset } from "./datasets/graph_dataset.ts";

/** Metrics of one training epoch (accuracies are fractions in [0, 1]; null when the split has no
 * node). */
export interface GlmStepMetrics {
  epoch: number;
  /** Total loss: `ce + reg`. */
  loss: number;
  /** Cross-entropy on the training nodes. */
  ce: number;
  /** Graph regularisers (0 without a learned graph). */
  reg: number;
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

/** The graph the GNN sees (after symmetrisation and mixing, without added self-loops). */
export interface GlmGraph {
  nodes: number;
  /** `[src, dst, weight]` triples. */
  edges: [number, number, number][];
}

const _registry = new FinalizationRegistry<Deno.PointerValue>((h) => native().keiro_glm_free(h));

function _view(a: ArrayBufferView): Uint8Array<ArrayBuffer> {
  return new Uint8Array(a.buffer, a.byteOffset, a.byteLength) as Uint8Array<ArrayBuffer>;
}

/** A native GLM model, its optimiser state and its best snapshot. */
export class GlmModel {
  #handle: Deno.PointerValue;
  /** The resolved config (every default filled in by the native core). */
  readonly config: GlmConfig;
  /** Number of trainable parameters. */
  readonly parameters: number;
  /** Number of classes. */
  readonly classes: number;

  private constructor(handle: Deno.PointerValue, config: GlmConfig, parameters: number, classes: number) {
    this.#handle = handle;
    this.config = config;
    this.parameters = parameters;
    this.classes = classes;
    _registry.register(this, handle, this);
  }

  /**
   * A freshly initialised model for `ds` (initialisation, dropout and sampling drawn from `seed`).
   * `config` holds the user's keys only; the native core validates it (an unknown key is a usage
   * error naming the key) and returns it resolved in {@link GlmModel.config}.
   */
  static async create(ds: GraphDataset, config: GlmConfig, seed: number): Promise<GlmModel> {
    const n = ds.numNodes, f = ds.numFeatures;
    if (ds.features.length !== n * f || ds.labels.length !== n || ds.split.length !== n) {
      throw new NativeError(
        `dataset ${ds.name}: features/labels/split lengths ${ds.features.length}/${ds.labels.length}/${ds.split.length} do not match ${n} nodes × ${f} features`,
      );
    }
    const c = bytes(JSON.stringify(config));
    const numEdges = ds.edges ? ds.edges.length / 2 : 0;
    // Never an empty buffer: some FFI layers pass a null pointer for one.
    const edges = ds.edges && ds.edges.length > 0 ? _view(ds.edges) : new Uint8Array(8);
    const { text, handle } = unpack(
      await native().keiro_glm_new(
        c,
        BigInt(c.length),
        _view(ds.features),
        BigInt(n),
        BigInt(f),
        _view(ds.labels),
        _view(ds.split),
        edges,
        BigInt(numEdges),
        BigInt(seed),
      ),
    );
    const payload = JSON.parse(text) as { parameters?: number; classes?: number; config?: GlmConfig };
    return new GlmModel(handle, payload.config ?? config, payload.parameters ?? NaN, payload.classes ?? NaN);
  }

  #live(): Deno.PointerValue {
    if (this.#handle === null) throw new NativeError("GLM model is closed");
    return this.#handle;
  }

  async #call<T>(request: Record<string, unknown>): Promise<T> {
    const r = bytes(JSON.stringify(request));
    const { text } = unpack(await native().keiro_glm_call(this.#live(), r, BigInt(r.length)));
    return JSON.parse(text) as T;
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
   * The graph the GNN sees with the current parameters, or with `best` the best snapshot; `epoch`
   * as in {@link GlmModel.evaluate}.
   */
  graph(best = false, epoch?: number): Promise<GlmGraph> {
    return this.#call({ kind: "graph", best, ...(epoch === undefined ? {} : { epoch }) });
  }

  /** Frees the native model; later calls throw. */
  close(): void {
    if (this.#handle !== null) {
      _registry.unregister(this);
      native().keiro_glm_free(this.#handle);
      this.#handle = null;
    }
  }

  /** `using m = await GlmModel.create(...)` closes it at the end of the scope. */
  [Symbol.dispose](): void {
    this.close();
  }
}
