import assert from "node:assert/strict";
import { InputError, UsageError } from "../errors.ts";
import { crystalGraph } from "./crystal_graph.ts";
import type { Structure } from "./structure.ts";

const cubic = (a: number): Structure["lattice"] => [[a, 0, 0], [0, a, 0], [0, 0, a]];
const close = (x: number, y: number, tol = 1e-5) => Math.abs(x - y) <= tol;

/** Every (neighbour, distance) of atom i within the cutoff over images |n| <= range, sorted. */
function bruteForce(s: Structure, i: number, cutoff: number, range: number): [number, number][] {
  const [a, b, c] = s.lattice;
  const out: [number, number][] = [];
  const cart = (f: number[]) => [0, 1, 2].map((d) => f[0] * a[d] + f[1] * b[d] + f[2] * c[d]);
  const ri = cart(s.frac[i]);
  for (let j = 0; j < s.frac.length; j++) {
    for (let n0 = -range; n0 <= range; n0++) {
      for (let n1 = -range; n1 <= range; n1++) {
        for (let n2 = -range; n2 <= range; n2++) {
          const rj = cart([s.frac[j][0] + n0, s.frac[j][1] + n1, s.frac[j][2] + n2]);
          const d = Math.hypot(rj[0] - ri[0], rj[1] - ri[1], rj[2] - ri[2]);
          if (d <= cutoff && d > 1e-8) out.push([j, d]);
        }
      }
    }
  }
  return out.sort((x, y) => x[1] - y[1]);
}

Deno.test("crystalGraph: simple cubic a=3: 6 neighbours at 3, then 6 of the 12 at 3√2", () => {
  const g = crystalGraph({ lattice: cubic(3), species: ["Po"], frac: [[0, 0, 0]] });
  assert.equal(g.numAtoms, 1);
  assert.deepEqual(g.species, ["Po"]);
  assert.equal(g.nbrDist.length, 12);
  assert.deepEqual(Array.from(g.nbrIndex), new Array(12).fill(0), "all neighbours are images of atom 0");
  for (let k = 0; k < 6; k++) assert.equal(g.nbrDist[k], Math.fround(3));
  for (let k = 6; k < 12; k++) assert.ok(close(g.nbrDist[k], 3 * Math.SQRT2), `slot ${k}: ${g.nbrDist[k]}`);
  assert.ok(close(g.nbrDist[6], 4.2426, 1e-4));
});

Deno.test("crystalGraph: CsCl: the 8 nearest are the other atom at √3/2·a, then 6 own images at a", () => {
  const a = 4.12;
  const s: Structure = { lattice: cubic(a), species: ["Cs", "Cl"], frac: [[0, 0, 0], [0.5, 0.5, 0.5]] };
  const g = crystalGraph(s, { maxNeighbours: 14 });
  for (const i of [0, 1]) {
    for (let k = 0; k < 8; k++) {
      assert.equal(g.nbrIndex[i * 14 + k], 1 - i);
      assert.ok(close(g.nbrDist[i * 14 + k], Math.sqrt(3) / 2 * a));
    }
    for (let k = 8; k < 14; k++) {
      assert.equal(g.nbrIndex[i * 14 + k], i);
      assert.ok(close(g.nbrDist[i * 14 + k], a));
    }
  }
  // the same graph when the coordinates are not wrapped into [0, 1)
  const shifted = crystalGraph({ ...s, frac: [[-1, 2, 0], [-0.5, 1.5, -2.5]] }, { maxNeighbours: 14 });
  assert.deepEqual(shifted.nbrIndex, g.nbrIndex);
  for (let k = 0; k < 28; k++) assert.ok(close(shifted.nbrDist[k], g.nbrDist[k]));
});

