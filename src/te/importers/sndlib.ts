/**
 * SNDlib XML (namespace `http://sndlib.zib.de/network`): network files with `<nodes>`, undirected
 * `<links>` and optional `<demands>`, and demand-matrix files with `<demands>` only.
 *
 * Capacity rule: a link's pre-installed module capacity when it has one, otherwise the smallest
 * additional module capacity (one module per link). Every link becomes two directed edges.
 * @module
 */

import { InputError } from "../../errors.ts";
import type { Topology } from "../topology.ts";
import { findAll, findFirst, parseXml, type XmlElement } from "../xml.ts";

/** The number in `el`: a positive one (`positive`), else a non-negative one. */
function _num(el: XmlElement | undefined, what: string, file: string, positive: boolean): number {
  const v = Number(el?.text);
  if (!el || !Number.isFinite(v) || v < 0 || (positive && v === 0)) {
    throw new InputError(
      `${file}: ${what} must be a ${positive ? "positive" : "non-negative"} number, got ${
        JSON.stringify(el?.text ?? null)
      }`,
      0,
      what,
    );
  }
  return v;
}

/** The node index named by the `<k>` child of `el` (`<source>` or `<target>`). */
function _node(el: XmlElement, k: string, index: Map<string, number>, where: string): number {
  const name = findFirst(el, k)?.text ?? "";
  const v = index.get(name);
  if (v === undefined) {
    throw new InputError(`${where}: <${k}> names an unknown node ${JSON.stringify(name)}`, 0, k);
  }
  return v;
}

/** Reads the topology of an SNDlib network file. */
export function readSndlibNetwork(text: string, file: string): Topology {
  const root = parseXml(text, file);
  const nodes = findAll(root, "node").map((n) => n.attrs.id);
  if (nodes.length === 0) throw new InputError(`${file}: no <node> elements`, 0, "nodes");
  const index = new Map(nodes.map((n, i) => [n, i]));
  const edges: Topology["edges"] = [];
  for (const link of findAll(root, "link")) {
    const end = (k: string) => _node(link, k, index, `${file}: link ${link.attrs.id}`);
    const pre = findFirst(link, "preInstalledModule");
    const modules = findAll(link, "addModule").map((m) =>
      _num(findFirst(m, "capacity"), `link ${link.attrs.id} module capacity`, file, true)
    );
    const capacity = pre
      ? _num(findFirst(pre, "capacity"), `link ${link.attrs.id} capacity`, file, true)
      : modules.length
      ? Math.min(...modules)
      : null;
    const [u, v] = [end("source"), end("target")];
    edges.push({ src: u, dst: v, capacity }, { src: v, dst: u, capacity });
  }
  return { nodes, edges };
}

/** Reads the `<demands>` of an SNDlib file as an n×n matrix over `nodes` (row-major). */
export function readSndlibDemands(text: string, file: string, nodes: string[]): Float64Array {
  const root = parseXml(text, file);
  const index = new Map(nodes.map((n, i) => [n, i]));
  const n = nodes.length;
  const tm = new Float64Array(n * n);
  const demands = findAll(root, "demand");
  if (demands.length === 0) throw new InputError(`${file}: no <demand> elements`, 0, "demands");
  for (const d of demands) {
    const end = (k: string) => _node(d, k, index, `${file}: demand ${d.attrs.id}`);
    const at = end("source") * n + end("target");
    tm[at] += _num(findFirst(d, "demandValue"), `demand ${d.attrs.id} value`, file, false);
    if (!Number.isFinite(tm[at])) {
      throw new InputError(
        `${file}: demand ${d.attrs.id}: the demands of its pair add up beyond range`,
        0,
        "demandValue",
      );
    }
  }
  return tm;
}
