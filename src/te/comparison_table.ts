/**
 * The method comparison table printed by `keiro eval` and `keiro compare`.
 * @module
 */

import { formatTable } from "../format_table.ts";
import type { MethodSummary } from "./summarize.ts";

const _f = (x: number, digits: number) => Number.isFinite(x) ? x.toFixed(digits) : "n/a";

/** The comparison as printed: the table, or with `json` the `{reference, methods}` object. */
export function formatComparison(rows: MethodSummary[], reference: string, json: boolean): string {
  return json
    ? JSON.stringify({ reference, methods: rows }, null, 2) + "\n"
    : comparisonTable(rows, reference);
}

/** Formats method summaries measured against the `reference` method. */
export function comparisonTable(rows: MethodSummary[], reference: string): string {
  return formatTable(
    [
      "method",
      "instances",
      `ratio vs ${reference}`,
      "worst",
      "complete",
      "mean MLU",
      `MLU/${reference}`,
      "ms/instance",
    ],
    rows.map((r) => [
      r.method,
      String(r.instances),
      _f(r.mean_ratio, 4),
      _f(r.worst_ratio, 4),
      `${_f(r.complete_pct, 1)}%`,
      _f(r.mean_mlu, 4),
      _f(r.mean_mlu_over_reference, 4),
      _f(r.mean_time_ms, 2),
    ]),
  );
}
