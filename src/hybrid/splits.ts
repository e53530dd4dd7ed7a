/**
 * The splits of a training run's data.
 * @module
 */

/** The splits, in the order they are prepared. */
export const SPLITS = ["train", "val", "test"] as const;

/** A split's name. */
export type Split = typeof SPLITS[number];
