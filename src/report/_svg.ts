/**
 * Private helpers of the SVG report charts: text escaping, number formatting, "nice" axis ticks and
 * the series palette. Not re-exported.
 * @module
 */

/** Okabe–Ito colours (distinguishable with colour-vision deficiencies), cycled per series. */
export const _PALETTE = [
  "#0072B2",
  "#D55E00",
  "#009E73",
  "#CC79A7",
  "#E69F00",
  "#56B4E9",
  "#000000",
  "#F0E442",
];

const _ENTITIES: Record<string, string> = {
  "&": "&amp;",
  "<": "&lt;",
  ">": "&gt;",
  '"': "&quot;",
  "'": "&apos;",
};

/** Escapes `& < > " '` for SVG text and attribute values. */
export function _escapeXml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => _ENTITIES[c]);
}

/** A coordinate with at most 2 decimals. */
export function _coord(x: number): string {
  const s = String(Math.round(x * 100) / 100);
  return s === "-0" ? "0" : s;
}

/** A value for a label: 3 significant digits, exponent notation below 0.001 and from 10⁵. */
export function _fmt(v: number): string {
  if (!Number.isFinite(v)) return "n/a";
  if (v === 0) return "0";
  const a = Math.abs(v);
  if (a < 1e-3 || a >= 1e5) return v.toExponential(2);
  if (a >= 100) return String(Math.round(v));
  return String(Number(v.toPrecision(3)));
}

/**
 * Ticks at a step of 1, 2 or 5 × 10^k covering [lo, hi] with about `count` intervals; returns the
 * rounded-out range and the tick labels (decimals fitted to the step).
 */
export function _niceTicks(
  lo: number,
  hi: number,
  count = 5,
): { lo: number; hi: number; ticks: { value: number; label: string }[] } {
  if (!(hi > lo)) {
    const pad = lo === 0 ? 1 : Math.abs(lo) * 0.1;
    lo -= pad;
    hi += pad;
  }
  const raw = (hi - lo) / count;
  const mag = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 5, 10].map((m) => m * mag).find((s) => s >= raw * (1 - 1e-9))!;
  const first = Math.floor(lo / step + 1e-9), last = Math.ceil(hi / step - 1e-9);
  const decimals = Math.max(0, -Math.floor(Math.log10(step) + 1e-9));
  const ticks = [];
  for (let k = first; k <= last; k++) {
    const value = k * step;
    const label = value.toFixed(decimals);
    ticks.push({ value, label: /^-0(\.0*)?$/.test(label) ? label.slice(1) : label });
  }
  return { lo: first * step, hi: last * step, ticks };
}

/** The opening lines every chart shares: the `<svg>` root, a white background, the title, and the
 * start of the axes group (the caller closes it). */
export function _svgHead(w: number, h: number, title: string): string[] {
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${w}" height="${h}" viewBox="0 0 ${w} ${h}" ` +
    `font-family="sans-serif" font-size="12">`,
    `<rect width="${w}" height="${h}" fill="#ffffff"/>`,
    `<text x="${_coord(w / 2)}" y="28" text-anchor="middle" font-size="16">${_escapeXml(title)}</text>`,
    `<g class="axes" stroke="#444444">`,
  ];
}
