import assert from "node:assert/strict";
import { mean } from "./mean.ts";
import { meanStd } from "./mean_std.ts";

Deno.test("mean, and meanStd's sample standard deviation (n − 1; 0 for one value)", () => {
  assert.equal(mean([1, 2, 6]), 3);
  assert.ok(Number.isNaN(mean([])));
  const m = meanStd([2, 4, 4, 4, 5, 5, 7, 9]);
  assert.equal(m.mean, 5);
  assert.ok(Math.abs(m.std - Math.sqrt(32 / 7)) < 1e-12, `${m.std}`);
  assert.deepEqual(meanStd([3]), { mean: 3, std: 0 });
});
