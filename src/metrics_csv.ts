/**
 * The per-epoch metrics CSV every trainer writes (`metrics.csv`, wandb- and spreadsheet-importable):
 * one row per epoch, columns in first-seen order, array-valued metrics spread over one column each.
 * @module
 */

function _cell(v: unknown): string {
  if (v === null || v === undefined || (typeof v === "number" && !Number.isFinite(v))) return "";
  const s = String(v);
  return /[",\n]/.test(s) ? `"${s.replaceAll('"', '""')}"` : s;
}

/**
 * The CSV text of `rows`, one object per epoch whose values are scalars or arrays of numbers (one
 * per task); NaN, null and undefined are written as empty cells. An array under key `k` becomes the columns `k_<name>` for `names` (the
 * tasks, in order), or `k_<i>` (from 0) past the end of `names`.
 */
export function metricsCsv(rows: readonly object[], names: readonly string[] = []): string {
  const cols: string[] = [];
  const flat = rows.map((r) => {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(r)) {
      if (Array.isArray(v)) v.forEach((x, i) => (out[`${k}_${names[i] ?? i}`] = x));
      else out[k] = v;
    }
    for (const k of Object.keys(out)) if (!cols.includes(k)) cols.push(k);
    return out;
  });
  return [cols.join(","), ...flat.map((r) => cols.map((c) => _cell(r[c])).join(","))].join("\n") + "\n";
}
