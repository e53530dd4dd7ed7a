/**
 * The multi-task performance change Δp against single-task baselines.
 * @module
 */

import { InputError } from "../errors.ts";

/** One task's entry of {@link DeltaP}. */
export interface DeltaPTask {
  /** Task name. */
  task: string;
  /** Metric of the single-task model, M_st. */
  single: number;
  /** Metric of the multi-task model, M_mt. */
  multi: number;
  /** Relative improvement in percent, 100·(M_st − M_mt)/M_st (sign flipped when higher is better). */
  relative: number;
  /** The multi-task model is worse than the single-task one on this task. */
  negativeTransfer: boolean;
}

/** The result of {@link deltaP}. */
export interface DeltaP {
  /** Δp in percent; positive = the multi-task model is better on average. */
  deltaP: number;
  /** Per task, in the order of the single-task metrics' keys. */
  perTask: DeltaPTask[];
}

/**
 * Multi-task Δp (Maninis et al. 2019; Vandenhende et al. 2021), the mean relative improvement of the
 * multi-task model over the single-task models, in percent. For lower-is-better metrics (MAE, RMSE):
 *
 *   Δp = (100/T) · Σ_t (M_st,t − M_mt,t) / M_st,t
 *
 * and for the tasks listed in `higherIsBetter` (R²) the term's sign is flipped,
 * (M_mt,t − M_st,t) / |M_st,t|. Positive = multi-task better; a task whose term is negative shows
 * negative transfer.
 *
 * @param single the single-task metric per task (defines the tasks and their order)
 * @param multi the multi-task metric of the same tasks
 * @param options `higherIsBetter`: tasks whose metric is better when larger
 * @throws {InputError} naming the task when it is missing from `multi` (or `multi` has an extra
 *   one), a metric is not finite, or a single-task metric is 0 (Δp undefined)
 */
export function deltaP(
  single: Readonly<Record<string, number>>,
  multi: Readonly<Record<string, number>>,
  options: { higherIsBetter?: readonly string[] } = {},
): DeltaP {
  const tasks = Object.keys(single);
  for (const t of Object.keys(multi)) {
    if (!Object.hasOwn(single, t)) throw new InputError(`task '${t}' has no single-task metric`, 0, t);
  }
  if (tasks.length === 0) throw new InputError("deltaP needs at least one task");
  const perTask = tasks.map((task): DeltaPTask => {
    if (!Object.hasOwn(multi, task)) {
      throw new InputError(`task '${task}' has no multi-task metric`, 0, task);
    }
    const s = single[task], m = multi[task];
    if (!Number.isFinite(s) || !Number.isFinite(m)) {
      throw new InputError(`task '${task}': metrics must be finite, got ${s} and ${m}`, 0, task);
    }
    if (s === 0) {
      throw new InputError(`task '${task}': the single-task metric is 0, Δp is undefined`, 0, task);
    }
    const sign = options.higherIsBetter?.includes(task) ? -1 : 1;
    const relative = 100 * sign * (s - m) / Math.abs(s);
    return { task, single: s, multi: m, relative, negativeTransfer: sign * (m - s) > 0 };
  });
  return { deltaP: perTask.reduce((a, p) => a + p.relative, 0) / perTask.length, perTask };
}
