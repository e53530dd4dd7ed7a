/**
 * keiro's error types. The CLI maps {@link UsageError} and {@link InputError} to exit code 2 and
 * every other error to exit code 1, printing only the message.
 * @module
 */

/** Base class of every error keiro raises on purpose. */
export class KeiroError extends Error {
  override name = "KeiroError";
}

/** Bad flags or option values. */
export class UsageError extends KeiroError {
  override name = "UsageError";
}

/** Invalid input data; the message names the line and the field when there are any. */
export class InputError extends KeiroError {
  override name = "InputError";
  /** 1-based line of the offending record (0 = not line based). */
  line: number;
  /** Offending field, e.g. `commodities[0].demand`. */
  field: string;
  constructor(message: string, line = 0, field = "") {
    super(message);
    this.line = line;
    this.field = field;
  }
}

/** The native library is missing, stale or failed (solver failure, caught panic). */
export class NativeError extends KeiroError {
  override name = "NativeError";
}