Deno.test("crystalGraph: a skewed triclinic cell matches a brute-force search", () => {
  // strongly sheared: |a| = 4 but the perpendicular widths are much smaller than the lengths
  const s: Structure = {
    lattice: [[4, 0, 0], [3.6, 1.3, 0], [3.1, 1.0, 1.4]],
    species: ["A", "B", "C"],
    frac: [[0.1, 0.2, 0.3], [0.75, -0.4, 0.9], [1.3, 0.55, 0.05]],
  };
  const cutoff = 6;
  const m = 40;
  const g = crystalGraph(s, { cutoff, maxNeighbours: m });
  for (let i = 0; i < 3; i++) {
    const want = bruteForce(s, i, cutoff, 14).slice(0, m);
    assert.equal(want.length, m, "the cell is dense enough to fill every slot");
    for (let k = 0; k < m; k++) {
      const [j, d] = [g.nbrIndex[i * m + k], g.nbrDist[i * m + k]];
      assert.ok(close(d, want[k][1]), `atom ${i} slot ${k}: ${d} vs ${want[k][1]}`);
      assert.ok(
        want.some(([wj, wd]) => wj === j && close(wd, d)),
        `atom ${i} slot ${k}: (${j}, ${d}) exists`,
      );
    }
  }
  // a naive image range from the vector lengths (ceil(cutoff / |a_i|)) misses neighbours here
  const lengths = s.lattice.map((r) => Math.hypot(...r));
  const naive = Math.max(...lengths.map((l) => Math.ceil(cutoff / l)));
  assert.ok(bruteForce(s, 0, cutoff, naive).length < bruteForce(s, 0, cutoff, 14).length);
});

Deno.test("crystalGraph: fewer than M neighbours pads with index 0 at cutoff + 1", () => {
  const s: Structure = { lattice: cubic(3), species: ["Na", "Cl"], frac: [[0, 0, 0], [0.5, 0, 0]] };
  // each atom: 2 of the other at 1.5; 4 own images at 3 are outside a 2.9 Å cutoff
  const g = crystalGraph(s, { cutoff: 2.9, maxNeighbours: 5 });
  assert.deepEqual(Array.from(g.nbrIndex), [1, 1, 0, 0, 0, 0, 0, 0, 0, 0]);
  assert.deepEqual(
    Array.from(g.nbrDist),
    [1.5, 1.5, 3.9, 3.9, 3.9, 1.5, 1.5, 3.9, 3.9, 3.9].map(Math.fround),
  );
  // a neighbour at exactly the cutoff is kept
  const at = crystalGraph(s, { cutoff: 3, maxNeighbours: 12 });
  assert.deepEqual(Array.from(at.nbrDist.subarray(0, 7)), [1.5, 1.5, 3, 3, 3, 3, 3].map(Math.fround));
  assert.equal(at.nbrDist[11], 4);
});

Deno.test("crystalGraph: input and option errors", () => {
  const ok: Structure = { lattice: cubic(3), species: ["Fe"], frac: [[0, 0, 0]] };
  assert.throws(() => crystalGraph({ ...ok, lattice: [[1, 0, 0], [2, 0, 0], [0, 0, 1]] }), InputError);
  assert.throws(() => crystalGraph({ ...ok, frac: [] }), InputError);
  assert.throws(() => crystalGraph({ ...ok, frac: [[0, NaN, 0]] }), InputError);
  assert.throws(() => crystalGraph(ok, { cutoff: 0 }), UsageError);
  assert.throws(() => crystalGraph(ok, { maxNeighbours: 1.5 }), UsageError);
});

Deno.test("crystalGraph: 8600 five-atom perovskite cells at 8 Å in a couple of seconds", () => {
  let seed = 1;
  const rand = () => (seed = (seed * 16807) % 2147483647) / 2147483647;
  const cells: Structure[] = Array.from({ length: 8600 }, () => {
    const a = 3.7 + 0.6 * rand();
    return {
      lattice: cubic(a),
      species: ["Sr", "Ti", "O", "O", "O"],
      frac: [[0, 0, 0], [0.5, 0.5, 0.5], [0.5, 0.5, 0], [0.5, 0, 0.5], [0, 0.5, 0.5]].map((p) =>
        p.map((x) => x + 0.01 * (rand() - 0.5))
      ),
    };
  });
  const t0 = performance.now();
  let checksum = 0;
  for (const c of cells) checksum += crystalGraph(c).nbrDist[0];
  const ms = performance.now() - t0;
  console.log(`crystalGraph: 8600 perovskite cells (cutoff 8 Å, M 12) in ${ms.toFixed(0)} ms`);
  assert.ok(ms < 5000, `${ms} ms`);
  // Ti's 6 nearest are its O octahedron at ~a/2 (1.85..2.15 Å with the jitter)
  const g = crystalGraph(cells[0]);
  const a = cells[0].lattice[0][0];
  for (let k = 0; k < 6; k++) {
    assert.ok(g.nbrIndex[12 + k] >= 2, "an O");
    assert.ok(Math.abs(g.nbrDist[12 + k] - a / 2) < 0.05);
  }
  assert.ok(checksum > 8600 * 2.5);
});
