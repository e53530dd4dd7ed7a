"use strict";
/**
 * A trained hybrid model opened from a directory, routing instances as `keiro route` does.
 * @module
 */

const { existsSync, readFileSync } = require("node:fs");
const { join } = require("node:path");
const { addon, unpack } = require("./addon.js");
const { call, withDataset } = require("./dataset.js");
const { KeiroInputError, KeiroUsageError } = require("./errors.js");

/** Registered models whose native object the finalizer frees when JavaScript drops them unclosed
 * (the addon's own finalizer frees it too; this one just does it sooner). */
const _registry = new FinalizationRegistry((object) => object.close());

function _readJson(path) {
  try {
    return JSON.parse(readFileSync(path, "utf8"));
  } catch (e) {
    throw new KeiroUsageError(`${path}: ${e.message}`);
  }
}

/**
 * Best-of-N sampling as `keiro route` defaults it: the checkpoint's tuned `eval_sampling.json`,
 * else the run's config (`eval_temperature`, else `sampling_temperature`; `eval_top_p`), else 1
 * and 0.9.
 */
function _sampling(checkpoint, run) {
  const tuned = join(checkpoint, "eval_sampling.json");
  if (existsSync(tuned)) return _readJson(tuned).chosen;
  const cfgPath = [join(checkpoint, "config.json"), join(run, "config.json")].find(existsSync);
  const cfg = cfgPath ? _readJson(cfgPath) : {};
  return { temperature: cfg.eval_temperature ?? cfg.sampling_temperature ?? 1, top_p: cfg.eval_top_p ?? 0.9 };
}

/** A trained keiro model (a native hybrid model): close it when done. */
class Model {
  #object;

  /** @private */
  constructor(object, dir, config, sampling) {
    this.#object = object;
    /** The checkpoint directory opened. */
    this.dir = dir;
    /** The model config (`model.json`). */
    this.config = config;
    /** The default best-of-N sampling `{temperature, top_p}`. */
    this.sampling = sampling;
    _registry.register(this, object, this);
  }

  /**
   * Opens `dir`: a run directory of `keiro train` (its `best/`, else `last/`) or a checkpoint
   * directory, on the CPU.
   * @param {string} dir
   * @returns {Promise<Model>}
   */
  static async load(dir) {
    const checkpoint = [join(dir, "best"), join(dir, "last"), dir].find((d) => existsSync(join(d, "model.json")));
    if (!checkpoint) {
      throw new KeiroUsageError(`${dir}: not a keiro run or checkpoint directory (no best/, last/ or model.json)`);
    }
    const config = _readJson(join(checkpoint, "model.json"));
    const weights = join(checkpoint, "weights.safetensors");
    if (!existsSync(weights)) throw new KeiroUsageError(`${checkpoint}: no weights.safetensors`);
    const req = { kind: "load", config, weights, optimizer: null, device: "cpu" };
    const reply = await addon().open("hybrid", JSON.stringify(req), "");
    unpack(reply);
    return new Model(reply.object, checkpoint, config, _sampling(checkpoint, dir));
  }

  /**
   * Routes every instance: one solution record per instance, in order, method `keiro` (greedy
   * decode, `samples` 1) or `keiro-best<N>` (the greedy decode and N − 1 samples).
   * @param {object[] | string} instances
   * @param {{samples?: number, seed?: number, temperature?: number, topP?: number}} [options]
   * @returns {Promise<object[]>}
   */
  route(instances, options = {}) {
    const samples = options.samples ?? 1;
    const req = {
      kind: "route",
      samples,
      temperature: options.temperature ?? this.sampling.temperature,
      top_p: options.topP ?? this.sampling.top_p,
      seed: options.seed,
      method: samples > 1 ? `keiro-best${samples}` : "keiro",
    };
    return withDataset(instances, async (ds) => {
      this.#checkShapes(JSON.parse(await call(ds, { kind: "shapes" })));
      return JSON.parse(await call(this.#object, req, "", ds));
    });
  }

  /** Instances of another size than the model's are input errors naming the line and the field. */
  #checkShapes(shapes) {
    const want = { nodes: this.config.num_nodes, commodities: this.config.num_commodities };
    for (const s of shapes) {
      for (const field of ["nodes", "commodities"]) {
        if (s[field] !== want[field]) {
          throw new KeiroInputError(
            `line ${s.line}: ${field}: the model routes instances with ${want[field]} ${field}, got ${s[field]}`,
            s.line,
            field,
          );
        }
      }
    }
  }

  /** Frees the native model; later calls are usage errors ("model handle is closed"). */
  close() {
    _registry.unregister(this);
    this.#object.close();
  }
}

module.exports = { Model };
