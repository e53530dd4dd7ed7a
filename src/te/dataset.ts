/**
 * A parsed, validated set of TE instances held by the native core (an opaque handle with an
 * explicit {@link Dataset.close} and a `FinalizationRegistry` safety net).
 * @module
 */

import { NativeError } from "../errors.ts";
import { bytes, native, unpack } from "../native.ts";

/** Options of a solve call (see core-rs `solve::SolveOptions`). */
export interface SolveOptions {
  method: "milp" | "lp" | "sp" | "greedy";
  /** MILP wall-clock limit per instance, seconds. */
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

const _registry = new FinalizationRegistry<Deno.PointerValue>((h) => native().keiro_dataset_free(h));

/** Instances parsed and validated by the native core. */
export class Dataset {
  #handle: Deno.PointerValue;
  /** Number of instances. */
  readonly length: number;

  private constructor(handle: Deno.PointerValue, length: number) {
    this.#handle = handle;
    this.length = length;
    _registry.register(this, handle, this);
  }

  /** Parses JSONL `text`; errors name the line (counted from `firstLine`) and the field. */
  static async parse(text: string, firstLine = 1): Promise<Dataset> {
    const buf = bytes(text);
    const { text: count, handle } = unpack(
      await native().keiro_dataset_parse(buf, BigInt(buf.length), BigInt(firstLine)),
    );
    return new Dataset(handle, Number(count));
  }

  #live(): Deno.PointerValue {
    if (this.#handle === null) throw new NativeError("dataset is closed");
    return this.#handle;
  }

  /**
   * Internal to keiro (for native calls that take a dataset, e.g. the hybrid model's): the live
   * native handle, valid until {@link Dataset.close}. Throws when the dataset is closed.
   * @internal
   */
  nativeHandle(): Deno.PointerValue {
    return this.#live();
  }

  /** Solves instances `[start, end)`; returns their solutions as JSONL. */
  async solve(start: number, end: number, opts: SolveOptions): Promise<string> {
    const o = bytes(JSON.stringify(opts));
    return unpack(await native().keiro_solve(this.#live(), BigInt(start), BigInt(end), o, BigInt(o.length)))
      .text;
  }

  /** Scores JSONL solutions (record i ↔ instance i). */
  async evaluate(
    solutions: string,
    opts: { edge_loads?: boolean } = {},
    firstLine = 1,
  ): Promise<Evaluation[]> {
    const s = bytes(solutions);
    const o = bytes(JSON.stringify(opts));
    const { text } = unpack(
      await native().keiro_evaluate(
        this.#live(),
        s,
        BigInt(s.length),
        BigInt(firstLine),
        o,
        BigInt(o.length),
      ),
    );
    return text.split("\n").filter((l) => l !== "").map((l) => JSON.parse(l) as Evaluation);
  }

  /** Frees the native instances; later calls throw. */
  close(): void {
    if (this.#handle !== null) {
      _registry.unregister(this);
      native().keiro_dataset_free(this.#handle);
      this.#handle = null;
    }
  }

  /** `using ds = await Dataset.parse(...)` closes it at the end of the scope. */
  [Symbol.dispose](): void {
    this.close();
  }
}
