/**
 * The train, validation and test sets of `keiro train`: generated from the config or read from
 * JSONL files, checked against the model's shape, and labelled with the MILP (its paths are the
 * phase-1 labels and its MLU the reference of the approximation ratio). The labelled sets are
 * written to `<out>/data/<split>.jsonl`, each instance with a `"milp": {"mlu", "optimal", "paths",
 * "time_ms", "source", "gap"}` key ({@link MilpLabel}); instances that already carry one (e.g. those
 * files) are not solved again.
 *
 * Labelling is resumable: while it runs, the labelled instances are appended, in order and whole
 * lines at a time, to `<out>/data/<split>.partial.jsonl`, which is renamed to `<split>.jsonl` when the
 * split is done. A resumed run keeps the labels of that file (a line cut short by a kill is dropped)
 * and labels only the rest.
 * @module
 */

import { join } from "node:path";
import { Dataset } from "../te/dataset.ts";
import { generate } from "../te/generate.ts";
import { UsageError } from "../errors.ts";
import { Progress } from "../progress.ts";
import { parseDataset } from "../te/read_dataset.ts";
import { readTextFile } from "../read_text.ts";
import { solveEach } from "../te/solve_each.ts";
import { checkShapes } from "./check_shapes.ts";
import { type HybridConfig, modelShape } from "./config.ts";
import { splitGenOptions } from "./split_gen_options.ts";
import type { Split } from "./splits.ts";

/** The MILP label of one instance. */
export interface MilpLabel {
  mlu: number;
  optimal: boolean;
  paths: number[][];
  time_ms: number;
  /** Where the paths come from: `milp`, proven optimal; `milp_time_limit`, the MILP's best at
   * `milp_time_limit`, which started from the greedy routing improved by local search, so never
   * worse than either (absent in labels written before this field). */
  source?: "milp" | "milp_time_limit";
  /** Relative gap of `mlu` to the MILP's lower bound (0 when optimal). */
  gap?: number;
}

/** A labelled dataset held by the native core. */
export interface LabelledSet {
  split: Split;
  /** Where the labelled JSONL was written (or read from, on resume). */
  path: string;
  ds: Dataset;
  labels: MilpLabel[];
}

function _isLabel(x: unknown): x is MilpLabel {
  const l = x as MilpLabel;
  return typeof l === "object" && l !== null && typeof l.mlu === "number" && Array.isArray(l.paths);
}

/** The instances of a split's file, as {@link readSplitFile} read them. */
export interface SplitFile {
  path: string;
  text: string;
}

/**
 * Reads and checks the instances file of a split (valid instances, at least one, of the model's
 * shape), so that a bad file is an error naming it before any run directory is made or labelled.
 */
export async function readSplitFile(cfg: HybridConfig, path: string): Promise<SplitFile> {
  const text = await readTextFile(path);
  await _check(cfg, text, path);
  return { path, text };
}

/** Checks the instances of `text` (from `source`) as {@link readSplitFile} says. */
async function _check(cfg: HybridConfig, text: string, source: string): Promise<void> {
  using ds = await parseDataset(text, source);
  await checkShapes(ds, modelShape(cfg), source);
}

/** Options of {@link prepareSplit}. */
export interface PrepareOptions {
  /** Run directory; the labelled set goes to `<out>/data/<split>.jsonl`. */
  out: string;
  /** Instances of a file (read by {@link readSplitFile}) instead of generating. */
  given?: SplitFile;
  /** Reuse `<out>/data/<split>.jsonl` when it exists, else the labels of `<split>.partial.jsonl`
   * (resume). */
  reuse?: boolean;
  /** Progress lines (stderr) — one per labelling run. */
  log?: (line: string) => void;
}

/** `inst` as JSON without its `milp` key: what identifies an instance in the partial file. */
function _unlabelled(inst: Record<string, unknown>): string {
  const { milp: _, ...rest } = inst;
  return JSON.stringify(rest);
}

/**
 * Applies the labels of the partial file `path` (written by an interrupted run) to `insts`, and cuts
 * the file back to its whole lines; returns how many instances it held.
 * @throws {UsageError} when a line is not the instance at its position with a label
 */
