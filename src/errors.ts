/**
 * keiro's error types. The CLI maps {@link UsageError} and {@link InputError} to exit code 2 and
 * every other error to exit code 1, printing only the message.
 * @module
 */

/** The longest message kept whole (in UTF-16 units); a longer one keeps its start and its end. */
export const MAX_MESSAGE_LENGTH = 600;

/** `i` moved back off the second half of a surrogate pair. */
function _boundary(s: string, i: number): number {
  const c = s.charCodeAt(i);
  return c >= 0xdc00 && c <= 0xdfff ? i - 1 : i;
}

/**
 * `message` on one line (line breaks written as `\n`) and at most about
 * {@link MAX_MESSAGE_LENGTH} long: a longer one (a message that quotes a huge value of a damaged
 * file) keeps its start and end around `… (N characters cut) …`.
 */
function _oneLine(message: string): string {
  const line = message.replace(/\r\n|[\r\n\u2028\u2029]/g, "\\n");
  if (line.length <= MAX_MESSAGE_LENGTH) return line;
  const head = _boundary(line, 400), tail = _boundary(line, line.length - 160);
  return `${line.slice(0, head)} … (${tail - head} characters cut) … ${line.slice(tail)}`;
}

/**
 * Base class of every error keiro raises on purpose. Its message is one line of bounded length,
 * whatever the input it quotes.
 */
export class KeiroError extends Error {
  override name = "KeiroError";
  constructor(message: string) {
    super(_oneLine(message));
  }
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
