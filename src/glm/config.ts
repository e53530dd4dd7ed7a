/**
 * The configuration of a graph learning module run (`keiro glm train --config`).
 *
 * The config is a JSON object passed through to the native core, which validates it (an unknown
 * key is a usage error naming the key) and fills in every default; the front end does not
 * duplicate the defaults. Keys starting with `_` are comments and are dropped at every depth.
 * Command-line flags are overlaid on the file: `--graph`, `--layer`, `--hidden`, `--dropout`,
 * `--lr`, `--knn-k` set the top-level keys, `--k` and `--sparsify` set `glm.k` and
 * `glm.sparsify`. docs/glm.md lists the keys.
 * @module
 */

import { UsageError } from "../errors.ts";
import { readConfigText } from "../read_text.ts";

/** Graph modes: the input graph, a cosine kNN graph of the features, the learned graph, the input
 * graph mixed with the learned one, or no graph (an MLP). */
export const GRAPH_MODES = ["input", "knn", "learned", "input+learned", "none"] as const;

/** One of {@link GRAPH_MODES}. */
export type GraphMode = typeof GRAPH_MODES[number];

/** A GLM config as sent to the native core: the user's keys only (the native side resolves it). */
export type GlmConfig = Record<string, unknown>;

/** Flag overrides of {@link loadGlmConfig}; undefined values are left out. */
export interface GlmOverrides {
  /** `graph`. */
  graph?: string;
  /** `layer` (`gcn`, `gat` or `appnp`). */
  layer?: string;
  /** `hidden`. */
  hidden?: number;
  /** `dropout`. */
  dropout?: number;
  /** `lr`. */
  lr?: number;
  /** `knn_k`. */
  knnK?: number;
  /** `glm.k`. */
  k?: number;
  /** `glm.sparsify`. */
  sparsify?: string;
}

function _isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

/** The deepest nesting a config file may have (the keys go two levels deep). */
const _MAX_NESTING = 32;

/**
 * Drops the keys starting with `_` from the parsed config `v` in place, at every depth (arrays keep
 * their elements), and returns it. Iterative, so that a deeply nested (damaged) file cannot overflow
 * the stack.
 * @throws {UsageError} naming `source` when the config is nested deeper than {@link _MAX_NESTING}
 */
function _strip(v: unknown, source: string): unknown {
  const todo: [unknown, number][] = [[v, 0]];
  while (todo.length) {
    const [x, depth] = todo.pop()!;
    if (typeof x !== "object" || x === null) continue;
    if (depth >= _MAX_NESTING) throw new UsageError(`${source}: nested deeper than ${_MAX_NESTING} levels`);
    if (Array.isArray(x)) {
      for (const y of x) todo.push([y, depth + 1]);
      continue;
    }
    for (const k of Object.keys(x)) {
      if (k.startsWith("_")) delete (x as Record<string, unknown>)[k];
      else todo.push([(x as Record<string, unknown>)[k], depth + 1]);
    }
  }
  return v;
}

async function _readConfigFile(path: string): Promise<GlmConfig> {
  const text = await readConfigText(path);
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (e) {
    throw new UsageError(`${path}: not valid JSON: ${(e as Error).message}`);
  }
  if (!_isObject(value)) {
    throw new UsageError(
      `${path}: a GLM config must be a JSON object, got ${Array.isArray(value) ? "an array" : typeof value}`,
    );
  }
  return value;
}

/**
 * Reads the config file `path` (none: an empty config), drops `_` keys at every depth and overlays
 * the defined `overrides`. Throws a {@link UsageError} naming the file when it is missing, not
 * JSON, not a JSON object, or when `glm` is present but not an object while `--k` or `--sparsify`
 * must go into it.
 */
export async function loadGlmConfig(
  path: string | undefined,
  overrides: GlmOverrides = {},
): Promise<GlmConfig> {
  const config = (path === undefined ? {} : _strip(await _readConfigFile(path), path)) as GlmConfig;
  const top: [keyof GlmOverrides, string][] = [
    ["graph", "graph"],
    ["layer", "layer"],
    ["hidden", "hidden"],
    ["dropout", "dropout"],
    ["lr", "lr"],
    ["knnK", "knn_k"],
  ];
  for (const [flag, key] of top) if (overrides[flag] !== undefined) config[key] = overrides[flag];
  const nested: [keyof GlmOverrides, string][] = [["k", "k"], ["sparsify", "sparsify"]];
  for (const [flag, key] of nested) {
    if (overrides[flag] === undefined) continue;
    if (config.glm === undefined) config.glm = {};
    if (!_isObject(config.glm)) {
      throw new UsageError(`${path ?? "config"}: glm must be a JSON object to take --${flag}`);
    }
    config.glm[key] = overrides[flag];
  }
  return config;
}
