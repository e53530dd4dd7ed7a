/**
 * The shape importers produce: a topology, and the TE instance JSON of docs/design.md.
 * @module
 */

/** A directed edge; `capacity` is null when the source file has none. */
export interface TopologyEdge {
  src: number;
  dst: number;
  capacity: number | null;
}

/** A network topology read from a file. */
export interface Topology {
  /** Node names, index = node id. */
  nodes: string[];
  /** Directed edges (an undirected link appears in both directions). */
  edges: TopologyEdge[];
}

/** A topology whose every edge has a capacity (see `fillCapacities`). */
export interface CapacitatedTopology {
  /** Node names, index = node id. */
  nodes: string[];
  /** Directed edges. */
  edges: { src: number; dst: number; capacity: number }[];
}

/** A commodity of a TE instance. */
export interface Commodity {
  src: number;
  dst: number;
  demand: number;
}

/** A TE instance as docs/design.md defines it (extra keys are passed through). */
export interface TeInstance {
  id?: string | number;
  nodes: number | string[];
  edges: { src: number; dst: number; capacity: number }[];
  commodities: Commodity[];
  [extra: string]: unknown;
}
