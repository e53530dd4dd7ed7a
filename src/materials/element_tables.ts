/**
 * The Magpie elemental property tables (Ward et al. 2016, as shipped in matminer's
 * `magpie_elementdata/*.table`). keiro does not ship them: pass their folder explicitly or set
 * `KEIRO_ELEMENTS`.
 *
 * File format: line i (1-based) holds the value of element Z = i; values may carry leading and
 * trailing blanks and CRLF endings; `Missing` or an empty line means unknown (NaN); elements past
 * the end of a file are unknown too; an infinite value is an error naming the file and line.
 * `OxidationStates` and `IonizationEnergies` (and any table with several whitespace-separated
 * values on a line) are list tables: one list of numbers per element, empty when unknown.
 * @module
 */

import { InputError, UsageError } from "../errors.ts";

/** Number of elements every table is padded or cut to (Z = 1..118). */
const _NUM_ELEMENTS = 118;

/** Tables that hold lists per element even when no line happens to hold two values. */
const _LIST_TABLES = new Set(["OxidationStates", "IonizationEnergies"]);

/** The Magpie elemental property tables, indexed by `Z - 1`. */
export interface ElementTables {
  /** Folder the `.table` files were read from (the `magpie_elementdata` folder itself). */
  readonly dir: string;
  /** Names of every table found (file names without `.table`), sorted. */
  readonly names: readonly string[];
  /** Whether a table of that name exists. */
  has(name: string): boolean;
  /**
   * A scalar table as 118 values, index `Z - 1`, NaN where unknown. The array is shared between
   * calls: do not modify it. Throws {@link UsageError} for a missing table or a list table.
   */
  property(name: string): Float64Array;
  /**
   * A table as one list of numbers per element (118 lists, index `Z - 1`; empty when unknown).
   * Scalar tables give one-element lists. Throws {@link UsageError} for a missing table.
   */
  list(name: string): readonly (readonly number[])[];
}

/**
 * Reads every Magpie `.table` file from `dir`, else from the folder named by the environment
 * variable `KEIRO_ELEMENTS`. Either the `magpie_elementdata` folder itself or its parent is
 * accepted. Throws {@link UsageError} when neither is given, or the folder holds no tables.
 */
export async function loadElementTables(dir?: string): Promise<ElementTables> {
  const given = dir ?? _envElements();
  if (!given) {
    throw new UsageError(
      "composition descriptors need the Magpie element tables: pass --elements <dir> or set " +
        "KEIRO_ELEMENTS; keiro does not ship them (they are matminer's " +
        "src/matminer/utils/data_files/magpie_elementdata/*.table)",
    );
  }
  const root = await _tableDir(given);
  const files: string[] = [];
  for await (const e of Deno.readDir(root)) {
    if (e.isFile && e.name.endsWith(".table")) files.push(e.name);
  }
  if (files.length === 0) {
    throw new UsageError(`no Magpie .table files in ${root} (expected e.g. Number.table)`);
  }
  files.sort();
  const texts = await Promise.all(files.map((f) => Deno.readTextFile(`${root}/${f}`)));
  const scalars = new Map<string, Float64Array>();
  const lists = new Map<string, number[][]>();
  files.forEach((f, k) => {
    const name = f.slice(0, -".table".length);
    const lines = texts[k].split("\n").slice(0, _NUM_ELEMENTS).map((l) => l.trim());
    if (_LIST_TABLES.has(name) || lines.some((l) => /\s/.test(l))) {
      lists.set(name, _parseLists(lines, `${root}/${f}`, name));
    } else {
      scalars.set(name, _parseScalars(lines, `${root}/${f}`, name));
    }
  });
  return new _Tables(root, files.map((f) => f.slice(0, -".table".length)), scalars, lists);
}

class _Tables implements ElementTables {
  readonly dir: string;
  readonly names: readonly string[];
  #scalars: Map<string, Float64Array>;
  #lists: Map<string, number[][]>;

  constructor(
    dir: string,
    names: string[],
    scalars: Map<string, Float64Array>,
    lists: Map<string, number[][]>,
  ) {
    this.dir = dir;
    this.names = Object.freeze(names);
    this.#scalars = scalars;
    this.#lists = lists;
  }

  has(name: string): boolean {
    return this.#scalars.has(name) || this.#lists.has(name);
  }

  property(name: string): Float64Array {
    const t = this.#scalars.get(name);
    if (t) return t;
    if (this.#lists.has(name)) {
      throw new UsageError(`Magpie table ${name} holds a list per element: read it with list()`);
    }
    throw this.#missing(name);
  }

  list(name: string): readonly (readonly number[])[] {
    const l = this.#lists.get(name);
    if (l) return l;
    const t = this.#scalars.get(name);
    if (!t) throw this.#missing(name);
    const out = Array.from(t, (v) => Number.isNaN(v) ? [] : [v]);
    this.#lists.set(name, out);
    return out;
  }

  #missing(name: string): UsageError {
    return new UsageError(`Magpie table ${name}.table not found in ${this.dir}`);
  }
}

function _envElements(): string | undefined {
  try {
    return Deno.env.get("KEIRO_ELEMENTS") || undefined;
  } catch {
    return undefined; // no env permission: as if unset
  }
}

/** `dir/magpie_elementdata` when that exists, else `dir`; a usage error when `dir` is no folder. */
async function _tableDir(dir: string): Promise<string> {
  const root = dir.replace(/\/+$/, "") || "/";
  try {
    if ((await Deno.stat(`${root}/magpie_elementdata`)).isDirectory) return `${root}/magpie_elementdata`;
  } catch (e) {
    if (!(e instanceof Deno.errors.NotFound || e instanceof Deno.errors.NotADirectory)) throw e;
  }
  let info: Deno.FileInfo;
  try {
    info = await Deno.stat(root);
  } catch (e) {
    if (e instanceof Deno.errors.NotFound) {
      throw new UsageError(`Magpie element tables: no such folder: ${dir}`);
    }
    throw e;
  }
  if (!info.isDirectory) throw new UsageError(`Magpie element tables: ${dir} is not a folder`);
  return root;
}

function _parseScalars(lines: string[], file: string, table: string): Float64Array {
  const out = new Float64Array(_NUM_ELEMENTS).fill(NaN);
  lines.forEach((l, i) => {
    out[i] = _value(l, file, i + 1, table);
  });
  return out;
}

function _parseLists(lines: string[], file: string, table: string): number[][] {
  const out: number[][] = Array.from({ length: _NUM_ELEMENTS }, () => []);
  lines.forEach((l, i) => {
    if (l === "" || l === "Missing") return;
    const vs = l.split(/\s+/).map((v) => _value(v, file, i + 1, table));
    out[i] = vs.some(Number.isNaN) ? [] : vs;
  });
  return out;
}

/**
 * One stripped value on line `line` of `file` (table `table`): `Missing`, empty or unparsable text
 * is NaN (`Number("")` would be 0); an infinite one (`Infinity`, `1e999`) is an InputError.
 */
function _value(s: string, file: string, line: number, table: string): number {
  const v = s === "" ? NaN : Number(s);
  if (v === Infinity || v === -Infinity) {
    throw new InputError(`${file}:${line}: '${s}' is not a finite number`, line, table);
  }
  return v;
}
