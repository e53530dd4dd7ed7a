/**
 * Node positions for drawing a graph: Fruchterman–Reingold (springs on links, repulsion between
 * every pair, a cooling step size), seeded, so the same graph always gets the same picture.
 * @module
 */

import { Rng } from "../rng.ts";

/** A position in the unit square. */
export interface Point {
  x: number;
  y: number;
}

/**
 * Positions of `n` nodes joined by `links` (pairs of node indices, either direction), scaled to fill
 * [0, 1]²: `iterations` rounds of Fruchterman–Reingold from seeded random starts. O(n² · iterations):
 * a second for a few hundred nodes.
 */
export function forceLayout(n: number, links: [number, number][], seed = 1, iterations = 300): Point[] {
  const rng = new Rng(seed);
  const p: Point[] = Array.from({ length: n }, () => ({ x: rng.u32() / 2 ** 32, y: rng.u32() / 2 ** 32 }));
  if (n < 2) return p.map(() => ({ x: 0.5, y: 0.5 }));
  const k = Math.sqrt(1 / n); // ideal link length in the unit square
  const dx = new Float64Array(n), dy = new Float64Array(n);
  for (let it = 0; it < iterations; it++) {
    dx.fill(0);
    dy.fill(0);
    for (let i = 0; i < n; i++) {
      for (let j = i + 1; j < n; j++) {
        const ex = p[i].x - p[j].x, ey = p[i].y - p[j].y;
        const d2 = Math.max(ex * ex + ey * ey, 1e-9);
        const f = (k * k) / d2; // repulsion k²/d, along the unit vector (e/d)
        dx[i] += ex * f, dy[i] += ey * f, dx[j] -= ex * f, dy[j] -= ey * f;
      }
    }
    for (const [a, b] of links) {
      if (a === b) continue;
      const ex = p[a].x - p[b].x, ey = p[a].y - p[b].y;
      const d = Math.max(Math.hypot(ex, ey), 1e-9);
      const f = d / k; // attraction d²/k, along the unit vector
      dx[a] -= ex * f, dy[a] -= ey * f, dx[b] += ex * f, dy[b] += ey * f;
    }
    const step = 0.1 * (1 - it / iterations) + 1e-3;
    for (let i = 0; i < n; i++) {
      const len = Math.max(Math.hypot(dx[i], dy[i]), 1e-12);
      const s = Math.min(len, step) / len;
      p[i].x += dx[i] * s;
      p[i].y += dy[i] * s;
    }
  }
  const xs = p.map((q) => q.x), ys = p.map((q) => q.y);
  const [x0, x1, y0, y1] = [Math.min(...xs), Math.max(...xs), Math.min(...ys), Math.max(...ys)];
  const sx = x1 - x0 || 1, sy = y1 - y0 || 1;
  return p.map((q) => ({ x: (q.x - x0) / sx, y: (q.y - y0) / sy }));
}
