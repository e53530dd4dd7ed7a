/**
 * A trained fusion model on disk (`keiro fuse train --out`, one folder per seed) and predicting with
 * it on new crystals (`keiro fuse predict`):
 *
 * | file | what |
 * |---|---|
 * | `model.json` | {@link SavedFusionModel}: mode, targets, parts, scalings, graph settings |
 * | `forest.safetensors` | the random forest (rf, late, stack) |
 * | `network.safetensors` | the network's best snapshot and batch-norm statistics (every other mode; the CGCNN of late and stack) |
 * | `atom_init.json` | the atom features the crystal graphs were built with (CGCNN's format) |
 * | `<base>/` | stack_all: each base model's files (rf, gnn, early, attention, alignn) |
 *
 * The forest reads raw Magpie descriptors; the network z-scored ones clamped to the training range
 * (the training crystals' column statistics, {@link ColumnScale}) and predicts z-scored targets,
 * turned back with the training targets' statistics.
 * @module
 */

import { join } from "node:path";
import { UsageError } from "../errors.ts";
import { type AtomFeatures, loadAtomInit } from "../materials/atom_features.ts";
import type { CrystalDataset } from "../materials/crystal_dataset.ts";
import { loadElementTables } from "../materials/element_tables.ts";
import { readModelJson } from "../read_model_json.ts";
import { writeOutput } from "../write_output.ts";
import { applyColumnScales, type ColumnScale } from "./column_scales.ts";
import { type FusionInputs, fusionInputs } from "./fusion_inputs.ts";
import { FusionModel, type FusionNativeConfig } from "./fusion_model.ts";
import { predictForest } from "./predict_forest.ts";
import { predictRidge } from "./fit_ridge.ts";
import type { FusionMode, ModeResult, StackWeights } from "./train_fusion.ts";

/** A z-score as saved: `(x − mean) / std`. */
interface _Score {
  mean: number;
  std: number;
}

/** What a run saved ({@link trainFusion} fills it in). */
export interface SavedFusionParts {
  /** The forest's file (rf, late, stack), else null. */
  forest: string | null;
  /** The network: its file, resolved native config and scalings (targets' z-scores; descriptors'
   * clamped z-scores, null when it takes none), else null. */
  network: {
    file: string;
    config: Required<FusionNativeConfig>;
    targets: _Score[];
    descriptors: ColumnScale[] | null;
  } | null;
  /** Late fusion: `α·forest + (1 − α)·network`. */
  alpha: number | null;
  /** Stacking: `intercept + rf·forest + gnn·network` (stack), `intercept + Σ w_b·base_b` (stack_all). */
  stack: ModeResult["stack"] | null;
  /** stack_all: each base model's parts, its files in the subfolder named after it, else null. */
  bases: Record<string, SavedFusionParts> | null;
  /** Magpie descriptor names, in column order (empty when no part reads descriptors). */
  descriptor_names: string[];
}

/** `model.json`. */
export interface SavedFusionModel extends SavedFusionParts {
  mode: FusionMode;
  /** Targets predicted (one; several for multitask). */
  targets: string[];
  seed: number;
  /** Crystal graph settings. */
  cutoff: number;
  max_neighbours: number;
  /** The Magpie tables of training (a default for predicting). */
  elements: string | null;
}

/** The atomic numbers an atom_init.json covers. */
const _MAX_Z = 118;

/** Writes `model.json` and the atom features into `dir`, where the run saved its parts. */
export async function writeSavedFusionModel(
  dir: string,
  model: SavedFusionModel,
  atoms: AtomFeatures,
): Promise<void> {
  const init: Record<string, number[]> = {};
  for (let z = 1; z <= _MAX_Z; z++) {
    try {
      init[String(z)] = Array.from(atoms.vector(z));
    } catch {
      // an element without a vector: left out, as CGCNN's file leaves it out
    }
  }
  await writeOutput(join(dir, "atom_init.json"), JSON.stringify(init) + "\n");
  await writeOutput(join(dir, "model.json"), JSON.stringify(model, null, 2) + "\n");
}

/**
 * The `model.json` of the model saved in `dir`.
 * @throws {UsageError} when `dir` holds no saved fusion model
 */
