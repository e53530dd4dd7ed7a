/**
 * The training configuration of the hybrid GCN + Teal model (`keiro train --config`).
 *
 * Every key of the seed project's `hybrid_base.json` is accepted as it is; keys starting with `_`
 * are comments and dropped; any other unknown key is a {@link UsageError} naming the key and the
 * file. Missing keys take the defaults below (the seed's values where it has one). The resolved
 * config (every key, comments dropped) is what `keiro train` records in `<out>/config.json`.
 * @module
 */

import { dirname, resolve } from "node:path";
import { UsageError } from "../errors.ts";
import type { LabelPaths } from "./imitation_targets.ts";

/**
 * A resolved training config. Keys of the seed's `hybrid_base.json` come first, then keiro's own.
 * Honest notes on the keys that are accepted but do little here are part of each key's comment.
 */
export interface HybridConfig {
  // ---- the seed's keys ----
  /** Experiment name (recorded only). */
  expt_name: string;
  /** Recorded only: this build runs on the CPU. */
  gpu_id: string | number;
  /** Recorded only: `true` prints a warning that this build runs on the CPU. */
  use_gpu: boolean;
  /** Nodes of every instance the model routes (`V`). NSFNET has 14. */
  num_nodes: number;
  /** Commodities of every instance (`C`), routed in the instance's order. */
  num_commodities: number;
  /** Hidden width `H` of the encoder and of the MLP hidden layers (even: node and edge embeddings
   * are two halves of `H/2`). */
  hidden_dim: number;
  /** Residual gated GCN layers. */
  num_layers: number;
  /** Recorded only: in the seed this sized graph-convnet-tsp's edge classifier; here the supervised
   * edge loss is computed on the policy logits, so the MLP depths that count are
   * `policy_head_mlp_layers` and `value_head_mlp_layers`. */
  mlp_layers: number;
  /** Neighbour aggregation of the gated GCN: `sum` or `mean` (gate-normalised). */
  aggregation: "sum" | "mean";
  /** Dropout after every GCN layer (training only), in [0, 1). */
  dropout_rate: number;
  /** `node`: MLP over [h_u ‖ h_dst] scores every node, out-neighbours kept; `edge`: MLP over each
   * out-link's embedding. */
  action_type: "node" | "edge";
  /** Hidden layers of the policy MLP. */
  policy_head_mlp_layers: number;
  /** Hidden layers of the value MLP. */
  value_head_mlp_layers: number;
  /** `global`: value MLP over the flattened [V, C, H] (the seed's choice); `mean_pool`: mean over
   * nodes first. */
  value_type: "global" | "mean_pool";
  /** When the encoder is recomputed during a rollout: `never`, `per_commodity` (default),
   * `per_step` (before every hop). */
  gnn_update_frequency: "never" | "per_commodity" | "per_step";
  /** Logits are divided by this for sampling during RL (and for best-of-N decoding). */
  sampling_temperature: number;
  /** Nucleus sampling threshold for RL rollouts, in (0, 1]; log-probabilities stay those of the
   * tempered distribution. */
  sampling_top_p: number;
  /** `a2c` (advantage R − V(s₀)), `ppo` (clipped ratio, `ppo_epochs` passes), or
   * `reinforce_baseline` (advantage R − b, b a moving average kept by the trainer:
   * b ← 0.95·b + 0.05·mean R, starting at the first batch's mean). */
  rl_algorithm: "a2c" | "ppo" | "reinforce_baseline";
  /** Weight of the entropy bonus (the start value when `adaptive_entropy`). */
  entropy_weight: number;
  /** Weight of the critic's MSE. */
  value_loss_weight: number;
  /** Recorded only: an episode is a whole routing with a single terminal reward, so discounting
   * has no effect. */
  gamma: number;
  /** PPO clipping ε. */
  ppo_epsilon: number;
  /** PPO passes over each batch. */
  ppo_epochs: number;
  /** Reward: `continuous_v1` = clip(2 − 2·MLU, −2, 2), with the penalties below. */
  reward_function_version: "continuous_v1";
  /** Phase 1 (imitation of MILP paths for `supervised_epochs`) before phase 2 (RL for
   * `max_epochs`). The first RL step asks the native side for a fresh critic (`reset_critic`). */
  two_phase_training: boolean;
  /** Path (relative to the config file, else to the working directory) of a JSON file whose keys override phase 1: `supervised_*`
   * keys and `edge_loss_weight` as they are; `max_epochs`, `learning_rate`, `batch_size` and
   * `decay_rate` as their `supervised_*` counterparts; other keys are ignored with a warning.
   * A missing file is a warning, not an error. `null`: none. */
  supervised_config: string | null;
  /** RL epochs (phase 2). */
  max_epochs: number;
  /** Instances per step (each rolled out `rl_samples_per_instance` times in RL). */
  batch_size: number;
  /** Phase 2 learning rate (Adam). */
  learning_rate: number;
  /** The learning rate is divided by this every `lr_decay_step` epochs (≥ 1; 1 = constant). */
  decay_rate: number;
  /** Generated training instances (when `--train` is not given). */
  num_train_data: number;
  /** Generated validation instances. */
  num_val_data: number;
  /** Generated test instances. */
  num_test_data: number;

