/**
 * Choosing the reference of a comparison (docs/design.md, "Evaluation records and summaries"): a
 * method among the solutions, or an instance key that holds a reference MLU per instance (`opt_mlu`
 * of `keiro import te --opt`, the `milp` label of a training run's data).
 * @module
 */

import type { Dataset } from "./dataset.ts";
import { InputError, UsageError } from "../errors.ts";

/** What the approximation ratios are measured against. */
export interface Reference {
  /** A method among the solutions, or the instance key that holds the reference MLUs. */
  name: string;
  /** When the reference is an instance key: each instance's MLU (null where it has none). */
  instanceMlus?: (number | null)[];
}

/** The methods tried, in order, when no reference is requested. */
const _DEFAULT_METHODS = ["milp", "lp"];
/** The instance keys tried, in order, after them. */
const _DEFAULT_KEYS = ["milp", "opt_mlu"];

/**
 * The reference named `requested` (a method of `methods` first, else an instance key), or by
 * default milp, else lp solutions, else the instances' `milp` labels, else their `opt_mlu`.
 * `source` (the instances' file) prefixes the errors of the instances' values.
 * @throws {UsageError} when `requested` is neither, or nothing can serve by default
 * @throws {InputError} naming the line of an instance whose value is not an MLU
 */
export async function chooseReference(
  ds: Dataset,
  methods: string[],
  requested?: string,
  source?: string,
): Promise<Reference> {
  const fromInstances = async (key: string): Promise<Reference | undefined> => {
    let mlus: (number | null)[];
    try {
      mlus = await ds.referenceMlus(key);
    } catch (e) {
      if (e instanceof InputError && source) throw new InputError(`${source}: ${e.message}`, e.line, e.field);
      throw e;
    }
    return mlus.some((m) => m !== null) ? { name: key, instanceMlus: mlus } : undefined;
  };
  if (requested !== undefined) {
    if (methods.includes(requested)) return { name: requested };
    const r = await fromInstances(requested);
    if (r) return r;
    throw new UsageError(
      `reference ${requested} is neither a method among the solutions (${methods.join(", ")}) nor a key ` +
        `of the instances that holds reference MLUs (like opt_mlu)`,
    );
  }
  const method = _DEFAULT_METHODS.find((m) => methods.includes(m));
  if (method) return { name: method };
  for (const key of _DEFAULT_KEYS) {
    const r = await fromInstances(key);
    if (r) return r;
  }
  throw new UsageError(
    `no reference: include milp or lp solutions, give instances that carry opt_mlu or milp labels, ` +
      `or pass --reference (have: ${methods.join(", ")})`,
  );
}
