/**
 * A topology file as the generator's `given` graph: the one rule for `keiro gen te --topology FILE`
 * and the topology-file parts of a training config's `data_mix`.
 * @module
 */

import { basename, extname } from "node:path";
import type { GenOptions } from "./generate.ts";
import { fillCapacities } from "./fill_capacities.ts";
import { readTopology } from "./read_topology.ts";

/** Options of {@link topologyGraph}. */
export interface TopologyGraphOptions {
  /** Every link's capacity is redrawn by the generator (its `capacity` range); the file's are dropped. */
  redraw: boolean;
  /** Capacity of the file's links that have none (without it, such a link is a usage error). */
  defaultCapacity?: number;
  /** The remedy the missing-capacity error offers (default: `--default-capacity C`). */
  remedy?: string;
}

/**
 * The generator options that draw instances on the topology in `file` (any format
 * {@link readTopology} reads): `topology: "given"`, the file's base name as `name`, and its graph.
 * @throws {UsageError} on a file that cannot be read or a link without a capacity (unless redrawn)
 */
export async function topologyGraph(file: string, opts: TopologyGraphOptions): Promise<GenOptions> {
  const t = await readTopology(file);
  const edges: [number, number, number | null][] = opts.redraw
    ? t.edges.map((e) => [e.src, e.dst, null])
    : fillCapacities(t, file, opts.defaultCapacity, opts.remedy).edges.map((e) => [e.src, e.dst, e.capacity]);
  return { topology: "given", name: basename(file, extname(file)), graph: { nodes: t.nodes, edges } };
}
