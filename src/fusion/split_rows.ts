/**
 * The rows of one split.
 * @module
 */

/** Indices of the rows whose split code (`SPLIT` of fusion_inputs.ts) is `code`, in order. */
export function splitRows(split: Uint8Array, code: number): number[] {
  const r: number[] = [];
  split.forEach((c, i) => c === code && r.push(i));
  return r;
}
