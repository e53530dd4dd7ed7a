/**
 * Same outputs: runs the same keiro commands, with fixed seeds, in two checkouts (OLD and NEW, each
 * with its own native library) and checks that they print and write the same results, timing aside.
 * It is the check of a change that must not change behaviour (a refactor, a move, a new backend).
 *
 *   deno run -A bench/same_outputs.ts OLD [NEW] [--keep]
 *
 * NEW defaults to the checkout holding this script. Each side runs `<checkout>/cli/main.ts` with the
 * same Deno; its library is `$KEIRO_LIB_OLD` / `$KEIRO_LIB_NEW` when set, else the side's own lookup
 * (`$CARGO_TARGET_DIR` or `<checkout>/target`, see src/native.ts); when `CARGO_TARGET_DIR` is set, at
 * least one of the two variables must be, or both sides would load the same library.
 *
 * The commands: `gen te` (NSFNET c5, an NWS set, B4 with gravity traffic), `solve` with every method
 * (and `lp --flows`), `eval --json`, `--per-instance --edge-loads` and the table against the LP,
 * `compare` (JSON and table), `train` of configs/tiny.json (and of a variant that makes every model
 * choice away from its default) then `route --model` (greedy and `--samples 4 --seed 1`) and
 * `compare --model`, `glm train` on the wine CSV (learned graph with configs/glm_wine_learned.json,
 * soft top-k, and a kNN graph with GAT), `fuse train` on the JARVIS sample and `fuse compare` with
 * every mode on 40 Castelli perovskites. Each side's later commands read its own
 * earlier outputs. Commands that need ../shared/data are skipped, with a note, when it is absent.
 *
 * Compared per command: the exit code, stdout and every file it writes (directories file by file;
 * `.safetensors` byte for byte). Before the comparison, timing is masked: JSON keys such as `time_ms`,
 * `epoch_s`, `seconds`, `ms`, `samples_per_s`, `peak_rss_mb`, the same columns of CSV files and of
 * text and markdown tables (`ms/instance`, `train s`, …), and numbers with a time or memory unit in
 * text; the side's temporary directory and checkout paths become `<out>` and `<root>`.
 *
 * Prints a table command | same/DIFFERENT (then the first differing line of each difference), and
 * exits 1 when a command differs or fails on either side, 2 on a usage error. Everything is written
 * under one temporary directory, removed at the end unless `--keep`.
 * @module
 */

