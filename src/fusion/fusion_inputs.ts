/**
 * Turns crystal datasets into the arrays every fusion mode trains on: packed crystal graphs,
 * Magpie descriptors, targets and split codes, over train, validation and test in one table.
 * @module
 */

import { UsageError } from "../errors.ts";
import type { AtomFeatures } from "../materials/atom_features.ts";
import { crystalGraph } from "../materials/crystal_graph.ts";
import type { CrystalDataset } from "../materials/crystal_dataset.ts";
import type { ElementTables } from "../materials/element_tables.ts";
import { magpieMatrix } from "../materials/magpie_matrix.ts";
import { packCrystalGraphs, type PackedCrystalGraphs } from "../materials/pack_crystal_graphs.ts";

/** Split codes of {@link FusionInputs.split}. */
export const SPLIT = { train: 1, val: 2, test: 3 } as const;

/** Everything a fusion run needs, one row per crystal (train rows, then val, then test). */
export interface FusionInputs {
  /** Entry ids. */
  ids: string[];
  /** Crystal graphs of all entries. */
  graphs: PackedCrystalGraphs;
  /** Descriptor names (empty without element tables). */
  descriptorNames: readonly string[];
  /** `[S, D]` raw Magpie descriptors (NaN imputed with element means), or null. */
  descriptors: Float32Array | null;
  /** Target name → raw values (NaN = missing). */
  targets: Record<string, Float64Array>;
  /** 1 train, 2 val, 3 test. */
  split: Uint8Array;
  /** How many crystals have no neighbour within the cutoff (their graphs have no edge). */
  isolated: number;
}

/** Options of {@link fusionInputs}. */
export interface FusionInputsOptions {
  /** Targets to keep (each must exist in every set). */
  targets: string[];
  /** Magpie element tables; null = no descriptors (CGCNN only). */
  tables: ElementTables | null;
  /** CGCNN atom features. */
  atomFeatures: AtomFeatures;
  /** Neighbour cutoff, Å (default 8). */
  cutoff?: number;
  /** Neighbours per atom (default 12). */
  maxNeighbours?: number;
}

/** Stacks `sets` (train, val, test) into {@link FusionInputs}; every entry needs a structure. */
export function fusionInputs(
  sets: { train: CrystalDataset; val: CrystalDataset; test: CrystalDataset },
  o: FusionInputsOptions,
): FusionInputs {
  const parts = [sets.train, sets.val, sets.test];
  const ids: string[] = [], codes: number[] = [];
  const graphs = [];
  const cutoff = o.cutoff ?? 8;
  let isolated = 0;
  for (const [k, ds] of parts.entries()) {
    for (const [i, s] of ds.structures.entries()) {
      if (!s) throw new UsageError(`${ds.name}: entry ${ds.ids[i]} has no structure; the GNN modes need one`);
      const g = crystalGraph(s, { cutoff, maxNeighbours: o.maxNeighbours ?? 12 });
      if (g.nbrDist.every((d) => d > cutoff)) isolated++;
      graphs.push(g);
      ids.push(ds.ids[i]);
      codes.push(k + 1);
    }
  }
  const targets: Record<string, Float64Array> = {};
  for (const t of o.targets) {
    const missing = parts.find((ds) => !(t in ds.targets));
    if (missing) {
      throw new UsageError(
        `${missing.name} has no target ${t}; it has ${Object.keys(missing.targets).join(", ") || "none"}`,
      );
    }
    targets[t] = Float64Array.from(parts.flatMap((ds) => Array.from(ds.targets[t])));
  }
  const m = o.tables ? magpieMatrix(parts.flatMap((ds) => ds.compositions), o.tables) : null;
  return {
    ids,
    graphs: packCrystalGraphs(graphs, o.atomFeatures),
    descriptorNames: m?.names ?? [],
    descriptors: m?.values ?? null,
    targets,
    split: Uint8Array.from(codes),
    isolated,
  };
}