  // ---- keiro's keys ----
  /** Topology of generated instances (`keiro gen te --topology`): `nsfnet` (14 nodes), `nws`
   * (Newman–Watts–Strogatz, k=3, p=0.15, drawn per instance), `grid`, `waxman`. */
  graph_model: "nsfnet" | "nws" | "grid" | "waxman";
  /** Integer link capacities uniform in [lo, hi). */
  capacity_range: [number, number];
  /** Integer demands uniform in [lo, hi] (`pairs` traffic). */
  demand_range: [number, number];
  /** `pairs` (distinct random pairs, the seed's) or `gravity` (demand ∝ node capacity products). */
  traffic: "pairs" | "gravity";
  /** Gravity traffic: demands scaled so that shortest-path routing has this MLU. */
  load: number;
  /** Hop cap of a path; `null` = V − 1. */
  max_path_length: number | null;
  /** Encoder message graph: `physical` links, a per-instance `learned` graph (graph learning
   * module, 4 neighbours per node) instead of them, or `both`. Actions stay on physical links. */
  graph_learning: "physical" | "learned" | "both";
  /** Whose statistics the encoder's batch normalisation uses: `batch` = all episodes of the batch
   * being encoded (the seed's choice; an instance's routing then depends on the other instances of
   * its batch), `episode` = each episode's own rows (routing independent of the batch). */
  normalization: "batch" | "episode";
  /** Seed of everything: model initialisation, data generation (train, val and test draw from
   * seed·3+1, +2, +3), shuffling, sampling. */
  seed: number;
  /** Subtract `rl_penalty_lambda`·Σ max(0, util − 1)² from the reward. */
  rl_use_smooth_penalty: boolean;
  /** Weight of the smooth overload penalty. */
  rl_penalty_lambda: number;
  /** Subtract `completion_penalty_weight`·(incomplete commodities / C) from the reward. */
  use_completion_penalty: boolean;
  /** Weight of the completion penalty. */
  completion_penalty_weight: number;
  /** Normalise advantages within a batch. */
  normalize_advantage: boolean;
  /** What the A2C / PPO advantage subtracts from the reward: `critic` (V(s₀), the design) or
   * `instance_mean` (the mean reward of the other rollouts of the same instance; needs
   * `rl_samples_per_instance` ≥ 2; the critic is still trained and reported). */
  advantage_baseline: "critic" | "instance_mean";
  /** Global gradient-norm clip (0 = none). */
  grad_clip: number;
  /** Decoupled (AdamW) weight decay. */
  weight_decay: number;
  /** Epochs between learning-rate divisions by `decay_rate` (counted within a phase; 0 = never). */
  lr_decay_step: number;
  /** Adapt the entropy weight after every RL step: log w ← log w + entropy_lr·(target_entropy −
   * mean per-step entropy), w kept in [1e-6, 1]. */
  adaptive_entropy: boolean;
  /** Target mean per-step entropy (nats) of `adaptive_entropy`. */
  target_entropy: number;
  /** Step size of `adaptive_entropy` (in log-weight per nat). */
  entropy_lr: number;
  /** RL rollouts per instance per step. */
  rl_samples_per_instance: number;
  /** Phase 1 epochs (with `two_phase_training`). */
  supervised_epochs: number;
  /** Phase 1 learning rate. */
  supervised_learning_rate: number;
  /** Phase 1 instances per step (`null` = `batch_size`). */
  supervised_batch_size: number | null;
  /** Phase 1 learning-rate divisor (`null` = `decay_rate`). */
  supervised_decay_rate: number | null;
  /** Weight of the class-weighted edge classification loss in phase 1. */
  edge_loss_weight: number;
  /** Phase-1 imitation targets (src/hybrid/imitation_targets.ts): `milp` = the canonical MILP
   * paths; `greedy_if_optimal` = the sequential greedy routing where it is as good as the MILP
   * label, else the MILP paths. */
  label_paths: LabelPaths;
  /** N of best-of-N decoding in validation and test (greedy decode + N − 1 samples). */
  eval_samples: number;
  /** Nucleus threshold of best-of-N sampling. */
  eval_top_p: number;
  /** Temperature of best-of-N sampling (`null` = `sampling_temperature`). Best-of-N gains from
   * diverse samples: a policy sharpened by training repeats its greedy decode at temperature 1. */
  eval_temperature: number | null;
  /** Best-of-N settings `[temperature, top_p]` tried on validation after training
   * (src/hybrid/tune_sampling.ts); the best one, with `eval_temperature` / `eval_top_p` as the first
   * candidate, is saved beside the checkpoint and used by the test evaluation and by `keiro route`.
   * `[]` = no tuning. */
  eval_sampling_grid: [number, number][];
  /** Validation instances (the first ones) routed per grid setting. */
  eval_tune_instances: number;
  /** MILP seconds per instance when labelling (the best paths found are the labels and the
   * reference MLU; instances not proven optimal are counted in the data summary). */
  milp_time_limit: number;
  /** Best-of-N validation every this many epochs (and at the end); greedy validation runs every
   * epoch. */
  val_every: number;
  /** Stop a phase after this many epochs without a better greedy validation ratio (0 = never). */
  early_stopping_patience: number;
  /** Wall-clock budget of the training loop in seconds (data preparation and the test evaluation
   * excluded; split between the phases in proportion to their epochs, phase 1's leftover going to
   * phase 2). `null` = none. */
  time_budget_s: number | null;
  /** Worker threads of the native core and of MILP labelling (0 = all cores). */
  threads: number;
}

