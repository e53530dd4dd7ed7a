/**
 * A CIF reader that expands the symmetry operations to a P1 {@link Structure}.
 * @module
 */

import { InputError } from "../errors.ts";
import { elementFromLabel } from "./_element_from_label.ts";
import { latticeFromParameters } from "./lattice_from_parameters.ts";
import type { Structure } from "./structure.ts";

/**
 * Reads a crystal from CIF text (CIF 1.1 syntax; CIF 2 / DDLm tags such as `_cell.length_a` are read
 * as `_cell_length_a`):
 *
 * * **Block**: the first data block that has atom sites (`_atom_site_fract_x`).
 * * **Cell**: `_cell_length_a/b/c` and `_cell_angle_alpha/beta/gamma`; standard uncertainties such as
 *   `5.431(2)` are dropped. The lattice is built with {@link latticeFromParameters} (a along x, b in
 *   the xy plane).
 * * **Sites**: the `_atom_site_*` loop: the element comes from `_atom_site_type_symbol`, or from
 *   `_atom_site_label` when there is no type symbol, keeping only the element (`Fe2+` → `Fe`,
 *   `O1` → `O`, `ba` → `Ba`). Only fractional coordinates are read. The loop needs a row, and each
 *   row starts on a new line with one value per tag (it may go on over the next lines).
 * * **Symmetry**: the operations of `_symmetry_equiv_pos_as_xyz` or `_space_group_symop_operation_xyz`
 *   (a loop or a single item), e.g. `-x+1/2, y, z+0.5` or `x-y,x,1/2+z`. Without either, the
 *   structure must be P1 (no space group, or `P 1` / number 1). Every site is mapped by every
 *   operation and wrapped into [0, 1); images closer than **1e-3 in every fractional coordinate**
 *   (periodic distance, componentwise) to an earlier atom are the same atom and are dropped. Atoms
 *   are ordered by site, then by operation.
 * * Syntax: `'…'` and `"…"` quoting (a quote closes only before white space), `;` text fields,
 *   `#` comments; `?` and `.` (unquoted) mean an unknown or inapplicable value.
 *
 * Errors are {@link InputError}s naming `source`, the line and the CIF field: a missing cell field,
 * an infinite number (`1e999`), an atom-site loop without rows or with a short (truncated) row,
 * partial occupancy (`_atom_site_occupancy` below 1 − 1e-3, naming the site label), two different
 * elements on the same position, an unknown element, a malformed symmetry operation, a space group
 * other than P1 without its operations, or broken CIF syntax.
 */
export function readCif(text: string, source: string): Structure {
  const blocks = _parseBlocks(_tokenize(text, source), source);
  if (blocks.length === 0) throw new InputError(`${source}: no data block (data_...) in the CIF`);
  const block = blocks.find((b) => b.columns.has("_atom_site_fract_x"));
  if (!block) {
    throw new InputError(
      `${source}: no atom sites with fractional coordinates (_atom_site_fract_x) in any data block`,
      0,
      "_atom_site_fract_x",
    );
  }
  const lattice = _lattice(block, source);
  const ops = _symmetryOps(block, source);
  const sites = _sites(block, source);
  return _expand(lattice, sites, ops, source);
}

/** Tolerance on each fractional coordinate under which two symmetry images are the same atom. */
const _SAME_SITE = 1e-3;
/** Occupancies below 1 minus this are partial. */
const _OCCUPANCY_TOLERANCE = 1e-3;

interface _Token {
  text: string;
  /** Quoted or a text field: never a tag, keyword or `?` / `.`. */
  quoted: boolean;
  line: number;
}

interface _Column {
  /** One token per row. */
  values: _Token[];
  /** Line of the tag. */
  line: number;
}

interface _Block {
  name: string;
  /** Every tag (lower case, `.` → `_`): single items are one-row columns, loops share their row count. */
  columns: Map<string, _Column>;
}

function _isSpace(c: number): boolean {
  return c === 0x20 || c === 0x09 || c === 0x0b || c === 0x0c;
}

