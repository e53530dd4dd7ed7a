/**
 * The config file of `keiro fuse` (`--config`): the native model keys, `epochs`, `patience`,
 * `schedule` and a `forest` object. The native core owns it (core-rs/src/fusion/config.rs): it
 * checks every key before any data is read, so a typo is a usage error naming the file and the key,
 * and fills in the defaults of `epochs`, `patience` and `schedule`; the model and the forest fill
 * in their own. Keys starting with `_` are comments and are dropped at every depth. docs/fusion.md
 * lists the keys.
 * @module
 */

import { readConfigText } from "../read_text.ts";
import { resolveNativeConfig } from "../resolve_native_config.ts";
import type { ForestConfig } from "./fit_forest.ts";
import type { FusionNativeConfig } from "./fusion_model.ts";
import type { FusionOptions } from "./train_fusion.ts";

/** A resolved fusion config file. */
export interface FusionConfigFile {
  /** Native model keys as given (without `mode` and `kendall`, which every run sets). */
  native: FusionNativeConfig;
  /** Random forest keys as given. */
  forest: ForestConfig;
  /** Maximum epochs of a neural run. */
  epochs: number;
  /** Early stopping patience. */
  patience: number;
  /** Learning-rate schedule. */
  schedule: FusionOptions["schedule"];
}

/**
 * Resolves the JSON text of a fusion config (`path` names it in errors).
 * @throws {UsageError} naming the file and the key for invalid JSON, a non-object, an unknown key
 *   (also inside `gaussian` and `forest`), or a bad value
 */
export function parseFusionConfig(text: string, path = "config"): FusionConfigFile {
  return resolveNativeConfig<FusionConfigFile>({ domain: "fusion", text, file: path });
}

/** Reads and resolves the fusion config file `path` ({@link parseFusionConfig}); none = empty. */
export async function loadFusionConfig(path?: string): Promise<FusionConfigFile> {
  return parseFusionConfig(path === undefined ? "{}" : await readConfigText(path), path);
}
