/**
 * Loads crystal property datasets: CSV tables with CIF / POSCAR cells or formulas, CGCNN-style
 * directories (`id_prop.csv` plus one structure file per id) and JSON lines.
 * @module
 */

import { basename, extname, join } from "node:path";
import { InputError, UsageError } from "../errors.ts";
import { parseCsv } from "../read_csv.ts";
import { readTextFile } from "../read_text.ts";
import { compositionOf } from "./composition_of.ts";
import type { CrystalDataset } from "./crystal_dataset.ts";
import { parseFormula } from "./parse_formula.ts";
import { readCif } from "./read_cif.ts";
import { readPoscar } from "./read_poscar.ts";
import { readPymatgenStructure } from "./read_pymatgen_structure.ts";
import type { Structure } from "./structure.ts";

/** Options of {@link loadCrystalDataset}. */
export interface LoadCrystalDatasetOptions {
  /**
   * The form of `path`; default: `"dir"` for a directory, `"jsonl"` for a `.jsonl` / `.ndjson` file,
   * `"csv"` otherwise.
   */
  format?: "csv" | "dir" | "jsonl";
  /** Dataset name; default: the file or directory name without its extension. */
  name?: string;
  /**
   * Target columns (CSV) or fields (JSONL), in order; for a directory, the names of the target
   * columns of `id_prop.csv` (default `target`, `target_1`, `target_2`, …). Default for CSV and JSONL:
   * every column (field) whose value in the first entry is a number, other than the id, structure
   * and formula columns and an unnamed (index) column.
   */
  targets?: string[];
  /** CSV / JSONL: the id column; default `material_id` (CSV) or `id` (JSONL) when present, else the
   * 1-based entry number. */
  idColumn?: string;
  /**
   * CSV / JSONL: the column holding the structure. CSV cells may be CIF, POSCAR or pymatgen JSON text
   * (told apart by their content); a JSONL field may also be a pymatgen `Structure.as_dict()` object.
   * Default: the first of `cif`, `structure`, `poscar` that exists, unless `formulaColumn` is given.
   */
  structureColumn?: string;
  /**
   * CSV / JSONL: the formula column of a composition-only dataset (structures are then null);
   * default `formula` when there is no structure column. Ignored for the composition when a structure
   * is read (the composition then comes from the structure).
   */
  formulaColumn?: string;
  /**
   * Skip the entries whose structure, formula or target value is invalid (each reported through
   * `onWarning`) instead of throwing. Default false: the first invalid entry is an error.
   */
  skipInvalid?: boolean;
  /** Receives a message for every skipped entry; default `console.warn`. */
  onWarning?: (message: string) => void;
}

/**
 * Reads a crystal dataset in one of three forms:
 *
 * * **CSV** with a header line (RFC 4180; cells may hold multi-line quoted CIFs): one entry per
 *   record, the structure from `structureColumn` (CIF, POSCAR or pymatgen JSON, told apart by content)
 *   or, for a composition-only table, the formula from `formulaColumn`.
 * * **A directory** with `id_prop.csv` (no header; `id,target[,target2…]`) and one structure file per
 *   id, found as `<id>`, `<id>.cif`, `<id>.vasp`, `<id>.poscar`, `<id>.POSCAR`, `POSCAR-<id>`,
 *   `POSCAR_<id>`, `POSCAR-<id>.vasp` or `<id>/POSCAR` (a `.cif` file is read as CIF, a `.vasp`,
 *   `.poscar` or POSCAR-named file as POSCAR, anything else by its content).
 * * **JSON lines**: one object per line with `id`, one of `structure` (a pymatgen
 *   `Structure.as_dict()`, or CIF / POSCAR text), `cif`, `poscar` or `formula`, and numeric target
 *   fields (null or absent = missing).
 *
 * CIFs are expanded to P1 ({@link readCif}). Target cells that are empty or `nan`, `na`, `n/a`,
 * `null`, `none` (any case) are missing (NaN); other non-numbers and infinite values (`1e999`) are
 * errors. Ids must be unique.
 *
 * A missing column, target or `id_prop.csv` is a {@link UsageError} naming it and listing what is
 * available; an invalid entry is an {@link InputError} naming the file, the line and the field (the
 * message also carries the line inside an embedded CIF), unless `skipInvalid` is set, in which case
 * the entry is skipped and reported through `onWarning`.
 */
