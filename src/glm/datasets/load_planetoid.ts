/**
 * Loads the Planetoid `ind.<name>.*` files (Cora, CiteSeer, PubMed) into a {@link GraphDataset}, with
 * the standard assembly of Kipf & Welling (2017) used by GCN, GAT, LDS, IDGL and SLAPS.
 * @module
 */

import { join } from "node:path";
import { InputError, UsageError } from "../../errors.ts";
import type { GraphDataset } from "./graph_dataset.ts";
import { type CsrMatrix, type NdArray, readPickle } from "./read_pickle.ts";

/** Options of {@link loadPlanetoid}. */
export interface LoadPlanetoidOptions {
  /** Divide each feature row by its sum, as in GCN preprocessing (zero rows stay zero). Default true. */
  rowNormalize?: boolean;
}

const _NAMES = ["cora", "citeseer", "pubmed"];
const _VAL_SIZE = 500;

/**
 * Loads `ind.<name>.{x,y,allx,ally,tx,ty,graph,test.index}` from `dir`:
 * features = allx rows for nodes `0..len(ally)-1` and tx row k for node `test.index[k]`; labels the
 * argmax of the one-hot rows (an all-zero row → -1); edges from `graph`, made undirected with duplicates
 * and self loops removed; train = `0..len(y)-1`, val = the next 500 nodes (padded ones skipped), test =
 * the ids of `test.index`.
 * Test ids missing from `test.index` inside its range (CiteSeer) become padded nodes: zero features,
 * label -1, in no split. When `allx` is absent (PubMed in this data snapshot), `x` gives the first rows
 * and every other non-test node gets a zero row. Each such fix-up is described in `notes`.
 * A missing or malformed file is an {@link InputError} naming it.
 */
