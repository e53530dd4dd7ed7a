/**
 * A trained params model on disk: `model.safetensors` (weights and batch-norm statistics) and
 * `model.json` (config, image size, targets and their encoding), and predicting with it.
 * @module
 */

import { join } from "node:path";
import { UsageError } from "../errors.ts";
import { readModelJson } from "../read_model_json.ts";
import { writeOutput } from "../write_output.ts";
import { TargetCodec, type TargetCodecJson } from "./param_targets.ts";
import { ParamsModel, type ParamsNativeConfig } from "./params_model.ts";
import type { RgbImage } from "./rgb_image.ts";

/** `model.json`. */
interface _ModelJson {
  config: Required<ParamsNativeConfig>;
  height: number;
  width: number;
  codec: TargetCodecJson;
  seed: number;
}

/** Writes `model` (its best snapshot) and what restores it into the folder `dir`. */
export async function saveParamsModel(
  dir: string,
  model: ParamsModel,
  codec: TargetCodec,
  image: { width: number; height: number },
  seed: number,
): Promise<void> {
  await Deno.mkdir(dir, { recursive: true });
  await model.save(join(dir, "model.safetensors"));
  const json: _ModelJson = {
    config: model.config,
    height: image.height,
    width: image.width,
    codec: codec.toJSON(),
    seed,
  };
  await writeOutput(join(dir, "model.json"), JSON.stringify(json, null, 2) + "\n");
}

/**
 * Predicted parameters of `images` by the model saved in `dir` (by target name; counts rounded,
 * angles in [0, 360) degrees).
 * @throws {UsageError} when `dir` holds no saved model or the images have another size
 */
export async function predictWithSavedModel(
  dir: string,
  images: readonly RgbImage[],
  device?: string,
): Promise<{ codec: TargetCodec; predictions: Record<string, Float64Array> }> {
  const json = await readModelJson(dir, "keiro params train") as unknown as _ModelJson;
  const im = images[0];
  if (im.width !== json.width || im.height !== json.height) {
    throw new UsageError(
      `the model in ${dir} takes ${json.width}×${json.height} px images, got ${im.width}×${im.height}`,
    );
  }
  const codec = new TargetCodec(json.codec);
  using model = await ParamsModel.create(
    { width: json.width, height: json.height, heads: codec.heads() },
    json.config,
    json.seed,
    undefined,
    device,
  );
  await model.load(join(dir, "model.safetensors"));
  return { codec, predictions: codec.decode(await model.predict(images)) };
}