/** Splits CIF text into tokens (values, tags and keywords), dropping comments. */
function _tokenize(text: string, source: string): _Token[] {
  const lines = text.split(/\r\n|\n|\r/);
  const tokens: _Token[] = [];
  for (let li = 0; li < lines.length; li++) {
    let line = lines[li];
    if (line.startsWith(";")) {
      const start = li + 1;
      const parts = [line.slice(1)];
      li++;
      while (li < lines.length && !lines[li].startsWith(";")) parts.push(lines[li++]);
      if (li >= lines.length) {
        throw new InputError(`${source}:${start}: unterminated text field (no closing ';' line)`, start);
      }
      tokens.push({ text: parts.join("\n").trim(), quoted: true, line: start });
      line = lines[li].slice(1);
    }
    _scanLine(line, li + 1, tokens, source);
  }
  return tokens;
}

function _scanLine(line: string, lineNo: number, tokens: _Token[], source: string): void {
  const n = line.length;
  let i = 0;
  while (i < n) {
    const c = line.charCodeAt(i);
    if (_isSpace(c)) {
      i++;
      continue;
    }
    if (c === 0x23) return; // '#': comment to the end of the line
    if (c === 0x27 || c === 0x22) {
      // A quote closes only when white space or the end of the line follows it.
      const q = line[i];
      let j = i + 1;
      for (;;) {
        j = line.indexOf(q, j);
        if (j < 0) throw new InputError(`${source}:${lineNo}: unterminated ${q}-quoted value`, lineNo);
        if (j + 1 === n || _isSpace(line.charCodeAt(j + 1))) break;
        j++;
      }
      tokens.push({ text: line.slice(i + 1, j), quoted: true, line: lineNo });
      i = j + 1;
      continue;
    }
    let j = i;
    while (j < n && !_isSpace(line.charCodeAt(j))) j++;
    tokens.push({ text: line.slice(i, j), quoted: false, line: lineNo });
    i = j;
  }
}

function _isTag(t: _Token): boolean {
  return !t.quoted && t.text.startsWith("_");
}

/**
 * The reserved word a token is, in lower case (`data_…`, `loop_`, `save_…`, `global_`, `stop_`, any
 * case in the file), or "" for anything else.
 */
function _keyword(t: _Token): string {
  if (t.quoted || !t.text.includes("_") || !/^[dlsgDLSG]/.test(t.text)) return "";
  const s = t.text.toLowerCase();
  return s.startsWith("data_") || s === "loop_" || s.startsWith("save_") || s === "global_" || s === "stop_"
    ? s
    : "";
}

function _isKeyword(t: _Token): boolean {
  return _keyword(t) !== "";
}

function _normTag(tag: string): string {
  return tag.toLowerCase().replaceAll(".", "_");
}

function _parseBlocks(tokens: _Token[], source: string): _Block[] {
  const blocks: _Block[] = [];
  let block: _Block | null = null;
  let k = 0;
  const add = (tag: _Token, column: _Column) => {
    const key = _normTag(tag.text);
    if (block!.columns.has(key)) {
      throw new InputError(
        `${source}:${tag.line}: ${tag.text} appears twice in the data block`,
        tag.line,
        key,
      );
    }
    block!.columns.set(key, column);
  };
  while (k < tokens.length) {
    const t = tokens[k];
    const lower = _keyword(t);
    if (lower.startsWith("data_")) {
      block = { name: t.text.slice(5), columns: new Map() };
      blocks.push(block);
      k++;
      continue;
    }
    if (lower.startsWith("save_") || lower === "global_" || lower === "stop_") {
      k++;
      continue;
    }
    if (block === null) {
      throw new InputError(`${source}:${t.line}: '${t.text}' before the first data block (data_...)`, t.line);
    }
    if (lower === "loop_") {
      const tags: _Token[] = [];
      k++;
      while (k < tokens.length && _isTag(tokens[k])) tags.push(tokens[k++]);
      if (tags.length === 0) throw new InputError(`${source}:${t.line}: loop_ without tags`, t.line);
      const values: _Token[] = [];
      while (k < tokens.length && !_isTag(tokens[k]) && !_isKeyword(tokens[k])) values.push(tokens[k++]);
      if (tags.some((tag) => _normTag(tag.text) === _FRACT_TAGS[0])) _checkSiteRows(t, tags, values, source);
      if (values.length % tags.length !== 0) {
        throw new InputError(
          `${source}:${t.line}: the loop of ${tags[0].text} has ${values.length} values, not a multiple ` +
            `of its ${tags.length} tags`,
          t.line,
          _normTag(tags[0].text),
        );
      }
      tags.forEach((tag, j) => {
        const column: _Token[] = [];
        for (let r = j; r < values.length; r += tags.length) column.push(values[r]);
        add(tag, { values: column, line: tag.line });
      });
      continue;
    }
    if (_isTag(t)) {
      const v = tokens[k + 1];
      if (v === undefined || _isTag(v) || _isKeyword(v)) {
        throw new InputError(`${source}:${t.line}: ${t.text} has no value`, t.line, _normTag(t.text));
      }
      add(t, { values: [v], line: t.line });
      k += 2;
      continue;
    }
    throw new InputError(`${source}:${t.line}: value '${t.text}' without a tag`, t.line);
  }
  return blocks;
}

