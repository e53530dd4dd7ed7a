/**
 * The one rule for topology links without a capacity, shared by `keiro import te` and
 * `keiro gen te --topology FILE`.
 * @module
 */

import { UsageError } from "../errors.ts";
import type { CapacitatedTopology, Topology } from "./topology.ts";

/**
 * `topology` with every edge's capacity set: an edge that `file` gives no capacity gets
 * `defaultCapacity`. Without a default, such an edge is a usage error naming the file and the first
 * such edge, and offering `remedy` (default: to pass `--default-capacity C`).
 */
export function fillCapacities(
  topology: Topology,
  file: string,
  defaultCapacity?: number,
  remedy = "pass --default-capacity C",
): CapacitatedTopology {
  const edges = topology.edges.map((e, i) => {
    const capacity = e.capacity ?? defaultCapacity;
    if (capacity === undefined) {
      const missing = topology.edges.filter((x) => x.capacity === null).length;
      throw new UsageError(
        `${file}: edge ${i} (${topology.nodes[e.src]}→${topology.nodes[e.dst]}) has no capacity` +
          (missing > 1 ? ` (nor do ${missing - 1} other edges)` : "") +
          `; ${remedy}`,
      );
    }
    return { src: e.src, dst: e.dst, capacity };
  });
  return { nodes: topology.nodes, edges };
}
