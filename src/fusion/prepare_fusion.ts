/**
 * What every `keiro fuse` run sets up before its first model: the config file and the flags that
 * override it, the task weightings, the element tables and atom features, and the inputs of the
 * crystals (graphs, descriptors, targets), with the warning for crystals without neighbours.
 * @module
 */

import { UsageError } from "../errors.ts";
import { parseTaskWeighting, type TaskWeighting } from "../losses/task_weighting.ts";
import { type AtomFeatures, atomFeaturesFromTables, loadAtomInit } from "../materials/atom_features.ts";
import { type ElementTables, loadElementTables } from "../materials/element_tables.ts";
import type { CompareOptions } from "./compare_fusion.ts";
import { type FusionInputs, fusionInputs } from "./fusion_inputs.ts";
import { type FusionConfigFile, loadFusionConfig, parseFusionConfig } from "./load_fusion_config.ts";
import type { DatasetSplit } from "./split_dataset.ts";
import { FUSION_MODES, type FusionMode } from "./train_fusion.ts";

/** Modes that need the Magpie descriptors: all but the CGCNN alone and multitask. */
const _DESCRIPTOR_MODES: readonly FusionMode[] = FUSION_MODES.filter((m) => m !== "gnn" && m !== "multitask");
/** Modes that learn from the crystal graphs: all but rf. */
const _GRAPH_MODES: readonly FusionMode[] = FUSION_MODES.filter((m) => m !== "rf");

/** The flags {@link prepareFusion} reads. */
export interface FusionSetupOptions {
  /** Target columns; the first is the primary target. */
  targets: string[];
  /** Task weighting specs of the multitask runs (none: `equal`). */
  weighting: string[];
  /** Magpie element tables (default: `$KEIRO_ELEMENTS`). */
  elements?: string;
  /** CGCNN atom_init.json (default: built from the element tables). */
  atomInit?: string;
  /** Neighbour cutoff of the crystal graphs, Å. */
  cutoff: number;
  /** Neighbours kept per atom. */
  maxNeighbours: number;
  /** The config file (core-rs/src/fusion/config.rs). */
  config?: string;
  /** Maximum epochs of a neural run (default: the config's). */
  epochs?: number;
  /** Early stopping patience (default: the config's). */
  patience?: number;
  /** Device of the neural modes (default `cpu`). */
  device?: string;
  /** Where warnings go. */
  log: (line: string) => void;
}

/** A prepared run: its settings and its crystals' inputs. */
export interface PreparedFusion {
  /** The resolved config file. */
  file: FusionConfigFile;
  /** Maximum epochs and patience after the flags. */
  epochs: number;
  patience: number;
  /** The weighting specs as given (`equal` when none) and parsed. */
  specs: string[];
  weightings: TaskWeighting[];
  /** The element tables, when given or needed. */
  tables: ElementTables | null;
  /** The atom features of the crystal graphs. */
  atoms: AtomFeatures;
  /** The sets as loaded. */
  sets: DatasetSplit;
  /** The crystals' inputs. */
  inp: FusionInputs;
  /** {@link compareFusion}'s options for `modes` and `seeds` (without callbacks). */
  compare: (modes: FusionMode[], seeds: number[]) => CompareOptions;
}

/**
 * Resolves the config and the flags (checked as the config keys they override, before any data is
 * read), parses the weightings, reads the element tables and atom features, then loads the sets with
 * `loadSets` and builds their inputs.
 * @throws {UsageError} for a bad config, flag or weighting, missing tables or atom features, or
 *   crystal graphs without any edge
 */
export async function prepareFusion(
  o: FusionSetupOptions,
  modes: readonly FusionMode[],
  loadSets: () => Promise<DatasetSplit>,
): Promise<PreparedFusion> {
  const file = await loadFusionConfig(o.config);
  if (o.epochs !== undefined) parseFusionConfig(JSON.stringify({ epochs: o.epochs }), "--epochs");
  if (o.patience !== undefined) parseFusionConfig(JSON.stringify({ patience: o.patience }), "--patience");
  const epochs = o.epochs ?? file.epochs, patience = o.patience ?? file.patience;
  const needTables = modes.some((m) => _DESCRIPTOR_MODES.includes(m));
  const { tables, atoms } = await _features(o, needTables);
  const specs = o.weighting.length > 0 ? o.weighting : ["equal"];
  const weightings = specs.map((s) => parseTaskWeighting(s, o.targets));
  const sets = await loadSets();
  const inp = fusionInputs(sets, {
    targets: o.targets,
    tables: needTables ? tables : null,
    atomFeatures: atoms,
    cutoff: o.cutoff,
    maxNeighbours: o.maxNeighbours,
  });
  if (inp.isolated > 0 && modes.some((m) => _GRAPH_MODES.includes(m))) {
    const what =
      `${inp.isolated} of ${inp.ids.length} crystals have no neighbour within --cutoff ${o.cutoff} Å`;
    if (inp.isolated === inp.ids.length) {
      throw new UsageError(`${what}: the crystal graphs have no edges; raise --cutoff`);
    }
    o.log(`warning: ${what}; their graphs have no edges`);
  }
  const compare = (modes: FusionMode[], seeds: number[]): CompareOptions => ({
    modes,
    seeds,
    targets: o.targets,
    epochs,
    patience,
    native: file.native,
    device: o.device,
    forest: file.forest,
    schedule: file.schedule,
    weighting: weightings[0],
    weightings,
  });
  return { file, epochs, patience, specs, weightings, tables, atoms, sets, inp, compare };
}

/** Element tables when given or needed, and the atom features. */
async function _features(o: FusionSetupOptions, needTables: boolean) {
  const haveEnv = (Deno.env.get("KEIRO_ELEMENTS") ?? "") !== "";
  let tables: ElementTables | null = null;
  if (needTables || o.elements !== undefined || (o.atomInit === undefined && haveEnv)) {
    tables = await loadElementTables(o.elements);
  }
  let atoms: AtomFeatures;
  if (o.atomInit !== undefined) atoms = await loadAtomInit(o.atomInit);
  else if (tables) atoms = atomFeaturesFromTables(tables);
  else {
    throw new UsageError(
      "the crystal graphs need atom features: pass --atom-init <atom_init.json> (CGCNN's) or " +
        "--elements <dir> (Magpie tables, or set KEIRO_ELEMENTS) to build them",
    );
  }
  return { tables, atoms };
}