export async function loadCrystalDataset(
  path: string,
  opts: LoadCrystalDatasetOptions = {},
): Promise<CrystalDataset> {
  let isDir: boolean;
  try {
    isDir = (await Deno.stat(path)).isDirectory;
  } catch (e) {
    if (e instanceof Deno.errors.NotFound) throw new UsageError(`no such file or directory: ${path}`);
    throw e;
  }
  const format = opts.format ??
    (isDir ? "dir" : /\.(jsonl|ndjson)$/i.test(path) ? "jsonl" : "csv");
  if (format === "dir" && !isDir) throw new UsageError(`${path} is not a directory`);
  if (format !== "dir" && isDir) throw new UsageError(`${path} is a directory, not a ${format} file`);
  const name = opts.name ?? basename(path, isDir ? "" : extname(path));
  const repeated = opts.targets?.find((t, k) => opts.targets!.indexOf(t) !== k);
  if (repeated !== undefined) throw new UsageError(`target '${repeated}' is named twice`);
  const out = new _Builder(name, opts);
  if (format === "dir") await _loadDir(path, opts, out);
  else if (format === "jsonl") await _loadJsonl(path, opts, out);
  else await _loadCsv(path, opts, out);
  return out.finish(path);
}

/** Collects entries, checks ids and applies `skipInvalid`. */
class _Builder {
  ids: string[] = [];
  structures: (Structure | null)[] = [];
  compositions: Map<string, number>[] = [];
  values: number[][] = [];
  targetNames: string[] = [];
  #where = new Map<string, string>();
  #warn: (message: string) => void;
  constructor(readonly name: string, readonly opts: LoadCrystalDatasetOptions) {
    this.#warn = opts.onWarning ?? ((m) => console.warn(m));
  }

  /**
   * Adds one entry built by `read` (which returns its structure or composition and target values);
   * `where` is `file:line` for messages.
   */
  add(
    id: string,
    where: string,
    line: number,
    read: () => [Structure | null, Map<string, number>, number[]],
  ) {
    const seen = this.#where.get(id);
    if (seen !== undefined) {
      throw new InputError(`${where}: id '${id}' repeats (first at ${seen})`, line, "id");
    }
    let entry: [Structure | null, Map<string, number>, number[]];
    try {
      entry = read();
    } catch (e) {
      if (!(e instanceof InputError) || !this.opts.skipInvalid) throw e;
      this.#warn(`${this.name}: skipped ${id}: ${e.message}`);
      return;
    }
    this.#where.set(id, where);
    this.ids.push(id);
    this.structures.push(entry[0]);
    this.compositions.push(entry[1]);
    this.values.push(entry[2]);
  }

  finish(path: string): CrystalDataset {
    if (this.ids.length === 0) throw new InputError(`${path}: no entries`);
    const targets: Record<string, Float64Array> = {};
    this.targetNames.forEach((t, k) => {
      targets[t] = Float64Array.from(this.values, (v) => v[k]);
    });
    return {
      name: this.name,
      ids: this.ids,
      structures: this.structures,
      compositions: this.compositions,
      targets,
    };
  }
}

const _NUMBER = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;
const _MISSING = /^(|nan|na|n\/a|null|none)$/i;

/** A target value from text: a finite number, NaN when missing, else an InputError. */
function _target(text: string, where: string, line: number, field: string, id: string): number {
  const s = text.trim();
  if (_MISSING.test(s)) return NaN;
  if (!_NUMBER.test(s)) {
    throw new InputError(`${where}: ${field} of ${id} is not a number: '${text}'`, line, field);
  }
  return _finite(Number(s), where, line, field, id);
}

/** `v` unless it is infinite (text such as `1e999` reads as Infinity), which is an InputError. */
function _finite(v: number, where: string, line: number, field: string, id: string): number {
  if (v === Infinity || v === -Infinity) {
    throw new InputError(`${where}: ${field} of ${id} is ${v}, not a finite number`, line, field);
  }
  return v;
}

