/**
 * How a multi-task run weights its per-task losses, and the `--task-weighting` flag that picks it.
 * @module
 */

import { UsageError } from "../errors.ts";

/**
 * A per-task loss weighting of the multi-task loss L = Σ_t w_t · L_t:
 *
 * - `equal`: w_t = 1.
 * - `fixed`: w_t = `lambdas[t]`, given for every task.
 * - `inverse`: w_t = (1/v_t) / max_j (1/v_j), v_t the `latest` or `average` single-task validation
 *   loss of task t in the JSON history file `history` (the meeting notes' v2 / v3 weighting).
 * - `kendall`: uncertainty weighting, L = Σ_t exp(−s_t)·L_t + s_t with s_t = log σ_t² learned by
 *   the native core (Kendall et al. 2018).
 * - `dwa`: Dynamic Weight Average, w_t = T·exp(r_t/τ) / Σ_j exp(r_j/τ), r_t the ratio of the last
 *   two epochs' training losses, τ = `temperature` (Liu et al. 2019).
 */
export type TaskWeighting =
  | { kind: "equal" }
  | { kind: "fixed"; lambdas: Record<string, number> }
  | { kind: "inverse"; history: string; mode: "latest" | "average" }
  | { kind: "kendall" }
  | { kind: "dwa"; temperature: number };

const _FORMS = "equal, fixed:TASK=W,TASK=W,… (one weight per task), inverse:latest:PATH, " +
  "inverse:average:PATH, kendall, dwa, dwa:TEMPERATURE (default 2)";

function _bad(spec: string, why: string): UsageError {
  return new UsageError(`bad task weighting '${spec}': ${why}; accepted forms: ${_FORMS}`);
}

/**
 * Parses a `--task-weighting` value for the tasks `tasks`:
 *
 * | spec                          | result                                           |
 * | ----------------------------- | ------------------------------------------------ |
 * | `equal`                       | `{kind: "equal"}`                                |
 * | `fixed:heat_all=1,dir_gap=0.5` | `{kind: "fixed", lambdas: {heat_all: 1, …}}`    |
 * | `inverse:latest:PATH`         | `{kind: "inverse", mode: "latest", history: PATH}` |
 * | `inverse:average:PATH`        | `{kind: "inverse", mode: "average", history: PATH}` |
 * | `kendall`                     | `{kind: "kendall"}`                              |
 * | `dwa`, `dwa:3`                | `{kind: "dwa", temperature: 2}`, `… 3`           |
 *
 * Fixed weights must be finite and ≥ 0, not all 0, and given exactly once for every task in
 * `tasks`. PATH is everything after the second colon, so it may itself contain colons.
 *
 * @throws {UsageError} listing the accepted forms on anything else, and naming the task for a fixed
 *   weight of an unknown, repeated or missing task
 */
export function parseTaskWeighting(spec: string, tasks: readonly string[]): TaskWeighting {
  const colon = spec.indexOf(":");
  const head = colon < 0 ? spec : spec.slice(0, colon);
  const rest = colon < 0 ? undefined : spec.slice(colon + 1);
  switch (head) {
    case "equal":
    case "kendall":
      if (rest !== undefined) throw _bad(spec, `'${head}' takes no argument`);
      return { kind: head };
    case "dwa": {
      if (rest === undefined) return { kind: "dwa", temperature: 2 };
      const temperature = Number(rest);
      if (rest.trim() === "" || !Number.isFinite(temperature) || temperature <= 0) {
        throw _bad(spec, `the DWA temperature must be a positive number, got '${rest}'`);
      }
      return { kind: "dwa", temperature };
    }
    case "inverse": {
      const c = rest?.indexOf(":") ?? -1;
      const mode = rest === undefined || c < 0 ? rest : rest.slice(0, c);
      const history = c < 0 ? "" : rest!.slice(c + 1);
      if (mode !== "latest" && mode !== "average") {
        throw _bad(spec, "inverse needs a mode, latest or average, and a history file");
      }
      if (history === "") throw _bad(spec, "inverse needs the path of the loss history file");
      return { kind: "inverse", mode, history };
    }
    case "fixed":
      return { kind: "fixed", lambdas: _parseLambdas(spec, rest ?? "", tasks) };
    default:
      throw _bad(spec, `unknown weighting '${head}'`);
  }
}

function _parseLambdas(spec: string, list: string, tasks: readonly string[]): Record<string, number> {
  if (list.trim() === "") throw _bad(spec, "fixed needs TASK=WEIGHT pairs");
  const lambdas: Record<string, number> = {};
  for (const pair of list.split(",")) {
    const eq = pair.indexOf("=");
    const task = (eq < 0 ? pair : pair.slice(0, eq)).trim();
    const value = eq < 0 ? "" : pair.slice(eq + 1).trim();
    const w = Number(value);
    if (eq < 0 || value === "" || !Number.isFinite(w) || w < 0) {
      throw _bad(spec, `'${pair}' is not TASK=WEIGHT with a finite weight ≥ 0`);
    }
    if (!tasks.includes(task)) {
      throw _bad(spec, `fixed weight for unknown task '${task}' (the tasks are ${tasks.join(", ")})`);
    }
    if (Object.hasOwn(lambdas, task)) throw _bad(spec, `task '${task}' is given twice`);
    lambdas[task] = w;
  }
  const missing = tasks.filter((t) => !Object.hasOwn(lambdas, t));
  if (missing.length > 0) {
    throw _bad(
      spec,
      `no fixed weight for task ${missing.map((t) => `'${t}'`).join(", ")}`,
    );
  }
  if (tasks.every((t) => lambdas[t] === 0)) throw _bad(spec, "every fixed weight is 0");
  return lambdas;
}
