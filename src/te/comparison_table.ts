/**
 * The method comparison table printed by `keiro eval` and `keiro compare`.
 * @module
 */

import { formatTable } from "../format_table.ts";
import type { MethodSummary } from "./summarize.ts";

const _f = (x: number, digits: number) => Number.isFinite(x) ? x.toFixed(digits) : "n/a";

/**
 * The comparison as printed: the table, or with `json` the `{reference, instances, methods}`
 * object; `instances` is the number of instances compared (each row's `instances` is how many of
 * them the method has a solution for).
 */
export function formatComparison(
  rows: MethodSummary[],
  reference: string,
  json: boolean,
  instances: number,
): string {
  return json
    ? JSON.stringify({ reference, instances, methods: rows }, null, 2) + "\n"
    : comparisonTable(rows, reference, instances);
}

/**
 * Formats method summaries measured against `reference`; a method that solves fewer than
 * `instances` instances shows `solved/instances` in the instances column.
 */
export function comparisonTable(rows: MethodSummary[], reference: string, instances?: number): string {
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
      instances === undefined || r.instances === instances
        ? String(r.instances)
        : `${r.instances}/${instances}`,
      _f(r.mean_ratio, 4),
      _f(r.worst_ratio, 4),
      `${_f(r.complete_pct, 1)}%`,
      _f(r.mean_mlu, 4),
      _f(r.mean_mlu_over_reference, 4),
      _f(r.mean_time_ms, 2),
    ]),
  );
}
