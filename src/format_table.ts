/**
 * Plain-text tables with aligned columns (numbers right-aligned).
 * @module
 */

/** Formats `rows` under `header`; cells are strings, numeric-looking cells are right-aligned. */
export function formatTable(header: string[], rows: string[][]): string {
  const widths = header.map((h, j) => Math.max(h.length, ...rows.map((r) => r[j].length)));
  const numeric = (s: string) => /^[-+]?[\d.]+(e[-+]?\d+)?%?$|^n\/a$/.test(s);
  const line = (cells: string[]) =>
    cells.map((c, j) => (numeric(c) ? c.padStart(widths[j]) : c.padEnd(widths[j]))).join("  ").trimEnd();
  return [line(header), widths.map((w) => "-".repeat(w)).join("  "), ...rows.map(line)].join("\n") + "\n";
}