/** The keys the native model takes (docs/hybrid.md "Model config"). */
export interface ModelConfig {
  num_nodes: number;
  num_commodities: number;
  hidden_dim: number;
  num_layers: number;
  aggregation: HybridConfig["aggregation"];
  dropout_rate: number;
  action_type: HybridConfig["action_type"];
  policy_head_mlp_layers: number;
  value_head_mlp_layers: number;
  value_type: HybridConfig["value_type"];
  gnn_update_frequency: HybridConfig["gnn_update_frequency"];
  max_path_length: number | null;
  graph_learning: HybridConfig["graph_learning"];
  normalization: HybridConfig["normalization"];
}

const _MODEL_KEYS = [
  "num_nodes",
  "num_commodities",
  "hidden_dim",
  "num_layers",
  "aggregation",
  "dropout_rate",
  "action_type",
  "policy_head_mlp_layers",
  "value_head_mlp_layers",
  "value_type",
  "gnn_update_frequency",
  "max_path_length",
  "graph_learning",
  "normalization",
] as const satisfies readonly (keyof ModelConfig)[];

/** Exactly the native model's config keys of `cfg`. */
export function modelConfig(cfg: HybridConfig): ModelConfig {
  return Object.fromEntries(_MODEL_KEYS.map((k) => [k, cfg[k]])) as unknown as ModelConfig;
}