async function _resumeLabels(
  path: string,
  insts: Record<string, unknown>[],
  source: string,
): Promise<number> {
  let text: string;
  try {
    text = await Deno.readTextFile(path);
  } catch (e) {
    if (e instanceof Deno.errors.NotFound) return 0;
    throw e;
  }
  const whole = text.slice(0, text.lastIndexOf("\n") + 1);
  if (whole.length < text.length) await Deno.truncate(path, new TextEncoder().encode(whole).length);
  const lines = whole.split("\n").slice(0, -1);
  lines.forEach((line, k) => {
    let stored: Record<string, unknown> | undefined;
    try {
      stored = JSON.parse(line);
    } catch {
      // reported below
    }
    if (
      k >= insts.length || typeof stored !== "object" || stored === null || !_isLabel(stored.milp) ||
      _unlabelled(stored) !== _unlabelled(insts[k])
    ) {
      throw new UsageError(
        `--resume: line ${k + 1} of ${path} is not instance ${k} of the ${source} with its MILP label ` +
          `(did the config's data keys change?); remove the file to label the split again`,
      );
    }
    insts[k].milp = stored.milp;
  });
  return lines.length;
}

/** Generates or reads, checks, labels and writes one split. */
export async function prepareSplit(
  cfg: HybridConfig,
  split: Split,
  opts: PrepareOptions,
): Promise<LabelledSet> {
  const path = join(opts.out, "data", `${split}.jsonl`);
  const partial = join(opts.out, "data", `${split}.partial.jsonl`);
  let text: string | undefined;
  let source = path;
  if (opts.reuse) {
    try {
      text = await Deno.readTextFile(path);
    } catch (e) {
      if (!(e instanceof Deno.errors.NotFound)) throw e;
    }
  }
  if (text === undefined && opts.given) {
    source = opts.given.path;
    text = opts.given.text;
  }
  if (text === undefined) {
    source = `generated ${split} set`;
    text = (await Promise.all((await splitGenOptions(cfg, split)).map(generate))).join("");
  }
  if (source !== opts.given?.path) await _check(cfg, text, source);
  const insts = text.split("\n").filter((l) => l.trim() !== "").map((l) =>
    JSON.parse(l) as Record<string, unknown>
  );
  const kept = opts.reuse && source !== path ? await _resumeLabels(partial, insts, source) : 0;
  const todo = insts.map((inst, i) => (_isLabel(inst.milp) ? -1 : i)).filter((i) => i >= 0);
  if (source === path && todo.length === 0) return await _labelledSet(split, path, text);
  await Deno.mkdir(join(opts.out, "data"), { recursive: true });
  const file = await Deno.open(partial, {
    write: true,
    create: true,
    append: kept > 0,
    truncate: kept === 0,
  });
  try {
    let written = kept;
    // appends the labelled instances that follow the written ones, whole lines in one write
    const flush = async () => {
      let end = written;
      while (end < insts.length && _isLabel(insts[end].milp)) end++;
      if (end === written) return;
      const lines = insts.slice(written, end).map((i) => JSON.stringify(i) + "\n").join("");
      const data = new TextEncoder().encode(lines);
      for (let off = 0; off < data.length;) off += await file.write(data.subarray(off));
      written = end;
    };
    await flush();
    if (todo.length) {
      opts.log?.(
        `labelling ${todo.length} ${split} instances with the MILP (${cfg.milp_time_limit} s limit each)` +
          (kept ? `; ${kept} kept from ${partial}` : ""),
      );
      using sub = await Dataset.parse(todo.map((i) => JSON.stringify(insts[i])).join("\n") + "\n");
      const bar = new Progress(`label ${split}`, todo.length);
      let k = 0;
      let limited = 0;
      try {
        for await (
          const s of solveEach(
            sub,
            { method: "milp", time_limit: cfg.milp_time_limit, threads: cfg.threads },
            (d) => bar.update(d),
          )
        ) {
          insts[todo[k++]].milp = {
            mlu: s.mlu,
            optimal: s.optimal === true,
            paths: s.paths,
            time_ms: s.time_ms ?? NaN,
            source: s.optimal === true ? "milp" : "milp_time_limit",
            gap: s.gap ?? NaN,
          };
          limited += s.optimal === true ? 0 : 1;
          await flush();
        }
      } finally {
        bar.stop();
      }
      if (limited) {
        opts.log?.(
          `${split}: ${limited} of ${todo.length} labels stopped at the time limit (the MILP's best, ` +
            `started from greedy + local search; their gap is in the labels)`,
        );
      }
    }
  } finally {
    file.close();
  }
  await Deno.rename(partial, path);
  return await _labelledSet(split, path, insts.map((i) => JSON.stringify(i)).join("\n") + "\n");
}

/** The labelled set of `text` (read from or written to `path`). */
async function _labelledSet(split: Split, path: string, text: string): Promise<LabelledSet> {
  const insts = text.split("\n").filter((l) => l.trim() !== "").map((l) =>
    JSON.parse(l) as Record<string, unknown>
  );
  return { split, path, ds: await Dataset.parse(text), labels: insts.map((i) => i.milp as MilpLabel) };
}
