/**
 * Routing instances with a trained model directory, as `keiro route` and the `--model` option of
 * `keiro compare` / `keiro eval` do: the solution records the native core returns, method `keiro`
 * (greedy decode) or `keiro-best<N>` (best of the greedy decode and N − 1 samples).
 * @module
 */

import { join } from "node:path";
import type { Dataset } from "../te/dataset.ts";
import { UsageError } from "../errors.ts";
import { checkShapes } from "./check_shapes.ts";
import { type EvalSampling, evalSampling } from "./eval_sampling.ts";
import { readSampling } from "./tune_sampling.ts";
import { type HybridConfig, modelShape } from "./config.ts";
import { HybridModel, MODEL_FILES } from "./model.ts";

/** Decoding options; omitted sampling settings come from {@link OpenedModel.sampling}. */
export interface ModelRouteOptions {
  /** Best-of-N; 1 = greedy decode. */
  samples: number;
  temperature?: number;
  top_p?: number;
  /** Sampling seed (native default 0). */
  seed?: number;
  /** Local search after decoding, in rounds per commodity (default 0: none). */
  local_search?: number;
  /** Method name written in the records (default {@link modelMethod}). */
  method?: string;
  /** With `local_search`: also the records before the local search, named so, first (the native
   * request's `decode_method`). */
  decode_method?: string;
}

/** A model opened from a directory. */
export interface OpenedModel {
  model: HybridModel;
  /** The checkpoint directory used. */
  dir: string;
  /** The run's config when the directory has one. */
  config?: HybridConfig;
  /** Best-of-N sampling: the checkpoint's tuned one (`eval_sampling.json`), else the run's config
   * (eval_temperature, else sampling_temperature; eval_top_p). */
  sampling: EvalSampling;
}

async function _isFile(path: string): Promise<boolean> {
  try {
    return (await Deno.stat(path)).isFile;
  } catch {
    return false;
  }
}

async function _readConfig(dirs: string[]): Promise<HybridConfig | undefined> {
  for (const d of dirs) {
    const p = join(d, "config.json");
    if (await _isFile(p)) return JSON.parse(await Deno.readTextFile(p)) as HybridConfig;
  }
  return undefined;
}

/** Opens `dir` (a run directory, its `best/`, else `last/`, or a checkpoint directory) on `device`. */
export async function openModel(dir: string, device = "cpu"): Promise<OpenedModel> {
  for (const d of [join(dir, "best"), join(dir, "last"), dir]) {
    if (await _isFile(join(d, MODEL_FILES.config))) {
      const tuned = (await readSampling(d))?.chosen;
      const config = await _readConfig([d, dir]);
      const model = await HybridModel.load(d, { device });
      return { model, dir: d, config, sampling: tuned ?? evalSampling(config) };
    }
  }
  throw new UsageError(
    `--model ${dir}: not a keiro run or checkpoint directory (no best/, last/ or ${MODEL_FILES.config})`,
  );
}

/**
 * The method name of a decode with `samples`: `keiro` (greedy decode) or `keiro-best<N>`, with
 * `+ls` when local search follows (`localSearch` rounds per commodity > 0).
 */
export function modelMethod(samples: number, localSearch = 0): string {
  return (samples > 1 ? `keiro-best${samples}` : "keiro") + (localSearch > 0 ? "+ls" : "");
}

/**
 * Routes every instance of `ds` (read from `source`); returns the model's JSONL solution records
 * in instance order. Instances of another size than the model's are an InputError naming the
 * source and the line.
 */
export async function routeWithModel(
  opened: OpenedModel,
  ds: Dataset,
  source: string,
  opts: ModelRouteOptions,
): Promise<string> {
  const { model, sampling } = opened;
  await checkShapes(ds, modelShape(model.config), source);
  const records = await model.route(ds, {
    samples: opts.samples,
    temperature: opts.temperature ?? sampling.temperature,
    top_p: opts.top_p ?? sampling.top_p,
    seed: opts.seed,
    local_search: opts.local_search,
    method: opts.method ?? modelMethod(opts.samples, opts.local_search),
    decode_method: opts.decode_method,
  });
  return records.map((r) => JSON.stringify(r) + "\n").join("");
}
