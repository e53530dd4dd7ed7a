/**
 * The hybrid GCN + Teal model held by the native core (a {@link NativeHandle}: close it, or let
 * `using` do it). See docs/hybrid.md.
 * @module
 */

import { join } from "node:path";
import type { Dataset } from "../te/dataset.ts";
import { UsageError } from "../errors.ts";
import { NativeHandle } from "../native_handle.ts";
import { DEFAULT_CONFIG, type ModelConfig, modelConfig } from "./config.ts";

/** The reward settings of an RL step (docs/hybrid.md "Losses"). */
export interface RewardOptions {
  version: "continuous_v1";
  smooth_penalty: boolean;
  penalty_lambda: number;
  completion_penalty: boolean;
  completion_penalty_weight: number;
}

/** A phase-1 step: imitation of the label paths of instances `indices`. */
export interface SupervisedStepRequest {
  kind: "supervised";
  indices: number[];
  /** `labels[i][k]`: the node sequence of commodity k of instance `indices[i]`. */
  labels: number[][][];
  lr: number;
  weight_decay: number;
  grad_clip: number;
  edge_loss_weight: number;
  seed: number;
}

/** A phase-2 step: `samples` rollouts of each instance of `indices` and one update. */
export interface RlStepRequest {
  kind: "rl";
  indices: number[];
  algorithm: "a2c" | "ppo" | "reinforce_baseline";
  samples: number;
  lr: number;
  weight_decay: number;
  grad_clip: number;
  entropy_weight: number;
  value_loss_weight: number;
  ppo_epsilon: number;
  ppo_epochs: number;
  /** REINFORCE's moving-average baseline (kept by the trainer). */
  baseline: number;
  normalize_advantage: boolean;
  /** A2C / PPO advantage baseline (native default: the critic). */
  advantage?: "critic" | "instance_mean";
  temperature: number;
  top_p: number;
  seed: number;
  /** Re-initialise the critic (value head) and its optimiser state before this step: sent on the
   * first RL step after supervised pre-training, which trains the actor only. */
  reset_critic?: boolean;
  reward: RewardOptions;
}

/** A training step request. */
export type StepRequest = SupervisedStepRequest | RlStepRequest;

/** Metrics of one step (`loss, actor_loss, critic_loss, entropy, edge_loss, reward_mean, reward_std,
 * mlu_mean, complete_rate, value_mean, explained_variance, grad_norm, episodes`, as applicable). */
export type StepMetrics = Record<string, number>;

/** A routing request: best-of-`samples` (the greedy decode and `samples − 1` samples; 1 = the
 * greedy decode only), in native batches of `batch` instances (native default 64). */
export interface RouteRequest {
  /** Instances to route (all when absent). */
  indices?: number[];
  samples: number;
  /** Native default 1. */
  temperature?: number;
  /** Native default 1. */
  top_p?: number;
  /** Sample s of instance i draws from its own stream (seed, i, s), whatever the batch (native default 0). */
  seed?: number;
  batch?: number;
  /** Method name written into the records. */
  method?: string;
  /** Local search on each instance's best complete candidate, in rounds per commodity (0 = none;
   * the greedy heuristic's improvement step, as `solve --method greedy_ls` runs it); counted in `time_ms`. */
  local_search?: number;
  /** With `local_search` > 0: also return each instance's record before the local search, with
   * this method name and the decode's own `time_ms` (one decode gives both rows); those records
   * come first, in the same order as the others. */
  decode_method?: string;
}

/** The model's routing of one instance: a solution record, as `keiro route` prints it. */
export interface RouteRecord {
  /** The instance's id, when it has one. */
  id?: unknown;
  /** The request's method, when it has one. */
  method?: string;
  mlu: number;
  complete: boolean;
  /** Node sequence per commodity. */
  paths: number[][];
  /** Wall time of the instance's native batch divided by the instances in it. */
  time_ms: number;
}

/** File names inside a checkpoint directory. */
export const MODEL_FILES = {
  config: "model.json",
  weights: "weights.safetensors",
  optimizer: "optimizer.safetensors",
} as const;

function _parameters(text: string): number {
  const n = (JSON.parse(text) as { parameters?: unknown }).parameters;
  return typeof n === "number" ? n : NaN;
}

async function _exists(path: string): Promise<boolean> {
  try {
    return (await Deno.stat(path)).isFile;
  } catch {
    return false;
  }
}

