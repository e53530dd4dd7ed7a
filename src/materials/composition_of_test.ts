import assert from "node:assert/strict";
import { compositionOf } from "./composition_of.ts";

Deno.test("compositionOf counts the sites of each element in order of first appearance", () => {
  const lattice: [number[], number[], number[]] = [[4, 0, 0], [0, 4, 0], [0, 0, 4]];
  const s = {
    lattice,
    species: ["O", "Ba", "O", "Ti", "O"],
    frac: [[0, 0, 0], [0, 0, 0], [0, 0, 0], [0, 0, 0], [0, 0, 0]],
  };
  assert.deepEqual([...compositionOf(s)], [["O", 3], ["Ba", 1], ["Ti", 1]]);
  assert.equal(compositionOf({ lattice, species: [], frac: [] }).size, 0);
});
