/**
 * GML as written by the Internet Topology Zoo: `graph [ directed 0 node [ id 0 label "A" ]
 * edge [ source 0 target 1 LinkSpeedRaw 1e10 ] ]`. The capacity of an edge is its `capacity`,
 * else `LinkSpeedRaw` (bit/s), else null (see `fillCapacities`); a given one must be a positive
 * number. Undirected graphs get both directions of every edge.
 * @module
 */

import { InputError } from "../../errors.ts";
import type { Topology } from "../topology.ts";

type GmlValue = string | number | GmlList;
interface GmlList {
  items: [string, GmlValue][];
}

/** Parses GML into nested lists (iteratively: any nesting depth). */
function _parse(text: string, file: string): GmlList {
  const tokens = text.match(/"[^"]*"|\[|\]|[^\s\[\]"]+/g) ?? [];
  const root: GmlList = { items: [] };
  const open: [GmlList, string][] = []; // the enclosing lists, and the key of each open list
  let list = root;
  for (let i = 0; i < tokens.length;) {
    const key = tokens[i++];
    if (key === "]") {
      const outer = open.pop();
      if (!outer) throw new InputError(`${file}: a "]" closes no list`, 0, "]");
      list = outer[0];
      continue;
    }
    if (key === "[" || key.startsWith('"')) {
      throw new InputError(`${file}: expected a key, got ${key.slice(0, 40)}`, 0, key.slice(0, 40));
    }
    const v = tokens[i++];
    if (v === undefined || v === "]") throw new InputError(`${file}: key ${key} has no value`, 0, key);
    if (v === "[") {
      const inner: GmlList = { items: [] };
      list.items.push([key, inner]);
      open.push([list, key]);
      list = inner;
    } else if (v.startsWith('"')) list.items.push([key, v.slice(1, -1)]);
    else list.items.push([key, Number.isFinite(Number(v)) ? Number(v) : v]);
  }
  if (open.length) {
    throw new InputError(`${file}: unclosed list after ${open.at(-1)![1]}`, 0, open.at(-1)![1]);
  }
  return root;
}

/** The lists under key `k` of `l`; a value of another type is an input error. */
function _lists(l: GmlList, k: string, file: string): GmlList[] {
  return l.items.filter(([key]) => key === k).map(([, v], i) => {
    if (typeof v !== "object") {
      throw new InputError(`${file}: ${k} ${i} must be a list [ ... ], got ${JSON.stringify(v)}`, 0, k);
    }
    return v;
  });
}

const _get = (l: GmlList, k: string) => l.items.find(([key]) => key === k)?.[1];

/** Reads a GML topology. */
export function readGml(text: string, file: string): Topology {
  const [graph] = _lists(_parse(text, file), "graph", file);
  if (!graph) throw new InputError(`${file}: no graph [ ... ] block`, 0, "graph");
  const nodeLists = _lists(graph, "node", file);
  const index = new Map(nodeLists.map((n, i) => [String(_get(n, "id")), i]));
  const nodes = nodeLists.map((n, i) => String(_get(n, "label") ?? _get(n, "id") ?? i));
  const directed = _get(graph, "directed") === 1;
  const edges: Topology["edges"] = [];
  _lists(graph, "edge", file).forEach((e, i) => {
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
    const key = _get(e, "capacity") !== undefined ? "capacity" : "LinkSpeedRaw";
    const c = _get(e, key);
    if (c !== undefined && !(typeof c === "number" && c > 0 && Number.isFinite(c))) {
      throw new InputError(
        `${file}: edge ${i}: ${key} must be a positive number, got ${JSON.stringify(c)}`,
        0,
        key,
      );
    }
    const capacity = c ?? null;
    const [src, dst] = [end("source"), end("target")];
    if (src === dst) return;
    edges.push({ src, dst, capacity });
    if (!directed) edges.push({ src: dst, dst: src, capacity });
  });
  return { nodes, edges };
}
