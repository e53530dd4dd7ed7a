/**
 * The picture of one routed instance (`keiro plot`): picks the instance and its solution, scores the
 * solution with the native evaluator (the link loads the picture colours are the evaluator's), and
 * chooses the commodity to highlight.
 * @module
 */

import { UsageError } from "../errors.ts";
import { routingSvg } from "../report/routing_svg.ts";
import type { Dataset } from "./dataset.ts";
import { evaluateSolutions, type SolutionSource } from "./evaluate_solutions.ts";

/** What to draw. */
export interface PlotOptions {
  /** Instance position in the file (0-based), when `id` is not given. Default 0. */
  index?: number;
  /** Instance id (compared as text). */
  id?: string;
  /** Solution method, when the solutions hold several. */
  method?: string;
  /** Commodity to highlight; default: the largest demand crossing the most loaded link. */
  commodity?: number;
}

interface _RawInstance {
  id?: unknown;
  nodes: number | string[];
  edges: { src: number | string; dst: number | string; capacity: number }[];
  commodities: { src: number | string; dst: number | string; demand: number }[];
}

/**
 * The SVG of one instance of `ds` (whose text is `instancesText`, named `instancesName`), with the
 * routing of `solutions` when given.
 */
export async function plotRouting(
  ds: Dataset,
  instancesText: string,
  instancesName: string,
  solutions: SolutionSource | undefined,
  o: PlotOptions,
): Promise<string> {
  const lines = instancesText.split("\n").filter((l) => l.trim() !== "").map((l) => l.replace(/^\uFEFF/, ""));
  const all = lines.map((l) => JSON.parse(l) as _RawInstance);
  const at = o.id !== undefined ? all.findIndex((x) => String(x.id) === o.id) : o.index ?? 0;
  if (o.id !== undefined && at < 0) {
    throw new UsageError(`--id ${o.id}: no instance of ${instancesName} has it`);
  }
  if (!(at >= 0 && at < all.length)) {
    throw new UsageError(
      `--index ${at}: ${instancesName} has ${all.length} instances (0 to ${all.length - 1})`,
    );
  }
  const inst = all[at];
  const names = Array.isArray(inst.nodes)
    ? inst.nodes.map(String)
    : Array.from({ length: inst.nodes }, (_, i) => String(i));
  const index = (v: number | string) => (typeof v === "number" ? v : names.indexOf(v));
  const edges = inst.edges.map((e) => ({ src: index(e.src), dst: index(e.dst), capacity: e.capacity }));
  const label = `${
    inst.id !== undefined ? String(inst.id) : `instance ${at}`
  } (${names.length} nodes, ${edges.length} edges)`;
  if (!solutions) return routingSvg({ title: label, nodes: names, edges });

  const evals = await evaluateSolutions(ds, [solutions], true);
  const methods = [...evals.keys()];
  const method = o.method ?? (methods.length === 1 ? methods[0] : undefined);
  if (method === undefined || !evals.has(method)) {
    throw new UsageError(
      `${solutions.name} holds the methods ${methods.join(", ")}: pick one with --method` +
        (o.method ? ` (${o.method} is not among them)` : ""),
    );
  }
  const ev = evals.get(method)!.find((e) => e.instance === at);
  if (!ev) throw new UsageError(`${solutions.name} has no ${method} solution for instance ${at}`);
  // The solution record the evaluator scored: the line it names.
  const record = JSON.parse(solutions.text.split("\n")[ev.line! - 1].replace(/^\uFEFF/, ""));
  const paths = ((record.paths ?? []) as (number | string)[][] | null[]).map((p) => p?.map(index) ?? []);
  const loads = ev.edge_loads ?? [];
  const k = o.commodity ?? _busiestCommodity(inst, edges, loads, paths);
  if (!(k >= 0 && k < inst.commodities.length)) {
    throw new UsageError(
      `--commodity ${k}: the instance has ${inst.commodities.length} commodities (0 to ${
        inst.commodities.length - 1
      })`,
    );
  }
  const c = inst.commodities[k];
  return routingSvg({
    title: `${label} · ${method} · MLU ${ev.mlu.toFixed(4)}${ev.complete ? "" : " (incomplete)"}`,
    nodes: names,
    edges,
    loads,
    path: paths[k],
    pathLabel: `commodity ${k}: ${names[index(c.src)]} → ${names[index(c.dst)]}, demand ${c.demand}` +
      (paths[k]?.length ? "" : " (not routed)"),
  });
}

/** The commodity with the largest demand whose path crosses the most loaded edge (0 when none does). */
function _busiestCommodity(
  inst: _RawInstance,
  edges: { src: number; dst: number; capacity: number }[],
  loads: number[],
  paths: number[][],
): number {
  let hot = -1;
  loads.forEach((l, i) => {
    if (hot < 0 || l / edges[i].capacity > loads[hot] / edges[hot].capacity) hot = i;
  });
  if (hot < 0) return 0;
  const { src, dst } = edges[hot];
  let best = 0, demand = -1;
  paths.forEach((p, k) => {
    const crosses = p.some((v, i) => i > 0 && p[i - 1] === src && v === dst);
    if (crosses && inst.commodities[k].demand > demand) [best, demand] = [k, inst.commodities[k].demand];
  });
  return best;
}