/** Defaults: the seed's `hybrid_base.json` values, except `use_gpu` (false: CPU build). */
export const DEFAULT_CONFIG: Readonly<HybridConfig> = Object.freeze(
  {
    expt_name: "hybrid_gcn_teal",
    gpu_id: "0",
    use_gpu: false,
    num_nodes: 14,
    num_commodities: 5,
    hidden_dim: 128,
    num_layers: 8,
    mlp_layers: 3,
    aggregation: "mean",
    dropout_rate: 0.3,
    action_type: "node",
    policy_head_mlp_layers: 2,
    value_head_mlp_layers: 3,
    value_type: "global",
    gnn_update_frequency: "per_commodity",
    sampling_temperature: 1.0,
    sampling_top_p: 0.9,
    rl_algorithm: "a2c",
    entropy_weight: 0.01,
    value_loss_weight: 0.5,
    gamma: 0.99,
    ppo_epsilon: 0.2,
    ppo_epochs: 4,
    reward_function_version: "continuous_v1",
    two_phase_training: true,
    supervised_config: null,
    max_epochs: 50,
    batch_size: 32,
    learning_rate: 0.0005,
    decay_rate: 1.2,
    num_train_data: 1000,
    num_val_data: 200,
    num_test_data: 200,
    graph_model: "nsfnet",
    capacity_range: [1000, 10000],
    demand_range: [5, 500],
    traffic: "pairs",
    load: 1.0,
    max_path_length: null,
    graph_learning: "physical",
    normalization: "batch",
    seed: 0,
    rl_use_smooth_penalty: false,
    rl_penalty_lambda: 0.1,
    use_completion_penalty: true,
    completion_penalty_weight: 1.0,
    normalize_advantage: true,
    advantage_baseline: "critic",
    grad_clip: 1.0,
    weight_decay: 0,
    lr_decay_step: 10,
    adaptive_entropy: false,
    target_entropy: 0.5,
    entropy_lr: 0.05,
    rl_samples_per_instance: 4,
    supervised_epochs: 10,
    supervised_learning_rate: 0.001,
    supervised_batch_size: null,
    supervised_decay_rate: null,
    edge_loss_weight: 1.0,
    label_paths: "milp",
    eval_samples: 32,
    eval_top_p: 0.9,
    eval_temperature: null,
    eval_sampling_grid: [[0.5, 0.9], [1, 0.9], [1, 1], [2, 1]],
    eval_tune_instances: 64,
    milp_time_limit: 10,
    val_every: 5,
    early_stopping_patience: 0,
    time_budget_s: null,
    threads: 0,
  } satisfies HybridConfig,
);

type _Check = (v: unknown) => string | undefined;

const _int = (lo: number, hi = Number.MAX_SAFE_INTEGER): _Check => (v) =>
  typeof v === "number" && Number.isSafeInteger(v) && v >= lo && v <= hi
    ? undefined
    : hi === Number.MAX_SAFE_INTEGER
    ? `an integer ≥ ${lo}`
    : `an integer in [${lo}, ${hi}]`;
const _num = (lo: number, hi: number, loOpen = false, hiOpen = false): _Check => (v) =>
  typeof v === "number" && Number.isFinite(v) && (loOpen ? v > lo : v >= lo) && (hiOpen ? v < hi : v <= hi)
    ? undefined
    : `a number in ${loOpen ? "(" : "["}${lo}, ${hi === Infinity ? "∞" : hi}${hiOpen ? ")" : "]"}`;
