import assert from "node:assert/strict";
import { shapeBatches } from "./shape_batches.ts";

Deno.test("shapeBatches: one shape gives the consecutive slices of the order", () => {
  const order = [4, 0, 6, 2, 1, 5, 3];
  assert.deepEqual(shapeBatches(order, Array(7).fill("14x5"), 3), [[4, 0, 6], [2, 1, 5], [3]]);
});

Deno.test("shapeBatches: mixed shapes give batches of one shape each, every instance once", () => {
  const shapes = ["a", "b", "a", "b", "a", "a", "b", "c"];
  const order = [7, 1, 0, 2, 3, 4, 5, 6];
  const batches = shapeBatches(order, shapes, 2);
  assert.deepEqual(batches, [[0, 2], [1, 3], [4, 5], [7], [6]]);
  for (const b of batches) assert.deepEqual(new Set(b.map((i) => shapes[i])).size, 1);
  assert.deepEqual(batches.flat().sort(), [...order].sort());
});
