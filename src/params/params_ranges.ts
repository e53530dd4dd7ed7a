/**
 * The generator's parameter ranges (`keiro params gen --config`), validated.
 * @module
 */

import { UsageError } from "../errors.ts";

/**
 * What the generator draws from: the image side in pixels and, per parameter, the closed range
 * `[lo, hi]` it is drawn uniformly from (integers for the counts). docs/params.md describes the
 * picture each parameter changes.
 */
export interface ParamsRanges {
  /** Image width and height, px. */
  size: number;
  /** Number of white discs. */
  circles: [number, number];
  /** Number of dips of the closed curve. */
  dips: [number, number];
  /** Hue of the curve, degrees. */
  hue: [number, number];
  /** Disc radius, px. */
  radius: [number, number];
  /** Stroke width of the curve, px. */
  stroke: [number, number];
  /** Amplitude of the per-pixel grey noise, in [0, 1]. */
  noise: [number, number];
}

/** The default ranges. */
export const DEFAULT_RANGES: Readonly<ParamsRanges> = {
  size: 64,
  circles: [1, 6],
  dips: [3, 8],
  hue: [0, 360],
  radius: [2.5, 4],
  stroke: [1.5, 3],
  noise: [0, 0.08],
};

/** Per key: the smallest and largest value allowed, and whether it is an integer. */
const _BOUNDS: Record<keyof ParamsRanges, [number, number, boolean]> = {
  size: [16, 512, true],
  circles: [0, 12, true],
  dips: [2, 16, true],
  hue: [-360, 720, false],
  radius: [1, 16, false],
  stroke: [0.5, 8, false],
  noise: [0, 1, false],
};

/**
 * The ranges of the JSON text `text` of `file`, over {@link DEFAULT_RANGES} (every key optional;
 * keys starting with `_` are comments).
 * @throws {UsageError} naming the file and the key for invalid JSON, an unknown key, or a value out
 *   of its bounds (a range must be `[lo, hi]` with lo ≤ hi)
 */
export function parseParamsRanges(text: string, file: string): ParamsRanges {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (e) {
    throw new UsageError(`${file}: not valid JSON (${(e as Error).message})`);
  }
  if (typeof data !== "object" || data === null || Array.isArray(data)) {
    throw new UsageError(`${file}: a config must be a JSON object`);
  }
  const out: ParamsRanges = structuredClone(DEFAULT_RANGES) as ParamsRanges;
  for (const [key, value] of Object.entries(data)) {
    if (key.startsWith("_")) continue;
    if (!Object.hasOwn(_BOUNDS, key)) {
      throw new UsageError(
        `${file}: unknown config key "${key}"; expected ${Object.keys(_BOUNDS).join(", ")}`,
      );
    }
    const k = key as keyof ParamsRanges, [min, max, int] = _BOUNDS[k];
    const ok = (v: unknown) =>
      typeof v === "number" && Number.isFinite(v) && v >= min && v <= max && (!int || Number.isInteger(v));
    const what = `${int ? "an integer" : "a number"} in [${min}, ${max}]`;
    if (k === "size") {
      if (!ok(value)) throw new UsageError(`${file}: size must be ${what}, got ${JSON.stringify(value)}`);
      out.size = value as number;
    } else {
      if (!Array.isArray(value) || value.length !== 2 || !value.every(ok) || value[0] > value[1]) {
        throw new UsageError(
          `${file}: ${k} must be [lo, hi] with lo ≤ hi, each ${what}, got ${JSON.stringify(value)}`,
        );
      }
      out[k] = [value[0], value[1]];
    }
  }
  return out;
}
