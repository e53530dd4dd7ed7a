"use strict";
/**
 * keiro for Node.js: the Rust core's TE generator, solvers, evaluator and trained-model routing,
 * through the same requests as the Deno CLI (see README.md). Instances and solutions are the CLI's
 * JSON objects; every call returns a promise and runs off the event loop.
 * @module
 */

const { generate, solve, evaluate } = require("./lib/te.js");
const { Model } = require("./lib/model.js");
const errors = require("./lib/errors.js");

module.exports = { generate, solve, evaluate, Model, ...errors };
