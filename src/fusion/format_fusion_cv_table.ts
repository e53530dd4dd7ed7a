/**
 * The terminal table of a cross-validation (`keiro fuse cv`).
 * @module
 */

import { formatTable } from "../format_table.ts";
import type { CvSummary } from "./run_fusion_cv.ts";
import { _num } from "./_fusion_notes.ts";

/** One row per mode: the test MAE of every fold, their mean and sample std, and the mean epochs. */
export function formatFusionCvTable(s: CvSummary): string {
  const rows = s.results.map((m) => [
    m.mode,
    ...m.fold_mae.map((v) => _num(v)),
    _num(m.test_mae),
    _num(m.test_mae_std),
    _num(m.epochs, 3),
  ]);
  const folds = s.per_fold.map((f) => `fold ${f.fold}`);
  return formatTable(["mode", ...folds, `test MAE (${s.target})`, "± std", "epochs"], rows);
}