/** Reads structure text: pymatgen JSON (`{…}`), CIF (has `data_` and `_cell_length_a`) or POSCAR. */
function _readStructureText(text: string, source: string, kind?: "cif" | "poscar"): Structure {
  if (kind === "cif") return readCif(text, source);
  if (kind === "poscar") return readPoscar(text, source);
  const t = text.trimStart();
  if (t.startsWith("{")) {
    let dict: unknown;
    try {
      dict = JSON.parse(t);
    } catch (e) {
      throw new InputError(`${source}: not valid JSON: ${(e as Error).message}`);
    }
    return readPymatgenStructure(dict, source);
  }
  if (/^\s*data_/im.test(text) && /_cell[._]length_a/i.test(text)) return readCif(text, source);
  return readPoscar(text, source);
}

/** The reader's source name and the format a column name implies (`cif`, `poscar`, else by content). */
function _kindOf(column: string): [string, "cif" | "poscar" | undefined] {
  const c = column.toLowerCase();
  return c === "cif" ? ["CIF", "cif"] : c === "poscar" ? ["POSCAR", "poscar"] : ["structure", undefined];
}

/** Rethrows a reader's error with the file, line and column of the cell it came from. */
function _inCell<T>(where: string, line: number, field: string, id: string, read: () => T): T {
  try {
    return read();
  } catch (e) {
    if (!(e instanceof InputError)) throw e;
    throw new InputError(`${where}: ${field} of ${id}: ${e.message}`, line, field);
  }
}

function _available(names: string[]): string {
  return names.map((h) => (h === "" ? '"" (unnamed)' : h)).join(", ");
}

async function _loadCsv(path: string, opts: LoadCrystalDatasetOptions, out: _Builder): Promise<void> {
  const records = parseCsv(await readTextFile(path), path);
  if (records.length === 0) throw new InputError(`${path}: empty file`);
  const header = records[0].fields;
  const rows = records.slice(1);
  const width = header.length;
  for (const r of rows) {
    if (r.fields.length !== width) {
      throw new InputError(
        `${path}:${r.line}: ${r.fields.length} fields, expected ${width} (as the header)`,
        r.line,
      );
    }
  }
  const column = (name: string, what: string): number => {
    const j = header.indexOf(name);
    if (j < 0) {
      throw new UsageError(`${path}: no ${what} column '${name}'; available columns: ${_available(header)}`);
    }
    return j;
  };
  let structureCol = -1, formulaCol = -1;
  if (opts.structureColumn !== undefined) structureCol = column(opts.structureColumn, "structure");
  if (opts.formulaColumn !== undefined) formulaCol = column(opts.formulaColumn, "formula");
  if (structureCol < 0 && formulaCol < 0) {
    structureCol = ["cif", "structure", "poscar"].map((c) => header.indexOf(c)).find((j) => j >= 0) ?? -1;
    if (structureCol < 0) formulaCol = header.indexOf("formula");
    if (structureCol < 0 && formulaCol < 0) {
      throw new UsageError(
        `${path}: no structure column (cif, structure, poscar) or formula column (formula); name one with ` +
          `structureColumn or formulaColumn; available columns: ${_available(header)}`,
      );
    }
  }
  const idCol = opts.idColumn !== undefined ? column(opts.idColumn, "id") : header.indexOf("material_id");
  const skip = new Set([idCol, structureCol, formulaCol]);
  const targetCols = opts.targets !== undefined
    ? opts.targets.map((t) => column(t, "target"))
    : header.map((_, j) => j).filter((j) =>
      !skip.has(j) && header[j] !== "" && rows.length > 0 && _NUMBER.test(rows[0].fields[j].trim())
    );
  out.targetNames = targetCols.map((j) => header[j]);

  rows.forEach((r, i) => {
    const where = `${path}:${r.line}`;
    const id = idCol >= 0 ? r.fields[idCol].trim() : String(i + 1);
    if (id === "") throw new InputError(`${where}: empty id (${header[idCol]})`, r.line, header[idCol]);
    out.add(id, where, r.line, () => {
      let structure: Structure | null = null;
      let composition: Map<string, number>;
      if (structureCol >= 0) {
        const field = header[structureCol];
        const text = r.fields[structureCol];
        structure = _inCell(where, r.line, field, id, () => {
          if (text.trim() === "") throw new InputError("empty structure cell");
          return _readStructureText(text, ..._kindOf(field));
        });
        composition = compositionOf(structure);
      } else {
        const field = header[formulaCol];
        composition = _inCell(where, r.line, field, id, () => parseFormula(r.fields[formulaCol]));
      }
      const values = targetCols.map((j) => _target(r.fields[j], where, r.line, header[j], id));
      return [structure, composition, values];
    });
  });
}

