/**
 * Instance generation in the native core (see core-rs `generate::GenOptions`).
 * @module
 */

import { NativeHandle } from "../native_handle.ts";

/** Options of {@link generate}; omitted keys take the seed project's defaults. */
export interface GenOptions {
  topology?: "nsfnet" | "nws" | "grid" | "waxman" | "given";
  name?: string;
  nodes?: number;
  commodities?: number;
  count?: number;
  seed?: number;
  capacity?: [number, number];
  demand?: [number, number];
  traffic?: "pairs" | "gravity";
  load?: number;
  nws_k?: number;
  nws_p?: number;
  graph?: { nodes: number | string[]; edges: [number, number, number | null][] };
}

/** Generates instances; returns JSONL (the same options always give the same bytes). */
export function generate(opts: GenOptions): Promise<string> {
  return NativeHandle.request("te", { kind: "generate", ...opts });
}
