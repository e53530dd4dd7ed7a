/**
 * Predicting with a random forest saved by {@link fitForest} (its `save` path).
 * @module
 */

import { NativeError } from "../errors.ts";
import { NativeHandle } from "../native_handle.ts";
import { packBuffers } from "../pack_buffers.ts";

/**
 * The mean tree prediction of each row of `x` (`[rows, width]`, row-major) by the forest in the
 * safetensors file `path`.
 * @throws {UsageError} (from the native core) when the file is not a forest or takes another width
 */
export async function predictForest(path: string, x: Float32Array, width: number): Promise<Float64Array> {
  const rows = x.length / width;
  if (!Number.isInteger(rows)) throw new NativeError(`forest: ${x.length} values are not rows of ${width}`);
  const text = await NativeHandle.request(
    "fusion",
    { kind: "forest_predict", path, rows, width },
    packBuffers([x]),
  );
  return Float64Array.from((JSON.parse(text) as { predictions: number[] }).predictions);
}
