/**
 * Aggregating per-instance evaluations into keiro's metrics (docs/design.md): mean approximation
 * ratio with incomplete routings counted as 0, the worst instance, the completeness rate, and mean
 * time.
 * @module
 */

import type { Evaluation } from "./dataset.ts";

/** One method's row of the comparison. */
export interface MethodSummary {
  method: string;
  /** Instances the method has a solution for. */
  instances: number;
  /** Mean of reference MLU / method MLU over all instances, incomplete = 0. */
  mean_ratio: number;
  /** Smallest per-instance ratio. */
  worst_ratio: number;
  /** 0-based index of the worst instance among all the instances (its evaluation's `instance`). */
  worst_instance: number;
  /** Percentage of complete routings. */
  complete_pct: number;
  /** Mean MLU over complete routings (NaN when none). */
  mean_mlu: number;
  /** Mean of method MLU / reference MLU over complete routings: the gap to the LP bound when the
   * reference is lp (NaN when none). */
  mean_mlu_over_reference: number;
  /** Mean of the solutions' `time_ms` (NaN when they have none). */
  mean_time_ms: number;
}

/** The per-instance ratio: reference / method MLU, 0 when incomplete, 1 when both are 0. */
export function ratio(reference: number, e: Evaluation): number {
  if (!e.complete) return 0;
  if (e.mlu === 0) return reference === 0 ? 1 : 0;
  return reference / e.mlu;
}

/** Summarises one method's evaluations against per-instance reference MLUs. */
export function summarize(
  method: string,
  evals: Evaluation[],
  reference: number[],
  timesMs: (number | undefined)[],
): MethodSummary {
  const ratios = evals.map((e, i) => ratio(reference[i], e));
  let worst = 0;
  ratios.forEach((r, i) => {
    if (r < ratios[worst]) worst = i;
  });
  const complete = evals.filter((e) => e.complete);
  const times = timesMs.filter((t): t is number => typeof t === "number");
  const mean = (xs: number[]) => xs.length ? xs.reduce((a, b) => a + b, 0) / xs.length : NaN;
  return {
    method,
    instances: evals.length,
    mean_ratio: mean(ratios),
    worst_ratio: ratios.length ? ratios[worst] : NaN,
    worst_instance: evals[worst]?.instance ?? worst,
    complete_pct: evals.length ? 100 * complete.length / evals.length : NaN,
    mean_mlu: mean(complete.map((e) => e.mlu)),
    mean_mlu_over_reference: mean(
      evals.flatMap((e, i) => (e.complete && reference[i] > 0 ? [e.mlu / reference[i]] : [])),
    ),
    mean_time_ms: mean(times),
  };
}
