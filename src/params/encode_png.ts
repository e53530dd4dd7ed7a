/**
 * A PNG writer for {@link RgbImage}s (8-bit RGB, no interlacing, filter 0 on every row).
 * @module
 */

import { deflateSync } from "node:zlib";
import { _crc32 } from "./_crc32.ts";
import type { RgbImage } from "./rgb_image.ts";

/** The eight bytes every PNG starts with. */
export const PNG_SIGNATURE = Uint8Array.of(0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a);

/** One chunk: length, type, data, CRC of type and data. */
function _chunk(type: string, data: Uint8Array): Uint8Array {
  const out = new Uint8Array(12 + data.length);
  const view = new DataView(out.buffer);
  view.setUint32(0, data.length);
  for (let i = 0; i < 4; i++) out[4 + i] = type.charCodeAt(i);
  out.set(data, 8);
  view.setUint32(8 + data.length, _crc32(out.subarray(4, 8 + data.length)));
  return out;
}

/**
 * The PNG file of `image`. Deterministic: the same pixels give the same bytes (zlib level 9, no
 * timestamp or other ancillary chunk).
 */
export function encodePng(image: RgbImage): Uint8Array {
  const { width, height, data } = image;
  const header = new Uint8Array(13);
  const view = new DataView(header.buffer);
  view.setUint32(0, width);
  view.setUint32(4, height);
  header.set([8, 2, 0, 0, 0], 8); // bit depth 8, colour type 2 (RGB), deflate, filter set 0, no interlace
  const stride = width * 3;
  const raw = new Uint8Array(height * (stride + 1)); // each row: filter byte 0, then the pixels
  for (let y = 0; y < height; y++) raw.set(data.subarray(y * stride, (y + 1) * stride), y * (stride + 1) + 1);
  const parts = [
    PNG_SIGNATURE,
    _chunk("IHDR", header),
    _chunk("IDAT", new Uint8Array(deflateSync(raw, { level: 9 }))),
    _chunk("IEND", new Uint8Array(0)),
  ];
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let off = 0;
  for (const p of parts) {
    out.set(p, off);
    off += p.length;
  }
  return out;
}
