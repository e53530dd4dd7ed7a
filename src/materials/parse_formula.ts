/**
 * Chemical formula parsing.
 * @module
 */

import { InputError } from "../errors.ts";
import { isElementSymbol } from "./_element_from_label.ts";

/**
 * Parses a chemical formula into element → amount, elements in order of first appearance and
 * amounts summed over repeats: `"Ca(OH)2"` → `{Ca: 1, O: 2, H: 2}`.
 *
 * * Elements are exactly capitalised symbols (`Co` is cobalt, `CO` carbon and oxygen), each
 *   optionally followed by an amount: an integer or a decimal (`Fe0.5Ni0.5`, `.5` too).
 * * Groups in `( )`, `[ ]` or `{ }`, nested to any depth, with an optional amount after them.
 * * Hydrates and adducts: parts separated by `·`, `•`, `∙`, `⋅` or `*`, each with an optional leading
 *   multiplier (`CuSO4·5H2O` → `{Cu: 1, S: 1, O: 9, H: 10}`). A plain `.` is always a decimal point.
 * * White space is ignored.
 *
 * An unknown element, an empty or zero amount, unbalanced brackets or any other character is an
 * {@link InputError} naming the formula and the position (1-based character, counted without white
 * space).
 */
export function parseFormula(formula: string): Map<string, number> {
  const s = formula.replace(/\s+/g, "");
  const fail = (k: number, why: string) =>
    new InputError(
      `formula '${formula}': ${why} at character ${k + 1}${s === formula ? "" : ` of '${s}'`}`,
      0,
      "formula",
    );
  if (s === "") throw new InputError(`empty formula`, 0, "formula");
  const out = new Map<string, number>();
  let k = 0;

  const amount = (): number | null => {
    const m = _AMOUNT.exec(s.slice(k));
    if (!m) return null;
    const v = Number(m[0]);
    if (!(v > 0)) throw fail(k, `amount ${m[0]} is not positive`);
    k += m[0].length;
    return v;
  };

  /** Parses elements and groups up to a closing bracket or separator into `acc` (element → amount). */
  const sequence = (acc: Map<string, number>, depth: number): void => {
    const start = k;
    while (k < s.length) {
      const c = s[k];
      if (_CLOSE.includes(c) || _SEPARATORS.includes(c)) break;
      if (_OPEN.includes(c)) {
        const open = k;
        k++;
        const inner = new Map<string, number>();
        sequence(inner, depth + 1);
        if (k >= s.length) throw fail(open, `'${c}' is never closed`);
        if (s[k] !== _CLOSE[_OPEN.indexOf(c)]) throw fail(k, `'${s[k]}' does not match '${c}'`);
        k++;
        if (inner.size === 0) throw fail(open, "empty brackets");
        const times = amount() ?? 1;
        for (const [e, v] of inner) acc.set(e, (acc.get(e) ?? 0) + v * times);
        continue;
      }
      const m = /^[A-Z][a-z]?/.exec(s.slice(k));
      if (!m) throw fail(k, `unexpected '${c}'`);
      if (!isElementSymbol(m[0])) throw fail(k, `unknown element '${m[0]}'`);
      k += m[0].length;
      const v = amount() ?? 1;
      acc.set(m[0], (acc.get(m[0]) ?? 0) + v);
    }
    if (k < s.length && _CLOSE.includes(s[k]) && depth === 0) throw fail(k, `unmatched '${s[k]}'`);
    if (k === start && depth === 0) throw fail(k, "expected an element");
  };

  for (;;) {
    const times = amount() ?? 1;
    const part = new Map<string, number>();
    sequence(part, 0);
    for (const [e, v] of part) out.set(e, (out.get(e) ?? 0) + v * times);
    if (k >= s.length) break;
    k++; // a separator
    if (k >= s.length) throw fail(k - 1, "nothing after the separator");
  }
  return out;
}

const _AMOUNT = /^(\d+(\.\d*)?|\.\d+)/;
const _OPEN = "([{";
const _CLOSE = ")]}";
const _SEPARATORS = "·•∙⋅*";
