/**
 * A routing drawn as a self-contained SVG: the topology, each link coloured by its utilisation, and
 * one commodity's path highlighted, so a network engineer can see where a routing puts its load.
 * @module
 */

import { _coord, _escapeXml, _fmt } from "./_svg.ts";
import { forceLayout } from "./force_layout.ts";

/** One directed edge of the drawn instance. */
export interface DrawnEdge {
  src: number;
  dst: number;
  capacity: number;
}

/** Options of {@link routingSvg}. */
export interface RoutingSvgOptions {
  /** Title above the picture (instance, method, MLU). */
  title: string;
  /** Node labels (names, or indices as text). */
  nodes: string[];
  /** Directed edges, as in the instance. */
  edges: DrawnEdge[];
  /** Load on every edge (aligned with `edges`); none: links drawn by capacity only. */
  loads?: number[];
  /** Node sequence to highlight (a commodity's path). */
  path?: number[];
  /** What the highlighted path is (legend text). */
  pathLabel?: string;
  /** Layout seed. */
  seed?: number;
}

const _W = 820, _H = 680, _PAD = 48, _TOP = 56, _LEGEND = 70;

/** Green (idle) → yellow (half) → red (full or over), for a utilisation `u`. */
export function utilisationColour(u: number): string {
  const stops: [number, [number, number, number]][] = [[0, [26, 152, 80]], [0.5, [254, 224, 139]], [1, [
    215,
    48,
    39,
  ]]];
  const t = Math.min(Math.max(u, 0), 1);
  const i = t <= 0.5 ? 0 : 1;
  const [u0, c0] = stops[i], [u1, c1] = stops[i + 1];
  const f = (t - u0) / (u1 - u0);
  return "#" + c0.map((c, k) => Math.round(c + (c1[k] - c) * f).toString(16).padStart(2, "0")).join("");
}

/**
 * The picture: one `<line class="link">` per connected node pair (both directions drawn as one, at
 * the larger utilisation `load / capacity` of the two, parallel edges merged; width by capacity),
 * the most loaded link also `hottest` and labelled with its utilisation, one `<circle class="node">` and label per node, the highlighted
 * path as `<path class="path">` with its source and destination marked, and a colour legend. Every
 * link has a tooltip with both directions' load, capacity and utilisation.
 *
 * @throws {RangeError} on an edge or path node outside the nodes, or loads not aligned with the edges
 */
