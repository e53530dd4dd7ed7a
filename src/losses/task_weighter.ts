/**
 * The per-epoch task weights of a multi-task run.
 * @module
 */

import { UsageError } from "../errors.ts";
import { dwaWeights } from "./dwa_weights.ts";
import { inverseLossWeights, type LossHistory, readLossHistory } from "./inverse_loss_weights.ts";
import type { TaskWeighting } from "./task_weighting.ts";

/**
 * Chooses the weights w_t of the multi-task loss L = Σ_t w_t · L_t before each epoch, for a
 * {@link TaskWeighting} and the run's task names (weights come in the order of the names):
 *
 * - `equal`: every w_t = 1.
 * - `fixed`: the given λ_t.
 * - `inverse`: w_t = (1/v_t) / max_j (1/v_j) from the single-task loss history, the same every epoch.
 * - `dwa`: Dynamic Weight Average of the two previous epochs' training losses (1 each for epochs 0
 *   and 1).
 * - `kendall`: `weights` returns null: the log variances s_t are parameters that the native core
 *   learns together with the network (L = Σ_t exp(−s_t)·L_t + s_t), so there is nothing to choose
 *   here; report the learned weights with `kendallWeights`.
 */
export class TaskWeighter {
  /** The weighting. */
  readonly weighting: TaskWeighting;
  /** The task names, in the order of the weights. */
  readonly tasks: readonly string[];
  #constant: number[] | null;

  /**
   * A weighter for `tasks`. An `inverse` weighting needs its history: pass it as `history`, or use
   * {@link TaskWeighter.load}, which reads the file.
   * @throws {UsageError} when a fixed weighting lacks a task, an inverse one has no history, or
   *   the history lacks a task
   */
  constructor(weighting: TaskWeighting, tasks: readonly string[], history?: Readonly<LossHistory>) {
    this.weighting = weighting;
    this.tasks = [...tasks];
    switch (weighting.kind) {
      case "equal":
        this.#constant = tasks.map(() => 1);
        break;
      case "fixed":
        this.#constant = tasks.map((t) => {
          const w = weighting.lambdas[t];
          if (typeof w !== "number") throw new UsageError(`no fixed loss weight for task '${t}'`);
          return w;
        });
        break;
      case "inverse":
        if (!history) throw new UsageError(`the inverse task weighting needs ${weighting.history} read`);
        this.#constant = inverseLossWeights(history, tasks, weighting.mode);
        break;
      default:
        this.#constant = null;
    }
  }

  /** A weighter for `tasks` that first reads the history file of an `inverse` weighting. */
  static async load(weighting: TaskWeighting, tasks: readonly string[]): Promise<TaskWeighter> {
    const history = weighting.kind === "inverse" ? await readLossHistory(weighting.history) : undefined;
    return new TaskWeighter(weighting, tasks, history);
  }

  /**
   * The weights for epoch `epoch` (0-based), one per task, or null for `kendall` (learned by the
   * native core).
   *
   * @param epoch the epoch about to start
   * @param trainLossHistory per-task training losses of the finished epochs, `[epoch][task]`; rows
   *   from `epoch` on are ignored (only `dwa` reads it)
   * @throws {RangeError} for `dwa` when fewer than `epoch` rows are given or a row has the wrong length
   */
  weights(epoch: number, trainLossHistory: readonly (readonly number[])[]): number[] | null {
    const w = this.weighting;
    if (w.kind === "kendall") return null;
    if (w.kind !== "dwa") return [...this.#constant!];
    if (trainLossHistory.length < epoch) {
      throw new RangeError(
        `TaskWeighter: epoch ${epoch} but only ${trainLossHistory.length} epochs of losses`,
      );
    }
    return dwaWeights(trainLossHistory.slice(0, epoch), this.tasks.length, w.temperature);
  }
}
