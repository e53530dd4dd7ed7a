import assert from "node:assert/strict";
import { encodeWav } from "./encode_wav.ts";

Deno.test("encodeWav: RIFF header of mono 16-bit PCM, samples clipped and rounded", () => {
  const b = encodeWav([0, 0.5, -1, 2, NaN], 8000);
  const v = new DataView(b.buffer);
  const text = (at: number, n: number) => new TextDecoder().decode(b.subarray(at, at + n));
  assert.equal(b.length, 44 + 10);
  assert.equal(text(0, 4), "RIFF");
  assert.equal(v.getUint32(4, true), 36 + 10);
  assert.equal(text(8, 8), "WAVEfmt ");
  assert.deepEqual([v.getUint16(20, true), v.getUint16(22, true), v.getUint32(24, true)], [1, 1, 8000]);
  assert.deepEqual([v.getUint32(28, true), v.getUint16(32, true), v.getUint16(34, true)], [16000, 2, 16]);
  assert.equal(text(36, 4), "data");
  assert.equal(v.getUint32(40, true), 10);
  const pcm = [0, 1, 2, 3, 4].map((i) => v.getInt16(44 + 2 * i, true));
  assert.deepEqual(pcm, [0, 16384, -32767, 32767, 0]);
  assert.throws(() => encodeWav([0], 0), RangeError);
});
