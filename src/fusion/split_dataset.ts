/**
 * A seeded random train / validation / test split of one crystal dataset (`keiro fuse --data … --split`).
 * @module
 */

import { UsageError } from "../errors.ts";
import { Rng } from "../rng.ts";
import type { CrystalDataset } from "../materials/crystal_dataset.ts";
import { subsetCrystalDataset } from "../materials/subset_crystal_dataset.ts";

/** Train, validation and test parts of a dataset. */
export interface DatasetSplit {
  train: CrystalDataset;
  val: CrystalDataset;
  test: CrystalDataset;
}

/** The entries `rows` of `ds`, named `<name>:<part>`. */
function _subset(ds: CrystalDataset, rows: number[], part: string): CrystalDataset {
  return subsetCrystalDataset(ds, rows, `${ds.name}:${part}`);
}

/**
 * Shuffles the entries of `ds` with `seed` (mulberry32, Fisher–Yates) and cuts them into train,
 * validation and test parts of sizes round(n·f₀/Σf), round(n·f₁/Σf) and the rest, where
 * `fractions` = [f₀, f₁, f₂] (they need not sum to 1; they are normalised). Each part keeps its
 * entries in the dataset's order. The same seed gives the same split.
 *
 * @throws {UsageError} when a fraction is negative or not finite, they sum to 0, or a part would
 *   be empty
 */
export function splitDataset(
  ds: CrystalDataset,
  fractions: readonly [number, number, number],
  seed: number,
): DatasetSplit {
  if (fractions.some((f) => !Number.isFinite(f) || f < 0) || fractions.every((f) => f === 0)) {
    throw new UsageError(`--split fractions must be finite, ≥ 0 and not all 0, got ${fractions.join(",")}`);
  }
  const n = ds.ids.length, sum = fractions[0] + fractions[1] + fractions[2];
  const nTrain = Math.round((n * fractions[0]) / sum);
  const nVal = Math.min(n - nTrain, Math.round((n * fractions[1]) / sum));
  const sizes = [nTrain, nVal, n - nTrain - nVal];
  const empty = ["train", "validation", "test"].filter((_, k) => sizes[k] === 0);
  if (empty.length > 0) {
    throw new UsageError(
      `--split ${fractions.join(",")} of ${n} entries of ${ds.name} leaves the ${empty.join(" and ")} ` +
        `part empty (sizes ${sizes.join("/")}); every part needs at least one entry`,
    );
  }
  const order = new Rng(seed).shuffle(Array.from({ length: n }, (_, i) => i));
  const part = (lo: number, hi: number) => order.slice(lo, hi).sort((a, b) => a - b);
  return {
    train: _subset(ds, part(0, nTrain), "train"),
    val: _subset(ds, part(nTrain, nTrain + nVal), "val"),
    test: _subset(ds, part(nTrain + nVal, n), "test"),
  };
}
