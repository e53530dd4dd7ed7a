/**
 * Bar chart with optional ± error bars as a self-contained SVG.
 * @module
 */

import { _coord, _escapeXml, _fmt, _niceTicks, _PALETTE, _svgHead } from "./_svg.ts";

/** One bar of a {@link barChartSvg}. */
export interface Bar {
  /** Category label under the bar. */
  label: string;
  /** Bar height (e.g. a mean over seeds); NaN draws no bar and the label "n/a". */
  value: number;
  /** Half-length of the error bar (e.g. the std over seeds), drawn as value ± error; ≥ 0. */
  error?: number;
}

/** Options of {@link barChartSvg}. */
export interface BarChartOptions {
  /** Title above the chart. */
  title: string;
  /** Unit of the values, the y axis label; "" for none. */
  unit: string;
  /** The bars, left to right. */
  bars: Bar[];
}

const _LEFT = 72, _TOP = 48, _RIGHT = 24, _BOTTOM = 88, _PLOT_H = 280, _SLOT = 64;

/**
 * A vertical bar chart: one `<rect class="bar">` per finite value, rising from 0 (falling for a
 * negative value), an error bar from value − error to value + error (`<path class="error-bar">`)
 * when `error` is given, the value printed above the bar (below a negative one), a ticked y axis
 * that always includes 0, and the category labels under the bars (slanted when long). All text is
 * escaped.
 *
 * @throws {RangeError} on a negative or NaN `error`
 */
export function barChartSvg(options: BarChartOptions): string {
  const { title, unit, bars } = options;
  let lo = 0, hi = 0;
  for (const b of bars) {
    const e = b.error ?? 0;
    if (!(e >= 0)) throw new RangeError(`barChartSvg: bar '${b.label}' has error ${e}; it must be ≥ 0`);
    if (!Number.isFinite(b.value)) continue;
    lo = Math.min(lo, b.value - e);
    hi = Math.max(hi, b.value + e);
  }
  const pad = 0.08 * (hi - lo); // room for the value labels beyond the outermost bar ends
  const axis = _niceTicks(lo < 0 ? lo - pad : lo, hi > 0 ? hi + pad : hi);
  const scale = _PLOT_H / (axis.hi - axis.lo);
  const y = (v: number) => _TOP + _PLOT_H - (v - axis.lo) * scale;
  const plotW = Math.max(1, bars.length) * _SLOT;
  const W = Math.max(360, _LEFT + plotW + _RIGHT), H = _TOP + _PLOT_H + _BOTTOM;
  const slant = bars.some((b) => b.label.length > 8);
  const out: string[] = [
    ..._svgHead(W, H, title),
    `<line x1="${_LEFT}" y1="${_TOP}" x2="${_LEFT}" y2="${_TOP + _PLOT_H}"/>`,
  ];
  for (const t of axis.ticks) {
    out.push(`<line x1="${_LEFT - 5}" y1="${_coord(y(t.value))}" x2="${_LEFT}" y2="${_coord(y(t.value))}"/>`);
  }
  out.push(
    `<line class="baseline" x1="${_LEFT}" y1="${_coord(y(0))}" x2="${_LEFT + plotW}" y2="${_coord(y(0))}"/>`,
    `</g>`,
    `<g class="tick-labels" fill="#222222">`,
  );
  for (const t of axis.ticks) {
    out.push(`<text x="${_LEFT - 8}" y="${_coord(y(t.value) + 4)}" text-anchor="end">${t.label}</text>`);
  }
  out.push(`</g>`);
  if (unit) {
    const midY = _coord(_TOP + _PLOT_H / 2);
    out.push(
      `<text x="18" y="${midY}" text-anchor="middle" transform="rotate(-90 18 ${midY})">${
        _escapeXml(unit)
      }</text>`,
    );
  }
  bars.forEach((b, k) => {
    const cx = _LEFT + _SLOT * (k + 0.5);
    const ok = Number.isFinite(b.value);
    if (ok) {
      const top = Math.min(y(b.value), y(0)), h = Math.abs(y(b.value) - y(0));
      out.push(
        `<rect class="bar" x="${_coord(cx - _SLOT * 0.3)}" y="${_coord(top)}" width="${
          _coord(_SLOT * 0.6)
        }" ` +
          `height="${_coord(h)}" fill="${_PALETTE[0]}"/>`,
      );
    }
    const e = ok ? b.error : undefined;
    if (ok && e !== undefined) {
      const y1 = _coord(y(b.value + e)), y2 = _coord(y(b.value - e));
      const l = _coord(cx - 6), r = _coord(cx + 6);
      out.push(
        `<path class="error-bar" d="M${_coord(cx)} ${y1}V${y2}M${l} ${y1}H${r}M${l} ${y2}H${r}" ` +
          `stroke="#222222" fill="none"/>`,
      );
    }
    const neg = ok && b.value < 0;
    const edge = ok ? y(b.value + (neg ? -1 : 1) * (e ?? 0)) : y(0);
    out.push(
      `<text class="value" x="${_coord(cx)}" y="${
        _coord(neg ? edge + 14 : edge - 5)
      }" text-anchor="middle">` +
        `${_escapeXml(_fmt(b.value))}</text>`,
    );
    const ly = _TOP + _PLOT_H + 18;
    out.push(
      slant
        ? `<text class="label" x="${_coord(cx)}" y="${ly}" text-anchor="end" ` +
          `transform="rotate(-30 ${_coord(cx)} ${ly})">${_escapeXml(b.label)}</text>`
        : `<text class="label" x="${_coord(cx)}" y="${ly}" text-anchor="middle">${
          _escapeXml(b.label)
        }</text>`,
    );
  });
  out.push(`</svg>`);
  return out.join("\n") + "\n";
}
