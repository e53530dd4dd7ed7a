/**
 * `keiro params gen`: a seeded set of generated images and their parameters.
 * @module
 */

import { join } from "node:path";
import { Rng } from "../rng.ts";
import { writeOutput } from "../write_output.ts";
import { drawParamsImage, type ImageParams } from "./draw_params_image.ts";
import { encodePng } from "./encode_png.ts";
import type { ParamsRanges } from "./params_ranges.ts";

/** One line of `params.jsonl`: the image's id (its file is `<id>.png`) and its parameters. */
export type ParamsRecord = { id: string } & ImageParams;

/** A real drawn uniformly from `[lo, hi]`, rounded to 3 decimals (what the file holds is what is drawn). */
function _real(rng: Rng, [lo, hi]: [number, number]): number {
  return Math.round((lo + rng.unit() * (hi - lo)) * 1000) / 1000;
}

/** An integer drawn uniformly from `[lo, hi]`. */
function _int(rng: Rng, [lo, hi]: [number, number]): number {
  return lo + rng.below(hi - lo + 1);
}

/** The parameters of `count` images drawn from `ranges` with `seed`, ids `img00000`, `img00001`, …. */
export function drawParamsRecords(count: number, seed: number, ranges: ParamsRanges): ParamsRecord[] {
  const rng = new Rng(seed);
  return Array.from({ length: count }, (_, i) => ({
    id: `img${String(i).padStart(5, "0")}`,
    circles: _int(rng, ranges.circles),
    dips: _int(rng, ranges.dips),
    hue: _real(rng, ranges.hue),
    radius: _real(rng, ranges.radius),
    stroke: _real(rng, ranges.stroke),
    noise: _real(rng, ranges.noise),
    layout: rng.u32(),
  }));
}

/**
 * Writes `records` drawn at `size` px into the folder `out` (created when missing): `<id>.png` each,
 * `params.jsonl` (one record a line) and `ranges.json` (the ranges they were drawn from).
 * Same records, same bytes.
 */
export async function writeParamsSet(
  out: string,
  records: readonly ParamsRecord[],
  ranges: ParamsRanges,
): Promise<void> {
  await Deno.mkdir(out, { recursive: true });
  for (const r of records) {
    const { id: _, ...p } = r;
    await writeOutput(join(out, `${r.id}.png`), encodePng(drawParamsImage(p, ranges.size)));
  }
  await writeOutput(join(out, "params.jsonl"), records.map((r) => JSON.stringify(r) + "\n").join(""));
  await writeOutput(join(out, "ranges.json"), JSON.stringify(ranges, null, 2) + "\n");
}
