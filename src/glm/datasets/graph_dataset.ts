/**
 * The in-memory form of a node-classification dataset that `keiro glm train` learns from.
 * @module
 */

/** A node-classification dataset, transductive: every node's features are present (dense). */
export interface GraphDataset {
  /** Short name, e.g. `"cora"` or `"wine"`. */
  name: string;
  /** Number of nodes N. */
  numNodes: number;
  /** Number of features per node F. */
  numFeatures: number;
  /** Node features, `[N*F]` row-major. */
  features: Float32Array;
  /** Number of classes C. */
  numClasses: number;
  /** Class of each node in `0..C-1`, `[N]`; -1 = no label. */
  labels: Int32Array;
  /** Split of each node, `[N]`: 0 = in no split, 1 = train, 2 = val, 3 = test. */
  split: Uint8Array;
  /**
   * The input graph as `[2*E]` (src, dst) pairs: undirected, each pair once with src < dst, no self
   * loops, no duplicates; `null` for feature-only data (the graph must be learned).
   */
  edges: Uint32Array | null;
  /** Human-readable facts the CLI prints, e.g. `"citeseer: 15 isolated test ids padded with zero rows"`. */
  notes: string[];
  /** The label of each class as the file spells it (csv); absent: classes are their indices. */
  classNames?: string[];
  /** How the raw feature columns were standardised (csv), kept with a saved model. */
  scaling?: ColumnScaling;
}

/** Per-column standardisation `(x − mean) / std`; std 0 marks a constant column (its feature is 0). */
export interface ColumnScaling {
  mean: number[];
  std: number[];
}
