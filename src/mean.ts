/**
 * The arithmetic mean.
 * @module
 */

/** The arithmetic mean of `xs` (NaN when empty). */
export function mean(xs: readonly number[]): number {
  return xs.reduce((a, b) => a + b, 0) / xs.length;
}
