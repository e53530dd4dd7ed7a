/**
 * Private: the element symbol at the start of a site label, type symbol or POTCAR name.
 * @module
 */

import { ELEMENT_SYMBOLS } from "./element_symbols.ts";

const _ELEMENTS: ReadonlySet<string> = new Set(ELEMENT_SYMBOLS);

/** Whether `s` is an element symbol, exactly capitalised (`"Fe"`, not `"FE"`). */
export function isElementSymbol(s: string): boolean {
  return _ELEMENTS.has(s);
}

/**
 * The element a label starts with, ignoring case and whatever follows its leading letters:
 * `"Fe2+"` → `"Fe"`, `"O1"` → `"O"`, `"ba"` → `"Ba"`, `"Fe_pv"` → `"Fe"`, `"OW1"` → `"O"` (a
 * two-letter symbol is preferred when the first two letters form one). `null` when it starts with no
 * element.
 */
export function elementFromLabel(label: string): string | null {
  const m = /^[A-Za-z]+/.exec(label.trim());
  if (!m) return null;
  const letters = m[0];
  if (letters.length >= 2) {
    const two = letters[0].toUpperCase() + letters[1].toLowerCase();
    if (_ELEMENTS.has(two)) return two;
  }
  const one = letters[0].toUpperCase();
  return _ELEMENTS.has(one) ? one : null;
}
