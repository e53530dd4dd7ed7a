/**
 * The parametric image generator of the params pipeline (the meeting notes' p5.js sketch, redone):
 * a closed curve with `dips` inward dips stroked in the colour of `hue`, `circles` white discs,
 * grey noise, on a dark background.
 * @module
 */

import { Rng } from "../rng.ts";
import type { RgbImage } from "./rgb_image.ts";

/** The parameters of one image. */
export interface ImageParams {
  /** Number of white discs. */
  circles: number;
  /** Number of inward dips of the closed curve. */
  dips: number;
  /** Hue of the curve, degrees. */
  hue: number;
  /** Disc radius, px. */
  radius: number;
  /** Stroke width of the curve, px. */
  stroke: number;
  /** Amplitude of the per-pixel grey noise (pixel values in [0, 1]). */
  noise: number;
  /** Seed of what is not a parameter: the curve's rotation, the disc positions and the noise. */
  layout: number;
}

/** Background grey. */
const _BG = 0.1;
/** Radius of the curve's outer points and depth of its dips, as fractions of the side and radius. */
const _CURVE_RADIUS = 0.34;
const _DIP_DEPTH = 0.35;
/** Tries at placing a disc clear of the others before it is placed overlapping. */
const _TRIES = 64;

/** RGB in [0, 1] of hue `h` degrees at saturation 0.9 and value 0.95. */
function _hueRgb(h: number): [number, number, number] {
  const s = 0.9, v = 0.95, hh = (((h % 360) + 360) % 360) / 60;
  const f = (n: number) => {
    const k = (n + hh) % 6;
    return v - v * s * Math.max(0, Math.min(k, 4 - k, 1));
  };
  return [f(5), f(3), f(1)];
}

/** Disc centres drawn from `rng`: each clear of the earlier ones by 2 px when it fits in {@link _TRIES}. */
function _discs(rng: Rng, p: ImageParams, size: number): [number, number][] {
  const out: [number, number][] = [];
  const span = size - 2 * p.radius - 2;
  for (let i = 0; i < p.circles; i++) {
    let c: [number, number] = [0, 0];
    for (let t = 0; t < _TRIES; t++) {
      c = [p.radius + 1 + rng.unit() * span, p.radius + 1 + rng.unit() * span];
      if (out.every(([x, y]) => Math.hypot(x - c[0], y - c[1]) >= 2 * p.radius + 2)) break;
    }
    out.push(c);
  }
  return out;
}

/**
 * Draws the `size`×`size` image of `p`. Deterministic: the same parameters give the same pixels.
 * Edges are anti-aliased by their distance to the pixel centre; the curve is
 * `r(θ) = R·(1 − a·(1 + cos(dips·θ + φ))/2)` with φ from the layout seed.
 */
export function drawParamsImage(p: ImageParams, size: number): RgbImage {
  const rng = new Rng(p.layout);
  const phase = rng.unit() * 2 * Math.PI;
  const discs = _discs(rng, p, size);
  const noise = new Rng(p.layout ^ 0x5bd1e995);
  const colour = _hueRgb(p.hue);
  const centre = size / 2, big = _CURVE_RADIUS * size;
  const data = new Uint8Array(size * size * 3);
  for (let y = 0; y < size; y++) {
    for (let x = 0; x < size; x++) {
      const dx = x + 0.5 - centre, dy = y + 0.5 - centre;
      const r = big * (1 - _DIP_DEPTH * (1 + Math.cos(p.dips * Math.atan2(dy, dx) + phase)) / 2);
      const curve = Math.min(1, Math.max(0, p.stroke / 2 + 0.5 - Math.abs(Math.hypot(dx, dy) - r)));
      let disc = 0;
      for (const [cx, cy] of discs) {
        disc = Math.max(
          disc,
          Math.min(1, Math.max(0, p.radius + 0.5 - Math.hypot(x + 0.5 - cx, y + 0.5 - cy))),
        );
      }
      const grain = p.noise * (2 * noise.unit() - 1);
      for (let c = 0; c < 3; c++) {
        const v = (_BG * (1 - curve) + colour[c] * curve) * (1 - disc) + disc + grain;
        data[(y * size + x) * 3 + c] = Math.round(255 * Math.min(1, Math.max(0, v)));
      }
    }
  }
  return { width: size, height: size, data };
}
