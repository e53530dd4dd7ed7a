/**
 * Loads a feature-only classification table (UCI Wine, optdigits, …) from a CSV or whitespace-separated
 * file into a {@link GraphDataset} without a graph, with a seeded stratified split.
 * @module
 */

import { basename, extname } from "node:path";
import { InputError, UsageError } from "../../errors.ts";
import { Rng } from "../../rng.ts";
import { readTextFile } from "../../read_text.ts";
import type { ColumnScaling, GraphDataset } from "./graph_dataset.ts";
import type { SplitSizes } from "./parse_split.ts";

/** Options of {@link loadCsvDataset}. */
export interface LoadCsvDatasetOptions {
  /**
   * The class column: a 0-based index (negative counts from the end, -1 = last) or a header name;
   * absent (prediction only, with `classNames`): the table has no labels.
   */
  labelColumn?: number | string;
  /** Columns that are neither features nor the label (indices or header names). */
  dropColumns?: (number | string)[];
  /**
   * Whether the first line is a header: `"auto"` (default) treats it as one when it is not all numeric,
   * unless it looks like a data line whose label is a word (same width as the next line and every
   * non-numeric field of it also non-numeric there).
   */
  header?: "auto" | "yes" | "no";
  /** Nodes per class in train and val; the rest of each class is test. Absent: no node is in a
   * split (prediction). */
  split?: SplitSizes;
  /** Seed of the stratified split ({@link Rng}). */
  seed: number;
  /** The classes of a trained model: labels map to these (an unknown one is an error) instead of
   * the classes found in the file. */
  classNames?: string[];
  /** The column scaling of a trained model's data, used instead of the file's own statistics. */
  scaling?: ColumnScaling;
  /** Dataset name; default: the file name without its extension. */
  name?: string;
}

const _NUMBER = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;

interface _Row {
  line: number;
  fields: string[];
}

/**
 * Reads a table with one sample per line, separated by commas (or by whitespace when the file has no
 * comma). Labels are arbitrary strings mapped to classes `0..C-1` in sorted order (numeric order when
 * all are numbers); every other column not dropped is a numeric feature, standardised per column (zero
 * mean, unit population variance; a constant column becomes 0), or with `scaling` standardised by a
 * trained model's statistics. The split is stratified: each class is
 * shuffled with `Rng(seed)` (classes in order), its first `trainPerClass` nodes are train, the next
 * `valPerClass` val and the rest test. `edges` is null: the graph has to be learned.
 *
 * A non-numeric feature or a ragged row is an {@link InputError} naming the 1-based line and the field;
 * an unknown column or a class too small for the split is a {@link UsageError}.
 */
export async function loadCsvDataset(path: string, opts: LoadCsvDatasetOptions): Promise<GraphDataset> {
  const name = opts.name ?? basename(path, extname(path));
  const text = await readTextFile(path);
  const comma = text.includes(",");
  const rows: _Row[] = [];
  text.split(/\r?\n/).forEach((raw, i) => {
    if (raw.trim() === "") return;
    const fields = comma ? raw.split(",").map(_unquote) : raw.trim().split(/\s+/).map(_unquote);
    rows.push({ line: i + 1, fields });
  });
  if (rows.length === 0) throw new InputError(`${path}: no data lines`);

  const header = _hasHeader(rows, opts.header ?? "auto") ? rows.shift()!.fields : null;
  if (rows.length === 0) throw new InputError(`${path}: only a header line, no data`);
  const width = rows[0].fields.length;
  for (const r of rows) {
    if (r.fields.length !== width) {
      throw new InputError(`${path}:${r.line}: ${r.fields.length} fields, expected ${width}`, r.line);
    }
  }
  const fieldName = (j: number) => header && header.length === width ? header[j] : `column ${j}`;

  if (opts.labelColumn === undefined && (opts.split || !opts.classNames)) {
    throw new UsageError(`${path}: a label column is needed to train`);
  }
  const labelCol = opts.labelColumn === undefined
    ? -1
    : _column(opts.labelColumn, header, width, "label column");
  const dropped = new Set((opts.dropColumns ?? []).map((c) => _column(c, header, width, "dropped column")));
  dropped.add(labelCol);
  const featureCols = [...Array(width).keys()].filter((j) => !dropped.has(j));
  if (featureCols.length === 0) throw new UsageError(`${path}: no feature columns left`);
  if (opts.scaling && opts.scaling.mean.length !== featureCols.length) {
    throw new UsageError(
      `${path}: ${featureCols.length} feature columns, the model was trained on ${opts.scaling.mean.length}`,
    );
  }

  // Labels → classes in sorted order (or the model's classes).
  const rawLabels = labelCol < 0 ? [] : rows.map((r) => {
    const v = r.fields[labelCol];
    if (v === "") throw new InputError(`${path}:${r.line}: empty label`, r.line, fieldName(labelCol));
    return v;
  });
  const classNames = opts.classNames ?? [...new Set(rawLabels)];
  if (!opts.classNames) {
    if (classNames.every((v) => _NUMBER.test(v))) classNames.sort((a, b) => Number(a) - Number(b));
    else classNames.sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  }
  const classOf = new Map(classNames.map((v, c) => [v, c]));
  const labels = labelCol < 0 ? new Int32Array(rows.length).fill(-1) : Int32Array.from(rawLabels, (v, i) => {
    const c = classOf.get(v);
    if (c === undefined) {
      throw new InputError(
        `${path}:${rows[i].line}: label '${v}' is not one of the model's classes (${_list(classNames)})`,
        rows[i].line,
        fieldName(labelCol),
      );
    }
    return c;
  });

  // Features, standardised per column.
  const numNodes = rows.length, numFeatures = featureCols.length;
  const values = new Float64Array(numNodes * numFeatures);
  rows.forEach((r, i) => {
    featureCols.forEach((j, k) => {
      const s = r.fields[j];
      if (!_NUMBER.test(s)) {
        throw new InputError(
          `${path}:${r.line}: ${fieldName(j)} is not a number: '${s}'`,
          r.line,
          fieldName(j),
        );
      }
      values[i * numFeatures + k] = Number(s);
    });
  });
  const scaling = opts.scaling ?? _columnScaling(values, numFeatures);
  const features = new Float32Array(numNodes * numFeatures);
  let constant = 0;
  for (let k = 0; k < numFeatures; k++) {
    const m = scaling.mean[k], s = scaling.std[k];
    if (s === 0) {
      constant++;
      continue;
    }
    for (let i = 0; i < numNodes; i++) features[i * numFeatures + k] = (values[i * numFeatures + k] - m) / s;
  }

  const split = opts.split
    ? _stratifiedSplit(labels, classNames, opts.split, opts.seed, path)
    : new Uint8Array(numNodes);
  const notes = [
    `${name}: ${numNodes} rows, ${numFeatures} features (standardised${
      opts.scaling ? " as the model's training data" : ""
    }), ${classNames.length} classes ` +
    `(labels ${_list(classNames)} → 0..${classNames.length - 1})${header ? "; header line skipped" : ""}`,
    opts.split
      ? `${name}: stratified split ${opts.split.trainPerClass}:${opts.split.valPerClass} per class, ` +
        `seed ${opts.seed}: ${_count(split, 1)} train / ${_count(split, 2)} val / ${
          _count(split, 3)
        } test; no input graph`
      : `${name}: ${labelCol < 0 ? "no labels" : "labels compared with the predictions"}; no input graph`,
  ];
  if (constant > 0) {
    notes.push(`${name}: ${constant} constant feature columns (all zero after standardising)`);
  }
  return {
    name,
    numNodes,
    numFeatures,
    features,
    numClasses: classNames.length,
    labels,
    split,
    edges: null,
    notes,
    classNames,
    scaling,
  };
}

