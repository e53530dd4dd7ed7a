"use strict";
/**
 * JSON Lines in and out: instances and solutions cross to the core as the CLI's JSONL.
 * @module
 */

const { KeiroUsageError } = require("./errors.js");

/**
 * JSONL text of `records`: an array of objects (one line each) or JSONL text as is.
 * @param {object[] | string} records
 * @param {string} what what the records are, for the error
 * @returns {string}
 */
function toJsonl(records, what) {
  if (typeof records === "string") return records;
  if (!Array.isArray(records)) throw new KeiroUsageError(`${what} must be an array of objects or JSONL text`);
  return records.map((r) => JSON.stringify(r) + "\n").join("");
}

/**
 * The objects of JSONL `text`.
 * @param {string} text
 * @returns {object[]}
 */
function fromJsonl(text) {
  return text.split("\n").filter((l) => l !== "").map((l) => JSON.parse(l));
}

module.exports = { toJsonl, fromJsonl };
