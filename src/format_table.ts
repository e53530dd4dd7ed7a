/**
 * Plain-text tables with aligned columns: a column whose cells are all numbers (or `n/a`, or
 * percentages) is right-aligned, header included; other columns are left-aligned.
 * @module
 */

const _numeric = (s: string) => /^[-+]?[\d.]+(e[-+]?\d+)?%?$|^n\/a$/.test(s);

/** Formats `rows` under `header`. */
export function formatTable(header: string[], rows: string[][]): string {
  const widths = header.map((h, j) => Math.max(h.length, ...rows.map((r) => r[j].length)));
  const right = header.map((_, j) => rows.length > 0 && rows.every((r) => _numeric(r[j])));
  const line = (cells: string[]) =>
    cells.map((c, j) => (right[j] ? c.padStart(widths[j]) : c.padEnd(widths[j]))).join("  ").trimEnd();
  return [line(header), widths.map((w) => "-".repeat(w)).join("  "), ...rows.map(line)].join("\n") + "\n";
}
