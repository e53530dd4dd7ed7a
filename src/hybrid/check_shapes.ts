/**
 * Checking that instances have the node and commodity counts a model was built for, with errors
 * that name the source, the line and the field.
 * @module
 */

import { InputError } from "../errors.ts";

/**
 * Throws an {@link InputError} naming `source`, the line and the field for the first instance of
 * JSONL `text` (already validated by the native parser) whose node count is not `nodes` or whose
 * commodity count is not `commodities`.
 */
export function checkShapes(text: string, nodes: number, commodities: number, source: string): void {
  text.split("\n").forEach((line, i) => {
    if (line.trim() === "") return;
    const inst = JSON.parse(line) as { nodes: number | unknown[]; commodities: unknown[] };
    const v = Array.isArray(inst.nodes) ? inst.nodes.length : inst.nodes;
    if (v !== nodes) {
      throw new InputError(
        `${source}: line ${i + 1}: nodes: the model routes instances with ${nodes} nodes, got ${v}`,
        i + 1,
        "nodes",
      );
    }
    if (inst.commodities.length !== commodities) {
      throw new InputError(
        `${source}: line ${
          i + 1
        }: commodities: the model routes instances with ${commodities} commodities, got ${inst.commodities.length}`,
        i + 1,
        "commodities",
      );
    }
  });
}