export function routingSvg(o: RoutingSvgOptions): string {
  const n = o.nodes.length;
  if (o.loads && o.loads.length !== o.edges.length) {
    throw new RangeError(`${o.loads.length} loads for ${o.edges.length} edges`);
  }
  for (const [i, e] of o.edges.entries()) {
    if (!(e.src >= 0 && e.src < n && e.dst >= 0 && e.dst < n)) {
      throw new RangeError(`edge ${i} leaves the ${n} nodes`);
    }
  }
  for (const v of o.path ?? []) {
    if (!(v >= 0 && v < n)) throw new RangeError(`path node ${v} is not one of the ${n} nodes`);
  }
  // Directed pair → [load, capacity] (parallel edges merged); unordered pair → both directions.
  const dir = new Map<string, [number, number]>();
  o.edges.forEach((e, i) => {
    const key = `${e.src},${e.dst}`;
    const [l, c] = dir.get(key) ?? [0, 0];
    dir.set(key, [l + (o.loads?.[i] ?? 0), c + e.capacity]);
  });
  const pairs = new Map<string, [number, number]>();
  for (const e of o.edges) {
    if (e.src !== e.dst) {
      pairs.set(`${Math.min(e.src, e.dst)},${Math.max(e.src, e.dst)}`, [
        Math.min(e.src, e.dst),
        Math.max(e.src, e.dst),
      ]);
    }
  }
  const util = (a: number, b: number) => {
    const d = dir.get(`${a},${b}`);
    return d ? d[0] / d[1] : 0;
  };
  const links = [...pairs.values()].map(([a, b]) => ({ a, b, u: Math.max(util(a, b), util(b, a)) }));
  const top = links.reduce((m, l, i) => (l.u > (links[m]?.u ?? 0) ? i : m), -1);
  const hottest = o.loads ? top : -1;
  const maxCap = Math.max(...o.edges.map((e) => e.capacity), 1e-12);
  const pos = forceLayout(n, links.map((l) => [l.a, l.b]), o.seed ?? 1);
  const px = (v: number) => _PAD + pos[v].x * (_W - 2 * _PAD);
  const py = (v: number) => _TOP + pos[v].y * (_H - _TOP - _LEGEND - _PAD);
  const out = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${_W}" height="${_H}" viewBox="0 0 ${_W} ${_H}" ` +
    `font-family="sans-serif" font-size="11">`,
    `<rect width="${_W}" height="${_H}" fill="#ffffff"/>`,
    `<text x="${_W / 2}" y="28" text-anchor="middle" font-size="15">${_escapeXml(o.title)}</text>`,
  ];
  const tip = (a: number, b: number) =>
    [[a, b], [b, a]].filter(([s, d]) => dir.has(`${s},${d}`)).map(([s, d]) => {
      const [l, c] = dir.get(`${s},${d}`)!;
      return `${o.nodes[s]}→${o.nodes[d]}: ${o.loads ? `load ${_fmt(l)} / ` : ""}capacity ${_fmt(c)}${
        o.loads ? ` = ${_fmt(l / c)}` : ""
      }`;
    }).join("; ");
  links.forEach((l, i) => {
    const c = dir.get(`${l.a},${l.b}`)?.[1] ?? 0, c2 = dir.get(`${l.b},${l.a}`)?.[1] ?? 0;
    const width = 1.5 + 4 * Math.max(c, c2) / maxCap;
    const colour = o.loads ? utilisationColour(l.u) : "#999999";
    out.push(
      `<line class="link${i === hottest ? " hottest" : ""}" data-util="${_coord(l.u)}" x1="${
        _coord(px(l.a))
      }" ` +
        `y1="${_coord(py(l.a))}" x2="${_coord(px(l.b))}" y2="${_coord(py(l.b))}" stroke="${colour}" ` +
        `stroke-width="${_coord(i === hottest ? width + 2 : width)}" stroke-linecap="round">` +
        `<title>${_escapeXml(tip(l.a, l.b))}</title></line>`,
    );
  });
  if (hottest >= 0) {
    const l = links[hottest];
    out.push(
      `<text class="hottest-label" x="${_coord((px(l.a) + px(l.b)) / 2)}" y="${
        _coord((py(l.a) + py(l.b)) / 2 - 6)
      }" ` +
        `text-anchor="middle" font-weight="bold" fill="#222222">${_fmt(l.u)}</text>`,
    );
  }
  if (o.path && o.path.length > 0) {
    const d = o.path.map((v, i) => `${i ? "L" : "M"}${_coord(px(v))} ${_coord(py(v))}`).join(" ");
    out.push(
      `<path class="path" d="${d}" fill="none" stroke="#0072B2" stroke-width="4" stroke-opacity="0.8" ` +
        `stroke-dasharray="10 5"/>`,
    );
  }
  for (let v = 0; v < n; v++) {
    const end = o.path?.length
      ? (v === o.path[0] ? " src" : v === o.path[o.path.length - 1] ? " dst" : "")
      : "";
    const fill = end === " src" ? "#0072B2" : end === " dst" ? "#CC79A7" : "#333333";
    out.push(
      `<circle class="node${end}" cx="${_coord(px(v))}" cy="${_coord(py(v))}" r="${
        end ? 8 : 5
      }" fill="${fill}"/>`,
      `<text x="${_coord(px(v) + 8)}" y="${_coord(py(v) - 8)}" fill="#222222">${
        _escapeXml(o.nodes[v])
      }</text>`,
    );
  }
  // Legend: the colour scale, then the highlighted path.
  const ly = _H - _LEGEND + 10, lx = _PAD, lw = 240;
  if (o.loads) {
    out.push(`<text x="${lx}" y="${ly}" fill="#222222">link utilisation (load / capacity)</text>`);
    for (let k = 0; k < 24; k++) {
      out.push(
        `<rect x="${_coord(lx + (k * lw) / 24)}" y="${ly + 6}" width="${
          _coord(lw / 24 + 0.5)
        }" height="12" ` +
          `fill="${utilisationColour(k / 23)}"/>`,
      );
    }
    out.push(
      `<text x="${lx}" y="${ly + 32}" fill="#222222">0</text>`,
      `<text x="${lx + lw / 2}" y="${ly + 32}" text-anchor="middle" fill="#222222">0.5</text>`,
      `<text x="${lx + lw}" y="${ly + 32}" text-anchor="end" fill="#222222">≥ 1</text>`,
    );
  }
  if (o.pathLabel) {
    out.push(
      `<line x1="${lx + lw + 40}" y1="${ly + 12}" x2="${lx + lw + 80}" y2="${ly + 12}" stroke="#0072B2" ` +
        `stroke-width="4" stroke-dasharray="10 5"/>`,
      `<text x="${lx + lw + 88}" y="${ly + 16}" fill="#222222">${_escapeXml(o.pathLabel)}</text>`,
    );
  }
  out.push("</svg>");
  return out.join("\n") + "\n";
}
