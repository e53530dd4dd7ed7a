import assert from "node:assert/strict";
import { drawParamsImage } from "./draw_params_image.ts";
import { drawParamsRecords } from "./generate_params_set.ts";
import { pixelMse, ssim } from "./image_distance.ts";
import { DEFAULT_RANGES } from "./params_ranges.ts";

Deno.test("pixelMse and ssim: identical images are at distance 0 and SSIM 1, nearer parameters look nearer", () => {
  const r = drawParamsRecords(1, 2, DEFAULT_RANGES)[0];
  const a = drawParamsImage(r, 64);
  assert.equal(pixelMse(a, a), 0);
  assert.ok(Math.abs(ssim(a, a) - 1) < 1e-12);
  const near = drawParamsImage({ ...r, hue: r.hue + 5 }, 64);
  const far = drawParamsImage({ ...r, dips: r.dips + 3, circles: r.circles + 2 }, 64);
  assert.ok(pixelMse(a, near) < pixelMse(a, far));
  assert.ok(ssim(a, near) > ssim(a, far));
  assert.ok(ssim(a, far) < 0.95);
});

Deno.test("pixelMse: black against white is 1; images of different sizes are refused", () => {
  const black = { width: 2, height: 1, data: new Uint8Array(6) };
  const white = { width: 2, height: 1, data: new Uint8Array(6).fill(255) };
  assert.equal(pixelMse(black, white), 1);
  assert.throws(() => pixelMse(black, { width: 1, height: 2, data: new Uint8Array(6) }), RangeError);
});
