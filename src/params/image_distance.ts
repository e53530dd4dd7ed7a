/**
 * Image-space distances of the regenerate-and-compare loop: per-pixel mean squared error and the
 * structural similarity (SSIM) of two images of one size.
 * @module
 */

import type { RgbImage } from "./rgb_image.ts";

/** SSIM window side and stride, px. */
const _WINDOW = 8;
const _STRIDE = 4;
/** SSIM's stabilising constants for 8-bit values, (0.01·255)² and (0.03·255)². */
const _C1 = (0.01 * 255) ** 2;
const _C2 = (0.03 * 255) ** 2;

function _checkSizes(a: RgbImage, b: RgbImage): void {
  if (a.width !== b.width || a.height !== b.height) {
    throw new RangeError(`images of ${a.width}×${a.height} and ${b.width}×${b.height} px cannot be compared`);
  }
}

/** Mean over pixels and channels of the squared difference, values scaled to [0, 1]. */
export function pixelMse(a: RgbImage, b: RgbImage): number {
  _checkSizes(a, b);
  let sum = 0;
  for (let i = 0; i < a.data.length; i++) sum += ((a.data[i] - b.data[i]) / 255) ** 2;
  return sum / a.data.length;
}

/** Luma (BT.601) of every pixel. */
function _luma(im: RgbImage): Float64Array {
  return Float64Array.from(
    { length: im.width * im.height },
    (_, i) => 0.299 * im.data[3 * i] + 0.587 * im.data[3 * i + 1] + 0.114 * im.data[3 * i + 2],
  );
}

/**
 * The mean SSIM (Wang et al. 2004) of the lumas of `a` and `b` over 8×8 windows with stride 4:
 * per window `((2μ_aμ_b + C1)(2σ_ab + C2)) / ((μ_a² + μ_b² + C1)(σ_a² + σ_b² + C2))`. 1 for
 * identical images; lower is less alike.
 */
export function ssim(a: RgbImage, b: RgbImage): number {
  _checkSizes(a, b);
  const la = _luma(a), lb = _luma(b), w = a.width;
  let sum = 0, windows = 0;
  for (let y0 = 0; y0 + _WINDOW <= a.height; y0 += _STRIDE) {
    for (let x0 = 0; x0 + _WINDOW <= w; x0 += _STRIDE) {
      let ma = 0, mb = 0;
      for (let y = y0; y < y0 + _WINDOW; y++) {
        for (let x = x0; x < x0 + _WINDOW; x++) [ma, mb] = [ma + la[y * w + x], mb + lb[y * w + x]];
      }
      const n = _WINDOW * _WINDOW;
      [ma, mb] = [ma / n, mb / n];
      let va = 0, vb = 0, cov = 0;
      for (let y = y0; y < y0 + _WINDOW; y++) {
        for (let x = x0; x < x0 + _WINDOW; x++) {
          const da = la[y * w + x] - ma, db = lb[y * w + x] - mb;
          [va, vb, cov] = [va + da * da, vb + db * db, cov + da * db];
        }
      }
      [va, vb, cov] = [va / (n - 1), vb / (n - 1), cov / (n - 1)];
      sum += ((2 * ma * mb + _C1) * (2 * cov + _C2)) / ((ma * ma + mb * mb + _C1) * (va + vb + _C2));
      windows++;
    }
  }
  return sum / windows;
}
