/**
 * What `keiro train` generates for each split: one distribution (the config's data keys) or the
 * parts of its `data_mix`.
 * @module
 */

import { UsageError } from "../errors.ts";
import type { GenOptions } from "../te/generate.ts";
import { topologyGraph } from "../te/topology_graph.ts";
import type { HybridConfig } from "./config.ts";
import { type Split, SPLITS } from "./splits.ts";

/** Added to a split's seed per `data_mix` part (part 0 draws what the config alone would). */
const PART_SEED_STRIDE = 7919;

/**
 * `total` split over `weights` in proportion, rounded by largest remainder (ties to the earlier
 * part): the counts sum to `total`.
 */
function _shares(total: number, weights: number[]): number[] {
  const sum = weights.reduce((a, b) => a + b, 0);
  const exact = weights.map((w) => (total * w) / sum);
  const counts = exact.map(Math.floor);
  const order = exact.map((x, i) => [x - counts[i], i]).sort((a, b) => b[0] - a[0] || a[1] - b[1]);
  for (let k = 0; k < total - counts.reduce((a, b) => a + b, 0); k++) counts[order[k][1]]++;
  return counts;
}

/**
 * The generator options of `split` under `cfg`, one per distribution: train, validation and test
 * draw from seed·3 + 1, 2, 3; `data_mix` part p adds 7919·p to that seed and gets its weight's
 * share of the split's count (parts with no share are left out). A part's keys override the
 * config's; a part's `topology` file keeps its capacities unless the part sets `capacity_range`.
 * @throws {UsageError} for NSFNET with `num_nodes` ≠ 14 (the model's shape would not match), or a
 * topology file that cannot be used
 */
export async function splitGenOptions(cfg: HybridConfig, split: Split): Promise<GenOptions[]> {
  const count = split === "train"
    ? cfg.num_train_data
    : split === "val"
    ? cfg.num_val_data
    : cfg.num_test_data;
  const seed = cfg.seed * 3 + 1 + SPLITS.indexOf(split);
  const base: GenOptions = {
    topology: cfg.graph_model,
    nodes: cfg.num_nodes,
    commodities: cfg.num_commodities,
    count,
    seed,
    capacity: cfg.capacity_range,
    demand: cfg.demand_range,
    traffic: cfg.traffic,
    load: cfg.load,
  };
  if (cfg.data_mix.length === 0) {
    if (cfg.graph_model === "nsfnet" && cfg.num_nodes !== 14) {
      throw new UsageError(
        `num_nodes must be 14 to generate graph_model "nsfnet" instances, got ${cfg.num_nodes}`,
      );
    }
    return [base];
  }
  const counts = _shares(count, cfg.data_mix.map((p) => p.weight));
  const out: GenOptions[] = [];
  for (const [p, part] of cfg.data_mix.entries()) {
    if (counts[p] === 0) continue;
    const graph: GenOptions = part.topology === undefined
      ? { topology: part.graph_model ?? cfg.graph_model, nodes: part.num_nodes ?? cfg.num_nodes }
      : await topologyGraph(part.topology, {
        redraw: part.capacity_range !== undefined,
        remedy: `set capacity_range in data_mix[${p}]`,
      });
    out.push({
      ...base,
      ...graph,
      commodities: part.num_commodities ?? cfg.num_commodities,
      count: counts[p],
      seed: seed + PART_SEED_STRIDE * p,
      capacity: part.capacity_range ?? cfg.capacity_range,
      demand: part.demand_range ?? cfg.demand_range,
      traffic: part.traffic ?? cfg.traffic,
      load: part.load ?? cfg.load,
    });
  }
  return out;
}
