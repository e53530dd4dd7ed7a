/**
 * Packs typed arrays one after another into one little-endian byte buffer: the `data` of a native
 * request that takes arrays (core-rs `ffi`), read in order.
 * @module
 */

/** The bytes of `parts`, concatenated in order (never empty: some FFI layers pass null for that). */
export function packBuffers(parts: readonly ArrayBufferView[]): Uint8Array<ArrayBuffer> {
  const total = parts.reduce((a, p) => a + p.byteLength, 0);
  const out = new Uint8Array(Math.max(total, 1));
  let at = 0;
  for (const p of parts) {
    out.set(new Uint8Array(p.buffer, p.byteOffset, p.byteLength), at);
    at += p.byteLength;
  }
  return total === 0 ? out.subarray(0, 0) as Uint8Array<ArrayBuffer> : out;
}
