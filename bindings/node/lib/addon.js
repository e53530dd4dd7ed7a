"use strict";
/**
 * The one module that loads the native addon (`keiro.node`, built by `scripts/install.sh`) and
 * turns its replies into results or errors, as src/native.ts does for Deno.
 * @module
 */

const { existsSync } = require("node:fs");
const { join } = require("node:path");
const { KeiroInputError, KeiroNativeError, KeiroUsageError } = require("./errors.js");

/** Where the addon is: `$KEIRO_NODE_ADDON`, else `bindings/node/keiro.node`. */
const ADDON_PATH = process.env.KEIRO_NODE_ADDON || join(__dirname, "..", "keiro.node");

let _addon;

/** Loads (once) and returns the addon. */
function addon() {
  if (_addon) return _addon;
  if (!existsSync(ADDON_PATH)) {
    throw new KeiroNativeError(
      `keiro's Node addon is not built (no ${ADDON_PATH}); build it with: bash scripts/install.sh debug`,
    );
  }
  const m = { exports: {} };
  process.dlopen(m, ADDON_PATH);
  _addon = m.exports;
  return _addon;
}

/**
 * The payload of a reply `{status, payload, object?}`, or the error it carries thrown: status 1 as
 * {@link KeiroInputError}, 2 as {@link KeiroUsageError}, solver failures and caught panics as
 * {@link KeiroNativeError}.
 * @param {{status: number, payload: string}} reply
 * @returns {string}
 */
function unpack(reply) {
  if (reply.status === 0) return reply.payload;
  const err = JSON.parse(reply.payload);
  if (reply.status === 1) throw new KeiroInputError(err.message, err.line ?? 0, err.field ?? "");
  if (reply.status === 2) throw new KeiroUsageError(err.message);
  throw new KeiroNativeError(err.message);
}

module.exports = { addon, unpack, ADDON_PATH };
