/**
 * A VASP POSCAR / CONTCAR reader.
 * @module
 */

import { InputError } from "../errors.ts";
import { elementFromLabel } from "./_element_from_label.ts";
import type { Structure } from "./structure.ts";

/** Options of {@link readPoscar}. */
export interface ReadPoscarOptions {
  /**
   * Element of each species block, for VASP 4 files (which have no species line). Ignored when the
   * file has a species line.
   */
  species?: string[];
}

/**
 * Reads a crystal from POSCAR text:
 *
 * 1. a comment line;
 * 2. the scale: one number (a negative one is the target cell volume in Å³) or three (one per axis);
 * 3. three lattice vectors (rows, in Å before scaling);
 * 4. VASP 5: the species line (`Fe O`, POTCAR names such as `Fe_pv` or `Fe_pv/1a2b3c` are read as
 *    `Fe`); VASP 4 has none, and then `opts.species` must name them;
 * 5. the counts line;
 * 6. optionally `Selective dynamics` (any line starting with `s`/`S`);
 * 7. `Direct` (fractional) or `Cartesian` (a line starting with `c`/`C`/`k`/`K`; scaled like the
 *    lattice) and one line per atom, whose first three numbers are the coordinates (flags and labels
 *    after them are ignored). Anything after the atoms (velocities, …) is ignored.
 *
 * Errors are {@link InputError}s naming `source`, the 1-based line and the part of the file (`scale`,
 * `lattice`, `species`, `counts`, `coordinates`).
 */
export function readPoscar(text: string, source: string, opts: ReadPoscarOptions = {}): Structure {
  const lines = text.split(/\r\n|\n|\r/);
  const words = (i: number) => (lines[i] ?? "").trim().split(/\s+/).filter((w) => w !== "");
  const fail = (i: number, field: string, why: string) =>
    new InputError(`${source}:${i + 1}: ${field}: ${why}`, i + 1, field);
  const numbers = (i: number, field: string, count: number): number[] => {
    if (i >= lines.length) throw fail(i, field, "the file ends early");
    const w = words(i);
    if (w.length === 0) throw fail(i, field, `expected ${count} numbers, got an empty line`);
    if (w.length < count) throw fail(i, field, `expected ${count} numbers, got '${lines[i].trim()}'`);
    return w.slice(0, count).map((s) => {
      if (!_NUMBER.test(s)) throw fail(i, field, `'${s}' is not a number`);
      const v = Number(s);
      if (!Number.isFinite(v)) throw fail(i, field, `'${s}' is out of range`);
      return v;
    });
  };

  // Scale.
  const scaleWords = words(1);
  const scales = numbers(1, "scale", scaleWords.length >= 3 && _NUMBER.test(scaleWords[2]) ? 3 : 1);
  const raw = [numbers(2, "lattice", 3), numbers(3, "lattice", 3), numbers(4, "lattice", 3)];
  // Per-axis factors of Cartesian x, y, z (lattice rows and Cartesian positions alike).
  let axisScale: number[];
  if (scales.length === 3) {
    if (!scales.every((v) => v > 0)) throw fail(1, "scale", "three scale factors must all be positive");
    axisScale = scales;
  } else {
    const s = scales[0], volume = Math.abs(_det(raw));
    if (s === 0) throw fail(1, "scale", "the scale factor is 0");
    if (volume < 1e-12) throw fail(2, "lattice", "the lattice vectors are coplanar (zero volume)");
    const f = s > 0 ? s : Math.cbrt(-s / volume);
    axisScale = [f, f, f];
  }
  const lattice = raw.map((row) => row.map((v, j) => v * axisScale[j])) as [number[], number[], number[]];
  if (!lattice.flat().every(Number.isFinite) || !Number.isFinite(_det(lattice))) {
    throw fail(1, "scale", "the scaled lattice is out of range");
  }
  if (Math.abs(_det(lattice)) < 1e-12) {
    throw fail(2, "lattice", "the lattice vectors are coplanar (zero volume)");
  }

  // Species and counts.
  let i = 5;
  let symbols: string[];
  const first = words(i);
  if (first.length === 0) throw fail(i, "counts", "expected the species or counts line");
  if (first.every((w) => /^\d+$/.test(w))) {
    if (!opts.species) {
      throw fail(i, "species", "a VASP 4 POSCAR without a species line: pass the species (opts.species)");
    }
    symbols = opts.species.map((s) => {
      const e = elementFromLabel(s);
      if (e === null) {
        throw new InputError(`${source}: species option '${s}' is not an element`, 0, "species");
      }
      return e;
    });
  } else {
    symbols = first.map((w) => {
      const e = elementFromLabel(w.split(/[_/]/)[0]);
      if (e === null || e.length !== w.split(/[_/]/)[0].length) {
        throw fail(i, "species", `'${w}' is not an element`);
      }
      return e;
    });
    i++;
  }
  const countWords = words(i);
  if (!countWords.every((w) => /^\d+$/.test(w)) || countWords.length === 0) {
    throw fail(i, "counts", `expected atom counts, got '${(lines[i] ?? "").trim()}'`);
  }
  const counts = countWords.map(Number);
  if (counts.length !== symbols.length) {
    throw fail(i, "counts", `${counts.length} counts for ${symbols.length} species (${symbols.join(" ")})`);
  }
  i++;

  // Selective dynamics and the coordinate mode.
  if (/^[sS]/.test((lines[i] ?? "").trim())) i++;
  const mode = (lines[i] ?? "").trim();
  if (mode === "" || /^[+-]?[\d.]/.test(mode)) {
    throw fail(i, "coordinates", `expected 'Direct' or 'Cartesian', got '${mode}'`);
  }
  const cartesian = /^[cCkK]/.test(mode);
  i++;

  const species: string[] = [];
  const frac: number[][] = [];
  const inverse = cartesian ? _inverse(lattice) : null;
  counts.forEach((count, k) => {
    for (let a = 0; a < count; a++, i++) {
      const p = numbers(i, "coordinates", 3);
      if (inverse) {
        // Cartesian positions are scaled like the lattice, then r = f · L, so f = r · L⁻¹.
        const r = p.map((v, j) => v * axisScale[j]);
        const f = [0, 1, 2].map((j) => r[0] * inverse[0][j] + r[1] * inverse[1][j] + r[2] * inverse[2][j]);
        if (!f.every(Number.isFinite)) throw fail(i, "coordinates", "the scaled position is out of range");
        frac.push(f);
      } else {
        frac.push(p);
      }
      species.push(symbols[k]);
    }
  });
  if (species.length === 0) throw fail(i - 1, "counts", "no atoms");
  return { lattice, species, frac };
}

const _NUMBER = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;

function _det(m: number[][]): number {
  return m[0][0] * (m[1][1] * m[2][2] - m[1][2] * m[2][1]) -
    m[0][1] * (m[1][0] * m[2][2] - m[1][2] * m[2][0]) +
    m[0][2] * (m[1][0] * m[2][1] - m[1][1] * m[2][0]);
}

function _inverse(m: number[][]): number[][] {
  const d = _det(m);
  const c = (r0: number, c0: number, r1: number, c1: number) => m[r0][c0] * m[r1][c1] - m[r0][c1] * m[r1][c0];
  return [
    [c(1, 1, 2, 2) / d, -c(0, 1, 2, 2) / d, c(0, 1, 1, 2) / d],
    [-c(1, 0, 2, 2) / d, c(0, 0, 2, 2) / d, -c(0, 0, 1, 2) / d],
    [c(1, 0, 2, 1) / d, -c(0, 0, 2, 1) / d, c(0, 0, 1, 1) / d],
  ];
}
