/**
 * The config `keiro glm train` uses without `--config`: the settings keiro ships for a dataset and
 * graph mode, `configs/glm_<dataset>_<graph>.json`, else `configs/glm_<dataset>.json` (chosen on the
 * benchmark, bench/results/glm.md). The files are the only owner of those settings; the command and
 * the benchmark both find them here.
 * @module
 */

import { join } from "node:path";
import { fileURLToPath } from "node:url";

/** The folder of the shipped configs (the repository's configs/). */
export const SHIPPED_GLM_CONFIG_DIR: string = fileURLToPath(new URL("../../configs", import.meta.url));

/** A shipped config: its path and its name as the repository spells it (`configs/glm_….json`). */
export interface ShippedGlmConfig {
  /** Absolute path of the file. */
  path: string;
  /** `configs/<file name>`, what runs report. */
  name: string;
}

/** A dataset name that can name a file: letters, digits, `_` and `-` (no path separators). */
const _NAME = /^[A-Za-z0-9_-]+$/;

function _isFile(path: string): boolean {
  try {
    return Deno.statSync(path).isFile;
  } catch {
    return false;
  }
}

/**
 * The most specific shipped config for `dataset` and `graph` in `dir` (default
 * {@link SHIPPED_GLM_CONFIG_DIR}): `glm_<dataset>_<graph>.json`, then `glm_<dataset>.json`;
 * undefined when neither exists or `dataset` is not a plain name.
 */
export function shippedGlmConfig(
  dataset: string,
  graph: string,
  dir: string = SHIPPED_GLM_CONFIG_DIR,
): ShippedGlmConfig | undefined {
  if (!_NAME.test(dataset)) return undefined;
  for (const file of [`glm_${dataset}_${graph}.json`, `glm_${dataset}.json`]) {
    const path = join(dir, file);
    if (_isFile(path)) return { path, name: `configs/${file}` };
  }
  return undefined;
}

/** Every shipped GLM config in `dir` (default {@link SHIPPED_GLM_CONFIG_DIR}) as
 * `configs/glm_….json` names, sorted. */
export function listShippedGlmConfigs(dir: string = SHIPPED_GLM_CONFIG_DIR): string[] {
  try {
    return [...Deno.readDirSync(dir)]
      .filter((e) => e.isFile && /^glm_.*\.json$/.test(e.name))
      .map((e) => `configs/${e.name}`)
      .sort();
  } catch {
    return [];
  }
}
