/**
 * Parity plot (predicted against actual) as a self-contained SVG.
 * @module
 */

import { _coord, _escapeXml, _fmt, _niceTicks, _PALETTE, _svgHead } from "./_svg.ts";

/** One model's (or split's) predictions in a {@link parityPlotSvg}. */
export interface ParitySeries {
  /** Legend name. */
  name: string;
  /** True values. */
  actual: ArrayLike<number>;
  /** Predicted values, same length as `actual`. */
  predicted: ArrayLike<number>;
}

/** Options of {@link parityPlotSvg}. */
export interface ParityPlotOptions {
  /** Title above the plot. */
  title: string;
  /** Unit of the values (e.g. `eV`), shown in the axis labels and the legend; "" for none. */
  unit: string;
  /** The series, drawn in order with colours from a colour-blind-safe palette. */
  series: ParitySeries[];
}

const _SIZE = 420, _LEFT = 72, _TOP = 48, _RIGHT = 24, _BOTTOM = 64;

/**
 * A parity plot: one dot (`<circle class="point">`) per pair (actual, predicted) of every series,
 * on equal x and y axes, with the dashed diagonal y = x (`<line class="diagonal">`) that a perfect
 * model would lie on, ticked and labelled axes, and a legend giving each series' colour, size and
 * mean absolute error over its drawn pairs, MAE = (1/n) · Σ |predicted_i − actual_i|. Pairs with a
 * NaN (or infinite) member are skipped. All text is escaped; the output needs no stylesheet, script
 * or font beyond the viewer's sans-serif.
 *
 * @throws {RangeError} when a series' `actual` and `predicted` lengths differ
 */
export function parityPlotSvg(options: ParityPlotOptions): string {
  const { title, unit, series } = options;
  const pairs = series.map((s) => {
    if (s.actual.length !== s.predicted.length) {
      throw new RangeError(
        `parityPlotSvg: series '${s.name}' has ${s.actual.length} actual but ` +
          `${s.predicted.length} predicted values`,
      );
    }
    const xy: [number, number][] = [];
    for (let i = 0; i < s.actual.length; i++) {
      const a = s.actual[i], p = s.predicted[i];
      if (Number.isFinite(a) && Number.isFinite(p)) xy.push([a, p]);
    }
    return xy;
  });
  let lo = Infinity, hi = -Infinity;
  for (const xy of pairs) {
    for (const [a, p] of xy) {
      lo = Math.min(lo, a, p);
      hi = Math.max(hi, a, p);
    }
  }
  if (lo > hi) [lo, hi] = [0, 1];
  const axis = _niceTicks(lo, hi);
  const scale = _SIZE / (axis.hi - axis.lo);
  const x = (v: number) => _coord(_LEFT + (v - axis.lo) * scale);
  const y = (v: number) => _coord(_TOP + _SIZE - (v - axis.lo) * scale);
  const W = _LEFT + _SIZE + _RIGHT, H = _TOP + _SIZE + _BOTTOM;
  const u = unit ? ` (${unit})` : "";
  const out: string[] = [
    ..._svgHead(W, H, title),
    `<rect x="${_LEFT}" y="${_TOP}" width="${_SIZE}" height="${_SIZE}" fill="none"/>`,
  ];
  for (const t of axis.ticks) {
    out.push(
      `<line x1="${x(t.value)}" y1="${_TOP + _SIZE}" x2="${x(t.value)}" y2="${_TOP + _SIZE + 5}"/>`,
      `<line x1="${_LEFT - 5}" y1="${y(t.value)}" x2="${_LEFT}" y2="${y(t.value)}"/>`,
    );
  }
  out.push(`</g>`, `<g class="tick-labels" fill="#222222">`);
  for (const t of axis.ticks) {
    out.push(
      `<text x="${x(t.value)}" y="${_TOP + _SIZE + 19}" text-anchor="middle">${t.label}</text>`,
      `<text x="${_LEFT - 8}" y="${_coord(Number(y(t.value)) + 4)}" text-anchor="end">${t.label}</text>`,
    );
  }
  const midX = _coord(_LEFT + _SIZE / 2), midY = _coord(_TOP + _SIZE / 2);
  out.push(
    `</g>`,
    `<text x="${midX}" y="${H - 20}" text-anchor="middle">Actual${_escapeXml(u)}</text>`,
    `<text x="18" y="${midY}" text-anchor="middle" transform="rotate(-90 18 ${midY})">` +
      `Predicted${_escapeXml(u)}</text>`,
    `<line class="diagonal" x1="${x(axis.lo)}" y1="${y(axis.lo)}" x2="${x(axis.hi)}" y2="${y(axis.hi)}" ` +
      `stroke="#888888" stroke-dasharray="5 4"/>`,
  );
  pairs.forEach((xy, k) => {
    const colour = _PALETTE[k % _PALETTE.length];
    out.push(`<g class="series" fill="${colour}" fill-opacity="0.6">`);
    for (const [a, p] of xy) out.push(`<circle class="point" cx="${x(a)}" cy="${y(p)}" r="2.5"/>`);
    out.push(`</g>`);
  });
  out.push(`<g class="legend">`);
  series.forEach((s, k) => {
    const xy = pairs[k];
    const mae = xy.length === 0 ? NaN : xy.reduce((acc, [a, p]) => acc + Math.abs(p - a), 0) / xy.length;
    const ly = _TOP + 14 + 18 * k;
    out.push(
      `<rect x="${_LEFT + 10}" y="${ly - 9}" width="10" height="10" fill="${
        _PALETTE[k % _PALETTE.length]
      }"/>`,
      `<text x="${_LEFT + 26}" y="${ly}">` +
        _escapeXml(`${s.name} (n = ${xy.length}, MAE ${_fmt(mae)}${unit ? ` ${unit}` : ""})`) + `</text>`,
    );
  });
  out.push(`</g>`, `</svg>`);
  return out.join("\n") + "\n";
}
