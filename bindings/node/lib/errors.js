"use strict";
/**
 * The errors the binding raises, mirroring keiro's (src/errors.ts): the CLI exits with code 2 on
 * {@link KeiroUsageError} and {@link KeiroInputError}, 1 on the others.
 * @module
 */

/** Base class of every error keiro raises on purpose. */
class KeiroError extends Error {
  /** @param {string} message */
  constructor(message) {
    super(message);
    this.name = new.target.name;
  }
}

/** Bad options or a bad call (a closed object, an unknown method). */
class KeiroUsageError extends KeiroError {}

/** Invalid input data; the message names the line (1-based instance number) and the field. */
class KeiroInputError extends KeiroError {
  /**
   * @param {string} message
   * @param {number} line 1-based instance (or record) number; 0 = not line based
   * @param {string} field the offending field, e.g. `commodities[0].demand`
   */
  constructor(message, line = 0, field = "") {
    super(message);
    this.line = line;
    this.field = field;
  }
}

/** The addon is missing, or the core failed (solver failure, tensor error, caught panic). */
class KeiroNativeError extends KeiroError {}

module.exports = { KeiroError, KeiroUsageError, KeiroInputError, KeiroNativeError };
