/**
 * An image CNN held by the native core: convolution blocks, a shared layer and one head per target,
 * trained in mini-batches on encoded targets. A {@link NativeHandle}: close it, or let `using` do
 * it. See docs/params.md.
 * @module
 */

import { NativeHandle, type NativeRequest } from "../native_handle.ts";
import { packBuffers } from "../pack_buffers.ts";
import type { RgbImage } from "./rgb_image.ts";

/** The native model config (every key optional; docs/params.md documents them). */
export interface ParamsNativeConfig {
  channels?: number[];
  hidden?: number;
  head_hidden?: number;
  lr?: number;
  weight_decay?: number;
  batch_size?: number;
  loss?: "mse" | "l1";
  kendall?: boolean;
  bn_momentum?: number;
}

/** What a model is built for: image size and the output columns of each head (1, or 2 for an angle). */
export interface ParamsModelShape {
  height: number;
  width: number;
  heads: number[];
}

/** Metrics of one epoch (losses per task, in encoded units). */
export interface ParamsStepMetrics {
  epoch: number;
  /** Weighted total loss, mean over mini-batches. */
  loss: number;
  train_loss: number[];
  val_loss: number[] | null;
  /** Kendall log σ² per task (null unless learned). */
  log_vars: number[] | null;
  lr: number;
  /** Wall time of the native epoch, ms. */
  ms: number;
  /** Training images over the epoch's wall time (validation pass included). */
  images_per_s: number;
}

/** `[n, H, W, 3]` bytes of `images`. */
function _pixels(images: readonly RgbImage[]): Uint8Array<ArrayBuffer> {
  const out = new Uint8Array(images.reduce((n, im) => n + im.data.length, 0));
  let off = 0;
  for (const im of images) {
    out.set(im.data, off);
    off += im.data.length;
  }
  return out;
}

/** A native image CNN, its optimiser state, its training images and its best snapshot. */
export class ParamsModel extends NativeHandle {
  /** The resolved config. */
  readonly config: Required<ParamsNativeConfig>;
  /** Number of trainable parameters. */
  readonly parameters: number;

  private constructor(handle: Deno.PointerValue, config: Required<ParamsNativeConfig>, parameters: number) {
    super("params", "params model", handle);
    this.config = config;
    this.parameters = parameters;
  }

  /**
   * A freshly initialised model (initialisation and shuffling drawn from `seed`) with training
   * data: `images` of `shape`'s size, their encoded `targets` `[N, K]` and `split` codes (1 train,
   * 2 val). With no images it is a model to {@link ParamsModel.load} and predict with.
   */
  static async create(
    shape: ParamsModelShape,
    config: ParamsNativeConfig,
    seed: number,
    data: { images: readonly RgbImage[]; targets: Float32Array; split: Uint8Array } = {
      images: [],
      targets: new Float32Array(0),
      split: new Uint8Array(0),
    },
    device = "cpu",
  ): Promise<ParamsModel> {
    const request = { kind: "new", config, seed, images: data.images.length, ...shape, device };
    const blob = packBuffers([_pixels(data.images), data.targets, data.split]);
    const { text, handle } = await NativeHandle.open("params", request, blob);
    const p = JSON.parse(text) as { parameters: number; config: Required<ParamsNativeConfig> };
    return new ParamsModel(handle, p.config, p.parameters);
  }

  async #call<T>(request: NativeRequest, data?: Uint8Array<ArrayBuffer>): Promise<T> {
    return JSON.parse(await this.call(request, data)) as T;
  }

  /** One epoch with task weights (null: all 1, or learned with `kendall`) and learning rate `lr`. */
  step(epoch: number, weights: number[] | null, lr?: number): Promise<ParamsStepMetrics> {
    return this.#call({ kind: "step", epoch, ...(weights ? { weights } : {}), ...(lr ? { lr } : {}) });
  }

  /** Snapshots the current parameters and batch-norm statistics as the best. */
  async keepBest(): Promise<void> {
    await this.#call({ kind: "keep_best" });
  }

  /** Encoded predictions `[n][K]` of `images` (the best snapshot with `best`). */
  async predict(images: readonly RgbImage[], best = false): Promise<number[][]> {
    const r = await this.#call<{ predictions: number[][] }>(
      { kind: "predict", images: images.length, best },
      _pixels(images),
    );
    return r.predictions;
  }

  /** Writes the best snapshot (else the current parameters) to the safetensors file `path`. */
  async save(path: string): Promise<void> {
    await this.#call({ kind: "save", path });
  }

  /** Loads a checkpoint written by {@link ParamsModel.save} for the same config and shape. */
  async load(path: string): Promise<void> {
    await this.#call({ kind: "load", path });
  }
}
