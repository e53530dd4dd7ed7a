/**
 * Repetita text formats: `.graph` (`NODES n`, a memo line, n node lines, `EDGES m`, a memo line,
 * m directed edges `label src dst weight bw delay`) and `.demands` (`DEMANDS k`, a memo line, k
 * lines `label src dst bw`). Demands between the same pair are summed; zero demands are dropped
 * when instances are built.
 * @module
 */

import { InputError } from "../../errors.ts";
import type { Topology } from "../topology.ts";

function _section(lines: string[], start: number, key: string, file: string): [number, number] {
  let i = start;
  while (i < lines.length && lines[i].trim() === "") i++;
  const m = /^(\w+)\s+(\d+)\s*$/.exec(lines[i] ?? "");
  if (!m || m[1] !== key) {
    throw new InputError(`${file}: line ${i + 1}: expected "${key} <count>"`, i + 1, key);
  }
  return [Number(m[2]), i + 2]; // skip the memo line
}

function _fields(line: string, count: number, file: string, lineNo: number, what: string): string[] {
  const f = line.trim().split(/\s+/);
  if (f.length < count) {
    throw new InputError(
      `${file}: line ${lineNo}: ${what} needs ${count} fields, got ${f.length}`,
      lineNo,
      what,
    );
  }
  return f;
}

function _index(v: string, n: number, file: string, lineNo: number, what: string): number {
  const x = Number(v);
  if (!Number.isInteger(x) || x < 0 || x >= n) {
    throw new InputError(
      `${file}: line ${lineNo}: ${what} must be a node in [0, ${n}), got ${JSON.stringify(v)}`,
      lineNo,
      what,
    );
  }
  return x;
}

/** Reads a Repetita `.graph` file (bandwidth in kbit/s as the capacity). */
export function readRepetitaGraph(text: string, file: string): Topology {
  const lines = text.split(/\r?\n/);
  const [n, first] = _section(lines, 0, "NODES", file);
  const nodes = lines.slice(first, first + n).map((l, i) => _fields(l, 1, file, first + i + 1, "node")[0]);
  const [m, e0] = _section(lines, first + n, "EDGES", file);
  const edges = lines.slice(e0, e0 + m).map((l, i) => {
    const lineNo = e0 + i + 1;
    const f = _fields(l, 5, file, lineNo, "edge");
    const capacity = Number(f[4]);
    if (!(capacity > 0 && Number.isFinite(capacity))) {
      throw new InputError(
        `${file}: line ${lineNo}: edge bw must be a positive number, got ${JSON.stringify(f[4])}`,
        lineNo,
        "bw",
      );
    }
    return {
      src: _index(f[1], n, file, lineNo, "src"),
      dst: _index(f[2], n, file, lineNo, "dest"),
      capacity,
    };
  });
  if (edges.length !== m) {
    throw new InputError(`${file}: EDGES says ${m} but the file has ${edges.length}`, 0, "EDGES");
  }
  return { nodes, edges };
}

/** Reads a Repetita `.demands` file as an n×n matrix (pairs summed). */
export function readRepetitaDemands(text: string, file: string, n: number): Float64Array {
  const lines = text.split(/\r?\n/);
  const [k, first] = _section(lines, 0, "DEMANDS", file);
  const tm = new Float64Array(n * n);
  lines.slice(first, first + k).forEach((l, i) => {
    const lineNo = first + i + 1;
    const f = _fields(l, 4, file, lineNo, "demand");
    const bw = Number(f[3]);
    if (!(bw >= 0 && Number.isFinite(bw))) {
      throw new InputError(
        `${file}: line ${lineNo}: demand bw must be a non-negative number, got ${JSON.stringify(f[3])}`,
        lineNo,
        "bw",
      );
    }
    const at = _index(f[1], n, file, lineNo, "src") * n + _index(f[2], n, file, lineNo, "dest");
    tm[at] += bw;
    if (!Number.isFinite(tm[at])) {
      throw new InputError(
        `${file}: line ${lineNo}: the demands of this pair add up beyond range`,
        lineNo,
        "bw",
      );
    }
  });
  return tm;
}
