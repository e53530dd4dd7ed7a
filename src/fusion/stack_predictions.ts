/**
 * Stacking (`--mode stack`): a ridge meta-model over the base models' predictions, fit on rows the
 * base models did not train on (the validation rows) and cross-fitted there, so that no row's stacked
 * prediction comes from a meta-model fit on that row.
 * @module
 */

import { l1Loss } from "../losses/l1_loss.ts";
import { fitRidge, predictRidge, type RidgeModel } from "./fit_ridge.ts";
import { kFolds } from "./k_folds.ts";

/** Folds of the cross-fitting. */
export const STACK_FOLDS = 5;
/** Ridge penalties tried (unit-free, {@link fitRidge}); the one with the lowest cross-fitted MAE wins. */
export const STACK_LAMBDAS: readonly number[] = [0, 0.001, 0.01, 0.1, 1];

/** Options of {@link stackPredictions}. */
export interface StackOptions {
  /** Folds (default {@link STACK_FOLDS}; fewer when there are fewer fit rows). */
  folds?: number;
  /** Seed of the fold assignment. */
  seed: number;
  /** Penalties tried (default {@link STACK_LAMBDAS}). */
  lambdas?: readonly number[];
}

/** What {@link stackPredictions} returns. */
export interface Stacked {
  /** A prediction for every row: out-of-fold on the fit rows, the full meta-model elsewhere. */
  predictions: Float64Array;
  /** The meta-model fit on every fit row with the chosen penalty (it predicts the other rows). */
  model: RidgeModel;
  /** The chosen penalty. */
  lambda: number;
  /** Cross-fitted MAE of each penalty tried, in the order of `lambdas`. */
  cvMae: number[];
  /** Fold of each fit row, in the order of `fitRows`. */
  folds: number[];
}

/**
 * Stacks the base predictions `bases` (each over every row) into one prediction per row with a
 * ridge meta-model fit to `y` on `fitRows` (rows with a finite `y` the base models did not train on).
 * For each penalty, every fit row is predicted by a ridge fit on the other folds; the penalty with
 * the lowest cross-fitted MAE is kept, its out-of-fold predictions are the fit rows' predictions, and
 * a ridge fit on every fit row predicts the rest.
 * @throws {RangeError} with fewer than two fit rows
 */
export function stackPredictions(
  bases: readonly ArrayLike<number>[],
  y: ArrayLike<number>,
  fitRows: readonly number[],
  o: StackOptions,
): Stacked {
  const n = fitRows.length;
  if (n < 2) throw new RangeError(`stacking needs at least 2 rows to cross-fit, got ${n}`);
  const k = Math.min(o.folds ?? STACK_FOLDS, n);
  const folds = kFolds(n, k, o.seed);
  const lambdas = o.lambdas ?? STACK_LAMBDAS;
  const truth = Float64Array.from(fitRows, (r) => y[r]);
  let best = { lambda: lambdas[0], oof: new Float64Array(n), mae: Infinity };
  const cvMae: number[] = [];
  for (const lambda of lambdas) {
    const oof = new Float64Array(n);
    for (let f = 0; f < k; f++) {
      const model = fitRidge(bases, y, fitRows.filter((_, i) => folds[i] !== f), lambda);
      fitRows.forEach((r, i) => folds[i] === f && (oof[i] = predictRidge(model, bases, r)));
    }
    const mae = l1Loss(oof, truth);
    cvMae.push(mae);
    if (mae < best.mae) best = { lambda, oof, mae };
  }
  const model = fitRidge(bases, y, fitRows, best.lambda);
  const rows = bases.length > 0 ? bases[0].length : y.length;
  const predictions = Float64Array.from({ length: rows }, (_, r) => predictRidge(model, bases, r));
  fitRows.forEach((r, i) => predictions[r] = best.oof[i]);
  return { predictions, model, lambda: best.lambda, cvMae, folds };
}