export async function readSavedFusionModel(dir: string): Promise<SavedFusionModel> {
  const json = await readModelJson(dir, "keiro fuse train --out");
  if (typeof json.mode !== "string" || !Array.isArray(json.targets) || !("network" in json)) {
    throw new UsageError(
      `${dir}/model.json is not a saved fusion model (keiro fuse train --out writes one per seed)`,
    );
  }
  return json as unknown as SavedFusionModel;
}

/** Options of {@link predictWithSavedFusionModel}. */
export interface SavedFusionPredictOptions {
  /** Magpie tables (default: the model's, else `$KEIRO_ELEMENTS`). */
  elements?: string;
  /** Device of the network (default `cpu`). */
  device?: string;
}

/**
 * Predictions of the model saved in `dir` (described by `saved`) for every crystal of `ds`, per
 * target in target units.
 * @throws {UsageError} when a crystal has no structure, or the tables give other descriptors
 */
export async function predictWithSavedFusionModel(
  dir: string,
  saved: SavedFusionModel,
  ds: CrystalDataset,
  o: SavedFusionPredictOptions = {},
): Promise<Record<string, Float64Array>> {
  const names = saved.descriptor_names;
  const tables = names.length > 0 ? await loadElementTables(o.elements ?? saved.elements ?? undefined) : null;
  const none: CrystalDataset = { name: "none", ids: [], structures: [], compositions: [], targets: {} };
  const inp = fusionInputs({ train: ds, val: none, test: none }, {
    targets: [],
    tables,
    atomFeatures: await loadAtomInit(join(dir, "atom_init.json")),
    cutoff: saved.cutoff,
    maxNeighbours: saved.max_neighbours,
  });
  if (names.length > 0 && inp.descriptorNames.join() !== names.join()) {
    throw new UsageError(
      `the Magpie tables in ${
        tables!.dir
      } give ${inp.descriptorNames.length} descriptors, not the model's ${names.length}`,
    );
  }
  return await _predictParts(dir, saved, saved, inp, o);
}

/** The predictions of `parts` (of the model `saved`, its files in `dir`) for the crystals of `inp`. */
async function _predictParts(
  dir: string,
  parts: SavedFusionParts,
  saved: SavedFusionModel,
  inp: FusionInputs,
  o: SavedFusionPredictOptions,
): Promise<Record<string, Float64Array>> {
  const s = inp.ids.length, d = saved.descriptor_names.length;
  if (parts.bases) {
    const bases = Object.entries(parts.bases);
    const each: Record<string, Float64Array>[] = [];
    for (const [b, p] of bases) each.push(await _predictParts(join(dir, b), p, saved, inp, o));
    return Object.fromEntries(saved.targets.map((t) => [
      t,
      _stacked(parts.stack!, bases.map(([b], k) => [b, each[k][t]]), s),
    ]));
  }
  const forest = parts.forest ? await predictForest(join(dir, parts.forest), inp.descriptors!, d) : null;
  let network: Float64Array[] | null = null;
  if (parts.network) {
    const n = parts.network, tasks = n.targets.length;
    const desc = n.descriptors ? applyColumnScales(inp.descriptors!, n.descriptors) : null;
    using model = await FusionModel.create(
      {
        graphs: inp.graphs,
        descriptors: desc,
        descriptorDim: d,
        targets: new Float32Array(s * tasks).fill(NaN),
        tasks,
        split: new Uint8Array(s),
      },
      n.config,
      saved.seed,
      o.device,
    );
    await model.load(join(dir, n.file));
    const p = await model.predict();
    network = n.targets.map((z, k) => Float64Array.from(p.predictions, (row) => row[k] * z.std + z.mean));
  }
  const out: Record<string, Float64Array> = {};
  saved.targets.forEach((t, k) => {
    if (forest && network) {
      const [f, g] = [forest, network[k]];
      out[t] = parts.stack
        ? _stacked(parts.stack, [["rf", f], ["gnn", g]], s)
        : f.map((v, i) => parts.alpha! * v + (1 - parts.alpha!) * g[i]);
    } else out[t] = forest ?? network![k];
  });
  return out;
}

/** The stacking meta-model `w` applied to the named base predictions, for `rows` crystals. */
function _stacked(w: StackWeights, bases: [string, ArrayLike<number>][], rows: number): Float64Array {
  const model = { intercept: w.intercept, weights: bases.map(([b]) => w[b]) };
  const columns = bases.map(([, p]) => p);
  return Float64Array.from({ length: rows }, (_, r) => predictRidge(model, columns, r));
}
