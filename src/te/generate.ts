/**
 * Instance generation in the native core (see core-rs `generate::GenOptions`).
 * @module
 */

import { bytes, native, unpack } from "../native.ts";

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
export async function generate(opts: GenOptions): Promise<string> {
  const o = bytes(JSON.stringify(opts));
  return unpack(await native().keiro_generate(o, BigInt(o.length))).text;
}
