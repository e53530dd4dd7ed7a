/**
 * Trained models as solution sources of `keiro compare --model` and `keiro eval --model`: each
 * model routes the instances twice, greedy (`keiro`) and best-of-N (`keiro-best<N>`); with local
 * search asked, each of those decodes is also improved by it (`keiro+ls`, `keiro-best<N>+ls`, whose
 * time includes the decode's).
 * @module
 */

import { basename, resolve } from "node:path";
import type { Dataset } from "../te/dataset.ts";
import type { SolutionSource } from "../te/evaluate_solutions.ts";
import { modelMethod, openModel, routeWithModel } from "./route_with_model.ts";

/** How the models decode: N of best-of-N, and its sampling (default: each run's eval settings). */
export interface ModelSourceOptions {
  samples: number;
  /** Moves per commodity of the local search after each decode; > 0 adds `+ls` rows. */
  local_search?: number;
  temperature?: number;
  top_p?: number;
}

/**
 * Routes `ds` (read from `source`) with every model directory of `dirs`; the
 * methods are `keiro` and `keiro-best<samples>`, suffixed with `[<directory name>]` when there is
 * more than one model. The best-of-N row samples at `opts.temperature` / `opts.top_p`, else at each
 * checkpoint's tuned sampling (`keiro tune`), else its run's `eval_temperature` / `eval_top_p`.
 */
export async function modelSources(
  dirs: string[],
  ds: Dataset,
  source: string,
  opts: ModelSourceOptions,
): Promise<SolutionSource[]> {
  const { samples, temperature, top_p } = opts;
  const ls = opts.local_search ?? 0;
  const out: SolutionSource[] = [];
  for (const dir of dirs) {
    const tag = dirs.length > 1 ? `[${basename(resolve(dir))}]` : "";
    const opened = await openModel(dir);
    const after: SolutionSource[] = [];
    try {
      for (const n of samples > 1 ? [1, samples] : [1]) {
        // One decode per N: with local search, the native call returns the records before it
        // (first) and after it.
        const [method, decoded] = [modelMethod(n, ls) + tag, modelMethod(n) + tag];
        const text = await routeWithModel(opened, ds, source, {
          samples: n,
          method,
          temperature,
          top_p,
          local_search: ls,
          decode_method: ls > 0 ? decoded : undefined,
        });
        const lines = text.split("\n").filter((l) => l !== "");
        const count = ls > 0 ? lines.length / 2 : lines.length;
        out.push({ name: decoded, text: lines.slice(0, count).map((l) => l + "\n").join("") });
        if (ls > 0) after.push({ name: method, text: lines.slice(count).map((l) => l + "\n").join("") });
      }
      out.push(...after);
    } finally {
      opened.model.close();
    }
  }
  return out;
}
