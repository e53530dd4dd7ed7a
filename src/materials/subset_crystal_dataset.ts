/**
 * A part of a crystal dataset: the entries at some indices, in that order.
 * @module
 */

import type { CrystalDataset } from "./crystal_dataset.ts";

/** The entries `rows` of `ds` (indices, in that order), named `name`; every target is kept. */
export function subsetCrystalDataset(
  ds: CrystalDataset,
  rows: readonly number[],
  name: string,
): CrystalDataset {
  return {
    name,
    ids: rows.map((i) => ds.ids[i]),
    structures: rows.map((i) => ds.structures[i]),
    compositions: rows.map((i) => ds.compositions[i]),
    targets: Object.fromEntries(
      Object.entries(ds.targets).map(([t, v]) => [t, Float64Array.from(rows, (i) => v[i])]),
    ),
  };
}
