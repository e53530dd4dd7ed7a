/**
 * `keiro params loop`, the meeting notes' generate → estimate → regenerate → compare: draw images
 * from random parameters, estimate the parameters with a saved model, draw the images again from
 * the estimates (same layout seed, so only the estimated parameters differ), and compare the
 * parameters and the images.
 * @module
 */

import { join } from "node:path";
import { writeOutput } from "../write_output.ts";
import { drawParamsImage } from "./draw_params_image.ts";
import { encodePng } from "./encode_png.ts";
import { drawParamsRecords, type ParamsRecord, writeParamsSet } from "./generate_params_set.ts";
import { pixelMse, ssim } from "./image_distance.ts";
import { paramErrors, type TargetError } from "./param_errors.ts";
import type { ParamsRanges } from "./params_ranges.ts";
import { pairSheet } from "./pair_sheet.ts";
import { predictWithSavedModel } from "./saved_params_model.ts";
import { mean } from "../mean.ts";

/** Options of {@link runParamsLoop}. */
export interface ParamsLoopOptions {
  /** Folder of a saved model. */
  model: string;
  count: number;
  seed: number;
  ranges: ParamsRanges;
  /** Output folder: original/, regenerated/, sheet.png, loop.json. */
  out: string;
  /** Pairs on the sheet. */
  sheet: number;
  device?: string;
}

/** What the loop measured (means over the images). */
export interface ParamsLoopResult {
  errors: TargetError[];
  pixel_mse: number;
  ssim: number;
  /** The same distances between each original and the next original (unrelated images), for scale. */
  unrelated: { pixel_mse: number; ssim: number };
}

/** One letter per parameter and its value, `c3 d5 h120.4`. */
function _label(prefix: string, r: Record<string, number>, names: readonly string[]): string {
  return [prefix, ...names.map((n) => `${n[0]}${Number.isInteger(r[n]) ? r[n] : r[n].toFixed(1)}`)].join(" ");
}

/** Runs the loop and writes its files. */
export async function runParamsLoop(o: ParamsLoopOptions): Promise<ParamsLoopResult> {
  const truth = drawParamsRecords(o.count, o.seed, o.ranges);
  const originals = truth.map((r) => drawParamsImage(r, o.ranges.size));
  const { codec, predictions } = await predictWithSavedModel(o.model, originals, o.device);
  const names = codec.targets.map((t) => t.name);
  const estimated: ParamsRecord[] = truth.map((r, i) => ({
    ...r,
    ...Object.fromEntries(names.map((n) => [n, predictions[n][i]])),
  }));
  await writeParamsSet(join(o.out, "original"), truth, o.ranges);
  await writeParamsSet(join(o.out, "regenerated"), estimated, o.ranges);
  const regenerated = estimated.map((r) => drawParamsImage(r, o.ranges.size));
  const trueValues = Object.fromEntries(
    names.map((n) => [n, Float64Array.from(truth, (r) => r[n as keyof ParamsRecord] as number)]),
  );
  const next = (i: number) => originals[(i + 1) % originals.length];
  const result: ParamsLoopResult = {
    errors: paramErrors(codec.targets, predictions, trueValues),
    pixel_mse: mean(originals.map((im, i) => pixelMse(im, regenerated[i]))),
    ssim: mean(originals.map((im, i) => ssim(im, regenerated[i]))),
    unrelated: {
      pixel_mse: mean(originals.map((im, i) => pixelMse(im, next(i)))),
      ssim: mean(originals.map((im, i) => ssim(im, next(i)))),
    },
  };
  const pairs = truth.slice(0, o.sheet).map((r, i) => ({
    left: originals[i],
    right: regenerated[i],
    lines: [
      _label("T", r as unknown as Record<string, number>, names),
      _label("P", estimated[i] as unknown as Record<string, number>, names),
    ],
  }));
  await writeOutput(
    join(o.out, "sheet.png"),
    encodePng(pairSheet(pairs, Math.max(1, Math.round(128 / o.ranges.size)))),
  );
  await writeOutput(join(o.out, "loop.json"), JSON.stringify(result, null, 2) + "\n");
  return result;
}