const _pos = _num(0, Infinity, true, true);
const _nonneg = _num(0, Infinity, false, true);
const _bool: _Check = (v) => typeof v === "boolean" ? undefined : "true or false";
const _str: _Check = (v) => typeof v === "string" && v !== "" ? undefined : "a non-empty string";
const _oneOf = (...xs: string[]): _Check => (v) =>
  xs.includes(v as string) ? undefined : `one of ${xs.map((x) => JSON.stringify(x)).join(", ")}`;
const _nullable = (c: _Check): _Check => (v) => v === null ? undefined : c(v) && `${c(v)} or null`;
const _either = (a: _Check, b: _Check): _Check => (v) => a(v) && b(v) && `${a(v)} or ${b(v)}`;
const _range = (halfOpen: boolean): _Check => (v) =>
  Array.isArray(v) && v.length === 2 && v.every((x) => Number.isSafeInteger(x) && x > 0) &&
    (halfOpen ? v[1] > v[0] : v[1] >= v[0])
    ? undefined
    : `[lo, hi], positive integers with hi ${halfOpen ? ">" : "≥"} lo`;

const _CHECKS: { [K in keyof HybridConfig]: _Check } = {
  expt_name: _str,
  gpu_id: _either(_str, _int(0)),
  use_gpu: _bool,
  num_nodes: _int(2),
  num_commodities: _int(1),
  hidden_dim: (v) => _int(2)(v) ?? ((v as number) % 2 ? "an even integer ≥ 2" : undefined),
  num_layers: _int(1),
  mlp_layers: _int(1),
  aggregation: _oneOf("sum", "mean"),
  dropout_rate: _num(0, 1, false, true),
  action_type: _oneOf("node", "edge"),
  policy_head_mlp_layers: _int(0),
  value_head_mlp_layers: _int(0),
  value_type: _oneOf("global", "mean_pool"),
  gnn_update_frequency: _oneOf("never", "per_commodity", "per_step"),
  sampling_temperature: _pos,
  sampling_top_p: _num(0, 1, true),
  rl_algorithm: _oneOf("a2c", "ppo", "reinforce_baseline"),
  entropy_weight: _nonneg,
  value_loss_weight: _nonneg,
  gamma: _num(0, 1),
  ppo_epsilon: _pos,
  ppo_epochs: _int(1),
  reward_function_version: _oneOf("continuous_v1"),
  two_phase_training: _bool,
  supervised_config: _nullable(_str),
  max_epochs: _int(0),
  batch_size: _int(1),
  learning_rate: _pos,
  decay_rate: _num(1, Infinity, false, true),
  num_train_data: _int(1),
  num_val_data: _int(1),
  num_test_data: _int(1),
  graph_model: _oneOf("nsfnet", "nws", "grid", "waxman"),
  capacity_range: _range(true),
  demand_range: _range(false),
  traffic: _oneOf("pairs", "gravity"),
  load: _pos,
  max_path_length: _nullable(_int(1)),
  graph_learning: _oneOf("physical", "learned", "both"),
  normalization: _oneOf("batch", "episode"),
  seed: _int(0),
  rl_use_smooth_penalty: _bool,
  rl_penalty_lambda: _nonneg,
  use_completion_penalty: _bool,
  completion_penalty_weight: _nonneg,
  normalize_advantage: _bool,
  advantage_baseline: _oneOf("critic", "instance_mean"),
  grad_clip: _nonneg,
  weight_decay: _nonneg,
  lr_decay_step: _int(0),
  adaptive_entropy: _bool,
  target_entropy: _nonneg,
  entropy_lr: _nonneg,
  rl_samples_per_instance: _int(1),
  supervised_epochs: _int(0),
  supervised_learning_rate: _pos,
  supervised_batch_size: _nullable(_int(1)),
  supervised_decay_rate: _nullable(_num(1, Infinity, false, true)),
  edge_loss_weight: _nonneg,
  label_paths: _oneOf("milp", "greedy_if_optimal"),
  eval_samples: _int(1),
  eval_top_p: _num(0, 1, true),
  eval_temperature: _nullable(_pos),
  eval_sampling_grid: (v) =>
    Array.isArray(v) &&
      v.every((x) => Array.isArray(x) && x.length === 2 && !_pos(x[0]) && !_num(0, 1, true)(x[1]))
      ? undefined
      : "a list of [temperature > 0, top_p in (0, 1]] pairs",
  eval_tune_instances: _int(1),
  milp_time_limit: _pos,
  val_every: _int(1),
  early_stopping_patience: _int(0),
  time_budget_s: _nullable(_pos),
  threads: _int(0),
};

