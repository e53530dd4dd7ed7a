/**
 * keiro for Node.js: the Rust core's TE generator, solvers, evaluator and trained-model routing.
 * Instances and solutions are the CLI's JSON objects (or JSONL text); every call returns a promise
 * and runs off the event loop.
 */

/** A TE instance, as `keiro gen te` writes it. */
export interface Instance {
  id?: unknown;
  nodes: number | string[];
  edges: { src: number; dst: number; capacity: number }[];
  commodities: { src: number; dst: number; demand: number }[];
  [key: string]: unknown;
}

/** A solution record, as `keiro solve` and `keiro route` write it. */
export interface Solution {
  id?: unknown;
  method?: string | null;
  mlu: number;
  complete?: boolean;
  paths?: number[][];
  time_ms?: number | null;
  [key: string]: unknown;
}

/** The evaluator's score of one solution, as `keiro eval --per-instance` writes it. */
export interface Evaluation {
  id?: unknown;
  method?: string | null;
  mlu: number;
  complete: boolean;
  problems: string[];
  edge_loads?: number[];
  verified: boolean;
  time_ms?: number | null;
}

/** Options of {@link generate} (core `GenOptions`); omitted keys take the CLI's defaults. */
export interface GenerateOptions {
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

/** Options of {@link solve}, as `keiro solve`'s flags. */
export interface SolveOptions {
  method: "milp" | "lp" | "sp" | "greedy" | "greedy_ls";
  /** MILP: seconds per instance. */
  timeLimit?: number;
  /** MILP: relative optimality gap (default 1e-6). */
  gap?: number;
  /** LP: per-commodity flows per edge. */
  flows?: boolean;
  /** Instances solved in parallel (0 = all cores, the default). */
  threads?: number;
}

/** Options of {@link Model.route}, as `keiro route`'s flags. */
export interface RouteOptions {
  /** Best of the greedy decode and `samples − 1` samples (default 1: greedy decode). */
  samples?: number;
  /** Sampling seed (default 0). */
  seed?: number;
  /** Default: the checkpoint's tuned one, else the run's config. */
  temperature?: number;
  /** Default: the checkpoint's tuned one, else the run's config. */
  topP?: number;
}

/** Generates instances; the same options always give the same instances. */
export function generate(options?: GenerateOptions): Promise<Instance[]>;
/** Solves every instance; one solution per instance, in order. */
export function solve(instances: Instance[] | string, options: SolveOptions): Promise<Solution[]>;
/** Scores solutions against their instances (record i ↔ instance i). */
export function evaluate(
  instances: Instance[] | string,
  solutions: Solution[] | string,
  options?: { edgeLoads?: boolean },
): Promise<Evaluation[]>;

/** A trained keiro model: close it when done (a finalizer frees a forgotten one). */
export class Model {
  private constructor();
  /** Opens a run directory of `keiro train` (its best/, else last/) or a checkpoint directory. */
  static load(dir: string): Promise<Model>;
  /** The checkpoint directory opened. */
  readonly dir: string;
  /** The model config (`model.json`). */
  readonly config: Record<string, unknown> & { num_nodes: number; num_commodities: number };
  /** The default best-of-N sampling. */
  readonly sampling: { temperature: number; top_p: number };
  /** Routes every instance: one record per instance, method `keiro` or `keiro-best<N>`. */
  route(instances: Instance[] | string, options?: RouteOptions): Promise<Solution[]>;
  /** Frees the native model; later calls reject with a usage error. */
  close(): void;
}

/** Base class of every error keiro raises on purpose. */
export class KeiroError extends Error {}
/** Bad options or a bad call (the CLI's exit code 2). */
export class KeiroUsageError extends KeiroError {}
/** Invalid input data naming the 1-based instance (`line`) and the field (the CLI's exit code 2). */
export class KeiroInputError extends KeiroError {
  constructor(message: string, line?: number, field?: string);
  readonly line: number;
  readonly field: string;
}
/** The addon is missing, or the core failed (solver failure, caught panic). */
export class KeiroNativeError extends KeiroError {}
