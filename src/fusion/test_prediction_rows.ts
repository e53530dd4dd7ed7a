/**
 * The rows of `test_predictions.csv` (`fuse compare`) and of `fuse cv`'s per-fold predictions.
 * @module
 */

import type { Comparison } from "./compare_fusion.ts";

/** The inputs' rows a comparison is scored against: ids and true values. */
export interface PredictionTruth {
  /** Entry id of each row. */
  ids: readonly string[];
  /** True values of every target over all rows of the inputs. */
  actual: Record<string, ArrayLike<number>>;
}

/**
 * One row per test crystal (`test`: row indices of the inputs): its id, the true value of every
 * target, and one column `<label>:seed<n>:<target>` per run of `c` and target it predicts.
 */
export function testPredictionRows(
  c: Pick<Comparison, "targets" | "predictions">,
  test: readonly number[],
  truth: PredictionTruth,
): Record<string, unknown>[] {
  return test.map((i) => {
    const row: Record<string, unknown> = { id: truth.ids[i] };
    for (const t of c.targets) row[t] = truth.actual[t][i];
    for (const p of c.predictions) {
      for (const [t, v] of Object.entries(p.values)) row[`${p.label}:seed${p.seed}:${t}`] = v[i];
    }
    return row;
  });
}
