/**
 * Checking that instances have the node and commodity counts a model was built for, with errors
 * that name the source, the line and the field.
 * @module
 */

import { InputError } from "../errors.ts";
import type { Dataset } from "../te/dataset.ts";

/**
 * Throws an {@link InputError} naming `source`, the line and the field for the first instance of
 * `ds` whose node count is not `nodes` or whose commodity count is not `commodities`.
 */
export async function checkShapes(
  ds: Dataset,
  nodes: number,
  commodities: number,
  source: string,
): Promise<void> {
  for (const s of await ds.shapes()) {
    if (s.nodes !== nodes) {
      throw new InputError(
        `${source}: line ${s.line}: nodes: the model routes instances with ${nodes} nodes, got ${s.nodes}`,
        s.line,
        "nodes",
      );
    }
    if (s.commodities !== commodities) {
      throw new InputError(
        `${source}: line ${s.line}: commodities: the model routes instances with ${commodities} commodities, got ${s.commodities}`,
        s.line,
        "commodities",
      );
    }
  }
}
