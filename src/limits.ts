/**
 * The bounds of the command-line flags that set no config key (`--threads`, `--seeds`, `--epochs`
 * of `keiro glm train`, `--samples`, …), read from the native core, which owns them with the
 * config bounds (docs/limits.md).
 * @module
 */

import { NativeHandle } from "./native_handle.ts";

/** The bounds (core-rs/src/config_json.rs and core-rs/src/hybrid/config.rs). */
export interface Limits {
  /** The most instances or crystals of a set. */
  max_items: number;
  /** The most epochs, and of what is counted in epochs (patience). */
  max_epochs: number;
  /** The widest layer, and the most neighbours per node. */
  max_width: number;
  /** The most worker threads. */
  max_threads: number;
  /** The most runs (seeds) of one command. */
  max_runs: number;
  /** The most candidates per instance of a best-of-N routing. */
  max_samples: number;
  /** The most local-search rounds per commodity of a routing. */
  max_local_search: number;
  /** The smallest sampling temperature. */
  min_temperature: number;
}

let _limits: Limits | undefined;

/** The bounds, asked of the native core once. */
export function limits(): Limits {
  return _limits ??= JSON.parse(NativeHandle.requestSync("hybrid", { kind: "limits" })) as Limits;
}
