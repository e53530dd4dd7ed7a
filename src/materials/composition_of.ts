/**
 * The composition of a structure.
 * @module
 */

import type { Structure } from "./structure.ts";

/**
 * Counts the sites of each element: element → number of sites in the cell, elements in order of
 * first appearance (the same form as `parseFormula`'s result, so `compositionOf` of a
 * rock-salt cell with 4 Na and 4 Cl gives `{Na: 4, Cl: 4}`, not the reduced formula).
 */
export function compositionOf(s: Structure): Map<string, number> {
  const out = new Map<string, number>();
  for (const e of s.species) out.set(e, (out.get(e) ?? 0) + 1);
  return out;
}
