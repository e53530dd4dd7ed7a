/**
 * Routing instances with a trained model directory, as `keiro route` and the `--model` option of
 * `keiro compare` / `keiro eval` do: DESIGN.md solution records, method `keiro` (greedy decode) or
 * `keiro-best<N>` (best of the greedy decode and N − 1 samples).
 * @module
 */

import { join } from "node:path";
import type { Dataset } from "../te/dataset.ts";
import { UsageError } from "../errors.ts";
import { checkShapes } from "./check_shapes.ts";
import { type EvalSampling, evalSampling } from "./eval_sampling.ts";
import { readSampling } from "./tune_sampling.ts";
import type { HybridConfig } from "./config.ts";
import { HybridModel, MODEL_FILES } from "./model.ts";

/** Decoding options; omitted ones come from the checkpoint's tuned sampling (`eval_sampling.json`),
 * else the run's config (eval_temperature, else sampling_temperature; eval_top_p). */
export interface ModelRouteOptions {
  /** Best-of-N; 1 (the default) = greedy decode. */
  samples?: number;
  temperature?: number;
  top_p?: number;
  seed?: number;
  /** Instances per native call (and per `time_ms` measurement). Default 64. */
  batch?: number;
  /** Method name written in the records (default {@link modelMethod}). */
  method?: string;
}

/** A model opened from a directory. */
export interface OpenedModel {
  model: HybridModel;
  /** The checkpoint directory used. */
  dir: string;
  /** The run's config when the directory has one. */
  config?: HybridConfig;
  /** The checkpoint's tuned best-of-N sampling, if it has one. */
  tuned?: EvalSampling;
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

/** Opens `dir`: a run directory (its `best/`, else `last/`) or a checkpoint directory. */
export async function openModel(dir: string): Promise<OpenedModel> {
  for (const d of [join(dir, "best"), join(dir, "last"), dir]) {
    if (await _isFile(join(d, MODEL_FILES.config))) {
      const tuned = (await readSampling(d))?.chosen;
      return { model: await HybridModel.load(d), dir: d, config: await _readConfig([d, dir]), tuned };
    }
  }
  throw new UsageError(
    `--model ${dir}: not a keiro run or checkpoint directory (no best/, last/ or ${MODEL_FILES.config})`,
  );
}

/** The method name of a decode with `samples`. */
export function modelMethod(samples: number): string {
  return samples > 1 ? `keiro-best${samples}` : "keiro";
}

/**
 * Routes every instance of `ds` (parsed from JSONL `text`, read from `source`); returns JSONL
 * solutions in instance order. Instances of another size than the model's are an InputError
 * naming the line. `time_ms` is the wall time of the instance's native call divided by the
 * instances in it.
 */
export async function routeWithModel(
  opened: OpenedModel,
  ds: Dataset,
  text: string,
  source: string,
  opts: ModelRouteOptions = {},
): Promise<string> {
  const { model, config, tuned } = opened;
  checkShapes(text, model.config.num_nodes, model.config.num_commodities, source);
  const ids = text.split("\n").filter((l) => l.trim() !== "").map((l) =>
    (JSON.parse(l) as { id?: unknown }).id
  );
  const samples = opts.samples ?? 1;
  const method = opts.method ?? modelMethod(samples);
  const batch = opts.batch ?? 64;
  const sampling = tuned ?? evalSampling(config);
  let outText = "";
  for (let start = 0; start < ds.length; start += batch) {
    const indices = Array.from({ length: Math.min(batch, ds.length - start) }, (_, i) => start + i);
    const t0 = performance.now();
    const routed = await model.route(ds, {
      indices,
      samples,
      greedy: samples <= 1,
      temperature: opts.temperature ?? sampling.temperature,
      top_p: opts.top_p ?? sampling.top_p,
      seed: (opts.seed ?? 0) + start,
      batch,
    });
    const ms = (performance.now() - t0) / indices.length;
    routed.forEach((r, i) => {
      const id = ids[indices[i]];
      outText += JSON.stringify({
        ...(id === undefined ? {} : { id }),
        method,
        mlu: r.mlu,
        complete: r.complete,
        paths: r.paths,
        time_ms: ms,
      }) + "\n";
    });
  }
  return outText;
}
