/**
 * The config file of `keiro fuse` (`--config`): the native model keys, `epochs`, `patience`,
 * `schedule` and a
 * `forest` object. Key names are checked here, before any data is read, so a typo is a usage error
 * naming the key; values are checked (and defaults filled) by the native core. Keys starting with
 * `_` are comments and are dropped at every depth. docs/fusion.md lists the keys.
 * @module
 */

import { UsageError } from "../errors.ts";
import { readConfigText } from "../read_text.ts";
import type { ForestConfig } from "./fit_forest.ts";
import type { FusionNativeConfig } from "./fusion_model.ts";

/** A parsed fusion config file. */
export interface FusionConfigFile {
  /** Native model keys (without `mode` and `kendall`, which every run sets). */
  native: FusionNativeConfig;
  /** Random forest keys. */
  forest: ForestConfig;
  /** Maximum epochs, when given. */
  epochs?: number;
  /** Early stopping patience, when given. */
  patience?: number;
  /** Learning-rate schedule, when given. */
  schedule?: "constant" | "cosine";
}

const _NATIVE = [
  "hidden",
  "conv_layers",
  "fc_hidden",
  "dropout",
  "lr",
  "weight_decay",
  "batch_size",
  "loss",
  "bn_momentum",
  "gaussian",
];
const _GAUSSIAN = ["dmin", "dmax", "step", "width"];
const _FOREST = ["trees", "max_features", "min_samples_leaf", "max_depth", "bootstrap"];
const _TOP = [..._NATIVE, "epochs", "patience", "schedule", "forest"];

function _isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

/** `o` without its `_` keys, after checking the others against `known`. */
function _keys(o: unknown, known: string[], where: string, path: string): Record<string, unknown> {
  if (!_isObject(o)) throw new UsageError(`${path}: ${where} must be a JSON object`);
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(o)) {
    if (k.startsWith("_")) continue;
    if (!known.includes(k)) {
      const why = k === "mode" || k === "kendall"
        ? "it is set per run by --mode and --weighting"
        : `known keys: ${known.join(", ")}`;
      throw new UsageError(
        `${path}: unknown config key '${where === "config" ? k : `${where}.${k}`}' (${why})`,
      );
    }
    out[k] = v;
  }
  return out;
}

function _count(v: unknown, key: string, path: string): number {
  if (!Number.isSafeInteger(v) || (v as number) < 1) {
    throw new UsageError(`${path}: ${key} must be a positive integer, got ${JSON.stringify(v)}`);
  }
  return v as number;
}

/**
 * Parses the JSON text of a fusion config (`path` names it in errors).
 * @throws {UsageError} naming the file and the key for invalid JSON, a non-object, an unknown key
 *   (also inside `gaussian` and `forest`), or an `epochs` / `patience` that is not a positive integer
 */
export function parseFusionConfig(text: string, path = "config"): FusionConfigFile {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (e) {
    throw new UsageError(`${path}: not valid JSON: ${(e as Error).message}`);
  }
  const top = _keys(value, _TOP, "config", path);
  const { epochs, patience, schedule, forest, ...native } = top;
  if (native.gaussian !== undefined) native.gaussian = _keys(native.gaussian, _GAUSSIAN, "gaussian", path);
  const out: FusionConfigFile = {
    native: native as FusionNativeConfig,
    forest: (forest === undefined ? {} : _keys(forest, _FOREST, "forest", path)) as ForestConfig,
  };
  if (epochs !== undefined) out.epochs = _count(epochs, "epochs", path);
  if (patience !== undefined) out.patience = _count(patience, "patience", path);
  if (schedule !== undefined) {
    if (schedule !== "constant" && schedule !== "cosine") {
      throw new UsageError(
        `${path}: schedule must be "constant" or "cosine", got ${JSON.stringify(schedule)}`,
      );
    }
    out.schedule = schedule;
  }
  return out;
}

/** Reads and parses the fusion config file `path` ({@link parseFusionConfig}); none = empty. */
export async function loadFusionConfig(path?: string): Promise<FusionConfigFile> {
  if (path === undefined) return { native: {}, forest: {} };
  return parseFusionConfig(await readConfigText(path), path);
}