/** Per-column mean and population std of `[N, F]` values; std 0 for a constant column. */
function _columnScaling(values: Float64Array, f: number): ColumnScaling {
  const n = values.length / f;
  const mean: number[] = [], std: number[] = [];
  for (let k = 0; k < f; k++) {
    let m = 0;
    for (let i = 0; i < n; i++) m += values[i * f + k];
    m /= n;
    let variance = 0;
    for (let i = 0; i < n; i++) variance += (values[i * f + k] - m) ** 2;
    const s = Math.sqrt(variance / n);
    mean.push(m);
    std.push(s > 1e-12 * Math.max(1, Math.abs(m)) ? s : 0);
  }
  return { mean, std };
}

function _unquote(s: string): string {
  const t = s.trim();
  return t.length >= 2 && t[0] === '"' && t[t.length - 1] === '"' ? t.slice(1, -1).trim() : t;
}

function _hasHeader(rows: _Row[], mode: "auto" | "yes" | "no"): boolean {
  if (mode === "yes") return true;
  if (mode === "no") return false;
  const first = rows[0].fields;
  if (first.every((f) => _NUMBER.test(f))) return false;
  const next = rows[1]?.fields;
  if (next === undefined || next.length !== first.length) return true;
  // A data line with a word label has its words in the same columns as the next line.
  return first.some((f, j) => !_NUMBER.test(f) && _NUMBER.test(next[j]));
}

function _column(c: number | string, header: string[] | null, width: number, what: string): number {
  let j: number;
  if (typeof c === "number") j = c;
  else if (header && header.includes(c)) j = header.indexOf(c);
  else if (/^-?\d+$/.test(c.trim())) j = Number(c.trim());
  else if (!header) throw new UsageError(`${what} '${c}': column names need a header line`);
  else throw new UsageError(`${what} '${c}' is not in the header (${header.join(", ")})`);
  if (!Number.isInteger(j)) throw new UsageError(`${what} ${c} is not a column index`);
  const k = j < 0 ? width + j : j;
  if (k < 0 || k >= width) throw new UsageError(`${what} ${c} is outside the ${width} columns`);
  return k;
}

function _stratifiedSplit(
  labels: Int32Array,
  classNames: string[],
  sizes: SplitSizes,
  seed: number,
  path: string,
): Uint8Array {
  const { trainPerClass, valPerClass } = sizes;
  const members: number[][] = classNames.map(() => []);
  labels.forEach((c, i) => members[c].push(i));
  const rng = new Rng(seed);
  const split = new Uint8Array(labels.length);
  members.forEach((nodes, c) => {
    if (nodes.length < trainPerClass + valPerClass) {
      throw new UsageError(
        `${path}: class '${classNames[c]}' has ${nodes.length} rows, fewer than the split's ` +
          `${trainPerClass} train + ${valPerClass} val`,
      );
    }
    rng.shuffle(nodes);
    nodes.forEach((node, k) => {
      split[node] = k < trainPerClass ? 1 : k < trainPerClass + valPerClass ? 2 : 3;
    });
  });
  return split;
}

function _count(split: Uint8Array, s: number): number {
  let n = 0;
  for (const v of split) if (v === s) n++;
  return n;
}

function _list(xs: string[]): string {
  return xs.length <= 12 ? xs.join(", ") : `${xs.slice(0, 10).join(", ")}, … ${xs[xs.length - 1]}`;
}
