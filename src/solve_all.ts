/**
 * Solving a whole dataset in chunks so that progress can be reported; instances inside a chunk
 * run in parallel in the native core and the output order is the input order.
 * @module
 */

import type { Dataset, SolveOptions } from "./dataset.ts";

/** Yields JSONL solutions chunk by chunk; `onProgress(done)` is called after each chunk. */
export async function* solveAll(ds: Dataset, opts: SolveOptions, onProgress?: (done: number) => void): AsyncGenerator<string> {
  const threads = opts.threads || navigator.hardwareConcurrency || 1;
  const chunk = Math.max(threads * (opts.method === "milp" || opts.method === "lp" ? 1 : 64), 1);
  for (let start = 0; start < ds.length; start += chunk) {
    const end = Math.min(start + chunk, ds.length);
    yield await ds.solve(start, end, opts);
    onProgress?.(end);
  }
}