/** Keys of the supervised_config file that map to phase-1 keys. */
const _SUPERVISED_ALIASES: Record<string, keyof HybridConfig> = {
  max_epochs: "supervised_epochs",
  learning_rate: "supervised_learning_rate",
  batch_size: "supervised_batch_size",
  decay_rate: "supervised_decay_rate",
};

/** A resolved config and the warnings met while resolving it. */
export interface ResolvedConfig {
  config: HybridConfig;
  warnings: string[];
}

function _distance(a: string, b: string): number {
  const d = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    let prev = d[0];
    d[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const t = d[j];
      d[j] = Math.min(d[j] + 1, d[j - 1] + 1, prev + (a[i - 1] === b[j - 1] ? 0 : 1));
      prev = t;
    }
  }
  return d[b.length];
}

function _unknownKey(key: string, source: string): UsageError {
  const near = Object.keys(_CHECKS).map((k) => ({ k, d: _distance(key, k) })).sort((a, b) => a.d - b.d)[0];
  const hint = near && near.d <= Math.max(2, key.length / 4) ? `; did you mean "${near.k}"?` : "";
  return new UsageError(
    `${source}: unknown config key "${key}" (keys starting with _ are comments)${hint}`,
  );
}

function _object(raw: unknown, source: string): Record<string, unknown> {
  if (typeof raw !== "object" || raw === null || Array.isArray(raw)) {
    throw new UsageError(`${source}: a config must be a JSON object`);
  }
  return raw as Record<string, unknown>;
}

/**
 * Resolves a parsed config object (from `source`, a file name used in messages) over
 * {@link DEFAULT_CONFIG} and `base`: drops `_` keys, rejects unknown keys and bad values with a
 * {@link UsageError} naming the key and the source, and checks the keys against each other. Does
 * not read `supervised_config` (see {@link loadConfig}).
 */
export function resolveConfig(
  raw: unknown,
  source: string,
  base: Partial<HybridConfig> = {},
): ResolvedConfig {
  const obj = _object(raw, source);
  const cfg = structuredClone({ ...DEFAULT_CONFIG, ...base }) as HybridConfig;
  const warnings: string[] = [];
  for (const [key, value] of Object.entries(obj)) {
    if (key.startsWith("_")) continue;
    if (!Object.hasOwn(_CHECKS, key)) throw _unknownKey(key, source);
    const k = key as keyof HybridConfig;
    const problem = _CHECKS[k](value);
    if (problem) {
      throw new UsageError(`${source}: ${key} must be ${problem}, got ${JSON.stringify(value)}`);
    }
    (cfg as unknown as Record<string, unknown>)[k] = structuredClone(value);
  }
  _crossCheck(cfg, source);
  if (cfg.use_gpu) {
    warnings.push(`${source}: use_gpu is true but this build runs on the CPU; recorded only`);
  }
  return { config: cfg, warnings };
}

