import assert from "node:assert/strict";
import { kFolds } from "./k_folds.ts";

Deno.test("kFolds: balanced, seeded, every fold used", () => {
  const f = kFolds(23, 5, 7);
  const sizes = [0, 1, 2, 3, 4].map((k) => f.filter((x) => x === k).length);
  assert.ok(Math.max(...sizes) - Math.min(...sizes) <= 1 && sizes.every((s) => s >= 4), `${sizes}`);
  assert.deepEqual(kFolds(23, 5, 7), f);
  assert.notDeepEqual(kFolds(23, 5, 8), f);
  assert.throws(() => kFolds(3, 4, 0), RangeError);
  assert.throws(() => kFolds(3, 0, 0), RangeError);
});
