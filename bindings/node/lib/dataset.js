"use strict";
/**
 * Instances parsed and validated by the core (a TE handle), held for the length of one call.
 * @module
 */

const { addon, unpack } = require("./addon.js");
const { toJsonl } = require("./jsonl.js");

/**
 * Runs `f(object, count)` on the native dataset of `instances` (line numbers count instances from
 * 1; `count` is their number), then frees it.
 * @template T
 * @param {object[] | string} instances
 * @param {(object: object, count: number) => Promise<T>} f
 * @returns {Promise<T>}
 */
async function withDataset(instances, f) {
  const text = toJsonl(instances, "instances");
  const reply = await addon().open("te", JSON.stringify({ kind: "parse", first_line: 1 }), text);
  const count = Number(unpack(reply));
  try {
    return await f(reply.object, count);
  } finally {
    reply.object.close();
  }
}

/**
 * Sends `request` (and `data`) to `object`, with `withObject` as the second handle when given.
 * @param {object} object
 * @param {object} request
 * @param {string} [data]
 * @param {object} [withObject]
 * @returns {Promise<string>}
 */
async function call(object, request, data = "", withObject = undefined) {
  const req = JSON.stringify(request);
  return unpack(await (withObject ? object.callWith(withObject, req, data) : object.call(req, data)));
}

module.exports = { withDataset, call };
