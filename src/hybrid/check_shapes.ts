/**
 * Checking that instances have the node and commodity counts a model was built for, with errors
 * that name the source, the line and the field.
 * @module
 */

import { InputError } from "../errors.ts";
import type { Dataset } from "../te/dataset.ts";
import type { ModelShape } from "./config.ts";

/**
 * Throws an {@link InputError} naming `source`, the line and the field for the first instance of
 * `ds` whose node count is not `shape.nodes` or whose commodity count is not `shape.commodities`;
 * a `null` shape (a model that routes any instance) accepts every instance.
 */
export async function checkShapes(ds: Dataset, shape: ModelShape | null, source: string): Promise<void> {
  if (shape === null) return;
  const { nodes, commodities } = shape;
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
