/**
 * The single-task validation loss history and the inverse-loss task weights of the meeting notes
 * (`val_losses.json`; v2 uses the latest loss, v3 the latest or the average).
 * @module
 */

import { InputError, UsageError } from "../errors.ts";
import { writeOutput } from "../write_output.ts";
import { dirname } from "node:path";

/**
 * Single-task validation losses per task, oldest first: `{"heat_all": [0.203, 0.187], …}`.
 * Every single-task run appends one value to its task's array.
 */
export type LossHistory = Record<string, number[]>;

/** Validates parsed JSON as a {@link LossHistory}; `path` names the file in errors. */
function _validate(data: unknown, path: string): LossHistory {
  if (typeof data !== "object" || data === null || Array.isArray(data)) {
    throw new InputError(`${path}: a loss history must be a JSON object {"task": [loss, …]}`);
  }
  const out: LossHistory = {};
  for (const [task, values] of Object.entries(data)) {
    if (!Array.isArray(values) || values.length === 0) {
      throw new InputError(`${path}: task '${task}' must have a non-empty array of losses`, 0, task);
    }
    values.forEach((v, i) => {
      if (typeof v !== "number" || !Number.isFinite(v) || v <= 0) {
        throw new InputError(
          `${path}: loss ${i} of task '${task}' must be a positive number, got ${JSON.stringify(v)}`,
          0,
          `${task}[${i}]`,
        );
      }
    });
    out[task] = values as number[];
  }
  return out;
}

/** Formats a history with one task per line (arrays stay on one line, unlike JSON.stringify's). */
function _format(history: LossHistory): string {
  const lines = Object.entries(history).map(([t, vs]) => `  ${JSON.stringify(t)}: [${vs.join(", ")}]`);
  return lines.length === 0 ? "{}\n" : `{\n${lines.join(",\n")}\n}\n`;
}

async function _readOrUndefined(path: string): Promise<string | undefined> {
  try {
    return await Deno.readTextFile(path);
  } catch (e) {
    if (e instanceof Deno.errors.NotFound) return undefined;
    if (e instanceof Deno.errors.IsADirectory) throw new UsageError(`${path} is a directory, not a file`);
    throw e;
  }
}

function _parse(text: string, path: string): LossHistory {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (e) {
    throw new InputError(`${path}: not valid JSON (${(e as Error).message})`);
  }
  return _validate(data, path);
}

/**
 * Reads a loss history file: a JSON object mapping each task to a non-empty array of positive,
 * finite validation losses.
 *
 * @throws {UsageError} when the file does not exist (the message says that single-task runs
 *   write it)
 * @throws {InputError} naming the task (and `field` = `task` or `task[i]`) on a value that is not
 *   such an array of numbers, and on invalid JSON
 */
export async function readLossHistory(path: string): Promise<LossHistory> {
  const text = await _readOrUndefined(path);
  if (text === undefined) {
    throw new UsageError(
      `no loss history file ${path}: it is written by single-task runs (one task each, with this ` +
        `history file set), which append their best validation loss to their task's array; run one ` +
        `per task first, or choose another task weighting`,
    );
  }
  return _parse(text, path);
}

/**
 * Appends `value` to `task`'s array in the loss history file `path`, creating the file (and the
 * task, and the folder) when missing. The file is read, modified and written to a temporary file
 * in the same folder that is renamed over it, so a crash never leaves a half-written history. Two
 * runs appending to the same file at the same moment can still lose one of the values (no
 * locking); run them one after another or give them separate files.
 *
 * @throws {InputError} when the existing file is not a valid history (it is left untouched) or
 *   `value` is not a positive finite number
 */
export async function appendLossHistory(path: string, task: string, value: number): Promise<void> {
  if (!Number.isFinite(value) || value <= 0) {
    throw new InputError(`loss of task '${task}' must be a positive number, got ${value}`, 0, task);
  }
  const text = await _readOrUndefined(path);
  const history = text === undefined ? {} : _parse(text, path);
  (history[task] ??= []).push(value);
  await Deno.mkdir(dirname(path), { recursive: true });
  await writeOutput(path, _format(history));
}

/**
 * Inverse-loss task weights, in the order of `tasks`:
 *
 *   w_t = (1/v_t) / max_j (1/v_j) = min_j v_j / v_t
 *
 * with v_t the latest (last) value of task t's history (`mode = "latest"`) or the mean of all of
 * them (`"average"`). The task with the smallest single-task loss gets weight 1 and a task whose
 * loss is k times larger gets 1/k, which scales every weighted term w_t·L_t to about the same size.
 *
 * @throws {UsageError} naming the task when a task of `tasks` is absent from the history
 * @throws {InputError} naming the task when its array is empty or holds a non-positive value
 */
export function inverseLossWeights(
  history: Readonly<LossHistory>,
  tasks: readonly string[],
  mode: "latest" | "average",
): number[] {
  const v = tasks.map((task) => {
    if (!Object.hasOwn(history, task)) {
      throw new UsageError(
        `the loss history has no task '${task}' (it has ${Object.keys(history).join(", ") || "none"}); ` +
          `run a single-task training of '${task}' first`,
      );
    }
    const vs = history[task];
    if (vs.length === 0) throw new InputError(`task '${task}' has no losses in the history`, 0, task);
    if (vs.some((x) => !Number.isFinite(x) || x <= 0)) {
      throw new InputError(`task '${task}' has a loss that is not a positive number`, 0, task);
    }
    return mode === "latest" ? vs[vs.length - 1] : vs.reduce((a, b) => a + b, 0) / vs.length;
  });
  const min = Math.min(...v);
  return v.map((x) => min / x);
}