const _STRUCTURE_FILES = [
  (id: string) => id,
  (id: string) => `${id}.cif`,
  (id: string) => `${id}.vasp`,
  (id: string) => `${id}.poscar`,
  (id: string) => `${id}.POSCAR`,
  (id: string) => `POSCAR-${id}`,
  (id: string) => `POSCAR_${id}`,
  (id: string) => `POSCAR-${id}.vasp`,
  (id: string) => `${id}/POSCAR`,
];

async function _loadDir(dir: string, opts: LoadCrystalDatasetOptions, out: _Builder): Promise<void> {
  for (const key of ["idColumn", "structureColumn", "formulaColumn"] as const) {
    if (opts[key] !== undefined) {
      throw new UsageError(`${key} does not apply to a directory dataset (${dir})`);
    }
  }
  const idProp = join(dir, "id_prop.csv");
  let text: string;
  try {
    text = await Deno.readTextFile(idProp);
  } catch (e) {
    if (e instanceof Deno.errors.NotFound) {
      throw new UsageError(`${dir}: no id_prop.csv (a directory dataset needs id_prop.csv: id,target,…)`);
    }
    throw e;
  }
  const records = parseCsv(text, idProp);
  if (records.length === 0) throw new InputError(`${idProp}: empty file`);
  const width = records[0].fields.length;
  for (const r of records) {
    if (r.fields.length !== width) {
      throw new InputError(`${idProp}:${r.line}: ${r.fields.length} fields, expected ${width}`, r.line);
    }
  }
  const numTargets = width - 1;
  if (opts.targets !== undefined && opts.targets.length !== numTargets) {
    throw new UsageError(
      `${idProp} has ${numTargets} target column(s) but ${opts.targets.length} target name(s) were given ` +
        `(${opts.targets.join(", ")})`,
    );
  }
  out.targetNames = opts.targets ??
    Array.from({ length: numTargets }, (_, k) => (k === 0 ? "target" : `target_${k}`));

  const present = new Set<string>();
  for await (const e of Deno.readDir(dir)) if (e.isFile || e.isSymlink) present.add(e.name);
  const exists = async (rel: string): Promise<boolean> => {
    if (!rel.includes("/")) return present.has(rel);
    try {
      return (await Deno.stat(join(dir, rel))).isFile;
    } catch {
      return false;
    }
  };
  // Find and read every file first (in parallel), then parse in order.
  const files = await Promise.all(records.map(async (r) => {
    const id = r.fields[0].trim();
    for (const candidate of _STRUCTURE_FILES) {
      const rel = candidate(id);
      if (id !== "" && await exists(rel)) return { rel, text: await Deno.readTextFile(join(dir, rel)) };
    }
    return null;
  }));
  records.forEach((r, i) => {
    const where = `${idProp}:${r.line}`;
    const id = r.fields[0].trim();
    if (id === "") throw new InputError(`${where}: empty id`, r.line, "id");
    out.add(id, where, r.line, () => {
      const file = files[i];
      if (file === null) {
        const tried = _STRUCTURE_FILES.map((c) => c(id)).join(", ");
        throw new InputError(
          `${where}: no structure file for id '${id}' in ${dir} (tried ${tried})`,
          r.line,
          "id",
        );
      }
      const lower = file.rel.toLowerCase();
      const kind = lower.endsWith(".cif")
        ? "cif"
        : lower.endsWith(".vasp") || lower.endsWith(".poscar") || lower.includes("poscar")
        ? "poscar"
        : undefined;
      const structure = _readStructureText(file.text, join(dir, file.rel), kind);
      const values = r.fields.slice(1).map((v, k) => {
        const hint = r.line === 1 ? " (id_prop.csv has no header line)" : "";
        try {
          return _target(v, where, r.line, out.targetNames[k], id);
        } catch (e) {
          if (e instanceof InputError) throw new InputError(e.message + hint, e.line, e.field);
          throw e;
        }
      });
      return [structure, compositionOf(structure), values];
    });
  });
}

