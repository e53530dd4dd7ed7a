/**
 * The visual check of the loop: a sheet of original | regenerated image pairs, each with its lines
 * of text (true and predicted values) written under it.
 * @module
 */

import { drawText } from "./bitmap_font.ts";
import type { RgbImage } from "./rgb_image.ts";

/** One row of the sheet. */
export interface SheetPair {
  left: RgbImage;
  right: RgbImage;
  /** Written under the pair, one 7 px line each. */
  lines: string[];
}

const _GAP = 4;
const _LINE = 7;

/** Nearest-neighbour upscaling of `im` by the integer `scale`, copied into `dst` at (`x0`, `y0`). */
function _blit(dst: RgbImage, im: RgbImage, x0: number, y0: number, scale: number): void {
  for (let y = 0; y < im.height * scale; y++) {
    for (let x = 0; x < im.width * scale; x++) {
      const s = (Math.floor(y / scale) * im.width + Math.floor(x / scale)) * 3;
      dst.data.set(im.data.subarray(s, s + 3), ((y0 + y) * dst.width + x0 + x) * 3);
    }
  }
}

/**
 * The sheet of `pairs` (all images of one size), one pair a row, images scaled by `scale`, on a
 * mid-grey background with the text in white.
 */
export function pairSheet(pairs: readonly SheetPair[], scale: number): RgbImage {
  const w = pairs[0].left.width * scale, h = pairs[0].left.height * scale;
  const lines = Math.max(...pairs.map((p) => p.lines.length));
  const rowH = h + lines * _LINE + _GAP;
  const sheet: RgbImage = {
    width: 2 * w + 3 * _GAP,
    height: pairs.length * rowH + _GAP,
    data: new Uint8Array(0),
  };
  sheet.data = new Uint8Array(sheet.width * sheet.height * 3).fill(96);
  pairs.forEach((p, i) => {
    const y = _GAP + i * rowH;
    _blit(sheet, p.left, _GAP, y, scale);
    _blit(sheet, p.right, 2 * _GAP + w, y, scale);
    p.lines.forEach((text, k) => drawText(sheet, text, _GAP, y + h + 1 + k * _LINE, [255, 255, 255]));
  });
  return sheet;
}
