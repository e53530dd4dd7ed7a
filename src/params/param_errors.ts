/**
 * Per-target errors of predicted parameters: counts by exact-match rate and MAE, angles by mean
 * circular error in degrees, reals by MAE.
 * @module
 */

import { formatTable } from "../format_table.ts";
import { l1Loss } from "../losses/l1_loss.ts";
import type { ParamTarget } from "./param_targets.ts";

/** The errors of one target. `error` is the one Δp compares (lower is better). */
export interface TargetError {
  target: string;
  kind: ParamTarget["kind"];
  /** MAE (counts, reals) or mean circular error in degrees (angles). */
  error: number;
  /** Share of images whose count is exactly right (counts only). */
  exact?: number;
}

/** The circular distance in degrees of two angles, in [0, 180]. */
export function circularError(a: number, b: number): number {
  const d = Math.abs(a - b) % 360;
  return d > 180 ? 360 - d : d;
}

/** The errors of `pred` against `truth` (by target name, same length), per target. */
export function paramErrors(
  targets: readonly ParamTarget[],
  pred: Record<string, ArrayLike<number>>,
  truth: Record<string, ArrayLike<number>>,
): TargetError[] {
  return targets.map((t) => {
    const p = pred[t.name], y = truth[t.name];
    if (t.kind === "angle") {
      let sum = 0;
      for (let i = 0; i < y.length; i++) sum += circularError(p[i], y[i]);
      return { target: t.name, kind: t.kind, error: sum / y.length };
    }
    const out: TargetError = { target: t.name, kind: t.kind, error: l1Loss(p, y) };
    if (t.kind === "count") {
      let hit = 0;
      for (let i = 0; i < y.length; i++) if (Math.round(p[i]) === y[i]) hit++;
      out.exact = hit / y.length;
    }
    return out;
  });
}

/** The table of `errors`: target, error (MAE, or mean degrees for angles), exact-match rate. */
export function formatTargetErrors(errors: readonly TargetError[]): string {
  const rows = errors.map((e) => [
    e.target,
    e.kind === "angle" ? "mean °" : "MAE",
    e.error.toFixed(e.kind === "angle" ? 2 : 3),
    e.exact === undefined ? "n/a" : `${(100 * e.exact).toFixed(1)}%`,
  ]);
  return formatTable(["target", "metric", "error", "exact"], rows);
}
