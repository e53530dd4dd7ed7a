/**
 * Phase-1 imitation targets: which MLU-optimal routing of each training instance the model imitates.
 * @module
 */

import { solveEach } from "../te/solve_each.ts";
import type { HybridConfig } from "./config.ts";
import type { LabelledSet } from "./labelled_set.ts";

/** Where phase-1 targets come from (`label_paths` in the config). */
export type LabelPaths = HybridConfig["label_paths"];

/** The imitation targets of a training set. */
export interface ImitationTargets {
  /** `paths[instance][commodity]` (node sequences). */
  paths: number[][][];
  /** Instances whose target is the sequential greedy routing. */
  greedy: number;
}

/** Relative MLU slack under which the greedy routing counts as optimal. */
const _TOL = 1e-6;

/**
 * `milp`: the canonical MILP paths. `greedy_if_optimal`: the sequential greedy routing wherever its
 * MLU matches the MILP label's (within `_TOL`, relative), else the MILP paths. MLU-optimal routings
 * are far from unique, and the MILP's choice for the commodities off the bottleneck depends on the
 * optimum MLU, which a sequential policy cannot see when it routes them; the greedy routing is the
 * optimum a commodity-by-commodity rule on the current loads reaches.
 */
export async function imitationTargets(
  train: LabelledSet,
  source: LabelPaths,
  threads: number,
): Promise<ImitationTargets> {
  const paths = train.labels.map((l) => l.paths);
  if (source === "milp") return { paths, greedy: 0 };
  let i = 0, greedy = 0;
  for await (const s of solveEach(train.ds, { method: "greedy", threads })) {
    if (s.mlu <= train.labels[i].mlu * (1 + _TOL) + _TOL) {
      paths[i] = s.paths;
      greedy++;
    }
    i++;
  }
  return { paths, greedy };
}