export async function loadPlanetoid(
  dir: string,
  name: "cora" | "citeseer" | "pubmed",
  options: LoadPlanetoidOptions = {},
): Promise<GraphDataset> {
  if (!_NAMES.includes(name)) {
    throw new UsageError(`unknown Planetoid dataset '${name}' (cora, citeseer, pubmed)`);
  }
  const rowNormalize = options.rowNormalize ?? true;
  const file = (suffix: string) => join(dir, `ind.${name}.${suffix}`);
  const [xRaw, yRaw, txRaw, tyRaw, allxRaw, allyRaw, graphRaw, indexRaw] = await Promise.all([
    _read(file("x")),
    _read(file("y")),
    _read(file("tx")),
    _read(file("ty")),
    _read(file("allx"), name === "pubmed"),
    _read(file("ally")),
    _read(file("graph")),
    _read(file("test.index")),
  ]);
  const x = _csr(xRaw!, file("x"));
  const y = _matrix(yRaw!, file("y"));
  const tx = _csr(txRaw!, file("tx"));
  const ty = _matrix(tyRaw!, file("ty"));
  const allx = allxRaw === null ? null : _csr(allxRaw, file("allx"));
  const ally = _matrix(allyRaw!, file("ally"));
  const graph = readPickle(graphRaw!, file("graph"));
  const testIds = _testIndex(indexRaw!, file("test.index"));

  const numFeatures = x.shape[1];
  const numClasses = y.shape[1];
  for (const [m, f] of [[tx, "tx"], [allx, "allx"]] as const) {
    if (m && m.shape[1] !== numFeatures) {
      throw new InputError(`${file(f)}: ${m.shape[1]} feature columns, ind.${name}.x has ${numFeatures}`);
    }
  }
  for (const [m, f] of [[ty, "ty"], [ally, "ally"]] as const) {
    if (m.shape[1] !== numClasses) {
      throw new InputError(`${file(f)}: ${m.shape[1]} label columns, ind.${name}.y has ${numClasses}`);
    }
  }
  const numBase = ally.shape[0];
  if (allx && allx.shape[0] !== numBase) {
    throw new InputError(`${file("allx")}: ${allx.shape[0]} rows, ind.${name}.ally has ${numBase}`);
  }
  if (x.shape[0] !== y.shape[0] || x.shape[0] > numBase) {
    throw new InputError(`${file("x")}: ${x.shape[0]} rows, ind.${name}.y has ${y.shape[0]}`);
  }
  if (tx.shape[0] !== testIds.length || ty.shape[0] !== testIds.length) {
    throw new InputError(
      `${file("tx")}/ty: ${tx.shape[0]}/${ty.shape[0]} rows, but test.index has ${testIds.length} ids`,
    );
  }
  let minTest = Infinity, maxTest = -1;
  for (const id of testIds) {
    minTest = Math.min(minTest, id);
    maxTest = Math.max(maxTest, id);
  }
  const numNodes = Math.max(numBase, maxTest + 1);

  // Features: base rows (allx, or only x when allx is absent), then test rows by id.
  const features = new Float32Array(numNodes * numFeatures);
  const hasFeatures = new Uint8Array(numNodes);
  const base = allx ?? x;
  _scatterRows(base, features, numFeatures, (r) => r, hasFeatures);
  _scatterRows(tx, features, numFeatures, (r) => testIds[r], hasFeatures);

  // Labels: argmax of one-hot rows; an all-zero row gives -1.
  const labels = new Int32Array(numNodes).fill(-1);
  const hasLabelRow = new Uint8Array(numNodes);
  let zeroLabelRows = 0;
  zeroLabelRows += _argmaxRows(ally, labels, (r) => r, hasLabelRow);
  zeroLabelRows += _argmaxRows(ty, labels, (r) => testIds[r], hasLabelRow);

  const split = new Uint8Array(numNodes);
  for (let i = 0; i < y.shape[0]; i++) split[i] = 1;
  for (let i = y.shape[0]; i < Math.min(numNodes, y.shape[0] + _VAL_SIZE); i++) {
    if (hasLabelRow[i]) split[i] = 2;
  }
  for (const id of testIds) split[id] = 3;

  const { edges, selfLoops } = _edges(graph, numNodes, file("graph"));
  if (rowNormalize) _rowNormalize(features, numFeatures);

  const notes: string[] = [];
  let padded = 0, featureless = 0;
  for (let i = 0; i < numNodes; i++) {
    if (hasFeatures[i]) continue;
    if (hasLabelRow[i]) featureless++;
    else padded++;
  }
  if (padded > 0) {
    notes.push(
      `${name}: ${padded} isolated test ids (absent from test.index, in ${minTest}..${maxTest}) padded ` +
        `with zero rows: no features, label -1, in no split`,
    );
  }
  if (featureless > 0) {
    notes.push(
      `${name}: features missing for ${featureless} nodes (${allx ? "no feature row" : "allx absent"}); ` +
        `zero rows used`,
    );
  }
  if (zeroLabelRows > 0) {
    notes.push(`${name}: ${zeroLabelRows} nodes have an all-zero one-hot label (label -1)`);
  }
  if (selfLoops > 0) notes.push(`${name}: ${selfLoops} self-loops in the graph dropped`);
  const counts = [1, 2, 3].map((s) => split.reduce((n, v) => n + (v === s ? 1 : 0), 0));
  notes.push(
    `${name}: ${numNodes} nodes, ${edges.length / 2} undirected edges, ${numFeatures} features` +
      `${rowNormalize ? " (row-normalised)" : ""}, ${numClasses} classes; Planetoid split ` +
      `${counts[0]} train / ${counts[1]} val / ${counts[2]} test`,
  );
  return { name, numNodes, numFeatures, features, numClasses, labels, split, edges, notes };
}

async function _read(path: string, optional = false): Promise<Uint8Array | null> {
  try {
    return await Deno.readFile(path);
  } catch (e) {
    if (e instanceof Deno.errors.NotFound) {
      if (optional) return null;
      throw new InputError(`missing Planetoid file: ${path}`, 0, path);
    }
    if (e instanceof Deno.errors.IsADirectory) {
      throw new InputError(`${path} is a directory, not a file`, 0, path);
    }
    throw e;
  }
}

function _csr(bytes: Uint8Array, path: string): CsrMatrix {
  const v = readPickle(bytes, path) as Partial<CsrMatrix> | null;
  if (v?.kind !== "csr_matrix") throw new InputError(`${path}: expected a scipy csr_matrix`, 0, path);
  return v as CsrMatrix;
}

