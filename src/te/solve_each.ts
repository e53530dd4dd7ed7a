/**
 * Solving a whole dataset and reading the solutions back one at a time.
 * @module
 */

import type { Dataset, SolveOptions } from "./dataset.ts";
import { solveAll } from "./solve_all.ts";

/** The fields of a solution record (docs/design.md) that callers of {@link solveEach} read. */
export interface SolvedInstance {
  /** The instance's id. */
  id?: unknown;
  mlu: number;
  paths: number[][];
  /** MILP and LP: proven optimal (false when the time limit stopped the solver first). */
  optimal?: boolean;
  /** MILP and LP: (mlu − bound) / mlu. */
  gap?: number;
  time_ms?: number;
}

/** Yields `solveAll`'s solutions parsed, one per instance, in input order. */
export async function* solveEach(
  ds: Dataset,
  opts: SolveOptions,
  onProgress?: (done: number) => void,
): AsyncGenerator<SolvedInstance> {
  for await (const chunk of solveAll(ds, opts, onProgress)) {
    for (const line of chunk.split("\n")) {
      if (line.trim() !== "") yield JSON.parse(line) as SolvedInstance;
    }
  }
}
