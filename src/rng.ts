/**
 * A small seedable random generator whose whole state is one JSON-safe number (so a training run
 * can save it and `--resume` continues the same stream): mulberry32.
 * @module
 */

/** mulberry32: a 32-bit state, period 2³². Enough for shuffling and drawing native seeds. */
export class Rng {
  /** The state (an unsigned 32-bit integer); assign a saved value to restore a stream. */
  state: number;

  /** A generator seeded from `seed` (any non-negative safe integer). */
  constructor(seed: number) {
    this.state = (Math.imul((seed % 0x100000000) >>> 0, 0x9e3779b1) ^ Math.floor(seed / 0x100000000)) >>> 0;
  }

  /** The next unsigned 32-bit integer. */
  u32(): number {
    this.state = (this.state + 0x6d2b79f5) >>> 0;
    let t = this.state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return (t ^ (t >>> 14)) >>> 0;
  }

  /** A uniform number in [0, 1). */
  unit(): number {
    return this.u32() / 0x100000000;
  }

  /** A uniform integer in [0, n). */
  below(n: number): number {
    return Math.floor((this.u32() / 0x100000000) * n);
  }

  /** Shuffles `xs` in place (Fisher–Yates) and returns it. */
  shuffle<T>(xs: T[]): T[] {
    for (let i = xs.length - 1; i > 0; i--) {
      const j = this.below(i + 1);
      [xs[i], xs[j]] = [xs[j], xs[i]];
    }
    return xs;
  }
}
