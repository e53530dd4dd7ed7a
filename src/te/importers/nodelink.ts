/**
 * networkx node-link JSON (`{"directed", "nodes": [{"id"}], "links": [{"source", "target",
 * "capacity"}]}`), as used by Teal, DOTE and FIGRET. Nodes are parsed by `id` and numbered in
 * sorted id order when every id is an integer, otherwise in file order; undirected graphs get both
 * directions of every link.
 * @module
 */

import { InputError } from "../../errors.ts";
import type { Topology } from "../topology.ts";

/** Reads a node-link JSON topology. */
export function readNodeLink(text: string, file: string): Topology {
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (e) {
    throw new InputError(`${file}: not valid JSON: ${(e as Error).message}`, 0, "json");
  }
  if (typeof doc !== "object" || doc === null || Array.isArray(doc)) {
    throw new InputError(`${file}: a node-link graph must be a JSON object`, 0, "json");
  }
  const d = doc as {
    directed?: boolean;
    nodes?: { id?: unknown }[];
    links?: Record<string, unknown>[];
    edges?: Record<string, unknown>[];
  };
  if (!Array.isArray(d.nodes)) throw new InputError(`${file}: nodes must be an array`, 0, "nodes");
  const links = d.links ?? d.edges;
  if (!Array.isArray(links)) throw new InputError(`${file}: links must be an array`, 0, "links");
  const ids = d.nodes.map((n, i) => {
    if (n?.id === undefined) throw new InputError(`${file}: nodes[${i}].id is missing`, 0, `nodes[${i}].id`);
    return n.id;
  });
  if (ids.every((x) => Number.isInteger(x))) (ids as number[]).sort((a, b) => a - b);
  const index = new Map(ids.map((id, i) => [String(id), i]));
  const edges: Topology["edges"] = [];
  links.forEach((l, i) => {
    if (typeof l !== "object" || l === null) {
      throw new InputError(`${file}: links[${i}] must be an object`, 0, `links[${i}]`);
    }
    const end = (k: string) => {
      const v = index.get(String(l[k]));
      if (v === undefined) {
        throw new InputError(
          `${file}: links[${i}].${k} names an unknown node ${JSON.stringify(l[k])}`,
          0,
          `links[${i}].${k}`,
        );
      }
      return v;
    };
    const src = end("source"), dst = end("target");
    const c = l.capacity;
    if (c !== undefined && !(typeof c === "number" && c > 0 && Number.isFinite(c))) {
      throw new InputError(
        `${file}: links[${i}].capacity must be a positive number, got ${JSON.stringify(c)}`,
        0,
        `links[${i}].capacity`,
      );
    }
    const capacity = typeof c === "number" ? c : null;
    edges.push({ src, dst, capacity });
    if (d.directed === false) edges.push({ src: dst, dst: src, capacity });
  });
  return { nodes: ids.map(String), edges };
}
