/**
 * A parsed, validated set of TE instances held by the native core (a {@link NativeHandle}: close it,
 * or let `using` do it).
 * @module
 */

import { bytes } from "../native.ts";
import { NativeHandle } from "../native_handle.ts";
import type { SolveMethod } from "./solve_method.ts";

/** Options of a solve call (see core-rs `solve::SolveOptions`). */
export interface SolveOptions {
  method: SolveMethod;
  /** MILP and LP wall-clock limit per instance, seconds. */
  time_limit?: number;
  /** MILP relative gap. */
  mip_gap?: number;
  /** LP: per-commodity flows. */
  flows?: boolean;
  /** Worker threads (0 = all cores). */
  threads?: number;
}

/** The evaluator's score of one solution. */
export interface Evaluation {
  id?: unknown;
  /** The 0-based index of the instance routed (absent for evaluations made outside the evaluator). */
  instance?: number;
  /** The solution's line in its input. */
  line?: number;
  method?: string | null;
  mlu: number;
  complete: boolean;
  problems: string[];
  edge_loads?: number[];
  /** False for an LP record that carries only its optimal value. */
  verified: boolean;
  /** The solution's reported time, if any. */
  time_ms?: number | null;
}

/** The node and commodity counts of one instance, and the line it was read from. */
export interface InstanceShape {
  line: number;
  nodes: number;
  commodities: number;
}

/** Instances parsed and validated by the native core. */
export class Dataset extends NativeHandle {
  /** Number of instances. */
  readonly length: number;

  private constructor(handle: Deno.PointerValue, length: number) {
    super("te", "dataset", handle);
    this.length = length;
  }

  /** Parses JSONL `text`; errors name the line (counted from `firstLine`) and the field. */
  static async parse(text: string, firstLine = 1): Promise<Dataset> {
    const { text: count, handle } = await NativeHandle.open(
      "te",
      { kind: "parse", first_line: firstLine },
      bytes(text),
    );
    return new Dataset(handle, Number(count));
  }

  /** Solves instances `[start, end)`; returns their solutions as JSONL. */
  solve(start: number, end: number, opts: SolveOptions): Promise<string> {
    return this.call({ kind: "solve", start, end, options: opts });
  }

  /**
   * Scores JSONL solutions of one method: records with an `id` are matched to the instance with that
   * id (a subset may be solved, each instance once), records without one by order (one per instance).
   */
  async evaluate(
    solutions: string,
    opts: { edge_loads?: boolean } = {},
    firstLine = 1,
  ): Promise<Evaluation[]> {
    const text = await this.call({ kind: "evaluate", first_line: firstLine, ...opts }, bytes(solutions));
    return text.split("\n").filter((l) => l !== "").map((l) => JSON.parse(l) as Evaluation);
  }

  /**
   * The reference MLU every instance carries under the instance key `key` (a number such as
   * `opt_mlu`, or an object with an `mlu` such as the `milp` label of training data); null where the
   * key is absent.
   * @throws {InputError} naming the instance's line when the value is not such an MLU
   */
  async referenceMlus(key: string): Promise<(number | null)[]> {
    return JSON.parse(await this.call({ kind: "reference_mlus", key })) as (number | null)[];
  }

  /** The shape and line of every instance, in order. */
  async shapes(): Promise<InstanceShape[]> {
    return JSON.parse(await this.call({ kind: "shapes" })) as InstanceShape[];
  }
}