async function _loadJsonl(path: string, opts: LoadCrystalDatasetOptions, out: _Builder): Promise<void> {
  const text = await readTextFile(path);
  const entries: { line: number; obj: Record<string, unknown> }[] = [];
  text.split(/\r?\n/).forEach((raw, i) => {
    if (raw.trim() === "") return;
    let obj: unknown;
    try {
      obj = JSON.parse(raw);
    } catch (e) {
      throw new InputError(`${path}:${i + 1}: not valid JSON: ${(e as Error).message}`, i + 1);
    }
    if (typeof obj !== "object" || obj === null || Array.isArray(obj)) {
      throw new InputError(`${path}:${i + 1}: expected a JSON object`, i + 1);
    }
    entries.push({ line: i + 1, obj: obj as Record<string, unknown> });
  });
  if (entries.length === 0) throw new InputError(`${path}: no entries`);
  const keys = new Set<string>();
  for (const e of entries) for (const k of Object.keys(e.obj)) keys.add(k);
  const need = (name: string, what: string) => {
    if (!keys.has(name)) {
      throw new UsageError(
        `${path}: no entry has the ${what} field '${name}'; available fields: ${[...keys].join(", ")}`,
      );
    }
  };
  const idField = opts.idColumn ?? (keys.has("id") ? "id" : undefined);
  if (opts.idColumn !== undefined) need(opts.idColumn, "id");
  if (opts.structureColumn !== undefined) need(opts.structureColumn, "structure");
  if (opts.formulaColumn !== undefined) need(opts.formulaColumn, "formula");
  const structureFields = opts.structureColumn !== undefined
    ? [opts.structureColumn]
    : opts.formulaColumn !== undefined
    ? []
    : ["structure", "cif", "poscar"];
  const formulaField = opts.formulaColumn ?? "formula";
  const skip = new Set([idField, ...structureFields, formulaField]);
  if (opts.targets !== undefined) opts.targets.forEach((t) => need(t, "target"));
  out.targetNames = opts.targets ??
    Object.entries(entries[0].obj).filter(([k, v]) => !skip.has(k) && typeof v === "number").map(([k]) => k);

  entries.forEach(({ line, obj }, i) => {
    const where = `${path}:${line}`;
    let id: string;
    if (idField === undefined) id = String(i + 1);
    else {
      const v = obj[idField];
      if (typeof v !== "string" && typeof v !== "number") {
        throw new InputError(`${where}: ${idField} is missing or not a string or number`, line, idField);
      }
      id = String(v);
    }
    out.add(id, where, line, () => {
      const field = structureFields.find((f) => obj[f] !== undefined && obj[f] !== null);
      let structure: Structure | null = null;
      let composition: Map<string, number>;
      if (field !== undefined) {
        const v = obj[field];
        structure = _inCell(where, line, field, id, () => {
          if (typeof v === "object") return readPymatgenStructure(v, "structure");
          if (typeof v !== "string") throw new InputError(`expected a structure object or text`);
          return _readStructureText(v, ..._kindOf(field));
        });
        composition = compositionOf(structure);
      } else {
        const f = obj[formulaField];
        if (typeof f !== "string") {
          const fields = [...structureFields, formulaField].join(", ");
          throw new InputError(`${where}: ${id} has no structure or formula (${fields})`, line, formulaField);
        }
        composition = _inCell(where, line, formulaField, id, () => parseFormula(f));
      }
      const values = out.targetNames.map((t) => {
        const v = obj[t];
        if (v === undefined || v === null) return NaN;
        if (typeof v === "number") return _finite(v, where, line, t, id);
        if (typeof v === "string") return _target(v, where, line, t, id);
        throw new InputError(`${where}: ${t} of ${id} is not a number: ${JSON.stringify(v)}`, line, t);
      });
      return [structure, composition, values];
    });
  });
}
