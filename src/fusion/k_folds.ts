/**
 * Seeded k-fold assignment: the folds of `keiro fuse cv` and of the stacking meta-model's
 * cross-fitting.
 * @module
 */

import { Rng } from "../rng.ts";

/**
 * Fold ids 0..k−1 for `n` items: a seeded shuffle (mulberry32, Fisher–Yates) dealt round-robin, so
 * fold sizes differ by at most one and the same seed gives the same folds.
 * @throws {RangeError} unless 1 ≤ k ≤ n
 */
export function kFolds(n: number, k: number, seed: number): number[] {
  if (!Number.isInteger(k) || k < 1 || k > n) throw new RangeError(`kFolds: ${k} folds of ${n} items`);
  const order = new Rng(seed).shuffle(Array.from({ length: n }, (_, i) => i));
  const fold = new Array<number>(n);
  order.forEach((item, pos) => fold[item] = pos % k);
  return fold;
}
