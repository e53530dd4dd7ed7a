/**
 * Solving a whole dataset with `threads` native calls in flight at once: exact methods take one
 * instance per call (so slow instances do not hold others back and progress is per instance),
 * fast heuristics take blocks of instances. Results are yielded in input order.
 * @module
 */

import type { Dataset, SolveOptions } from "./dataset.ts";

/** Yields JSONL solutions in input order; `onProgress(done)` is called as instances finish. */
export async function* solveAll(
  ds: Dataset,
  opts: SolveOptions,
  onProgress?: (done: number) => void,
): AsyncGenerator<string> {
  const threads = opts.threads || navigator.hardwareConcurrency || 1;
  const block = opts.method === "milp" || opts.method === "lp" ? 1 : 256;
  const blocks = Math.ceil(ds.length / block);
  const results: (string | undefined)[] = new Array(blocks);
  let next = 0, done = 0, emitted = 0;
  let wake: () => void = () => {};
  let failure: unknown;
  const worker = async () => {
    while (next < blocks && failure === undefined) {
      const b = next++;
      const start = b * block, end = Math.min(start + block, ds.length);
      try {
        results[b] = await ds.solve(start, end, { ...opts, threads: 1 });
      } catch (e) {
        failure ??= e;
      }
      done += end - start;
      onProgress?.(done);
      wake();
    }
  };
  const workers = Promise.all(Array.from({ length: Math.min(threads, blocks) }, worker));
  while (emitted < blocks) {
    if (failure !== undefined) break;
    if (results[emitted] !== undefined) {
      yield results[emitted]!;
      results[emitted++] = undefined;
      continue;
    }
    await new Promise<void>((r) => (wake = r));
  }
  await workers;
  if (failure !== undefined) throw failure;
}
