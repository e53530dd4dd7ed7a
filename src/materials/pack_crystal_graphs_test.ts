import assert from "node:assert/strict";
import { InputError, UsageError } from "../errors.ts";
import type { AtomFeatures } from "./atom_features.ts";
import { crystalGraph } from "./crystal_graph.ts";
import { packCrystalGraphs } from "./pack_crystal_graphs.ts";

/** 2-dim features: [Z, 1] for a few elements. */
const FEATURES: AtomFeatures = {
  dim: 2,
  vector(el: string | number) {
    const z = { Po: 84, Cs: 55, Cl: 17 }[el as string];
    if (!z) throw new InputError(`no vector for ${el}`);
    return Float32Array.of(z, 1);
  },
};

const cubic = (a: number): [number[], number[], number[]] => [[a, 0, 0], [0, a, 0], [0, 0, a]];

Deno.test("packCrystalGraphs: offsets, features and GLOBAL neighbour indices", () => {
  const po = crystalGraph({ lattice: cubic(3), species: ["Po"], frac: [[0, 0, 0]] }, { maxNeighbours: 4 });
  const cscl = crystalGraph(
    { lattice: cubic(4), species: ["Cs", "Cl"], frac: [[0, 0, 0], [0.5, 0.5, 0.5]] },
    { maxNeighbours: 4 },
  );
  const p = packCrystalGraphs([po, cscl, po], FEATURES);
  assert.equal(p.featureDim, 2);
  assert.equal(p.maxNeighbours, 4);
  assert.deepEqual(Array.from(p.atomOffsets), [0, 1, 3, 4]);
  assert.deepEqual(Array.from(p.atomFeatures), [84, 1, 55, 1, 17, 1, 84, 1]);
  // Po (atom 0): its own images; Cs (atom 1) -> Cl (atom 2) and back; second Po is atom 3
  assert.deepEqual(Array.from(p.nbrIndex), [0, 0, 0, 0, 2, 2, 2, 2, 1, 1, 1, 1, 3, 3, 3, 3]);
  assert.deepEqual(p.nbrDist.subarray(0, 4), po.nbrDist);
  assert.deepEqual(p.nbrDist.subarray(4, 12), cscl.nbrDist);
  assert.equal(p.nbrDist[4], Math.fround(Math.sqrt(3) * 2));
});

Deno.test("packCrystalGraphs: padding slots point at the structure's own first atom", () => {
  const s = { lattice: cubic(3), species: ["Cs", "Cl"], frac: [[0, 0, 0], [0.5, 0, 0]] };
  const g = crystalGraph(s, { cutoff: 2, maxNeighbours: 3 });
  const p = packCrystalGraphs([g, g], FEATURES);
  assert.deepEqual(Array.from(p.nbrIndex), [1, 1, 0, 0, 0, 0, 3, 3, 2, 2, 2, 2]);
  assert.deepEqual(Array.from(p.nbrDist.subarray(6)), [1.5, 1.5, 3, 1.5, 1.5, 3]);
});

Deno.test("packCrystalGraphs: empty input, mixed M and missing vectors", () => {
  const e = packCrystalGraphs([], FEATURES);
  assert.deepEqual(Array.from(e.atomOffsets), [0]);
  assert.equal(e.atomFeatures.length, 0);
  assert.equal(e.maxNeighbours, 0);
  const s = { lattice: cubic(3), species: ["Po"], frac: [[0, 0, 0]] };
  assert.throws(
    () =>
      packCrystalGraphs(
        [crystalGraph(s, { maxNeighbours: 4 }), crystalGraph(s, { maxNeighbours: 5 })],
        FEATURES,
      ),
    UsageError,
  );
  assert.throws(() => packCrystalGraphs([crystalGraph({ ...s, species: ["Fe"] })], FEATURES), InputError);
});
