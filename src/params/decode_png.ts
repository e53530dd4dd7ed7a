/**
 * A PNG reader for the images the params pipeline trains on: 8-bit greyscale, grey + alpha, RGB or
 * RGBA, not interlaced, any row filters. Alpha is dropped (the pixels are taken as they are).
 * @module
 */

import { Buffer } from "node:buffer";
import { inflateSync } from "node:zlib";
import { InputError } from "../errors.ts";
import { _crc32 } from "./_crc32.ts";
import { PNG_SIGNATURE } from "./encode_png.ts";
import type { RgbImage } from "./rgb_image.ts";

/** Channels per colour type. */
const _CHANNELS: Record<number, number> = { 0: 1, 2: 3, 4: 2, 6: 4 };

/** The Paeth predictor of the PNG specification. */
function _paeth(a: number, b: number, c: number): number {
  const p = a + b - c, pa = Math.abs(p - a), pb = Math.abs(p - b), pc = Math.abs(p - c);
  return pa <= pb && pa <= pc ? a : pb <= pc ? b : c;
}

/** Undoes the row filters of `raw` (`height` rows of a filter byte and `stride` bytes). */
function _unfilter(raw: Uint8Array, height: number, stride: number, bpp: number, file: string): Uint8Array {
  const out = new Uint8Array(height * stride);
  for (let y = 0; y < height; y++) {
    const f = raw[y * (stride + 1)], src = y * (stride + 1) + 1, dst = y * stride;
    for (let i = 0; i < stride; i++) {
      const a = i >= bpp ? out[dst + i - bpp] : 0;
      const b = y > 0 ? out[dst - stride + i] : 0;
      const c = y > 0 && i >= bpp ? out[dst - stride + i - bpp] : 0;
      const pred = f === 0
        ? 0
        : f === 1
        ? a
        : f === 2
        ? b
        : f === 3
        ? (a + b) >> 1
        : f === 4
        ? _paeth(a, b, c)
        : -1;
      if (pred < 0) throw new InputError(`${file}: row ${y} has an unknown PNG filter ${f}`);
      out[dst + i] = (raw[src + i] + pred) & 0xff;
    }
  }
  return out;
}

/**
 * Decodes the PNG `bytes` (`file` names it in errors) to RGB.
 * @throws {InputError} naming the file on anything that is not such a PNG (bad signature or CRC,
 *   truncation, 16-bit or palette colour, interlacing, wrong data length)
 */
export function decodePng(bytes: Uint8Array, file: string): RgbImage {
  const bad = (why: string) => new InputError(`${file}: ${why}`);
  if (bytes.length < 8 || PNG_SIGNATURE.some((b, i) => bytes[i] !== b)) throw bad("not a PNG file");
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let width = 0, height = 0, channels = 0;
  const idat: Uint8Array[] = [];
  for (let off = 8;;) {
    if (off + 12 > bytes.length) throw bad("truncated PNG (no IEND chunk)");
    const len = view.getUint32(off), end = off + 12 + len;
    if (end > bytes.length) throw bad("truncated PNG chunk");
    const type = String.fromCharCode(...bytes.subarray(off + 4, off + 8));
    if (_crc32(bytes.subarray(off + 4, off + 8 + len)) !== view.getUint32(off + 8 + len)) {
      throw bad(`PNG chunk ${type} has a bad CRC`);
    }
    const data = bytes.subarray(off + 8, off + 8 + len);
    if (type === "IHDR") {
      width = view.getUint32(off + 8);
      height = view.getUint32(off + 12);
      const [depth, colour, , , interlace] = data.subarray(8, 13);
      channels = _CHANNELS[colour] ?? 0;
      if (depth !== 8 || channels === 0 || interlace !== 0) {
        throw bad(
          `unsupported PNG (bit depth ${depth}, colour type ${colour}, interlace ${interlace}); ` +
            `8-bit grey, grey+alpha, RGB or RGBA without interlacing is read`,
        );
      }
    } else if (type === "IDAT") idat.push(data);
    else if (type === "IEND") break;
    off = end;
  }
  if (width === 0 || height === 0) throw bad("PNG without an IHDR chunk or with an empty image");
  let raw: Uint8Array;
  try {
    raw = new Uint8Array(inflateSync(Buffer.concat(idat)));
  } catch (e) {
    throw bad(`PNG image data does not inflate (${(e as Error).message})`);
  }
  const stride = width * channels;
  if (raw.length !== height * (stride + 1)) {
    throw bad(`PNG image data has ${raw.length} bytes, expected ${height * (stride + 1)}`);
  }
  const px = _unfilter(raw, height, stride, channels, file);
  const data = new Uint8Array(width * height * 3);
  for (let i = 0; i < width * height; i++) {
    for (let c = 0; c < 3; c++) data[i * 3 + c] = px[i * channels + (channels < 3 ? 0 : c)];
  }
  return { width, height, data };
}
