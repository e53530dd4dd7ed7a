/**
 * GML as written by the Internet Topology Zoo: `graph [ directed 0 node [ id 0 label "A" ]
 * edge [ source 0 target 1 LinkSpeedRaw 1e10 ] ]`. The capacity of an edge is its `capacity`,
 * else `LinkSpeedRaw` (bit/s), else null (see `fillCapacities`). Undirected graphs get both
 * directions of every edge.
 * @module
 */

import { InputError } from "../../errors.ts";
import type { Topology } from "../topology.ts";

type GmlValue = string | number | GmlList;
interface GmlList {
  items: [string, GmlValue][];
}

function _parse(text: string, file: string): GmlList {
  const tokens = text.match(/"[^"]*"|\[|\]|[^\s\[\]"]+/g) ?? [];
  let i = 0;
  const list = (): GmlList => {
    const items: [string, GmlValue][] = [];
    while (i < tokens.length && tokens[i] !== "]") {
      const key = tokens[i++];
      const v = tokens[i++];
      if (v === undefined) throw new InputError(`${file}: key ${key} has no value`, 0, key);
      if (v === "[") {
        items.push([key, list()]);
        if (tokens[i++] !== "]") throw new InputError(`${file}: unclosed list after ${key}`, 0, key);
      } else if (v.startsWith('"')) items.push([key, v.slice(1, -1)]);
      else items.push([key, Number.isFinite(Number(v)) ? Number(v) : v]);
    }
    return { items };
  };
  return list();
}

const _get = (l: GmlList, k: string) => l.items.find(([key]) => key === k)?.[1];

/** Reads a GML topology. */
export function readGml(text: string, file: string): Topology {
  const graph = _get(_parse(text, file), "graph");
  if (!graph || typeof graph !== "object") {
    throw new InputError(`${file}: no graph [ ... ] block`, 0, "graph");
  }
  const nodeLists = graph.items.filter(([k]) => k === "node").map(([, v]) => v as GmlList);
  const index = new Map(nodeLists.map((n, i) => [String(_get(n, "id")), i]));
  const nodes = nodeLists.map((n, i) => String(_get(n, "label") ?? _get(n, "id") ?? i));
  const directed = _get(graph, "directed") === 1;
  const edges: Topology["edges"] = [];
  graph.items.filter(([k]) => k === "edge").forEach(([, v], i) => {
    const e = v as GmlList;
    const end = (k: string) => {
      const x = index.get(String(_get(e, k)));
      if (x === undefined) {
        throw new InputError(
          `${file}: edge ${i}: ${k} names an unknown node ${JSON.stringify(_get(e, k) ?? null)}`,
          0,
          k,
        );
      }
      return x;
    };
    const c = Number(_get(e, "capacity") ?? _get(e, "LinkSpeedRaw"));
    const capacity = c > 0 && Number.isFinite(c) ? c : null;
    const [src, dst] = [end("source"), end("target")];
    if (src === dst) return;
    edges.push({ src, dst, capacity });
    if (!directed) edges.push({ src: dst, dst: src, capacity });
  });
  return { nodes, edges };
}
