/**
 * The in-memory image of the params pipeline.
 * @module
 */

/** An 8-bit RGB image, row-major, 3 bytes per pixel: pixel (x, y) channel c at `(y·width + x)·3 + c`. */
export interface RgbImage {
  width: number;
  height: number;
  /** `[height, width, 3]` bytes. */
  data: Uint8Array;
}
