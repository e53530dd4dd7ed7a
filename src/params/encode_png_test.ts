import assert from "node:assert/strict";
import { deflateSync } from "node:zlib";
import { InputError } from "../errors.ts";
import { _crc32 } from "./_crc32.ts";
import { decodePng } from "./decode_png.ts";
import { encodePng } from "./encode_png.ts";

const IMAGE = { width: 3, height: 2, data: Uint8Array.from({ length: 18 }, (_, i) => (i * 37) % 256) };

Deno.test("encodePng: decodes back to the same pixels, with the PNG signature and IHDR", () => {
  const png = encodePng(IMAGE);
  assert.deepEqual([...png.subarray(1, 4)], [0x50, 0x4e, 0x47]);
  assert.equal(String.fromCharCode(...png.subarray(12, 16)), "IHDR");
  assert.deepEqual(decodePng(png, "a.png"), IMAGE);
  assert.deepEqual(encodePng(IMAGE), png, "same pixels, same bytes");
});

Deno.test("decodePng: undoes every row filter and reads greyscale", () => {
  // A 2×3 greyscale image, rows filtered with Sub, Up and Paeth; pixels 10 20 / 30 50 / 40 80.
  const raw = Uint8Array.of(1, 10, 10, 2, 20, 30, 4, 10, 30);
  const png = encodePng({ width: 1, height: 1, data: new Uint8Array(3) });
  // The signature of an encoded file, then IHDR (2×3, grey), IDAT of `raw` and IEND.
  const chunk = (type: string, data: Uint8Array) => {
    const out = new Uint8Array(12 + data.length), v = new DataView(out.buffer);
    v.setUint32(0, data.length);
    out.set([...type].map((c) => c.charCodeAt(0)), 4);
    out.set(data, 8);
    v.setUint32(8 + data.length, _crc32(out.subarray(4, 8 + data.length)));
    return out;
  };
  const ihdr = Uint8Array.of(0, 0, 0, 2, 0, 0, 0, 3, 8, 0, 0, 0, 0);
  const file = new Uint8Array([
    ...png.subarray(0, 8),
    ...chunk("IHDR", ihdr),
    ...chunk("IDAT", new Uint8Array(deflateSync(raw))),
    ...chunk("IEND", new Uint8Array(0)),
  ]);
  const im = decodePng(file, "g.png");
  assert.deepEqual([im.width, im.height], [2, 3]);
  assert.deepEqual([...im.data].filter((_, i) => i % 3 === 0), [10, 20, 30, 50, 40, 80]);
});

Deno.test("decodePng: a damaged file is an input error naming it", () => {
  const png = encodePng(IMAGE);
  png[png.length - 20] ^= 0xff; // inside IDAT
  assert.throws(
    () => decodePng(png, "bad.png"),
    (e) => e instanceof InputError && /bad\.png: PNG chunk IDAT has a bad CRC/.test(e.message),
  );
  assert.throws(() => decodePng(Uint8Array.of(1, 2, 3), "x.png"), /x\.png: not a PNG file/);
  assert.throws(() => decodePng(encodePng(IMAGE).subarray(0, 40), "t.png"), /t\.png: truncated PNG/);
});