import { parseArgs } from "node:util";
import { join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { formatTable } from "../src/format_table.ts";
import { parseCsv } from "../src/read_csv.ts";

/** JSON keys and CSV columns that hold a duration, a rate or a memory peak. */
const _TIMING_KEY = /(^|_)(ms|s|seconds|elapsed)$|time_ms$|per_s$|rss/;
/** Table headers of such columns (`ms/instance`, `ms/epoch`, `train s`, `time`). */
const _TIMING_HEADER = /(^|\W)(ms|s|seconds|time)(\W|$)/;
/** A number with a unit of time or memory in free text. */
const _TIMING_TEXT = /\d+(\.\d+)?(e[-+]?\d+)? ?(ms\/\w+|ms|MB|s)\b/g;
const _MASK = "<t>";

/** Path replacements of one side (its output directory and its checkout), applied in order. */
export type PathMap = [string, string][];

function _paths(text: string, paths: PathMap): string {
  return paths.reduce((t, [from, to]) => t.replaceAll(from, to), text);
}

function _maskJson(v: unknown, paths: PathMap): unknown {
  if (typeof v === "string") return _paths(v, paths);
  if (Array.isArray(v)) return v.map((x) => _maskJson(x, paths));
  if (v !== null && typeof v === "object") {
    return Object.fromEntries(
      Object.entries(v).map(([k, x]) => [k, _TIMING_KEY.test(k) ? _MASK : _maskJson(x, paths)]),
    );
  }
  return v;
}

function _tryJson(text: string): { ok: true; value: unknown } | { ok: false } {
  try {
    return { ok: true, value: JSON.parse(text) };
  } catch {
    return { ok: false };
  }
}

/** Whether a line of text is one JSON object or array. */
function _isJson(line: string): boolean {
  return /^[[{]/.test(line) && _tryJson(line).ok;
}

/** Cells of a plain-text table row by the column spans of its dash line. */
function _cells(line: string, spans: [number, number][]): string[] {
  return spans.map(([a, b], j) => line.slice(a, j === spans.length - 1 ? undefined : b).trim());
}

function _maskRow(cells: string[], timing: boolean[]): string {
  return cells.map((c, j) => (timing[j] ? _MASK : c)).join(" | ");
}

/** Text: plain tables (header, dash line, rows until a blank line), markdown tables, JSON lines. */
function _maskText(text: string, paths: PathMap): string {
  const lines = _paths(text, paths).split("\n");
  const out: string[] = [];
  let table: { spans: [number, number][]; timing: boolean[] } | undefined;
  let markdown: boolean[] | undefined;
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i];
    const next = lines[i + 1] ?? "";
    if (line.trim() === "") {
      table = markdown = undefined;
      out.push(line);
    } else if (table && !_isJson(line)) {
      out.push(_maskRow(_cells(line, table.spans), table.timing));
    } else if (markdown && line.startsWith("|")) {
      out.push(_maskRow(line.split("|").map((c) => c.trim()), markdown));
    } else if (/^-+( +-+)*$/.test(next)) {
      const spans = [...next.matchAll(/-+/g)].map((m) =>
        [m.index, m.index + m[0].length] as [number, number]
      );
      const header = _cells(line, spans);
      table = { spans, timing: header.map((h) => _TIMING_HEADER.test(h)) };
      out.push(_maskRow(header, table.timing), next.replaceAll(/-+/g, "-"));
      i++;
    } else if (line.startsWith("|") && /^\|(\s*:?-+:?\s*\|)+$/.test(next)) {
      markdown = line.split("|").map((h) => _TIMING_HEADER.test(h.trim()));
      out.push(_maskRow(line.split("|").map((c) => c.trim()), markdown), next);
      i++;
    } else if (_isJson(line)) {
      table = markdown = undefined;
      out.push(JSON.stringify(_maskJson(JSON.parse(line), paths)));
    } else {
      out.push(line.replaceAll(_TIMING_TEXT, _MASK));
    }
  }
  return out.join("\n");
}

function _maskCsv(text: string, paths: PathMap): string {
  const rows = parseCsv(_paths(text, paths), "csv").map((r) => r.fields);
  const timing = (rows[0] ?? []).map((h) => _TIMING_KEY.test(h));
  return rows.map((r, i) => (i === 0 ? r : r.map((c, j) => (timing[j] ? _MASK : c))).join(",")).join("\n");
}

/**
 * An output with timing masked and `paths` replaced, in a form that compares line by line: JSON
 * (`.json`, or text that is one JSON value) pretty-printed, JSONL line by line, CSV by column name,
 * other text by its tables, JSON lines and units.
 */
export function normaliseOutput(name: string, text: string, paths: PathMap): string {
  if (name.endsWith(".csv")) return _maskCsv(text, paths);
  const whole = name.endsWith(".jsonl") ? { ok: false as const } : _tryJson(text);
  if (whole.ok) return JSON.stringify(_maskJson(whole.value, paths), null, 2);
  return _maskText(text, paths);
}

/** One side of the comparison. */
interface _Side {
  label: "old" | "new";
  root: string;
  lib: string | undefined;
  out: string;
}

/**
 * One command. In `cmd` (split on spaces), `{out}` is the side's output directory, `{root}` its
 * checkout, `{in}` the inputs both sides share and `{data}` ../shared/data.
 */
interface _Step {
  name: string;
  cmd: string;
  /** Saves stdout under this name in the side's output directory (later steps read it). */
  stdout?: string;
  /** Output files or directories (relative to the side's output directory) to compare. */
  files?: string[];
  /** Needs this path under ../shared/data; skipped when it is absent. */
  needs?: string;
}

const _SCRIPT_ROOT = fileURLToPath(new URL("..", import.meta.url));
const _DATA = resolve(_SCRIPT_ROOT, "../shared/data");
const _CASTELLI = "materials/perov5-castelli/train_subset1024.csv";

/** Changes to configs/tiny.json that make every model choice away from its default. */
const _VARIANT = {
  num_layers: 2,
  aggregation: "sum",
  action_type: "edge",
  value_type: "mean_pool",
  gnn_update_frequency: "per_step",
  graph_learning: "both",
  normalization: "episode",
  rl_algorithm: "ppo",
};
/** The tiny fusion config of tests/fusion_test.ts. */
const _TINY_FUSION = { hidden: 8, conv_layers: 1, fc_hidden: 8, batch_size: 16, forest: { trees: 10 } };

const _SOLVES: _Step[] = ["c5", "nws"].flatMap((set) =>
  ["milp", "lp", "sp", "greedy"].map((m) => ({
    name: `solve --method ${m} (${set})`,
    cmd: `solve --method ${m} --input {out}/${set}.jsonl`,
    stdout: `${set}.${m}.jsonl`,
  }))
);
const _C5 = "--instances {out}/c5.jsonl";
const _WINE = "glm train csv:{data}/gsl/uci/wine.data --header yes --label-column 0 --split 10:20 --json";
const _FUSE_DATA = "--atom-init {data}/materials/cgcnn-sample/atom_init.json --config {in}/tiny_fusion.json";

const _STEPS: _Step[] = [
  { name: "gen te (nsfnet c5)", cmd: "gen te --count 8 --commodities 5 --seed 1", stdout: "c5.jsonl" },
  {
    name: "gen te --topology nws",
    cmd: "gen te --topology nws --nodes 14 --commodities 10 --count 4 --seed 2",
    stdout: "nws.jsonl",
  },
  {
    name: "gen te --topology B4 --traffic gravity",
    cmd:
      "gen te --topology {data}/te/b4/B4.json --traffic gravity --commodities 0 --load 0.9 --count 2 --seed 3",
    stdout: "b4.jsonl",
    needs: "te/b4/B4.json",
  },
  ..._SOLVES,
  { name: "solve --method lp --flows (c5)", cmd: "solve --method lp --flows --input {out}/c5.jsonl" },
  {
    name: "eval --json (c5)",
    cmd: `eval ${_C5} {out}/c5.milp.jsonl {out}/c5.lp.jsonl {out}/c5.sp.jsonl {out}/c5.greedy.jsonl --json`,
  },
  {
    name: "eval --per-instance --edge-loads (c5)",
    cmd:
      `eval ${_C5} {out}/c5.milp.jsonl {out}/c5.sp.jsonl {out}/c5.greedy.jsonl --per-instance --edge-loads`,
  },
  {
    name: "eval --reference lp, table (c5)",
    cmd: `eval ${_C5} {out}/c5.lp.jsonl {out}/c5.sp.jsonl {out}/c5.greedy.jsonl --reference lp`,
  },
  { name: "compare --json (nws)", cmd: "compare --input {out}/nws.jsonl --json" },
  { name: "compare, table (c5)", cmd: "compare --input {out}/c5.jsonl" },
  {
    name: "compare --methods lp,sp,greedy --json (b4)",
    cmd: "compare --input {out}/b4.jsonl --methods lp,sp,greedy --json",
    needs: "te/b4/B4.json",
  },
  {
    name: "train (tiny hybrid)",
    cmd: "train --config {in}/tiny_hybrid.json --out {out}/run --quiet",
    files: ["run"],
  },
  {
    name: "train (tiny hybrid, every non-default choice)",
    cmd: "train --config {in}/tiny_hybrid_variant.json --out {out}/run_variant --quiet",
    files: ["run_variant"],
  },
  { name: "gen te (route set)", cmd: "gen te --count 6 --commodities 3 --seed 1000", stdout: "rt.jsonl" },
  { name: "route --model", cmd: "route --model {out}/run {out}/rt.jsonl" },
  {
    name: "route --model --samples 4 --seed 1",
    cmd: "route --model {out}/run --samples 4 --seed 1 {out}/rt.jsonl",
  },
  {
    name: "route --model (variant) --samples 4 --seed 1",
    cmd: "route --model {out}/run_variant --samples 4 --seed 1 {out}/rt.jsonl",
  },
  {
    name: "compare --model --json",
    cmd: "compare --input {out}/rt.jsonl --methods sp,greedy,milp --model {out}/run --model-samples 4 --json",
  },
  {
    name: "glm train --graph learned (wine)",
    cmd: `${_WINE} --graph learned --config {root}/configs/glm_wine_learned.json --seeds 2 --epochs 30 ` +
      "--out {out}/glm --export-graph {out}/glm_graph.jsonl",
    files: ["glm", "glm_graph.jsonl"],
    needs: "gsl/uci/wine.data",
  },
  {
    name: "glm train --graph learned --sparsify soft_topk (wine)",
    cmd: `${_WINE} --graph learned --sparsify soft_topk --k 5 --seeds 1 --epochs 20`,
    needs: "gsl/uci/wine.data",
  },
  {
    name: "glm train --graph knn --layer gat (wine)",
    cmd: `${_WINE} --graph knn --layer gat --seeds 1 --epochs 20`,
    needs: "gsl/uci/wine.data",
  },
  {
    name: "fuse train --mode gnn (jarvis)",
    cmd:
      "fuse train --mode gnn --data {data}/materials/alignn-jarvis-sample --split 0.6,0.2,0.2 --target gap " +
      `--epochs 3 ${_FUSE_DATA} --json --out {out}/fuse_gnn`,
    files: ["fuse_gnn"],
    needs: "materials/alignn-jarvis-sample",
  },
  {
    name: "fuse compare, every mode (castelli 40)",
    cmd:
      "fuse compare --data {in}/castelli40.csv --split 0.5,0.25,0.25 --structure-column cif --target heat_all " +
      "--target dir_gap --modes rf,gnn,late,early,attention,multitask --weighting equal --weighting dwa " +
      `--elements {data}/materials/magpie --epochs 3 --seed 1 ${_FUSE_DATA} --json --out {out}/fuse_compare`,
    files: ["fuse_compare"],
    needs: _CASTELLI,
  },
];

/**
 * Writes the inputs both sides share: this checkout's configs/tiny.json and its variant, the tiny
 * fusion config, and the first 40 Castelli perovskites.
 */
async function _writeInputs(input: string): Promise<void> {
  await Deno.mkdir(input);
  const tiny = JSON.parse(await Deno.readTextFile(join(_SCRIPT_ROOT, "configs/tiny.json")));
  await Deno.writeTextFile(join(input, "tiny_hybrid.json"), JSON.stringify(tiny));
  await Deno.writeTextFile(join(input, "tiny_hybrid_variant.json"), JSON.stringify({ ...tiny, ..._VARIANT }));
  await Deno.writeTextFile(join(input, "tiny_fusion.json"), JSON.stringify(_TINY_FUSION));
  const castelli = join(_DATA, _CASTELLI);
  if (await _exists(castelli)) {
    const q = (s: string) => (/[",\n\r]/.test(s) ? `"${s.replaceAll('"', '""')}"` : s);
    const rows = parseCsv(await Deno.readTextFile(castelli), castelli).slice(0, 41);
    await Deno.writeTextFile(
      join(input, "castelli40.csv"),
      rows.map((r) => r.fields.map(q).join(",")).join("\n") + "\n",
    );
  }
}

async function _exists(path: string): Promise<boolean> {
  try {
    await Deno.stat(path);
    return true;
  } catch {
    return false;
  }
}

/** Every file under `path` (a file or a directory), relative to `base`, sorted. */
async function _files(base: string, path: string): Promise<string[]> {
  const full = join(base, path);
  if (!(await Deno.stat(full)).isDirectory) return [path];
  const out: string[] = [];
  for await (const e of Deno.readDir(full)) out.push(...(await _files(base, join(path, e.name))));
  return out.sort();
}

async function _sha256(path: string): Promise<string> {
  const digest = await crypto.subtle.digest("SHA-256", await Deno.readFile(path));
  return [...new Uint8Array(digest)].map((b) => b.toString(16).padStart(2, "0")).join("");
}

/** What one side produced for one step: exit code, stderr, and normalised outputs by name. */
interface _Result {
  code: number;
  stderr: string;
  outputs: Map<string, string>;
}

/** The arguments of `step` for `side`, placeholders filled in. */
function _args(step: _Step, side: _Side, input: string): string[] {
  const fill: Record<string, string> = { out: side.out, root: side.root, in: input, data: _DATA };
  return step.cmd.split(" ").map((a) => a.replaceAll(/\{(out|root|in|data)\}/g, (_, k: string) => fill[k]));
}

async function _run(side: _Side, step: _Step, input: string): Promise<_Result> {
  const env = Deno.env.toObject();
  delete env.KEIRO_LIB;
  if (side.lib) env.KEIRO_LIB = side.lib;
  const r = await new Deno.Command(Deno.execPath(), {
    args: [
      "run",
      "-A",
      "--config",
      join(side.root, "deno.json"),
      join(side.root, "cli/main.ts"),
      ..._args(step, side, input),
    ],
    cwd: side.out,
    env,
    clearEnv: true,
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
  }).output();
  const dec = new TextDecoder();
  const stdout = dec.decode(r.stdout);
  if (step.stdout) await Deno.writeTextFile(join(side.out, step.stdout), stdout);
  const paths: PathMap = [[side.out, "<out>"], [side.root.replace(/\/$/, ""), "<root>"]];
  const outputs = new Map([["stdout", normaliseOutput(step.stdout ?? "stdout", stdout, paths)]]);
  if (r.code === 0) {
    for (const f of step.files ?? []) {
      for (const name of await _files(side.out, f)) {
        const full = join(side.out, name);
        outputs.set(
          name,
          name.endsWith(".safetensors")
            ? `sha256 ${await _sha256(full)}`
            : normaliseOutput(name, await Deno.readTextFile(full), paths),
        );
      }
    }
  }
  return { code: r.code, stderr: dec.decode(r.stderr), outputs };
}

/** The first difference between two results, or undefined when they are the same. */
function _difference(a: _Result, b: _Result): string | undefined {
  if (a.code !== 0 || b.code !== 0) {
    const failed = a.code !== 0 ? a : b;
    return `exit ${a.code} (old) / ${b.code} (new): ${
      failed.stderr.trim().split("\n").slice(-3).join(" / ")
    }`;
  }
  const names = [...new Set([...a.outputs.keys(), ...b.outputs.keys()])].sort();
  for (const name of names) {
    const [x, y] = [a.outputs.get(name), b.outputs.get(name)];
    if (x === undefined || y === undefined) return `${name}: only in ${x === undefined ? "new" : "old"}`;
    if (x === y) continue;
    const [xs, ys] = [x.split("\n"), y.split("\n")];
    const i = xs.findIndex((l, k) => l !== ys[k]);
    const at = i < 0 ? xs.length : i;
    const cut = (s: string | undefined) => (s ?? "(end)").slice(0, 200);
    return `${name}, line ${at + 1}:\n    old: ${cut(xs[at])}\n    new: ${cut(ys[at])}`;
  }
  return undefined;
}

function _usage(message: string): never {
  console.error(`error: ${message}\nusage: deno run -A bench/same_outputs.ts OLD [NEW] [--keep]`);
  Deno.exit(2);
}

async function _main(): Promise<void> {
  const { values, positionals } = parseArgs({
    args: Deno.args,
    allowPositionals: true,
    options: { keep: { type: "boolean", default: false } },
  });
  if (positionals.length < 1 || positionals.length > 2) _usage("give the OLD checkout (and NEW)");
  const [oldRoot, newRoot] = [resolve(positionals[0]), resolve(positionals[1] ?? _SCRIPT_ROOT)];
  for (const root of [oldRoot, newRoot]) {
    if (!(await _exists(join(root, "cli/main.ts")))) {
      _usage(`${root} is not a keiro checkout (no cli/main.ts)`);
    }
  }
  const [oldLib, newLib] = [Deno.env.get("KEIRO_LIB_OLD"), Deno.env.get("KEIRO_LIB_NEW")];
  if (!oldLib && !newLib && Deno.env.get("CARGO_TARGET_DIR")) {
    _usage(
      "CARGO_TARGET_DIR is set: set KEIRO_LIB_OLD or KEIRO_LIB_NEW, or both sides load the same library",
    );
  }
  const tmp = await Deno.makeTempDir({ prefix: "keiro-same-outputs-" });
  const input = join(tmp, "input");
  await _writeInputs(input);
  const sides: _Side[] = [
    { label: "old", root: oldRoot, lib: oldLib, out: join(tmp, "old") },
    { label: "new", root: newRoot, lib: newLib, out: join(tmp, "new") },
  ];
  for (const s of sides) {
    await Deno.mkdir(s.out);
    console.error(`${s.label}: ${s.root}, library ${s.lib ?? "(the checkout's own lookup)"}`);
  }
  const started = performance.now();
  const rows: string[][] = [];
  const details: string[] = [];
  let bad = 0;
  let skipped = 0;
  for (const step of _STEPS) {
    if (step.needs && !(await _exists(join(_DATA, step.needs)))) {
      rows.push([step.name, "skipped"]);
      details.push(`${step.name}: skipped, ${join(_DATA, step.needs)} is absent`);
      skipped++;
      continue;
    }
    console.error(`running: ${step.name}`);
    const [a, b] = [await _run(sides[0], step, input), await _run(sides[1], step, input)];
    const diff = _difference(a, b);
    const failed = a.code !== 0 || b.code !== 0;
    rows.push([step.name, failed ? "FAILED" : diff ? "DIFFERENT" : "same"]);
    if (diff) {
      bad++;
      details.push(`${step.name}: ${diff}`);
    }
  }
  console.log(formatTable(["command", "result"], rows).trimEnd());
  if (details.length) console.log("\n" + details.join("\n"));
  const seconds = ((performance.now() - started) / 1000).toFixed(0);
  const ran = rows.length - skipped;
  console.log(`\n${ran - bad} of ${ran} commands the same, ${skipped} skipped (${seconds} s)`);
  if (values.keep) console.log(`outputs kept in ${tmp}`);
  else await Deno.remove(tmp, { recursive: true });
  Deno.exit(bad ? 1 : 0);
}

if (import.meta.main) await _main();
