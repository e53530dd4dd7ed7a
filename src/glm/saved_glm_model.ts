/**
 * A trained GLM model on disk: `model.safetensors` (the best snapshot's parameters) and `model.json`
 * (resolved config, feature width, classes and how csv features were scaled), and predicting with
 * it on new nodes. The model is inductive: its weights do not depend on the node count, and the
 * kNN or learned graph is built over the nodes it is given.
 * @module
 */

import { join } from "node:path";
import { UsageError } from "../errors.ts";
import { readModelJson } from "../read_model_json.ts";
import { writeOutput } from "../write_output.ts";
import type { GlmConfig } from "./config.ts";
import type { ColumnScaling, GraphDataset } from "./datasets/graph_dataset.ts";
import { GlmModel, type GlmPrediction } from "./glm_model.ts";

/** `model.json` of a saved GLM model. */
export interface SavedGlmModel {
  /** The resolved config. */
  config: GlmConfig;
  /** Name of the training dataset. */
  dataset: string;
  /** Feature width. */
  features: number;
  /** Class count. */
  classes: number;
  /** Class labels as the training file spells them (csv); null: classes are indices. */
  class_names: string[] | null;
  /** Standardisation of the raw csv columns; null: features are used as loaded (Planetoid). */
  scaling: ColumnScaling | null;
  /** Seed of the run. */
  seed: number;
  /** Epoch of the best snapshot (sets the schedules, e.g. the Gumbel temperature). */
  best_epoch: number;
}

/** Writes the best snapshot of `model` and what restores it into the folder `dir`. */
export async function saveGlmModel(
  dir: string,
  model: GlmModel,
  run: { seed: number; bestEpoch: number; dataset: GraphDataset },
): Promise<void> {
  await Deno.mkdir(dir, { recursive: true });
  const tmp = join(dir, `.model.safetensors.${Deno.pid}.tmp`);
  await model.save(tmp);
  await Deno.rename(tmp, join(dir, "model.safetensors"));
  const ds = run.dataset;
  const json: SavedGlmModel = {
    config: model.config,
    dataset: ds.name,
    features: ds.numFeatures,
    classes: ds.numClasses,
    class_names: ds.classNames ?? null,
    scaling: ds.scaling ?? null,
    seed: run.seed,
    best_epoch: run.bestEpoch,
  };
  await writeOutput(join(dir, "model.json"), JSON.stringify(json, null, 2) + "\n");
}

/**
 * The `model.json` of the model saved in `dir`.
 * @throws {UsageError} when `dir` holds no saved GLM model
 */
export async function readSavedGlmModel(dir: string): Promise<SavedGlmModel> {
  const json = await readModelJson(dir, "keiro glm train --out");
  if (typeof json.features !== "number" || typeof json.classes !== "number") {
    throw new UsageError(
      `${dir}/model.json is not a saved GLM model (keiro glm train --out writes one per seed)`,
    );
  }
  return json as unknown as SavedGlmModel;
}

/**
 * Class probabilities of every node of `ds` by the model saved in `dir` (described by `saved`).
 * @throws {UsageError} when the nodes have another feature width or class count than the model's
 */
export async function predictWithSavedGlmModel(
  dir: string,
  saved: SavedGlmModel,
  ds: GraphDataset,
  device?: string,
): Promise<GlmPrediction> {
  if (ds.numFeatures !== saved.features || ds.numClasses !== saved.classes) {
    throw new UsageError(
      `the model in ${dir} takes ${saved.features} features and ${saved.classes} classes, ` +
        `${ds.name} has ${ds.numFeatures} and ${ds.numClasses}`,
    );
  }
  using model = await GlmModel.create(ds, saved.config, saved.seed, device);
  await model.load(join(dir, "model.safetensors"));
  return await model.predict(false, saved.best_epoch);
}
