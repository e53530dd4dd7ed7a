/**
 * The terminal table of a fusion comparison.
 * @module
 */

import { formatTable } from "../format_table.ts";
import type { Comparison } from "./compare_fusion.ts";
import { _fusionNotes, _num } from "./_fusion_notes.ts";

/**
 * The plain-text table of `c`: one row per mode with the first target's test MAE (mean ± std over
 * seeds), R², training seconds and notes (attention weights, importance probes, late-fusion α, Δp
 * with negative transfer), followed by the single-task baselines when multitask ran.
 */
export function formatFusionTable(c: Comparison): string {
  const rows = c.results.map((s) => [
    s.mode,
    _num(s.test_mae),
    _num(s.test_mae_std),
    _num(s.test_r2),
    _num(s.train_s, 3),
    _fusionNotes(s),
  ]);
  const header = ["mode", `test MAE (${c.target})`, "± std", "R²", "train s", "notes"];
  let out = formatTable(header, rows);
  if (c.single_task) {
    out += "\nsingle-task CGCNN test MAE: " +
      Object.entries(c.single_task).map(([t, v]) => `${t} ${_num(v)}`).join(", ") + "\n";
  }
  return out;
}
