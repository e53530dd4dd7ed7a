/**
 * A 3×5 pixel bitmap font for writing parameter values on images (digits, `.`, `-`, `:`, space
 * and the letters the params sheet uses).
 * @module
 */

import type { RgbImage } from "./rgb_image.ts";

/** Each glyph: 5 rows of 3 bits, most significant bit on the left. */
const _GLYPHS: Record<string, number[]> = {
  "0": [7, 5, 5, 5, 7],
  "1": [2, 6, 2, 2, 7],
  "2": [7, 1, 7, 4, 7],
  "3": [7, 1, 7, 1, 7],
  "4": [5, 5, 7, 1, 1],
  "5": [7, 4, 7, 1, 7],
  "6": [7, 4, 7, 5, 7],
  "7": [7, 1, 1, 1, 1],
  "8": [7, 5, 7, 5, 7],
  "9": [7, 5, 7, 1, 7],
  ".": [0, 0, 0, 0, 2],
  "-": [0, 0, 7, 0, 0],
  ":": [0, 2, 0, 2, 0],
  " ": [0, 0, 0, 0, 0],
  c: [0, 7, 4, 4, 7],
  d: [1, 1, 7, 5, 7],
  h: [4, 4, 7, 5, 5],
  n: [0, 6, 5, 5, 5],
  r: [0, 7, 4, 4, 4],
  s: [0, 7, 6, 1, 7],
  P: [7, 5, 7, 4, 4],
  T: [7, 2, 2, 2, 2],
};

/** Width of one character cell, px (3 px glyph and 1 px gap). */
export const GLYPH_ADVANCE = 4;

/**
 * Writes `text` into `image` with its top-left corner at (`x`, `y`) in `colour`; characters without
 * a glyph are drawn as a filled box, and pixels outside the image are skipped.
 */
export function drawText(
  image: RgbImage,
  text: string,
  x: number,
  y: number,
  colour: [number, number, number],
): void {
  for (const [k, ch] of [...text].entries()) {
    const rows = _GLYPHS[ch] ?? [7, 7, 7, 7, 7];
    for (let r = 0; r < 5; r++) {
      for (let c = 0; c < 3; c++) {
        const px = x + k * GLYPH_ADVANCE + c, py = y + r;
        if (!(rows[r] & (4 >> c)) || px < 0 || py < 0 || px >= image.width || py >= image.height) continue;
        image.data.set(colour, (py * image.width + px) * 3);
      }
    }
  }
}