/**
 * Checks the rows of the atom-site loop (`loop` is its `loop_` token): it has at least one row, and
 * every row starts on a line of its own and holds one value per tag (a row may go on over the next
 * lines, but no row may end inside a line where the next one starts). A row with fewer or more
 * values (a truncated file, a value left out) is an error naming its line.
 */
function _checkSiteRows(loop: _Token, tags: _Token[], values: _Token[], source: string): void {
  const n = tags.length, field = _normTag(tags[0].text);
  if (values.length === 0) {
    throw new InputError(
      `${source}:${loop.line}: the atom-site loop (${tags[0].text}, …) has no rows`,
      loop.line,
      field,
    );
  }
  for (let r = 0; r < values.length; r += n) {
    const last = values[Math.min(r + n, values.length) - 1], next = values[r + n];
    if (r + n <= values.length && (next === undefined || next.line !== last.line)) continue;
    const line = values[r].line;
    const onLine = values.slice(r).findIndex((v) => v.line !== line);
    const count = onLine < 0 ? values.length - r : onLine;
    throw new InputError(
      `${source}:${line}: a row of the atom-site loop has ${count} values, expected ${n} (${
        tags.map((tag) => tag.text).join(" ")
      })`,
      line,
      field,
    );
  }
}

/** Whether a value token is `?` (unknown) or `.` (inapplicable). */
function _isNull(t: _Token): boolean {
  return !t.quoted && (t.text === "?" || t.text === ".");
}

