/**
 * Scoring the model's routings of a labelled set with keiro's metrics (docs/design.md; mean approximation
 * ratio with incomplete routings counted as 0, worst instance, completeness), through the same
 * {@link summarize} as `keiro eval`.
 * @module
 */

import type { Evaluation } from "../te/dataset.ts";
import { type MethodSummary, summarize } from "../te/summarize.ts";
import type { RouteRecord } from "./model.ts";

/** Summarises `routed` (instance i ↔ reference MLU i) as method `method`; `msPerInstance` is the
 * mean routing time. */
export function scoreRouting(
  method: string,
  routed: RouteRecord[],
  reference: number[],
  msPerInstance: number,
): MethodSummary {
  const evals: Evaluation[] = routed.map((r) => ({
    mlu: r.mlu,
    complete: r.complete,
    problems: [],
    verified: true,
  }));
  return summarize(method, evals, reference, routed.map(() => msPerInstance));
}
