/**
 * A periodic crystal structure: the common form every structure reader returns and every
 * featuriser (crystal graph, composition descriptors) reads.
 * @module
 */

/** One crystal: a lattice and its sites in fractional coordinates (P1, every site fully occupied). */
export interface Structure {
  /** Lattice vectors a, b, c as rows, in Å: `lattice[i] = [x, y, z]`. */
  lattice: [number[], number[], number[]];
  /** Element symbol of each site (`"Fe"`, `"O"`), properly capitalised. */
  species: string[];
  /** Fractional coordinates of each site, `[n][3]` (not necessarily wrapped into [0, 1)). */
  frac: number[][];
}
