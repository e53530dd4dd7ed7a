/**
 * CGCNN crystal graphs: each atom's nearest neighbours over the periodic images of the cell.
 * @module
 */

import { InputError, UsageError } from "../errors.ts";
import type { Structure } from "./structure.ts";

/**
 * The largest neighbour search radius, Å: twelve times CGCNN's 8 Å. The images searched grow as
 * the cube of the radius, so a slip (`1e30` for `10`) would search for ever instead of failing.
 */
export const MAX_CUTOFF = 100;

/** Options of {@link crystalGraph}. */
export interface CrystalGraphOptions {
  /** Neighbour search radius in Å (default 8, CGCNN's `radius`). */
  cutoff?: number;
  /** Neighbours kept per atom, M (default 12, CGCNN's `max_num_nbr`). */
  maxNeighbours?: number;
}

/** A crystal graph with exactly M neighbour slots per atom. */
export interface CrystalGraph {
  /** Number of sites in the cell. */
  numAtoms: number;
  /** Element symbol of each site. */
  species: string[];
  /** `[numAtoms * M]`: local (cell) index of neighbour k of atom i at `i * M + k`. */
  nbrIndex: Uint32Array;
  /** `[numAtoms * M]`: distance in Å of the same neighbour; padding slots hold `cutoff + 1`. */
  nbrDist: Float32Array;
  /** `[numAtoms * M * 3]`: Cartesian vector in Å from atom i to that neighbour's image; padding
   * slots hold zeros. */
  nbrVec: Float32Array;
}

/**
 * The crystal graph of a structure, as CGCNN builds it: for each atom, every site of every periodic
 * image (images of the atom itself included; only the atom itself at distance ~0 excluded, as
 * pymatgen's `exclude_self` does: pairs closer than 1e-8 Å) within `cutoff` Å, sorted by distance
 * (ties in search order: lower neighbour index first), the nearest M kept.
 *
 * Padding: an atom with fewer than M neighbours gets the rest as index 0 (the cell's first atom)
 * at distance `cutoff + 1`, CGCNN's rule. Under CGCNN's Gaussian expansion (centres 0..cutoff,
 * width 0.2 Å) a distance of cutoff + 1 gives at most exp(-25) ≈ 1e-11, so the pads contribute
 * almost nothing.
 *
 * Image range: fractional coordinates are first wrapped into [0, 1); then a neighbour at fractional
 * offset f has |f_i| <= cutoff / w_i along each lattice direction, where w_i is the cell's
 * perpendicular width (w_a = V / |b x c|, and so on), so images |n_i| <= ceil(cutoff / w_i)
 * suffice, and each atom pair only scans the n_i with |Δf_i + n_i| <= cutoff / w_i. This is exact
 * for skewed cells too.
 *
 * Throws {@link InputError} for a degenerate lattice, mismatched species and coordinates or
 * non-finite values; {@link UsageError} for bad options.
 */
export function crystalGraph(s: Structure, opts: CrystalGraphOptions = {}): CrystalGraph {
  const cutoff = opts.cutoff ?? 8;
  const m = opts.maxNeighbours ?? 12;
  if (!(cutoff > 0 && cutoff <= MAX_CUTOFF)) {
    throw new UsageError(`cutoff must be in (0, ${MAX_CUTOFF}] Å, got ${cutoff}`);
  }
  if (!Number.isInteger(m) || m < 1) throw new UsageError(`maxNeighbours must be an integer >= 1, got ${m}`);
  const n = s.species.length;
  if (s.frac.length !== n) {
    throw new InputError(`structure has ${n} species but ${s.frac.length} coordinates`, 0, "frac");
  }
  const lat = new Float64Array(9);
  if (s.lattice.length !== 3) throw new InputError("lattice must be 3 rows of 3 numbers", 0, "lattice");
  for (let r = 0; r < 3; r++) {
    const row = s.lattice[r];
    if (row.length !== 3) throw new InputError("lattice must be 3 rows of 3 numbers", 0, "lattice");
    for (let d = 0; d < 3; d++) {
      if (!Number.isFinite(row[d])) throw new InputError("lattice must be finite numbers", 0, "lattice");
      lat[3 * r + d] = row[d];
    }
  }
  const [a, b, c] = s.lattice;
  const bc = _cross(b, c);
  const vol = Math.abs(_dot(a, bc));
  const widths = new Float64Array([vol / _norm(bc), vol / _norm(_cross(c, a)), vol / _norm(_cross(a, b))]);
  const scale = Math.max(_norm(a), _norm(b), _norm(c));
  if (!(vol > 1e-9 * scale ** 3)) {
    throw new InputError(`degenerate lattice (cell volume ${vol} Å^3)`, 0, "lattice");
  }
  // wrapped fractional and Cartesian coordinates
  const f = new Float64Array(3 * n);
  const x = new Float64Array(3 * n);
  for (let i = 0; i < n; i++) {
    const p = s.frac[i];
    if (!p || p.length !== 3) {
      throw new InputError(`site ${i}: fractional coordinates must be 3 numbers`, 0, `frac[${i}]`);
    }
    for (let d = 0; d < 3; d++) {
      if (!Number.isFinite(p[d])) {
        throw new InputError(`site ${i}: fractional coordinates must be finite`, 0, `frac[${i}]`);
      }
      let w = p[d] - Math.floor(p[d]);
      if (w >= 1) w = 0; // -1e-17 - floor(...) rounds to 1
      f[3 * i + d] = w;
    }
    for (let d = 0; d < 3; d++) {
      x[3 * i + d] = f[3 * i] * lat[d] + f[3 * i + 1] * lat[3 + d] + f[3 * i + 2] * lat[6 + d];
    }
  }
  const nbrIndex = new Uint32Array(n * m);
  const nbrDist = new Float32Array(n * m).fill(cutoff + 1);
  const nbrVec = new Float32Array(n * m * 3);
  _search(n, m, cutoff, lat, widths, f, x, nbrIndex, nbrDist, nbrVec);
  return { numAtoms: n, species: s.species.slice(), nbrIndex, nbrDist, nbrVec };
}

