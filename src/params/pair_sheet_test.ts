import assert from "node:assert/strict";
import { pairSheet } from "./pair_sheet.ts";

Deno.test("pairSheet: pairs side by side, scaled, with their text drawn in white under them", () => {
  const red = { width: 2, height: 2, data: new Uint8Array(12).map((_, i) => (i % 3 === 0 ? 255 : 0)) };
  const blue = { width: 2, height: 2, data: new Uint8Array(12).map((_, i) => (i % 3 === 2 ? 255 : 0)) };
  const s = pairSheet([{ left: red, right: blue, lines: ["T 1", "P 7"] }], 3);
  assert.deepEqual([s.width, s.height], [2 * 6 + 12, 6 + 2 * 7 + 4 + 4]);
  const px = (x: number, y: number) => [...s.data.subarray((y * s.width + x) * 3, (y * s.width + x) * 3 + 3)];
  assert.deepEqual(px(4, 4), [255, 0, 0]);
  assert.deepEqual(px(9, 9), [255, 0, 0], "scaled ×3: 6 px wide");
  assert.deepEqual(px(14, 4), [0, 0, 255]);
  assert.deepEqual(px(4, 11), [255, 255, 255], "T's top bar under the left image");
  assert.deepEqual(px(7, 11), [96, 96, 96], "the gap after T");
});
