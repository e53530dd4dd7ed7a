/**
 * Text traffic matrices: one matrix per line, `n*n` numbers row-major (DOTE/FIGRET `.hist`), or a
 * label followed by `n*n` numbers (keiro's derived Abilene/GEANT/B4 files). `#` lines and blank
 * lines are skipped.
 * @module
 */

import { InputError, UsageError } from "../../errors.ts";

/** One traffic matrix. */
export interface TrafficMatrix {
  /** The line's label, or its 0-based index among matrices when unlabelled. */
  label: string;
  /** n×n demands, row-major. */
  values: Float64Array;
}

/**
 * Reads the matrices of `text` with indices in `[from, to)` (all when omitted).
 * @throws {InputError} when the file holds no matrix, {@link UsageError} when the range selects none
 *   or reaches past the last matrix
 */
export function readTrafficMatrices(
  text: string,
  file: string,
  n: number,
  from = 0,
  to = Infinity,
): TrafficMatrix[] {
  if (to <= from) throw new UsageError(`the matrix range ${from}:${to} of ${file} is empty`);
  const out: TrafficMatrix[] = [];
  let index = 0;
  const lines = text.split(/\r?\n/);
  for (let i = 0; i < lines.length && index < to; i++) {
    const line = lines[i].trim();
    if (line === "" || line.startsWith("#")) continue;
    const k = index++;
    if (k < from) continue;
    const f = line.split(/[\s,]+/);
    if (f.length !== n * n && f.length !== n * n + 1) {
      throw new InputError(
        `${file}: line ${i + 1}: expected ${
          n * n
        } values for ${n} nodes (optionally after a label), got ${f.length}`,
        i + 1,
        "matrix",
      );
    }
    const label = f.length === n * n ? String(k) : f.shift()!;
    const values = new Float64Array(f.map((x, j) => {
      const v = Number(x);
      if (!(v >= 0 && Number.isFinite(v))) {
        throw new InputError(
          `${file}: line ${i + 1}: value ${j} must be a non-negative number, got ${JSON.stringify(x)}`,
          i + 1,
          `values[${j}]`,
        );
      }
      return v;
    }));
    out.push({ label, values });
  }
  if (index === 0) throw new InputError(`${file}: no traffic matrix (only blank and # lines)`, 0, "matrix");
  if (out.length === 0) {
    throw new UsageError(`${file} holds matrices 0..${index - 1}; the range ${from}:${to} selects none`);
  }
  if (index < to && to !== Infinity) {
    throw new UsageError(`${file} holds matrices 0..${index - 1}; the range ${from}:${to} reaches past them`);
  }
  return out;
}
