/**
 * `keiro import te`: topology files plus traffic matrices → one TE instance per matrix.
 * @module
 */

import { basename, extname } from "node:path";
import { UsageError } from "../errors.ts";
import { readRepetitaDemands } from "./importers/repetita.ts";
import { readSndlibDemands } from "./importers/sndlib.ts";
import { readTrafficMatrices, type TrafficMatrix } from "./importers/traffic_matrices.ts";
import { readTextFile } from "../read_text.ts";
import { readTopology, type TeFormat } from "./read_topology.ts";
import type { TeInstance, Topology } from "./topology.ts";

/** Options of {@link importTe}. */
export interface ImportOptions {
  /** Input format. */
  format: TeFormat;
  /** Topology file. */
  graph: string;
  /** Demand files (SNDlib XML or Repetita `.demands`), one instance each. */
  demands?: string[];
  /** Text traffic-matrix file (one matrix per line). */
  tm?: string;
  /** Matrix index range `[from, to)` within `tm`. */
  tmRange?: [number, number];
  /** Multiplies every demand. */
  scale?: number;
  /** Capacity for edges whose file gives none. */
  defaultCapacity?: number;
  /** File of per-matrix optimal MLUs (one per line, DOTE `.opt`), attached as `opt_mlu`. */
  opt?: string;
  /** Prefix of instance ids (default: the graph's file name without extension). */
  name?: string;
}

/** Builds one instance from a topology and an n×n matrix; zero entries and the diagonal are dropped. */
export function instanceFromMatrix(topology: Topology, tm: Float64Array, id: string, scale = 1): TeInstance {
  const n = topology.nodes.length;
  const commodities = [];
  for (let s = 0; s < n; s++) {
    for (let t = 0; t < n; t++) {
      const d = tm[s * n + t] * scale;
      if (s !== t && d > 0) commodities.push({ src: s, dst: t, demand: d });
    }
  }
  const edges = topology.edges.map((e, i) => {
    if (e.capacity === null) {
      throw new UsageError(
        `edge ${i} (${topology.nodes[e.src]}→${
          topology.nodes[e.dst]
        }) has no capacity in the file; pass --default-capacity`,
      );
    }
    return { src: e.src, dst: e.dst, capacity: e.capacity };
  });
  return { id, nodes: topology.nodes, edges, commodities };
}

/**
 * Imports instances as {@link ImportOptions} describes. Matrices without any positive demand give
 * no instance; `onSkip(label)` is told about each.
 */
export async function importTe(o: ImportOptions, onSkip?: (label: string) => void): Promise<TeInstance[]> {
  const topology = await readTopology(o.graph, o.format);
  if (o.defaultCapacity !== undefined) {
    topology.edges.forEach((e) => e.capacity ??= o.defaultCapacity!);
  }
  const n = topology.nodes.length;
  const name = o.name ?? basename(o.graph, extname(o.graph));
  const matrices: TrafficMatrix[] = [];
  for (const file of o.demands ?? []) {
    const text = await readTextFile(file);
    const values = file.endsWith(".xml")
      ? readSndlibDemands(text, file, topology.nodes)
      : o.format === "repetita" || file.endsWith(".demands")
      ? readRepetitaDemands(text, file, n)
      : undefined;
    if (!values) {
      throw new UsageError(
        `--demands takes SNDlib .xml or Repetita .demands files; use --tm for matrix text files (${file})`,
      );
    }
    matrices.push({ label: basename(file, extname(file)), values });
  }
  if (o.tmRange && !o.tm) throw new UsageError("--tm-range selects matrices of --tm, but no --tm was given");
  if (o.tm) {
    const [from, to] = o.tmRange ?? [0, Infinity];
    matrices.push(...readTrafficMatrices(await readTextFile(o.tm), o.tm, n, from, to));
  }
  if (matrices.length === 0) {
    if (o.format !== "sndlib") {
      throw new UsageError(
        "no traffic: pass --demands or --tm (or use `keiro gen te --topology FILE` to draw traffic)",
      );
    }
    matrices.push({
      label: "static",
      values: readSndlibDemands(await readTextFile(o.graph), o.graph, topology.nodes),
    });
  }
  const opt = o.opt
    ? (await readTextFile(o.opt)).split(/\r?\n/).filter((l) => l.trim() !== "").map(Number)
    : undefined;
  const first = o.tmRange?.[0] ?? 0;
  const out: TeInstance[] = [];
  matrices.forEach((m, i) => {
    const inst = instanceFromMatrix(topology, m.values, `${name}-${m.label}`, o.scale ?? 1);
    if (inst.commodities.length === 0) return onSkip?.(m.label);
    const k = first + i;
    if (opt) {
      if (opt[k] === undefined) {
        throw new UsageError(`${o.opt} has ${opt.length} values but matrix ${k} needs one`);
      }
      inst.opt_mlu = opt[k] * (o.scale ?? 1);
    }
    out.push(inst);
  });
  return out;
}
