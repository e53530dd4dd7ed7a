/**
 * A reader of pymatgen's `Structure.as_dict()` JSON form.
 * @module
 */

import { InputError } from "../errors.ts";
import { isElementSymbol } from "./_element_from_label.ts";
import type { Structure } from "./structure.ts";

/**
 * Reads a crystal from a parsed pymatgen `Structure.as_dict()` object (not its JSON text: parse it
 * first, so that one reader serves whole JSON files and JSON lines alike):
 *
 * * `lattice.matrix`: the 3 × 3 lattice, rows a, b, c in Å;
 * * `sites[i].species`: exactly one entry whose `element` is an element symbol (its
 *   `oxidation_state`, if any, is ignored) and whose `occu` is 1 (absent counts as 1);
 * * `sites[i].abc`: fractional coordinates, or else `sites[i].xyz`: Cartesian ones (Å).
 *
 * A missing or malformed field, a partially occupied or mixed site (`occu` below 1 − 1e-3, or more
 * than one species), or an unknown element is an {@link InputError} naming `source` and the field
 * (e.g. `sites[3].species`).
 */
export function readPymatgenStructure(dict: unknown, source: string): Structure {
  const fail = (field: string, why: string) => new InputError(`${source}: ${field}: ${why}`, 0, field);
  if (!_isObject(dict)) throw fail("structure", "expected a pymatgen Structure object");
  const lat = dict.lattice;
  if (!_isObject(lat)) throw fail("lattice", "missing (expected an object with 'matrix')");
  const matrix = lat.matrix;
  if (!Array.isArray(matrix) || matrix.length !== 3) throw fail("lattice.matrix", "expected a 3 × 3 array");
  const lattice = matrix.map((row, i) => _vector(row, `lattice.matrix[${i}]`, fail)) as [
    number[],
    number[],
    number[],
  ];
  const sites = dict.sites;
  if (!Array.isArray(sites) || sites.length === 0) throw fail("sites", "expected a non-empty array");
  const inverse = _inverse(lattice, fail); // also rejects a flat cell
  const species: string[] = [];
  const frac: number[][] = [];
  sites.forEach((site, i) => {
    const at = `sites[${i}]`;
    if (!_isObject(site)) throw fail(at, "expected an object");
    const sp = site.species;
    if (!Array.isArray(sp) || sp.length === 0) throw fail(`${at}.species`, "expected a non-empty array");
    if (sp.length > 1) {
      const names = sp.map((s) => (_isObject(s) ? String(s.element) : "?")).join(", ");
      throw fail(
        `${at}.species`,
        `${sp.length} species on one site (${names}): partial occupancy is not supported`,
      );
    }
    const entry = sp[0];
    if (!_isObject(entry)) throw fail(`${at}.species[0]`, "expected an object");
    const element = entry.element;
    if (typeof element !== "string" || !isElementSymbol(element)) {
      throw fail(`${at}.species[0].element`, `${JSON.stringify(element)} is not an element symbol`);
    }
    const occu = entry.occu ?? 1;
    if (typeof occu !== "number" || !Number.isFinite(occu)) {
      throw fail(`${at}.species[0].occu`, `${JSON.stringify(occu)} is not a number`);
    }
    if (occu < 1 - 1e-3 || occu > 1 + 1e-3) {
      throw fail(
        `${at}.species`,
        `occupancy ${occu}: only fully ordered structures (occupancy 1) are supported`,
      );
    }
    if (site.abc !== undefined) {
      frac.push(_vector(site.abc, `${at}.abc`, fail));
    } else if (site.xyz !== undefined) {
      const r = _vector(site.xyz, `${at}.xyz`, fail);
      const m = inverse;
      frac.push([0, 1, 2].map((j) => r[0] * m[0][j] + r[1] * m[1][j] + r[2] * m[2][j]));
    } else {
      throw fail(at, "neither 'abc' (fractional) nor 'xyz' (Cartesian) coordinates");
    }
    species.push(element);
  });
  return { lattice, species, frac };
}

function _isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

function _vector(v: unknown, field: string, fail: (field: string, why: string) => InputError): number[] {
  if (!Array.isArray(v) || v.length !== 3 || !v.every((x) => typeof x === "number" && Number.isFinite(x))) {
    throw fail(field, `expected 3 finite numbers, got ${JSON.stringify(v)}`);
  }
  return v.slice() as number[];
}

function _inverse(m: number[][], fail: (field: string, why: string) => InputError): number[][] {
  const c = (r0: number, c0: number, r1: number, c1: number) => m[r0][c0] * m[r1][c1] - m[r0][c1] * m[r1][c0];
  const d = m[0][0] * c(1, 1, 2, 2) - m[0][1] * c(1, 0, 2, 2) + m[0][2] * c(1, 0, 2, 1);
  if (Math.abs(d) < 1e-12) throw fail("lattice.matrix", "the lattice vectors are coplanar (zero volume)");
  return [
    [c(1, 1, 2, 2) / d, -c(0, 1, 2, 2) / d, c(0, 1, 1, 2) / d],
    [-c(1, 0, 2, 2) / d, c(0, 0, 2, 2) / d, -c(0, 0, 1, 2) / d],
    [c(1, 0, 2, 1) / d, -c(0, 0, 2, 1) / d, c(0, 0, 1, 1) / d],
  ];
}