const _CIF_NUMBER = /^([+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?)(?:\(\d+\))?$/;

/** A CIF number, without its standard uncertainty; `site` names the atom site in the message. */
function _number(t: _Token, tag: string, source: string, site?: string): number {
  const m = _CIF_NUMBER.exec(t.text);
  if (!m) {
    const what = site === undefined ? tag : `${tag} of site ${site}`;
    throw new InputError(`${source}:${t.line}: ${what} is not a number: '${t.text}'`, t.line, tag);
  }
  const v = Number(m[1]);
  if (!Number.isFinite(v)) {
    const what = site === undefined ? tag : `${tag} of site ${site}`;
    throw new InputError(`${source}:${t.line}: ${what} is not a finite number: '${t.text}'`, t.line, tag);
  }
  return v;
}

/** The value of a single-valued tag (an item, or a one-row loop), or undefined when absent or null. */
function _single(block: _Block, tag: string, source: string): _Token | undefined {
  const col = block.columns.get(tag);
  if (!col || col.values.length === 0) return undefined;
  if (col.values.length > 1) {
    throw new InputError(
      `${source}:${col.line}: ${tag} has ${col.values.length} values, expected one`,
      col.line,
      tag,
    );
  }
  return _isNull(col.values[0]) ? undefined : col.values[0];
}

function _lattice(block: _Block, source: string): [number[], number[], number[]] {
  const tags = [
    "_cell_length_a",
    "_cell_length_b",
    "_cell_length_c",
    "_cell_angle_alpha",
    "_cell_angle_beta",
    "_cell_angle_gamma",
  ];
  const p = tags.map((tag) => {
    const t = _single(block, tag, source);
    if (t === undefined) throw new InputError(`${source}: missing cell parameter ${tag}`, 0, tag);
    return _number(t, tag, source);
  });
  try {
    return latticeFromParameters(p[0], p[1], p[2], p[3], p[4], p[5]);
  } catch (e) {
    if (!(e instanceof InputError)) throw e;
    const tag = e.field.length === 1 ? `_cell_length_${e.field}` : `_cell_angle_${e.field}`;
    const line = block.columns.get(tag)?.line ?? 0;
    throw new InputError(`${source}:${line}: ${e.message}`, line, tag);
  }
}

/** A symmetry operation x' = R x + t on fractional coordinates; `rot` is row-major 3 × 3. */
interface _Op {
  rot: number[];
  trans: number[];
}

const _SYMOP_TAGS = ["_symmetry_equiv_pos_as_xyz", "_space_group_symop_operation_xyz"];
const _IDENTITY: _Op = { rot: [1, 0, 0, 0, 1, 0, 0, 0, 1], trans: [0, 0, 0] };

function _symmetryOps(block: _Block, source: string): _Op[] {
  for (const tag of _SYMOP_TAGS) {
    const col = block.columns.get(tag);
    if (!col) continue;
    const ops = col.values.filter((t) => !_isNull(t)).map((t) => _parseOp(t, tag, source));
    if (ops.length > 0) return ops;
  }
  // No operations: only P1 can be read as it is.
  const name = [
    "_symmetry_space_group_name_h-m",
    "_space_group_name_h-m_alt",
    "_symmetry_space_group_name_hall",
  ]
    .map((tag) => _single(block, tag, source)?.text).find((s) => s !== undefined);
  const numberTok = ["_space_group_it_number", "_symmetry_int_tables_number"]
    .map((tag) => _single(block, tag, source)).find((t) => t !== undefined);
  const isP1Name = name === undefined || /^p_?1$/.test(name.replace(/\s+/g, "").toLowerCase());
  const isP1Number = numberTok === undefined || numberTok.text.trim() === "1";
  if (!isP1Name || !isP1Number) {
    const group = name !== undefined ? `'${name}'` : `number ${numberTok!.text}`;
    throw new InputError(
      `${source}: space group ${group} has no symmetry operations (_symmetry_equiv_pos_as_xyz or ` +
        `_space_group_symop_operation_xyz): cannot expand it to P1`,
      0,
      "_symmetry_equiv_pos_as_xyz",
    );
  }
  return [_IDENTITY];
}

const _TERM_NUMBER = /^(\d+(?:\.\d*)?|\.\d+)(?:\/(\d+(?:\.\d*)?|\.\d+))?/;

/** Parses `-x+1/2, y, z+0.5`, `x-y,x,1/2+z`, `2*x`, … */
function _parseOp(t: _Token, tag: string, source: string): _Op {
  const bad = (why: string) =>
    new InputError(`${source}:${t.line}: bad symmetry operation '${t.text}': ${why}`, t.line, tag);
  const parts = t.text.replace(/\s+/g, "").toLowerCase().split(",");
  if (parts.length !== 3) throw bad(`${parts.length} components, expected 3`);
  const rot = new Array<number>(9).fill(0);
  const trans = [0, 0, 0];
  parts.forEach((p, row) => {
    if (p === "") throw bad(`component ${row + 1} is empty`);
    let k = 0;
    let first = true;
    while (k < p.length) {
      let sign = 1;
      if (p[k] === "+" || p[k] === "-") {
        sign = p[k] === "-" ? -1 : 1;
        k++;
      } else if (!first) {
        throw bad(`'${p}' needs + or - between terms`);
      }
      first = false;
      let coef: number | null = null;
      const m = _TERM_NUMBER.exec(p.slice(k));
      if (m) {
        const den = m[2] === undefined ? 1 : Number(m[2]);
        if (den === 0) throw bad(`division by zero in '${p}'`);
        coef = Number(m[1]) / den;
        k += m[0].length;
        if (p[k] === "*") k++;
      }
      const axis = "xyz".indexOf(p[k] ?? "?");
      if (axis >= 0) {
        rot[row * 3 + axis] += sign * (coef ?? 1);
        k++;
      } else if (coef !== null) {
        trans[row] += sign * coef;
      } else {
        throw bad(`unexpected '${p.slice(k) || p}' in '${p}'`);
      }
    }
  });
  return { rot, trans };
}

const _FRACT_TAGS = ["_atom_site_fract_x", "_atom_site_fract_y", "_atom_site_fract_z"];

interface _Site {
  label: string;
  element: string;
  frac: number[];
  line: number;
}

function _sites(block: _Block, source: string): _Site[] {
  const col = (tag: string) => block.columns.get(tag)?.values;
  const fx = col("_atom_site_fract_x")!, fy = col("_atom_site_fract_y"), fz = col("_atom_site_fract_z");
  if (!fy || !fz) {
    const tag = fy ? "_atom_site_fract_z" : "_atom_site_fract_y";
    throw new InputError(`${source}: atom sites without ${tag}`, 0, tag);
  }
  const labels = col("_atom_site_label"), types = col("_atom_site_type_symbol");
  const occupancies = col("_atom_site_occupancy");
  if (!labels && !types) {
    throw new InputError(
      `${source}: atom sites have neither _atom_site_type_symbol nor _atom_site_label`,
      0,
      "_atom_site_type_symbol",
    );
  }
  const n = fx.length;
  for (const [tag, values] of [["_atom_site_fract_y", fy], ["_atom_site_fract_z", fz]] as const) {
    if (values.length !== n) {
      throw new InputError(
        `${source}: ${tag} has ${values.length} values but _atom_site_fract_x ${n}`,
        0,
        tag,
      );
    }
  }
  const sites: _Site[] = [];
  for (let r = 0; r < n; r++) {
    const labelTok = labels?.[r], typeTok = types?.[r];
    const label = labelTok && !_isNull(labelTok) ? labelTok.text : `site ${r + 1}`;
    const line = fx[r].line;
    const [symbolTok, symbolTag] = typeTok && !_isNull(typeTok)
      ? [typeTok, "_atom_site_type_symbol"]
      : [labelTok, "_atom_site_label"];
    if (!symbolTok || _isNull(symbolTok)) {
      throw new InputError(`${source}:${line}: site ${label} has no element`, line, "_atom_site_type_symbol");
    }
    const element = elementFromLabel(symbolTok.text);
    if (element === null) {
      throw new InputError(
        `${source}:${symbolTok.line}: site ${label}: '${symbolTok.text}' (${symbolTag}) is not an element`,
        symbolTok.line,
        symbolTag,
      );
    }
    const frac = [fx[r], fy[r], fz[r]].map((t, j) => {
      const tag = _FRACT_TAGS[j];
      if (_isNull(t)) throw new InputError(`${source}:${t.line}: site ${label} has no ${tag}`, t.line, tag);
      return _number(t, tag, source, label);
    });
    const occTok = occupancies?.[r];
    if (occTok && !_isNull(occTok)) {
      const occ = _number(occTok, "_atom_site_occupancy", source, label);
      if (occ < 1 - _OCCUPANCY_TOLERANCE || occ > 1 + _OCCUPANCY_TOLERANCE) {
        throw new InputError(
          `${source}:${occTok.line}: site ${label} has occupancy ${occTok.text} (_atom_site_occupancy); ` +
            `only fully ordered structures (occupancy 1) are supported`,
          occTok.line,
          "_atom_site_occupancy",
        );
      }
    }
    sites.push({ label, element, frac, line });
  }
  return sites;
}

function _wrap(v: number): number {
  const w = v - Math.floor(v);
  return w >= 1 ? 0 : w;
}

/** Applies every operation to every site and drops the images that coincide with earlier atoms. */
function _expand(
  lattice: [number[], number[], number[]],
  sites: _Site[],
  ops: _Op[],
  source: string,
): Structure {
  const species: string[] = [];
  const frac: number[][] = [];
  const siteOf: number[] = [];
  sites.forEach((site, s) => {
    const [x, y, z] = site.frac;
    for (const { rot: m, trans: t } of ops) {
      const p = [
        _wrap(m[0] * x + m[1] * y + m[2] * z + t[0]),
        _wrap(m[3] * x + m[4] * y + m[5] * z + t[1]),
        _wrap(m[6] * x + m[7] * y + m[8] * z + t[2]),
      ];
      let same = -1;
      for (let j = 0; j < frac.length; j++) {
        const q = frac[j];
        let d = p[0] - q[0];
        if (Math.abs(d - Math.round(d)) >= _SAME_SITE) continue;
        d = p[1] - q[1];
        if (Math.abs(d - Math.round(d)) >= _SAME_SITE) continue;
        d = p[2] - q[2];
        if (Math.abs(d - Math.round(d)) >= _SAME_SITE) continue;
        same = j;
        break;
      }
      if (same < 0) {
        species.push(site.element);
        frac.push(p);
        siteOf.push(s);
      } else if (species[same] !== site.element) {
        const other = sites[siteOf[same]];
        throw new InputError(
          `${source}:${site.line}: sites ${other.label} (${other.element}) and ${site.label} ` +
            `(${site.element}) share a position (${p.map((v) => v.toFixed(4)).join(", ")}): ` +
            `a disordered structure is not supported`,
          site.line,
          "_atom_site_fract_x",
        );
      }
    }
  });
  return { lattice, species, frac };
}
