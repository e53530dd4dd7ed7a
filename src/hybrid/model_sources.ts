/**
 * Trained models as solution sources of `keiro compare --model` and `keiro eval --model`: each
 * model routes the instances twice, greedy (`keiro`) and best-of-N (`keiro-best<N>`).
 * @module
 */

import { basename, resolve } from "node:path";
import type { Dataset } from "../dataset.ts";
import type { SolutionSource } from "../evaluate_solutions.ts";
import { modelMethod, openModel, routeWithModel } from "./route_with_model.ts";

/**
 * Routes `ds` (parsed from `text`, read from `source`) with every model directory of `dirs`; the
 * methods are `keiro` and `keiro-best<samples>`, suffixed with `[<directory name>]` when there is
 * more than one model.
 */
export async function modelSources(
  dirs: string[],
  ds: Dataset,
  text: string,
  source: string,
  samples: number,
): Promise<SolutionSource[]> {
  const out: SolutionSource[] = [];
  for (const dir of dirs) {
    const tag = dirs.length > 1 ? `[${basename(resolve(dir))}]` : "";
    const opened = await openModel(dir);
    try {
      for (const n of samples > 1 ? [1, samples] : [1]) {
        const method = modelMethod(n) + tag;
        out.push({
          name: method,
          text: await routeWithModel(opened, ds, text, source, { samples: n, method }),
        });
      }
    } finally {
      opened.model.close();
    }
  }
  return out;
}