function _matrix(bytes: Uint8Array, path: string): NdArray {
  const v = readPickle(bytes, path) as Partial<NdArray> | null;
  if (v?.kind !== "ndarray" || v.shape!.length !== 2) {
    throw new InputError(`${path}: expected a 2-D numpy array`, 0, path);
  }
  return v as NdArray;
}

function _testIndex(bytes: Uint8Array, path: string): number[] {
  const lines = new TextDecoder().decode(bytes).split(/\r?\n/);
  const ids: number[] = [];
  const seen = new Set<number>();
  lines.forEach((raw, i) => {
    const s = raw.trim();
    if (s === "") return;
    if (!/^\d+$/.test(s)) {
      throw new InputError(`${path}:${i + 1}: '${s}' is not a node id`, i + 1, "test.index");
    }
    const id = Number(s);
    if (seen.has(id)) throw new InputError(`${path}:${i + 1}: duplicate test id ${id}`, i + 1, "test.index");
    seen.add(id);
    ids.push(id);
  });
  if (ids.length === 0) throw new InputError(`${path}: no test ids`, 0, path);
  return ids;
}

function _scatterRows(
  m: CsrMatrix,
  out: Float32Array,
  numFeatures: number,
  node: (row: number) => number,
  mark: Uint8Array,
): void {
  const { data, indices, indptr } = m;
  for (let r = 0; r < m.shape[0]; r++) {
    const base = node(r) * numFeatures;
    mark[node(r)] = 1;
    for (let k = Number(indptr[r]), end = Number(indptr[r + 1]); k < end; k++) {
      out[base + Number(indices[k])] = Number(data[k]);
    }
  }
}

/** Writes the argmax of each row to `labels[node(row)]` (-1 for an all-zero row); returns the zero rows. */
function _argmaxRows(
  m: NdArray,
  labels: Int32Array,
  node: (row: number) => number,
  mark: Uint8Array,
): number {
  const [rows, cols] = m.shape;
  let zero = 0;
  for (let r = 0; r < rows; r++) {
    let best = -1, bestValue = 0;
    for (let c = 0; c < cols; c++) {
      const v = Number(m.data[r * cols + c]);
      if (v > bestValue) {
        best = c;
        bestValue = v;
      }
    }
    if (best < 0) zero++;
    labels[node(r)] = best;
    mark[node(r)] = 1;
  }
  return zero;
}

function _edges(graph: unknown, numNodes: number, path: string): { edges: Uint32Array; selfLoops: number } {
  if (!(graph instanceof Map)) throw new InputError(`${path}: expected a dict of adjacency lists`, 0, path);
  let total = 0;
  for (const [u, vs] of graph) {
    if (!Number.isInteger(u) || u < 0 || u >= numNodes) {
      throw new InputError(`${path}: graph key ${String(u)} is not a node id in 0..${numNodes - 1}`, 0, path);
    }
    if (!Array.isArray(vs)) throw new InputError(`${path}: adjacency of node ${u} is not a list`, 0, path);
    total += vs.length;
  }
  const keys = new Float64Array(total);
  const loops = new Set<number>();
  let n = 0;
  for (const [u, vs] of graph as Map<number, unknown[]>) {
    for (const v of vs) {
      if (typeof v !== "number" || !Number.isInteger(v) || v < 0 || v >= numNodes) {
        throw new InputError(`${path}: neighbour ${String(v)} of node ${u} is not a node id`, 0, path);
      }
      if (v === u) loops.add(u);
      else keys[n++] = Math.min(u, v) * numNodes + Math.max(u, v);
    }
  }
  const sorted = keys.subarray(0, n).sort();
  const edges: number[] = [];
  for (let i = 0; i < n; i++) {
    if (i > 0 && sorted[i] === sorted[i - 1]) continue;
    edges.push(Math.floor(sorted[i] / numNodes), sorted[i] % numNodes);
  }
  return { edges: Uint32Array.from(edges), selfLoops: loops.size };
}

function _rowNormalize(features: Float32Array, numFeatures: number): void {
  for (let base = 0; base < features.length; base += numFeatures) {
    let sum = 0;
    for (let j = 0; j < numFeatures; j++) sum += features[base + j];
    if (sum === 0) continue;
    for (let j = 0; j < numFeatures; j++) features[base + j] /= sum;
  }
}
