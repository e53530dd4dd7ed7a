/**
 * Magpie descriptors of a whole dataset as one row-major matrix.
 * @module
 */

import type { ElementTables } from "./element_tables.ts";
import { magpieDescriptors, type MagpieOptions } from "./magpie_descriptors.ts";
import { MAGPIE_FEATURE_NAMES } from "./magpie_feature_names.ts";

/**
 * The 132 Magpie descriptors of each composition: `values[i * 132 + k]` is feature `names[k]` of
 * composition `i`. Errors are those of `magpieDescriptors`, with the composition's index added.
 */
export function magpieMatrix(
  comps: readonly Map<string, number>[],
  tables: ElementTables,
  opts: MagpieOptions = {},
): { names: readonly string[]; values: Float32Array } {
  const f = MAGPIE_FEATURE_NAMES.length;
  const values = new Float32Array(comps.length * f);
  comps.forEach((c, i) => {
    try {
      values.set(magpieDescriptors(c, tables, opts), i * f);
    } catch (e) {
      if (e instanceof Error) e.message = `composition ${i}: ${e.message}`;
      throw e;
    }
  });
  return { names: MAGPIE_FEATURE_NAMES, values };
}