/** The neighbour search proper (typed arrays only, so that V8 optimises it well). */
function _search(
  n: number,
  m: number,
  cutoff: number,
  lat: Float64Array,
  widths: Float64Array,
  f: Float64Array,
  x: Float64Array,
  nbrIndex: Uint32Array,
  nbrDist: Float32Array,
  nbrVec: Float32Array,
): void {
  const a0 = lat[0], a1 = lat[1], a2 = lat[2];
  const b0 = lat[3], b1 = lat[4], b2 = lat[5];
  const c0 = lat[6], c1 = lat[7], c2 = lat[8];
  const w0 = widths[0], w1 = widths[1];
  // reach along each direction in fractional units (slightly widened so that a neighbour exactly
  // at the cutoff survives rounding)
  const r0 = cutoff / widths[0] * (1 + 1e-9) + 1e-12;
  const r1 = cutoff / widths[1] * (1 + 1e-9) + 1e-12;
  const r2 = cutoff / widths[2] * (1 + 1e-9) + 1e-12;
  const cut2 = cutoff * cutoff;
  const tol2 = 1e-16; // (1e-8 Å)^2
  // top-M buffer per atom, kept sorted ascending by squared distance
  const topD = new Float64Array(m);
  const topJ = new Uint32Array(m);
  const topV = new Float64Array(3 * m);
  for (let i = 0; i < n; i++) {
    let count = 0;
    let worst = cut2; // a candidate must be <= worst (strictly < once the buffer is full)
    const fi0 = f[3 * i], fi1 = f[3 * i + 1], fi2 = f[3 * i + 2];
    const xi0 = x[3 * i], xi1 = x[3 * i + 1], xi2 = x[3 * i + 2];
    for (let j = 0; j < n; j++) {
      // fractional offset j - i in (-1, 1); images n with |df + n| <= reach along each axis
      const df0 = f[3 * j] - fi0, df1 = f[3 * j + 1] - fi1, df2 = f[3 * j + 2] - fi2;
      const lo0 = Math.ceil(-r0 - df0), hi0 = Math.floor(r0 - df0);
      const lo1 = Math.ceil(-r1 - df1), hi1 = Math.floor(r1 - df1);
      const lo2 = Math.ceil(-r2 - df2), hi2 = Math.floor(r2 - df2);
      const dx0 = x[3 * j] - xi0, dx1 = x[3 * j + 1] - xi1, dx2 = x[3 * j + 2] - xi2;
      // each |df_i + n_i| * w_i is a lower bound of the distance: skip whole image planes and
      // rows that cannot beat the current M-th neighbour
      for (let n0 = lo0; n0 <= hi0; n0++) {
        const e0 = (df0 + n0) * w0;
        if (e0 * e0 > worst) continue;
        const p0 = dx0 + n0 * a0, p1 = dx1 + n0 * a1, p2 = dx2 + n0 * a2;
        for (let n1 = lo1; n1 <= hi1; n1++) {
          const e1 = (df1 + n1) * w1;
          if (e1 * e1 > worst) continue;
          const q0 = p0 + n1 * b0, q1 = p1 + n1 * b1, q2 = p2 + n1 * b2;
          for (let n2 = lo2; n2 <= hi2; n2++) {
            const v0 = q0 + n2 * c0, v1 = q1 + n2 * c1, v2 = q2 + n2 * c2;
            const d2 = v0 * v0 + v1 * v1 + v2 * v2;
            if (d2 > worst || d2 < tol2) continue;
            if (count === m) {
              if (d2 === worst) continue; // keep the earlier of equal distances
              count--;
            }
            // insertion after equal distances (stable)
            let k = count;
            while (k > 0 && topD[k - 1] > d2) {
              topD[k] = topD[k - 1];
              topJ[k] = topJ[k - 1];
              topV.copyWithin(3 * k, 3 * (k - 1), 3 * k);
              k--;
            }
            topD[k] = d2;
            topJ[k] = j;
            topV[3 * k] = v0;
            topV[3 * k + 1] = v1;
            topV[3 * k + 2] = v2;
            count++;
            if (count === m) worst = topD[m - 1];
          }
        }
      }
    }
    for (let k = 0; k < count; k++) {
      nbrIndex[i * m + k] = topJ[k];
      nbrDist[i * m + k] = Math.sqrt(topD[k]);
      for (let d = 0; d < 3; d++) nbrVec[3 * (i * m + k) + d] = topV[3 * k + d];
    }
  }
}

function _cross(u: number[], v: number[]): number[] {
  return [u[1] * v[2] - u[2] * v[1], u[2] * v[0] - u[0] * v[2], u[0] * v[1] - u[1] * v[0]];
}

function _dot(u: number[], v: number[]): number {
  return u[0] * v[0] + u[1] * v[1] + u[2] * v[2];
}

function _norm(u: number[]): number {
  return Math.sqrt(_dot(u, u));
}
