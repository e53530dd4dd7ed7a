/**
 * Random forest regression in the native core (bagged CART trees, feature subsampling); see
 * core-rs/src/fusion/random_forest.rs.
 * @module
 */

import { NativeError } from "../errors.ts";
import { NativeHandle } from "../native_handle.ts";
import { packBuffers } from "../pack_buffers.ts";

/**
 * Forest hyper-parameters: every key optional; the native core documents them, fills in the
 * defaults and checks them (core-rs/src/fusion/random_forest.rs).
 */
export interface ForestConfig {
  trees?: number;
  max_features?: number;
  min_samples_leaf?: number;
  max_depth?: number;
  bootstrap?: boolean;
}

/** What {@link fitForest} returns. */
export interface ForestResult {
  /** One prediction per row of `x`. */
  predictions: number[];
  /** Impurity importance per feature, summing to 1. */
  importances: number[];
  /** The resolved config. */
  config: Required<ForestConfig>;
}

/**
 * Fits a forest on the rows `train` of `x` (`[rows, width]`, row-major) with targets `y` (one
 * per training row, in the order of `train`) and predicts every row of `x`. Seeded: the same seed
 * gives the same forest. With `save`, the forest is also written to that safetensors file
 * (`predictForest` reads it).
 */
export async function fitForest(
  x: Float32Array,
  width: number,
  train: readonly number[],
  y: ArrayLike<number>,
  config: ForestConfig,
  seed: number,
  save?: string,
): Promise<ForestResult> {
  const rows = x.length / width;
  if (!Number.isInteger(rows) || train.length !== y.length) {
    throw new NativeError(
      `forest: ${x.length} values are not rows of ${width}, or ${train.length} rows ≠ ${y.length} targets`,
    );
  }
  // Training rows first, then every row for prediction.
  const xs = new Float32Array((train.length + rows) * width);
  train.forEach((r, i) => xs.set(x.subarray(r * width, (r + 1) * width), i * width));
  xs.set(x, train.length * width);
  const text = await NativeHandle.request(
    "fusion",
    {
      kind: "forest",
      config,
      seed,
      rows: train.length + rows,
      width,
      train_rows: train.length,
      ...(save ? { save } : {}),
    },
    packBuffers([xs, Float32Array.from(y)]),
  );
  const out = JSON.parse(text) as ForestResult;
  return { ...out, predictions: out.predictions.slice(train.length) };
}
