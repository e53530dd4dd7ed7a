/**
 * Parsing the `--split` flag of `keiro glm train`.
 * @module
 */

import { UsageError } from "../../errors.ts";

/** Nodes per class in the train and validation sets of a stratified split; the rest are test. */
export interface SplitSizes {
  /** Training nodes per class (at least 1). */
  trainPerClass: number;
  /** Validation nodes per class (0 or more). */
  valPerClass: number;
}

/**
 * Parses `"TRAIN:VAL"` (nodes per class, e.g. `"10:20"`) into {@link SplitSizes}. Spaces around the
 * numbers are allowed; anything else (missing part, sign, fraction, train 0) is a {@link UsageError}.
 */
export function parseSplit(text: string): SplitSizes {
  const m = /^\s*(\d+)\s*:\s*(\d+)\s*$/.exec(text);
  if (!m) throw new UsageError(`--split must be TRAIN:VAL nodes per class, e.g. 10:20 (got '${text}')`);
  const trainPerClass = Number(m[1]), valPerClass = Number(m[2]);
  if (trainPerClass < 1) {
    throw new UsageError(`--split needs at least 1 training node per class (got '${text}')`);
  }
  if (!Number.isSafeInteger(trainPerClass) || !Number.isSafeInteger(valPerClass)) {
    throw new UsageError(`--split numbers are too large (got '${text}')`);
  }
  return { trainPerClass, valPerClass };
}
