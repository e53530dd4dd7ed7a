/**
 * The train, validation and test crystals of a `keiro fuse` run: three datasets, or one dataset
 * split at random ({@link splitDataset}), with the validation set optionally cut short.
 * @module
 */

import { UsageError } from "../errors.ts";
import type { CrystalDataset } from "../materials/crystal_dataset.ts";
import { loadCrystalDataset, type LoadCrystalDatasetOptions } from "../materials/load_crystal_dataset.ts";
import { subsetCrystalDataset } from "../materials/subset_crystal_dataset.ts";
import { type DatasetSplit, splitDataset } from "./split_dataset.ts";

/** The split of `data` when none is given: train, validation, test fractions. */
export const DEFAULT_SPLIT: readonly [number, number, number] = [0.6, 0.2, 0.2];

/** Where the crystals come from (the flags of `keiro fuse`). */
export interface FusionSetsOptions {
  /** Training set (CSV, directory with id_prop.csv, or JSONL); with `val` and `test`. */
  train?: string;
  /** Validation set. */
  val?: string;
  /** Test set. */
  test?: string;
  /** One dataset split by `split` instead of `train`, `val` and `test`. */
  data?: string;
  /** With `data`: train, validation, test fractions (default {@link DEFAULT_SPLIT}). */
  split?: [number, number, number];
  /** With `data`: seed of the random split. */
  splitSeed: number;
  /** Dataset form (default: by path). */
  format?: "csv" | "dir" | "jsonl";
  /** CSV/JSONL column holding the structure. */
  structureColumn?: string;
  /** CSV/JSONL id column. */
  idColumn?: string;
  /** Use only the first `valLimit` validation crystals. */
  valLimit?: number;
}

/**
 * Loads the sets of `o` with the target columns `targets`.
 * @throws {UsageError} for a missing or conflicting source, a split without `data`, or no target
 *   (naming the dataset's numeric columns)
 */
export async function loadFusionSets(o: FusionSetsOptions, targets: string[]): Promise<DatasetSplit> {
  const opts: LoadCrystalDatasetOptions = {
    format: o.format,
    structureColumn: o.structureColumn,
    idColumn: o.idColumn,
    targets: targets.length > 0 ? targets : undefined,
  };
  const given = (["train", "val", "test"] as const).filter((k) => o[k] !== undefined);
  let sets: DatasetSplit;
  if (o.data !== undefined) {
    if (given.length > 0) throw new UsageError(`--data excludes --${given.join(", --")}`);
    const ds = await loadCrystalDataset(o.data, opts);
    if (targets.length === 0) throw _noTarget(ds);
    sets = splitDataset(ds, o.split ?? DEFAULT_SPLIT, o.splitSeed);
  } else {
    if (o.split !== undefined) throw new UsageError("--split needs --data");
    if (given.length < 3) {
      throw new UsageError(
        given.length === 0
          ? "give the data: --train <path> --val <path> --test <path>, or --data <path> --split 0.6,0.2,0.2"
          : `--train, --val and --test go together; missing --${
            ["train", "val", "test"].filter((k) => !given.includes(k as "train")).join(", --")
          }`,
      );
    }
    const train = await loadCrystalDataset(o.train!, opts);
    if (targets.length === 0) throw _noTarget(train);
    sets = {
      train,
      val: await loadCrystalDataset(o.val!, opts),
      test: await loadCrystalDataset(o.test!, opts),
    };
  }
  if (o.valLimit !== undefined && o.valLimit < sets.val.ids.length) {
    sets.val = subsetCrystalDataset(sets.val, Array.from({ length: o.valLimit }, (_, i) => i), sets.val.name);
  }
  return sets;
}

function _noTarget(ds: CrystalDataset): UsageError {
  const cols = Object.keys(ds.targets);
  return new UsageError(
    `give at least one --target; ${ds.name} has the numeric columns ${cols.join(", ") || "(none)"}`,
  );
}