/** A native hybrid model and its optimiser state. */
export class HybridModel extends NativeHandle {
  /** The native model config. */
  readonly config: ModelConfig;
  /** Number of trainable parameters. */
  readonly parameters: number;

  private constructor(handle: Deno.PointerValue, config: ModelConfig, parameters: number) {
    super("hybrid", "model", handle);
    this.config = config;
    this.parameters = parameters;
  }

  /** A freshly initialised model on `device` (initialisation drawn from `seed`, the same on every
   * device). */
  static async create(config: ModelConfig, seed: number, device = "cpu"): Promise<HybridModel> {
    const { text, handle } = await NativeHandle.open("hybrid", { kind: "new", config, seed, device });
    return new HybridModel(handle, config, _parameters(text));
  }

  /**
   * Loads the checkpoint in `dir` (`model.json`, `weights.safetensors`, and with `optimizer` the
   * optimiser state `optimizer.safetensors` when present) onto `device` (default `cpu`); a
   * checkpoint saved on any device loads on any other.
   */
  static async load(dir: string, opts: { optimizer?: boolean; device?: string } = {}): Promise<HybridModel> {
    const cfgPath = join(dir, MODEL_FILES.config);
    let config: ModelConfig;
    try {
      // Keys added after a checkpoint was saved take their defaults (as the native side does), so
      // that the config compares equal to a resolved one (`--resume`).
      config = {
        ...modelConfig(DEFAULT_CONFIG),
        ...JSON.parse(await Deno.readTextFile(cfgPath)),
      } as ModelConfig;
    } catch (e) {
      if (e instanceof Deno.errors.NotFound) {
        throw new UsageError(`${dir} is not a keiro model checkpoint (no ${MODEL_FILES.config})`);
      }
      throw new UsageError(`${cfgPath}: ${(e as Error).message}`);
    }
    const weights = join(dir, MODEL_FILES.weights);
    if (!await _exists(weights)) throw new UsageError(`${dir}: no ${MODEL_FILES.weights}`);
    const optimizer = join(dir, MODEL_FILES.optimizer);
    const { text, handle } = await NativeHandle.open("hybrid", {
      kind: "load",
      config,
      weights,
      optimizer: opts.optimizer && await _exists(optimizer) ? optimizer : null,
      device: opts.device ?? "cpu",
    });
    return new HybridModel(handle, config, _parameters(text));
  }

  /**
   * Saves the model into `dir` (created if needed): `model.json`, `weights.safetensors` and, with
   * `optimizer` (default true), `optimizer.safetensors`. Each file is written under a temporary
   * name in `dir` and renamed into place, so a crash never leaves a truncated file.
   */
  async save(dir: string, opts: { optimizer?: boolean } = {}): Promise<void> {
    await Deno.mkdir(dir, { recursive: true });
    const tag = `.tmp-${Deno.pid}-${Date.now()}`;
    const files: [string, string][] = [[
      join(dir, MODEL_FILES.weights + tag),
      join(dir, MODEL_FILES.weights),
    ]];
    const withOptimizer = opts.optimizer ?? true;
    if (withOptimizer) {
      files.push([join(dir, MODEL_FILES.optimizer + tag), join(dir, MODEL_FILES.optimizer)]);
    }
    files.push([join(dir, MODEL_FILES.config + tag), join(dir, MODEL_FILES.config)]);
    try {
      await this.call({ kind: "save", weights: files[0][0], optimizer: withOptimizer ? files[1][0] : null });
      await Deno.writeTextFile(files[files.length - 1][0], JSON.stringify(this.config, null, 2) + "\n");
      for (const [tmp, final] of files) await Deno.rename(tmp, final);
    } catch (e) {
      for (const [tmp] of files) await Deno.remove(tmp).catch(() => {});
      throw e;
    }
  }

  /** One training step on instances of `ds`; returns the step's metrics. */
  async step(ds: Dataset, request: StepRequest): Promise<StepMetrics> {
    return JSON.parse(await this.call({ ...request }, undefined, ds)) as StepMetrics;
  }

  /** Routes instances of `ds`; one record per requested instance, in request order. */
  async route(ds: Dataset, request: RouteRequest): Promise<RouteRecord[]> {
    return JSON.parse(await this.call({ kind: "route", ...request }, undefined, ds)) as RouteRecord[];
  }
}
