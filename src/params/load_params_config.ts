/**
 * The config file of `keiro params train` (`--config`): the native model keys, `epochs`,
 * `patience` and `val_fraction`. The native core owns it (core-rs/src/params/config.rs): unknown
 * keys and bad values are usage errors naming the file and the key. docs/params.md lists the keys.
 * @module
 */

import { readConfigText } from "../read_text.ts";
import { resolveNativeConfig } from "../resolve_native_config.ts";
import type { ParamsNativeConfig } from "./params_model.ts";

/** A resolved params config file. */
export interface ParamsConfigFile {
  /** Native model keys as given (without `kendall`, which the weighting sets). */
  native: ParamsNativeConfig;
  epochs: number;
  patience: number;
  val_fraction: number;
}

/** Reads and resolves the config file `path` (none = every default). */
export async function loadParamsConfig(path?: string): Promise<ParamsConfigFile> {
  const text = path === undefined ? "{}" : await readConfigText(path);
  return resolveNativeConfig<ParamsConfigFile>({ domain: "params", text, file: path ?? "config" });
}
