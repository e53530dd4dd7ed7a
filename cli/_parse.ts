/**
 * Flag value parsers shared by the subcommands; they throw commander's InvalidArgumentError so a
 * bad value is a usage error (exit 2) that names the flag.
 * @module
 */

import { InvalidArgumentError } from "commander";
import { UsageError } from "../src/errors.ts";
import { type Limits, limits } from "../src/limits.ts";

/** A non-negative integer. */
export function intArg(v: string): number {
  const n = Number(v);
  if (!/^\d+$/.test(v.trim()) || !Number.isSafeInteger(n)) {
    throw new InvalidArgumentError(`expected a non-negative integer, got ${JSON.stringify(v)}`);
  }
  return n;
}

/** A positive integer. */
export function positiveIntArg(v: string): number {
  const n = intArg(v);
  if (n < 1) throw new InvalidArgumentError(`expected a positive integer, got ${JSON.stringify(v)}`);
  return n;
}

/**
 * An integer from `min` to the native core's bound `bound` (docs/limits.md), so that a slip such
 * as `1e12` for `1e2` is refused before any work.
 */
export function boundedIntArg(
  min: number,
  bound: keyof Omit<Limits, "min_temperature">,
): (v: string) => number {
  return (v) => {
    const n = intArg(v), max = limits()[bound];
    if (n < min || n > max) {
      throw new InvalidArgumentError(`expected an integer in [${min}, ${max}], got ${JSON.stringify(v)}`);
    }
    return n;
  };
}

/** A sampling temperature: a number ≥ the native core's smallest (`MIN_TEMPERATURE`). */
export function temperatureArg(v: string): number {
  const n = Number(v), min = limits().min_temperature;
  if (!(n >= min && Number.isFinite(n)) || v.trim() === "") {
    throw new InvalidArgumentError(`expected a number ≥ ${min}, got ${JSON.stringify(v)}`);
  }
  return n;
}

/** A positive finite number. */
export function positiveArg(v: string): number {
  const n = Number(v);
  if (!(n > 0 && Number.isFinite(n))) {
    throw new InvalidArgumentError(`expected a positive number, got ${JSON.stringify(v)}`);
  }
  return n;
}

/** A nucleus-sampling threshold in (0, 1]. */
export function topPArg(v: string): number {
  const n = Number(v);
  if (!(n > 0 && n <= 1)) {
    throw new InvalidArgumentError(`expected a number in (0, 1], got ${JSON.stringify(v)}`);
  }
  return n;
}

/** A fraction in (0, 1). */
export function fractionArg(v: string): number {
  const f = Number(v);
  if (v.trim() === "" || !(f > 0 && f < 1)) {
    throw new InvalidArgumentError(`expected a fraction in (0, 1), got ${JSON.stringify(v)}`);
  }
  return f;
}

/** A non-negative finite number. */
export function nonNegativeArg(v: string): number {
  const n = Number(v);
  if (!(n >= 0 && Number.isFinite(n)) || v.trim() === "") {
    throw new InvalidArgumentError(`expected a non-negative number, got ${JSON.stringify(v)}`);
  }
  return n;
}

/** A range `lo:hi` of numbers. */
export function rangeArg(v: string): [number, number] {
  const m = /^\s*([^:]+):([^:]+)\s*$/.exec(v);
  const lo = Number(m?.[1]), hi = Number(m?.[2]);
  if (!m || !Number.isFinite(lo) || !Number.isFinite(hi) || hi < lo) {
    throw new InvalidArgumentError(`expected lo:hi with lo ≤ hi, got ${JSON.stringify(v)}`);
  }
  return [lo, hi];
}

/** A range `i:j` of non-negative integers. */
export function intRangeArg(v: string): [number, number] {
  const [lo, hi] = rangeArg(v);
  if (!Number.isSafeInteger(lo) || !Number.isSafeInteger(hi) || lo < 0) {
    throw new InvalidArgumentError(`expected non-negative integers i:j, got ${JSON.stringify(v)}`);
  }
  return [lo, hi];
}

/** One of `choices`. */
export function choiceArg<T extends string>(choices: readonly T[]): (v: string) => T {
  return (v) => {
    if (!choices.includes(v as T)) {
      throw new InvalidArgumentError(`expected one of ${choices.join(", ")}, got ${JSON.stringify(v)}`);
    }
    return v as T;
  };
}

/** What {@link rejectUnused} needs of a parsed commander `Command` (any of its typed variants). */
export interface ParsedCommand {
  getOptionValueSource(key: string): string | undefined;
  readonly options: readonly { attributeName(): string; long?: string }[];
}

/**
 * Rejects option `name` (its attribute name, e.g. `edgeLoads`) when it was given on the command
 * line but has no effect (`applies` false): a usage error naming the flag, then `why`.
 */
export function rejectUnused(cmd: ParsedCommand, name: string, applies: boolean, why: string): void {
  if (applies || cmd.getOptionValueSource(name) !== "cli") return;
  const flag = cmd.options.find((f) => f.attributeName() === name)?.long ?? name;
  throw new UsageError(`${flag} ${why}`);
}