function _crossCheck(cfg: HybridConfig, source: string): void {
  const fail = (m: string) => {
    throw new UsageError(`${source}: ${m}`);
  };
  const pairs = cfg.num_nodes * (cfg.num_nodes - 1);
  if (cfg.num_commodities > pairs) {
    fail(
      `num_commodities must be ≤ ${pairs} (distinct pairs of ${cfg.num_nodes} nodes), got ${cfg.num_commodities}`,
    );
  }
  if (cfg.max_path_length !== null && cfg.max_path_length > cfg.num_nodes - 1) {
    fail(
      `max_path_length must be ≤ num_nodes − 1 = ${
        cfg.num_nodes - 1
      } (simple paths), got ${cfg.max_path_length}`,
    );
  }
  if (cfg.advantage_baseline === "instance_mean" && cfg.rl_samples_per_instance < 2) {
    fail(
      `advantage_baseline "instance_mean" needs rl_samples_per_instance ≥ 2, got ${cfg.rl_samples_per_instance}`,
    );
  }
  if (cfg.two_phase_training === false && cfg.max_epochs === 0) {
    fail("max_epochs must be ≥ 1 without two_phase_training (nothing would be trained)");
  }
}

/**
 * Applies a supervised_config file's keys (already parsed, from `source`) to `cfg` as phase-1
 * overrides; returns warnings for the keys it ignores.
 */
export function applySupervisedConfig(cfg: HybridConfig, raw: unknown, source: string): string[] {
  const obj = _object(raw, source);
  const picked: Record<string, unknown> = {};
  const ignored: string[] = [];
  for (const [key, value] of Object.entries(obj)) {
    if (key.startsWith("_")) continue;
    const target = _SUPERVISED_ALIASES[key] ??
      (key.startsWith("supervised_") || key === "edge_loss_weight" ? key : undefined);
    if (target === undefined) ignored.push(key);
    else if (target === "supervised_config" || !Object.hasOwn(_CHECKS, target)) {
      throw _unknownKey(key, source);
    } else picked[target] = value;
  }
  const { config } = resolveConfig(picked, source, cfg);
  Object.assign(cfg, config);
  return ignored.length
    ? [
      `${source}: ignored keys ${
        ignored.join(", ")
      } (only phase-1 keys apply; the model comes from the main config)`,
    ]
    : [];
}

async function _readJson(path: string, what: string): Promise<unknown> {
  let text: string;
  try {
    text = await Deno.readTextFile(path);
  } catch (e) {
    if (e instanceof Deno.errors.NotFound) throw new UsageError(`no such ${what}: ${path}`);
    throw e;
  }
  try {
    return JSON.parse(text);
  } catch (e) {
    throw new UsageError(`${path}: not valid JSON: ${(e as Error).message}`);
  }
}

/**
 * Reads and resolves the config file `path`, then its `supervised_config` (relative to the config
 * file; a missing one is a warning; skipped with `resolved`, for a run's own config.json, where it
 * was applied already), then `overrides` (already typed values, e.g. from flags).
 */
export async function loadConfig(
  path: string,
  overrides: Partial<HybridConfig> = {},
  opts: { resolved?: boolean } = {},
): Promise<ResolvedConfig> {
  const { config, warnings } = resolveConfig(await _readJson(path, "config file"), path);
  if (config.supervised_config !== null && !opts.resolved) {
    const candidates = [resolve(dirname(path), config.supervised_config), resolve(config.supervised_config)];
    let sup: string | undefined;
    for (const c of candidates) {
      if (sup === undefined && await Deno.stat(c).then((s) => s.isFile, () => false)) sup = c;
    }
    if (sup !== undefined) {
      warnings.push(...applySupervisedConfig(config, await _readJson(sup, "supervised config"), sup));
    } else {
      warnings.push(
        `${path}: supervised_config ${config.supervised_config} not found (looked for ${
          [...new Set(candidates)].join(" and ")
        }); phase 1 uses the supervised_* keys of this config`,
      );
    }
  }
  const defined = Object.fromEntries(Object.entries(overrides).filter(([, v]) => v !== undefined));
  const { config: final } = resolveConfig(defined, "command line", config);
  return { config: final, warnings };
}
