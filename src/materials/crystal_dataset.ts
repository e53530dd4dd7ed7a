/**
 * The in-memory form of a crystal property dataset.
 * @module
 */

import type { Structure } from "./structure.ts";

/** Crystals with their compositions and target properties, aligned by index. */
export interface CrystalDataset {
  /** Dataset name (by default the file or directory name without its extension). */
  name: string;
  /** Entry ids, unique, in file order. */
  ids: string[];
  /** The structure of each entry, or null for a composition-only entry. */
  structures: (Structure | null)[];
  /**
   * Element → amount of each entry: site counts of the cell when there is a structure, else the
   * amounts of the formula as written (neither is reduced or normalised).
   */
  compositions: Map<string, number>[];
  /** Target name → one value per entry; NaN marks a missing value. Keys are in the order asked for. */
  targets: Record<string, Float64Array>;
}
