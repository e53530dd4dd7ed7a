/**
 * The training configuration of the hybrid GCN + Teal model (`keiro train --config`).
 *
 * The native core owns it: core-rs/src/hybrid/config.rs declares, defaults, checks and documents
 * every key, once. Every key of the seed project's `hybrid_base.json` is accepted as it is; keys
 * starting with `_` are comments and dropped; any other unknown key is a `UsageError` naming
 * the key and the file, with a suggestion (exit 2). The resolved config (every key, comments dropped) is
 * what `keiro train` records in `<out>/config.json`. This module reads the files and types the
 * resolved JSON.
 * @module
 */

import { dirname, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { UsageError } from "../errors.ts";
import { readConfigText } from "../read_text.ts";
import { resolveNativeConfig } from "../resolve_native_config.ts";

/** The native model's part of a {@link HybridConfig} (what a checkpoint's `model.json` holds). */
export interface ModelConfig {
  num_nodes: number;
  num_commodities: number;
  hidden_dim: number;
  num_layers: number;
  aggregation: "sum" | "mean";
  dropout_rate: number;
  action_type: "node" | "edge";
  policy_head_mlp_layers: number;
  value_head_mlp_layers: number;
  value_type: "global" | "mean_pool" | "pool";
  gnn_update_frequency: "never" | "per_commodity" | "per_step";
  max_path_length: number | null;
  graph_learning: "physical" | "learned" | "both";
  normalization: "batch" | "episode";
}

/** One distribution of a mixed generated set (`data_mix`): core-rs/src/hybrid/config.rs's
 * `DataPart`, which documents each key; absent keys are the config's. */
export interface DataPart {
  weight: number;
  topology?: string;
  graph_model?: HybridConfig["graph_model"];
  num_nodes?: number;
  num_commodities?: number;
  traffic?: HybridConfig["traffic"];
  load?: number;
  capacity_range?: [number, number];
  demand_range?: [number, number];
}

/** A resolved training config: the JSON of core-rs/src/hybrid/config.rs's `HybridConfig`, which
 * documents each key. */
export interface HybridConfig extends ModelConfig {
  expt_name: string;
  gpu_id: string | number;
  use_gpu: boolean;
  mlp_layers: number;
  sampling_temperature: number;
  sampling_top_p: number;
  rl_algorithm: "a2c" | "ppo" | "reinforce_baseline";
  entropy_weight: number;
  value_loss_weight: number;
  gamma: number;
  ppo_epsilon: number;
  ppo_epochs: number;
  reward_function_version: "continuous_v1";
  two_phase_training: boolean;
  supervised_config: string | null;
  max_epochs: number;
  batch_size: number;
  learning_rate: number;
  decay_rate: number;
  num_train_data: number;
  num_val_data: number;
  num_test_data: number;
  graph_model: "nsfnet" | "nws" | "grid" | "waxman";
  capacity_range: [number, number];
  demand_range: [number, number];
  traffic: "pairs" | "gravity";
  load: number;
  data_mix: DataPart[];
  seed: number;
  rl_use_smooth_penalty: boolean;
  rl_penalty_lambda: number;
  use_completion_penalty: boolean;
  completion_penalty_weight: number;
  normalize_advantage: boolean;
  advantage_baseline: "critic" | "instance_mean";
  grad_clip: number;
  weight_decay: number;
  lr_decay_step: number;
  adaptive_entropy: boolean;
  target_entropy: number;
  entropy_lr: number;
  rl_samples_per_instance: number;
  supervised_epochs: number;
  supervised_learning_rate: number;
  supervised_batch_size: number | null;
  supervised_decay_rate: number | null;
  edge_loss_weight: number;
  label_paths: "milp" | "greedy_if_optimal";
  eval_samples: number;
  eval_top_p: number;
  eval_temperature: number | null;
  eval_sampling_grid: [number, number][];
  eval_tune_instances: number;
  milp_time_limit: number;
  val_every: number;
  early_stopping_patience: number;
  time_budget_s: number | null;
  threads: number;
}

/**
 * The empty config: every key takes the native core's default, so `modelConfig(DEFAULT_CONFIG)` is
 * the default model and `resolveConfig(DEFAULT_CONFIG, …)` the default config.
 */
export const DEFAULT_CONFIG: Readonly<Partial<HybridConfig>> = Object.freeze({});

/**
 * The config `keiro train` uses without `--config` (relative to the repository): the general model.
 * Its model routes instances of any size in any batch, so the sizes it trained on do not limit what
 * a user routes with it (README, "Which config").
 */
export const RECOMMENDED_CONFIG = "configs/te_general.json";
/** {@link RECOMMENDED_CONFIG}'s path. */
export const RECOMMENDED_CONFIG_PATH: string = fileURLToPath(
  new URL(`../../${RECOMMENDED_CONFIG}`, import.meta.url),
);

/** A resolved config and the warnings met while resolving it. */
export interface ResolvedConfig {
  config: HybridConfig;
  warnings: string[];
}

/** What the native core answers. */
interface _Resolved extends ResolvedConfig {
  model: ModelConfig;
  shape: [number, number] | null;
}

/** The node and commodity counts a model is tied to. */
export interface ModelShape {
  /** Nodes of every instance. */
  nodes: number;
  /** Commodities of every instance. */
  commodities: number;
}

function _resolve(
  domain: "hybrid" | "hybrid_supervised",
  text: string,
  file: string,
  base?: Partial<HybridConfig>,
): _Resolved {
  return resolveNativeConfig<_Resolved>({ domain, text, file, base });
}

/** Exactly the native model's config keys of `cfg` (missing keys take their defaults). */
export function modelConfig(cfg: Partial<HybridConfig>): ModelConfig {
  return _resolve("hybrid", JSON.stringify(cfg), "config").model;
}

/**
 * The node and commodity counts every instance routed by a model of config `cfg` (a training
 * config or a checkpoint's model config) must have, or `null` when it routes any (edge actions, the
 * `pool` critic and the physical message graph; the native core owns the rule).
 */
export function modelShape(cfg: Partial<HybridConfig> | ModelConfig): ModelShape | null {
  const shape = _resolve("hybrid", JSON.stringify(cfg), "config").shape;
  return shape && { nodes: shape[0], commodities: shape[1] };
}

/**
 * Resolves a parsed config object (from `source`, a file name used in messages) over the defaults
 * and `base`: drops `_` keys, rejects unknown keys and bad values with a `UsageError` naming the
 * key and the source, and checks the keys against each other. Does not read
 * `supervised_config` (see {@link loadConfig}).
 */
export function resolveConfig(
  raw: unknown,
  source: string,
  base: Partial<HybridConfig> = {},
): ResolvedConfig {
  const { config, warnings } = _resolve("hybrid", JSON.stringify(raw), source, base);
  return { config, warnings };
}

/**
 * Applies a supervised_config file's keys (already parsed, from `source`) to `cfg` as phase-1
 * overrides; returns warnings for the keys it ignores.
 */
export function applySupervisedConfig(cfg: HybridConfig, raw: unknown, source: string): string[] {
  const { config, warnings } = _resolve("hybrid_supervised", JSON.stringify(raw), source, cfg);
  Object.assign(cfg, config);
  return warnings;
}

/** The first of `rel` beside the config file `path` and `rel` from the working directory that is a
 * file, and the places looked at. */
async function _findBeside(path: string, rel: string): Promise<{ found?: string; looked: string[] }> {
  const looked = [...new Set([resolve(dirname(path), rel), resolve(rel)])];
  for (const c of looked) {
    if (await Deno.stat(c).then((s) => s.isFile, () => false)) return { found: c, looked };
  }
  return { looked };
}

/**
 * Reads and resolves the config file `path`, then its `supervised_config` (relative to the config
 * file, else to the working directory; a missing one is a warning; skipped with `resolved`, for a
 * run's own config.json, where it was applied already), then `overrides` (already typed values,
 * e.g. from flags; one that `opts.flags` names the flag of is checked alone first, so that its
 * error names the flag). The `topology` files of `data_mix` are found the same way (a missing one is a
 * `UsageError`) and recorded as absolute paths, so the run's config.json finds them too.
 */
export async function loadConfig(
  path: string,
  overrides: Partial<HybridConfig> = {},
  opts: { resolved?: boolean; flags?: Partial<Record<keyof HybridConfig, string>> } = {},
): Promise<ResolvedConfig> {
  let { config, warnings } = _resolve("hybrid", await readConfigText(path), path);
  if (config.supervised_config !== null && !opts.resolved) {
    const { found, looked } = await _findBeside(path, config.supervised_config);
    if (found !== undefined) {
      const r = _resolve("hybrid_supervised", await readConfigText(found), found, config);
      config = r.config;
      warnings = [...warnings, ...r.warnings];
    } else {
      warnings.push(
        `${path}: supervised_config ${config.supervised_config} not found (looked for ${
          looked.join(" and ")
        }); phase 1 uses the supervised_* keys of this config`,
      );
    }
  }
  for (const [i, part] of config.data_mix.entries()) {
    if (part.topology === undefined) continue;
    const { found, looked } = await _findBeside(path, part.topology);
    if (found === undefined) {
      throw new UsageError(
        `${path}: data_mix[${i}]: topology ${part.topology} not found (looked for ${looked.join(" and ")})`,
      );
    }
    part.topology = found;
  }
  const defined = Object.fromEntries(Object.entries(overrides).filter(([, v]) => v !== undefined));
  for (const [key, flag] of Object.entries(opts.flags ?? {})) {
    if (key in defined) _resolve("hybrid", JSON.stringify({ [key]: defined[key] }), flag, config);
  }
  return { config: _resolve("hybrid", JSON.stringify(defined), "command line", config).config, warnings };
}
