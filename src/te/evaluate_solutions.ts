/**
 * Scoring solution streams against a dataset: records are grouped by their `method` (a stream may
 * hold several methods, one record per instance each, in instance order), each group is scored by
 * the native evaluator, and the groups are summarised against a reference method.
 * @module
 */

import type { Dataset, Evaluation } from "./dataset.ts";
import { InputError, UsageError } from "../errors.ts";
import { type MethodSummary, summarize } from "./summarize.ts";

/** A named text of JSONL solutions (a file or stdin). */
export interface SolutionSource {
  name: string;
  text: string;
}

/**
 * Scores every method found in `sources`; returns evaluations per method in first-seen order.
 * @throws {UsageError} when the sources hold no solution at all
 */
export async function evaluateSolutions(
  ds: Dataset,
  sources: SolutionSource[],
  edgeLoads = false,
): Promise<Map<string, Evaluation[]>> {
  const out = new Map<string, Evaluation[]>();
  for (const src of sources) {
    const lines = src.text.split("\n");
    const methodOf = lines.map((l, i) => {
      if (l.trim() === "") return undefined;
      try {
        const m = (JSON.parse(l) as { method?: unknown }).method;
        return typeof m === "string" ? m : src.name;
      } catch (e) {
        throw new InputError(
          `${src.name}: line ${i + 1}: solution is not valid JSON: ${(e as Error).message}`,
          i + 1,
          "solution",
        );
      }
    });
    for (const method of new Set(methodOf.filter((m): m is string => m !== undefined))) {
      if (out.has(method)) throw new UsageError(`method ${method} appears in more than one input`);
      // blank the other methods' lines so that error line numbers stay those of the file
      const text = lines.map((l, i) => (methodOf[i] === method ? l : "")).join("\n");
      try {
        out.set(method, await ds.evaluate(text, { edge_loads: edgeLoads }));
      } catch (e) {
        if (e instanceof InputError) throw new InputError(`${src.name}: ${e.message}`, e.line, e.field);
        throw e;
      }
    }
  }
  if (out.size === 0) {
    throw new UsageError(`no solutions in ${sources.map((s) => s.name).join(", ") || "the input"}`);
  }
  return out;
}

/** Summarises every method against `reference` (a method present in `evals`). */
export function compareMethods(evals: Map<string, Evaluation[]>, reference: string): MethodSummary[] {
  const ref = evals.get(reference);
  if (!ref) {
    throw new UsageError(
      `reference method ${reference} is not among the solutions (${[...evals.keys()].join(", ")})`,
    );
  }
  if (ref.some((e) => !e.complete)) {
    throw new InputError(`reference ${reference} has incomplete routings`, 0, "reference");
  }
  const refMlu = ref.map((e) => e.mlu);
  return [...evals].map(([m, es]) => summarize(m, es, refMlu, es.map((e) => e.time_ms ?? undefined)));
}

/** The default reference: milp when present, else lp. */
export function defaultReference(methods: Iterable<string>): string {
  const ms = [...methods];
  const r = ["milp", "lp"].find((m) => ms.includes(m));
  if (!r) {
    throw new UsageError(
      `no reference method: include milp or lp solutions, or pass --reference (have: ${ms.join(", ")})`,
    );
  }
  return r;
}
