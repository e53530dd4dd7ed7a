/**
 * CGCNN atom features: a fixed vector per element, either read from CGCNN's `atom_init.json` or
 * built from the Magpie tables in the same 92-dim one-hot layout.
 *
 * The layout (offsets checked against atom_init.json's H, C, O, Fe and Au):
 *
 * | slice | block | built from (Magpie table) |
 * |---|---|---|
 * | [0, 19) | group 1..18 at its own index; 0 = lanthanide/actinide | `Column`; f block → 0 |
 * | [19, 26) | period 1..7 | `Row` |
 * | [26, 36) | electronegativity, 10 bins | `Electronegativity` |
 * | [36, 46) | covalent radius, 10 bins | `CovalentRadius` |
 * | [46, 58) | valence electrons 1..12 | see below |
 * | [58, 68) | first ionisation energy, 10 bins | `FirstIonizationEnergy` |
 * | [68, 78) | electron affinity, 10 bins | `ElectronAffinity` |
 * | [78, 82) | block s, p, d, f | `IsDBlock`, `IsFBlock`, `NpValence` |
 * | [82, 92) | atomic volume, 10 bins | `GSvolume_pa` (DFT volume per atom) |
 *
 * Rules of the table-built vectors:
 * - block: f when IsFBlock = 1 and IsDBlock != 1 (La-Yb, Ac-No); d when IsDBlock = 1 (this puts Lu
 *   and Lr, flagged both, in d as CGCNN does); else p when NpValence > 0; else s.
 * - valence electrons follow CGCNN's count, not Magpie's NValence: s block NsValence, p block
 *   NsValence + NpValence (Ga = 3, not 13), d block NsValence + NdValence, f block NsValence (2).
 *   This reproduces atom_init.json for Z = 1..100 except Pd (10 here, 12 in atom_init.json).
 * - binned blocks: 10 equal-width bins between the minimum and the maximum of the table over the
 *   elements Z = 1..100 that have a value, bin = floor(10 (v - min) / (max - min)), clamped to
 *   0..9 (elements past 100 can fall outside the range).
 * - an unknown value (NaN, or outside the block's range) leaves its block all zero.
 *
 * atom_init.json was built from other sources and bin edges, so the binned blocks of the two
 * differ for many elements; group, period and block agree for Z = 1..100.
 * @module
 */

import { InputError } from "../errors.ts";
import { readTextFile } from "../read_text.ts";
import type { ElementTables } from "./element_tables.ts";
import { ELEMENT_SYMBOLS } from "./element_symbols.ts";

/** A fixed feature vector per element. */
export interface AtomFeatures {
  /** Length of every vector. */
  dim: number;
  /**
   * The vector of an element given by symbol (`"Fe"`) or atomic number (26). The array is shared:
   * do not modify it. Throws {@link InputError} for an unknown element or one without a vector.
   */
  vector(symbolOrZ: string | number): Float32Array;
}

/**
 * Reads CGCNN's `atom_init.json`: `{"<Z>": [numbers], ...}`, every list of the same length.
 * A missing file is a usage error; malformed content an {@link InputError}.
 */
export async function loadAtomInit(path: string): Promise<AtomFeatures> {
  const text = await readTextFile(path);
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (e) {
    throw new InputError(`${path}: not JSON: ${(e as Error).message}`);
  }
  if (typeof json !== "object" || json === null || Array.isArray(json)) {
    throw new InputError(`${path}: expected an object {"<Z>": [numbers]}`);
  }
  const byZ = new Map<number, Float32Array>();
  let dim = -1;
  for (const [key, v] of Object.entries(json)) {
    const z = Number(key);
    if (!Number.isInteger(z) || z < 1 || z > ELEMENT_SYMBOLS.length) {
      throw new InputError(`${path}: key "${key}" is not an atomic number 1..118`, 0, key);
    }
    if (!Array.isArray(v) || v.some((x) => typeof x !== "number" || !Number.isFinite(x))) {
      throw new InputError(`${path}: entry "${key}" is not a list of numbers`, 0, key);
    }
    if (dim >= 0 && v.length !== dim) {
      throw new InputError(`${path}: entry "${key}" has ${v.length} values, others ${dim}`, 0, key);
    }
    dim = v.length;
    byZ.set(z, Float32Array.from(v));
  }
  if (byZ.size === 0) throw new InputError(`${path}: no element vectors`);
  return new _ElementVectors(dim, byZ, path);
}

