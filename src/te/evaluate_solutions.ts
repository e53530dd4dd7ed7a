/**
 * Scoring solution streams against a dataset: records are grouped by their `method` (a stream may
 * hold several methods; one without any `method` is one method named after the stream), each
 * group is scored by the native evaluator (records matched to instances by id, else by order), and
 * the groups are summarised against a reference.
 * @module
 */

import type { Dataset, Evaluation } from "./dataset.ts";
import { InputError, UsageError } from "../errors.ts";
import { type MethodSummary, summarize } from "./summarize.ts";
import type { Reference } from "./choose_reference.ts";

/** A named text of JSONL solutions (a file or stdin). */
export interface SolutionSource {
  name: string;
  text: string;
}

/** The parsed records of `src` by line (undefined for blank lines). */
function _records(src: SolutionSource): (Record<string, unknown> | undefined)[] {
  return src.text.split("\n").map((l, i) => {
    if (l.trim() === "") return undefined;
    const fail = (what: string) =>
      new InputError(`${src.name}: line ${i + 1}: solution ${what}`, i + 1, "solution");
    let r: unknown;
    try {
      r = JSON.parse(l);
    } catch (e) {
      throw fail(`is not valid JSON: ${(e as Error).message}`);
    }
    if (typeof r !== "object" || r === null || Array.isArray(r)) {
      throw fail(`must be a JSON object, got ${Array.isArray(r) ? "an array" : JSON.stringify(r)}`);
    }
    return r as Record<string, unknown>;
  });
}

/** The method of each record of `src`: its `method`, or the source's name when no record has one. */
function _methods(
  src: SolutionSource,
  records: (Record<string, unknown> | undefined)[],
): (string | undefined)[] {
  const named = records.some((r) => r?.method !== undefined && r.method !== null);
  return records.map((r, i) => {
    if (r === undefined) return undefined;
    if (!named) return src.name;
    const m = r.method;
    if (typeof m === "string" && m !== "") return m;
    const what = m === undefined || m === null
      ? "is missing (the other solutions of this input name their method)"
      : `must be a non-empty string, got ${JSON.stringify(m)}`;
    throw new InputError(`${src.name}: line ${i + 1}: method ${what}`, i + 1, "method");
  });
}

/**
 * Scores every method found in `sources`; returns evaluations per method in first-seen order, each
 * method's in instance order.
 * @throws {UsageError} when the sources hold no solution at all, or a method appears in two sources
 * @throws {InputError} naming the source, the line and the field of a bad record
 */
export async function evaluateSolutions(
  ds: Dataset,
  sources: SolutionSource[],
  edgeLoads = false,
): Promise<Map<string, Evaluation[]>> {
  const out = new Map<string, Evaluation[]>();
  for (const src of sources) {
    const lines = src.text.split("\n");
    const methodOf = _methods(src, _records(src));
    for (const method of new Set(methodOf.filter((m): m is string => m !== undefined))) {
      if (out.has(method)) throw new UsageError(`method ${method} appears in more than one input`);
      // blank the other methods' lines so that error line numbers stay those of the file
      const text = lines.map((l, i) => (methodOf[i] === method ? l : "")).join("\n");
      try {
        const evals = await ds.evaluate(text, { edge_loads: edgeLoads });
        out.set(method, evals.sort((a, b) => a.instance! - b.instance!));
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

/** `instance 3 (id "x")`, for messages. */
function _instance(e: Evaluation, i: number): string {
  const at = e.instance ?? i;
  return `instance ${at}` + (e.id === undefined || e.id === null ? "" : ` (id ${JSON.stringify(e.id)})`);
}

/**
 * Summarises every method against `reference`: each solved instance's ratio uses the reference's
 * MLU of that instance.
 * @throws {InputError} when a method-reference has an incomplete routing, or the reference has no
 *   MLU for an instance that a method solved
 */
export function compareMethods(evals: Map<string, Evaluation[]>, reference: Reference): MethodSummary[] {
  let refMlu: (number | null)[];
  if (reference.instanceMlus) refMlu = reference.instanceMlus;
  else {
    const ref = evals.get(reference.name);
    if (!ref) {
      throw new UsageError(
        `reference method ${reference.name} is not among the solutions (${[...evals.keys()].join(", ")})`,
      );
    }
    refMlu = [];
    ref.forEach((e, i) => {
      if (!e.complete) {
        throw new InputError(
          `reference ${reference.name} has incomplete routings: ${_instance(e, i)}`,
          0,
          "reference",
        );
      }
      refMlu[e.instance ?? i] = e.mlu;
    });
  }
  return [...evals].map(([m, es]) => {
    const ref = es.map((e, i) => {
      const r = refMlu[e.instance ?? i];
      if (r === null || r === undefined) {
        throw new InputError(
          `reference ${reference.name} has no MLU for ${_instance(e, i)}, which ${m} solves`,
          0,
          "reference",
        );
      }
      return r;
    });
    return summarize(m, es, ref, es.map((e) => e.time_ms ?? undefined));
  });
}
