"use strict";
/**
 * Generating, solving and evaluating TE instances: the requests `keiro gen te`, `keiro solve` and
 * `keiro eval --per-instance` send.
 * @module
 */

const { addon, unpack } = require("./addon.js");
const { call, withDataset } = require("./dataset.js");
const { fromJsonl, toJsonl } = require("./jsonl.js");

/**
 * Generates instances (core `GenOptions`: topology, nodes, commodities, count, seed, capacity,
 * demand, traffic, load, …; omitted keys take the CLI's defaults). Same options, same instances.
 * @param {object} [options]
 * @returns {Promise<object[]>}
 */
async function generate(options = {}) {
  const req = JSON.stringify({ kind: "generate", ...options });
  return fromJsonl(unpack(await addon().request("te", req, "")));
}

/**
 * Solves every instance; one solution per instance, in order (as `keiro solve`).
 * @param {object[] | string} instances instance objects or JSONL text
 * @param {{method: "milp" | "lp" | "sp" | "greedy" | "greedy_ls", timeLimit?: number, gap?: number, flows?: boolean, threads?: number}} options
 * @returns {Promise<object[]>}
 */
function solve(instances, options) {
  const { method, timeLimit, gap = 1e-6, flows = false, threads = 0 } = options ?? {};
  const opts = { method, time_limit: timeLimit, mip_gap: gap, flows, threads };
  return withDataset(
    instances,
    async (ds, n) => fromJsonl(await call(ds, { kind: "solve", start: 0, end: n, options: opts })),
  );
}

/**
 * Scores solutions against their instances (record i ↔ instance i), as `keiro eval --per-instance`.
 * @param {object[] | string} instances
 * @param {object[] | string} solutions
 * @param {{edgeLoads?: boolean}} [options]
 * @returns {Promise<object[]>}
 */
function evaluate(instances, solutions, options = {}) {
  const data = toJsonl(solutions, "solutions");
  const req = { kind: "evaluate", first_line: 1, edge_loads: options.edgeLoads ?? false };
  return withDataset(instances, async (ds) => fromJsonl(await call(ds, req, data)));
}

module.exports = { generate, solve, evaluate };