/**
 * CGCNN-layout (92-dim) atom features built from the Magpie tables, for Z = 1..118 (an element
 * whose every block is unknown has no vector). See the module documentation for the rules.
 * Needs the tables Column, Row, Electronegativity, CovalentRadius, NsValence, NpValence,
 * NdValence, FirstIonizationEnergy, ElectronAffinity, IsDBlock, IsFBlock and GSvolume_pa.
 */
export function atomFeaturesFromTables(tables: ElementTables): AtomFeatures {
  const t = (name: string) => tables.property(name);
  const column = t("Column");
  const row = t("Row");
  const ns = t("NsValence");
  const np = t("NpValence");
  const nd = t("NdValence");
  const isD = t("IsDBlock");
  const isF = t("IsFBlock");
  const binned: [Float64Array, number][] = [
    [t("Electronegativity"), 26],
    [t("CovalentRadius"), 36],
    [t("FirstIonizationEnergy"), 58],
    [t("ElectronAffinity"), 68],
    [t("GSvolume_pa"), 82],
  ];
  const ranges = binned.map(([v]) => _range(v.subarray(0, 100)));
  const byZ = new Map<number, Float32Array>();
  for (let i = 0; i < ELEMENT_SYMBOLS.length; i++) {
    const v = new Float32Array(_DIM);
    let set = 0;
    const hot = (at: number) => {
      v[at] = 1;
      set++;
    };
    // block: 0 s, 1 p, 2 d, 3 f, -1 unknown
    let block = -1;
    if (isD[i] === 1) block = 2;
    else if (isF[i] === 1) block = 3;
    else if (np[i] > 0) block = 1;
    else if (ns[i] > 0) block = 0;
    if (block >= 0) hot(78 + block);
    if (block === 3) hot(0);
    else if (Number.isInteger(column[i]) && column[i] >= 1 && column[i] <= 18) hot(column[i]);
    if (Number.isInteger(row[i]) && row[i] >= 1 && row[i] <= 7) hot(19 + row[i] - 1);
    const valence = [ns[i], ns[i] + np[i], ns[i] + nd[i], ns[i]][block] ?? NaN;
    if (Number.isInteger(valence) && valence >= 1 && valence <= 12) hot(46 + valence - 1);
    binned.forEach(([table, offset], k) => {
      const b = _bin(table[i], ranges[k]);
      if (b >= 0) hot(offset + b);
    });
    if (set > 0) byZ.set(i + 1, v);
  }
  return new _ElementVectors(_DIM, byZ, "the Magpie tables");
}

/** Length of the CGCNN layout. */
const _DIM = 92;

/** Symbol to Z. */
const _Z = new Map(ELEMENT_SYMBOLS.map((s, i) => [s, i + 1]));

class _ElementVectors implements AtomFeatures {
  readonly dim: number;
  #byZ: Map<number, Float32Array>;
  #source: string;

  constructor(dim: number, byZ: Map<number, Float32Array>, source: string) {
    this.dim = dim;
    this.#byZ = byZ;
    this.#source = source;
  }

  vector(symbolOrZ: string | number): Float32Array {
    const z = typeof symbolOrZ === "number" ? symbolOrZ : _Z.get(symbolOrZ);
    if (z === undefined || !Number.isInteger(z) || z < 1 || z > ELEMENT_SYMBOLS.length) {
      throw new InputError(`unknown element "${symbolOrZ}"`, 0, String(symbolOrZ));
    }
    const v = this.#byZ.get(z);
    if (!v) {
      throw new InputError(
        `no atom feature vector for ${ELEMENT_SYMBOLS[z - 1]} (Z = ${z}) in ${this.#source}`,
        0,
        ELEMENT_SYMBOLS[z - 1],
      );
    }
    return v;
  }
}

/** [min, max] of the known values. */
function _range(values: Float64Array): [number, number] {
  let lo = Infinity;
  let hi = -Infinity;
  for (const x of values) {
    if (x < lo) lo = x;
    if (x > hi) hi = x;
  }
  return [lo, hi];
}

/** Equal-width bin 0..9 of `x` in `[lo, hi]` (clamped), -1 when `x` is unknown. */
function _bin(x: number, [lo, hi]: [number, number]): number {
  if (Number.isNaN(x) || !(hi >= lo)) return -1;
  if (hi === lo) return 0;
  return Math.min(9, Math.max(0, Math.floor(10 * (x - lo) / (hi - lo))));
}
