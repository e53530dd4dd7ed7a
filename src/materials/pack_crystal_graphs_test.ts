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

Deno.test("packCrystalGraphs: bond cosines of each atom's neighbour vectors, 0 for padding", () => {
  // simple cubic Po, a = 3: six neighbours at ±x, ±y, ±z (3 Å); 8 slots leave 2 for the next
  // shell (√2·3 Å), and with cutoff 3.5 those two are padding
  const g = crystalGraph({ lattice: cubic(3), species: ["Po"], frac: [[0, 0, 0]] }, {
    cutoff: 3.5,
    maxNeighbours: 8,
  });
  for (let k = 0; k < 8; k++) {
    const v = g.nbrVec.subarray(3 * k, 3 * k + 3);
    assert.ok(Math.abs(Math.hypot(...v) - (k < 6 ? g.nbrDist[k] : 0)) < 1e-6, `slot ${k}: |v| = distance`);
  }
  const p = packCrystalGraphs([g, g], FEATURES);
  assert.equal(p.bondCosines.length, 2 * 8 * 8);
  const cos = (i: number, a: number, b: number) => p.bondCosines[(i * 8 + a) * 8 + b];
  for (let a = 0; a < 6; a++) {
    assert.ok(Math.abs(cos(0, a, a) - 1) < 1e-6);
    const opposite = [...Array(6).keys()].filter((b) => Math.abs(cos(0, a, b) + 1) < 1e-6);
    const square = [...Array(6).keys()].filter((b) => Math.abs(cos(0, a, b)) < 1e-6);
    assert.deepEqual([opposite.length, square.length], [1, 4], `bond ${a}: one opposite, four at 90°`);
    assert.deepEqual([cos(0, a, 6), cos(0, 7, a)], [0, 0], "padding slots");
  }
  assert.deepEqual(p.bondCosines.subarray(64), p.bondCosines.subarray(0, 64), "the second crystal the same");
});
