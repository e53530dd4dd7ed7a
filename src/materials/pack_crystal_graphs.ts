/**
 * Packing crystal graphs into flat batch arrays for a CGCNN-style model.
 * @module
 */

import { UsageError } from "../errors.ts";
import type { AtomFeatures } from "./atom_features.ts";
import type { CrystalGraph } from "./crystal_graph.ts";

/** Several crystal graphs as flat arrays; A = total atoms, S = structures, F and M below. */
export interface PackedCrystalGraphs {
  /** `[A * F]`: the atom feature vector of every atom, structures one after another. */
  atomFeatures: Float32Array;
  /** `[S + 1]`: structure s owns atoms `atomOffsets[s] .. atomOffsets[s + 1] - 1`. */
  atomOffsets: Uint32Array;
  /** `[A * M]`: GLOBAL atom index (into the packed atoms) of each neighbour slot. */
  nbrIndex: Uint32Array;
  /** `[A * M]`: neighbour distances in Å (padding: cutoff + 1, pointing at the structure's first atom). */
  nbrDist: Float32Array;
  /** `[A * M * M]`: cosine of the angle between bonds m and m' of each atom at `(i·M + m)·M + m'`
   * (0 where either slot is padding): the line graph of the ALIGNN-style mode. */
  bondCosines: Float32Array;
  /** F, the atom feature length. */
  featureDim: number;
  /** M, neighbour slots per atom (0 when there are no graphs). */
  maxNeighbours: number;
}

/**
 * Concatenates crystal graphs: atom features looked up per species, local neighbour indices
 * shifted by each structure's atom offset. Every graph must have the same M (a usage error
 * otherwise); an element without a feature vector is the {@link AtomFeatures}' InputError.
 */
export function packCrystalGraphs(
  graphs: readonly CrystalGraph[],
  atomFeatures: AtomFeatures,
): PackedCrystalGraphs {
  const f = atomFeatures.dim;
  let m = -1;
  let atoms = 0;
  graphs.forEach((g, s) => {
    const gm = g.numAtoms ? g.nbrIndex.length / g.numAtoms : m;
    if (m >= 0 && gm !== m && g.numAtoms) {
      throw new UsageError(`crystal graph ${s} has ${gm} neighbour slots per atom, the others ${m}`);
    }
    if (g.numAtoms) m = gm;
    atoms += g.numAtoms;
  });
  m = Math.max(m, 0);
  const out: PackedCrystalGraphs = {
    atomFeatures: new Float32Array(atoms * f),
    atomOffsets: new Uint32Array(graphs.length + 1),
    nbrIndex: new Uint32Array(atoms * m),
    nbrDist: new Float32Array(atoms * m),
    bondCosines: new Float32Array(atoms * m * m),
    featureDim: f,
    maxNeighbours: m,
  };
  const cache = new Map<string, Float32Array>();
  let at = 0;
  graphs.forEach((g, s) => {
    out.atomOffsets[s] = at;
    for (let i = 0; i < g.numAtoms; i++) {
      const sp = g.species[i];
      let v = cache.get(sp);
      if (!v) {
        v = atomFeatures.vector(sp);
        cache.set(sp, v);
      }
      out.atomFeatures.set(v, (at + i) * f);
    }
    const base = at * m;
    for (let k = 0; k < g.numAtoms * m; k++) out.nbrIndex[base + k] = g.nbrIndex[k] + at;
    out.nbrDist.set(g.nbrDist, base);
    _bondCosines(g.nbrVec, g.numAtoms, m, out.bondCosines.subarray(at * m * m));
    at += g.numAtoms;
  });
  out.atomOffsets[graphs.length] = at;
  return out;
}

/** The cosines of the angles between every two bonds of each of `n` atoms (`m` bonds each, vectors
 * `vec` `[n·m·3]`) into `out` `[n·m·m]`; 0 where a bond is a zero vector (padding). */
function _bondCosines(vec: Float32Array, n: number, m: number, out: Float32Array): void {
  for (let i = 0; i < n; i++) {
    for (let p = 0; p < m; p++) {
      const a = 3 * (i * m + p);
      const na = Math.hypot(vec[a], vec[a + 1], vec[a + 2]);
      for (let q = 0; q < m; q++) {
        const b = 3 * (i * m + q);
        const nb = Math.hypot(vec[b], vec[b + 1], vec[b + 2]);
        const dot = vec[a] * vec[b] + vec[a + 1] * vec[b + 1] + vec[a + 2] * vec[b + 2];
        out[(i * m + p) * m + q] = na > 0 && nb > 0 ? Math.max(-1, Math.min(1, dot / (na * nb))) : 0;
      }
    }
  }
}
