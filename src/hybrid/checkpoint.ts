/**
 * Training checkpoints: `<out>/last/` and `<out>/best/`, each a complete model directory
 * (`model.json`, `weights.safetensors`, `optimizer.safetensors`) plus the resolved `config.json`
 * and the trainer's `state.json`. A checkpoint is written to a temporary directory and swapped
 * into place by renames, so an interrupted save leaves the previous checkpoint readable (as
 * `<name>/` or, between the two renames, `.<name>.old/`).
 * @module
 */

import { join } from "node:path";
import { UsageError } from "../errors.ts";
import type { HybridConfig } from "./config.ts";
import type { HybridModel } from "./model.ts";

/** What the trainer needs to continue a run (`state.json`). */
export interface TrainerState {
  /** Epochs completed, both phases counted. */
  epoch: number;
  /** Phase of the last completed epoch (or the one starting, after a phase switch). */
  phase: "supervised" | "rl";
  /** Epochs completed in `phase`. */
  phase_epoch: number;
  /** `phase` was ended early (early stopping or its time share). */
  phase_done: boolean;
  /** Learning rate of the last step. */
  lr: number;
  /** REINFORCE moving-average baseline (null before the first RL step). */
  baseline: number | null;
  /** Current entropy weight (adapted with `adaptive_entropy`). */
  entropy_weight: number;
  /** State of the trainer's random stream (shuffling, native seeds). */
  rng: number;
  /** Best greedy validation ratio so far and its epoch. */
  best_ratio: number | null;
  best_epoch: number | null;
  /** Best greedy validation ratio of the current phase, and epochs since it improved. */
  phase_best_ratio: number | null;
  stale_epochs: number;
  /** The next RL step must ask for a fresh critic. */
  reset_critic: boolean;
  /** Training wall time so far, and in the current phase (seconds). */
  elapsed_s: number;
  phase_elapsed_s: number;
  /** Native steps taken. */
  steps: number;
  /** Training is over (further --resume runs only evaluate). */
  finished: boolean;
}

async function _isDir(path: string): Promise<boolean> {
  try {
    return (await Deno.stat(path)).isDirectory;
  } catch {
    return false;
  }
}

/** Writes checkpoint `<out>/<name>/` (model, optimiser, config, state) atomically. */
export async function saveCheckpoint(
  model: HybridModel,
  out: string,
  name: string,
  config: HybridConfig,
  state: TrainerState,
): Promise<void> {
  const final = join(out, name), tmp = join(out, `.${name}.tmp`), old = join(out, `.${name}.old`);
  await Deno.remove(tmp, { recursive: true }).catch(() => {});
  await model.save(tmp);
  await Deno.writeTextFile(join(tmp, "config.json"), JSON.stringify(config, null, 2) + "\n");
  await Deno.writeTextFile(join(tmp, "state.json"), JSON.stringify(state, null, 2) + "\n");
  await Deno.remove(old, { recursive: true }).catch(() => {});
  if (await _isDir(final)) await Deno.rename(final, old);
  await Deno.rename(tmp, final);
  await Deno.remove(old, { recursive: true }).catch(() => {});
}

/** The directory of checkpoint `name` in `out` (or its `.old` copy after an interrupted swap). */
export async function findCheckpoint(out: string, name: string): Promise<string | undefined> {
  for (const d of [join(out, name), join(out, `.${name}.old`)]) {
    if (await _isDir(d) && await Deno.stat(join(d, "state.json")).then((s) => s.isFile, () => false)) {
      return d;
    }
  }
  return undefined;
}

/** Reads a checkpoint's trainer state. */
export async function readState(dir: string): Promise<TrainerState> {
  try {
    return JSON.parse(await Deno.readTextFile(join(dir, "state.json"))) as TrainerState;
  } catch (e) {
    throw new UsageError(`${dir}/state.json: ${(e as Error).message}`);
  }
}
