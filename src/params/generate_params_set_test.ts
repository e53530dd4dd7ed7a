import assert from "node:assert/strict";
import { join } from "node:path";
import { drawParamsImage } from "./draw_params_image.ts";
import { drawParamsRecords, writeParamsSet } from "./generate_params_set.ts";
import { DEFAULT_RANGES } from "./params_ranges.ts";
import { readParamsSet } from "./read_params_set.ts";

/** Connected components (4-neighbour) of the white pixels (every channel > 200). */
function _whiteBlobs(data: Uint8Array, size: number): number {
  const white = (i: number) => data[i * 3] > 200 && data[i * 3 + 1] > 200 && data[i * 3 + 2] > 200;
  const seen = new Uint8Array(size * size);
  let blobs = 0;
  for (let s = 0; s < size * size; s++) {
    if (seen[s] || !white(s)) continue;
    blobs++;
    const stack = [s];
    seen[s] = 1;
    while (stack.length) {
      const i = stack.pop()!, x = i % size, y = Math.floor(i / size);
      for (const [nx, ny] of [[x + 1, y], [x - 1, y], [x, y + 1], [x, y - 1]]) {
        const j = ny * size + nx;
        if (nx >= 0 && ny >= 0 && nx < size && ny < size && !seen[j] && white(j)) {
          seen[j] = 1;
          stack.push(j);
        }
      }
    }
  }
  return blobs;
}

Deno.test("drawParamsRecords: parameters within their ranges, integers for counts", () => {
  const recs = drawParamsRecords(200, 3, DEFAULT_RANGES);
  assert.ok(recs.every((r) => Number.isInteger(r.circles) && r.circles >= 1 && r.circles <= 6));
  assert.ok(recs.every((r) => Number.isInteger(r.dips) && r.dips >= 3 && r.dips <= 8));
  assert.ok(recs.every((r) => r.hue >= 0 && r.hue <= 360 && r.noise >= 0 && r.noise <= 0.08));
  assert.equal(new Set(recs.map((r) => r.circles)).size, 6, "every count is drawn");
});

Deno.test("drawParamsImage: the image shows as many white discs as the circles parameter says", () => {
  for (const r of drawParamsRecords(30, 5, DEFAULT_RANGES)) {
    assert.equal(_whiteBlobs(drawParamsImage(r, 64).data, 64), r.circles, r.id);
  }
});

Deno.test("drawParamsImage: the curve takes the hue's colour", () => {
  const base = drawParamsRecords(1, 7, DEFAULT_RANGES)[0];
  const mean = (hue: number) => {
    const d = drawParamsImage({ ...base, hue, circles: 0, noise: 0 }, 64).data;
    return [0, 1, 2].map((c) => d.filter((_, i) => i % 3 === c).reduce((a, b) => a + b, 0));
  };
  const red = mean(0), green = mean(120), blue = mean(240);
  assert.ok(red[0] > red[1] && red[0] > red[2]);
  assert.ok(green[1] > green[0] && green[1] > green[2]);
  assert.ok(blue[2] > blue[0] && blue[2] > blue[1]);
});

Deno.test("writeParamsSet: the same seed writes byte-identical files, another seed others", async () => {
  const dirs = await Promise.all([0, 1, 2].map(() => Deno.makeTempDir()));
  try {
    const ranges = { ...DEFAULT_RANGES, size: 32 };
    for (const [k, seed] of [[0, 4], [1, 4], [2, 5]]) {
      await writeParamsSet(dirs[k], drawParamsRecords(6, seed, ranges), ranges);
    }
    const files = (d: string) =>
      Promise.all(["params.jsonl", "img00000.png", "img00005.png"].map((f) => Deno.readFile(join(d, f))));
    const [a, b, c] = await Promise.all(dirs.map(files));
    assert.deepEqual(a, b);
    assert.notDeepEqual(a[0], c[0]);
    assert.notDeepEqual(a[1], c[1]);
    const set = await readParamsSet(dirs[0]);
    assert.equal(set.ids.length, 6);
    assert.equal(set.records![2].id, "img00002");
    assert.deepEqual(set.images[0].data, drawParamsImage(drawParamsRecords(1, 4, ranges)[0], 32).data);
  } finally {
    for (const d of dirs) await Deno.remove(d, { recursive: true });
  }
});
