/**
 * Test helper of the fuzz harness: a seeded text mutator. It damages a valid input the ways files
 * get damaged or mistyped: flipped and deleted bytes, truncation, duplicated and dropped lines,
 * numbers swapped for extreme values (1e308, -1, NaN-ish strings, huge integers), values of the
 * wrong type, and deep nesting.
 * @module
 */

import type { Rng } from "../src/rng.ts";

/** Numbers a number may be replaced with: extremes, non-finite spellings, wrong types. */
const _REPLACEMENTS = [
  "0",
  "-0",
  "-1",
  "1e308",
  "-1e308",
  "1e-308",
  "5e-324",
  "1e999",
  "NaN",
  "nan",
  "Infinity",
  "-Infinity",
  "inf",
  "9007199254740993",
  "18446744073709551616",
  "99999999999999999999999999999999",
  "4294967296",
  "2147483648",
  "0.5",
  "1.5",
  "-0.5",
  "0x10",
  "1_000",
  "1e",
  ".",
  "-",
  '"1"',
  '"x"',
  '""',
  "null",
  "true",
  "[]",
  "{}",
  "[1,2]",
  '{"a":1}',
];

/** Characters a flipped byte may become: structure, quotes, digits, white space, control, non-ASCII. */
const _BYTES = "{}[]():,;\"'`\\/#_.-+eE0123456789 \t\r\n\u0000\u00ff\u2028\ufeffé漢🙂xyzNaN?";

const _pick = <T>(rng: Rng, xs: readonly T[]): T => xs[rng.below(xs.length)];

/** A random span `[a, b)` of `text` (short spans more often). */
function _span(rng: Rng, text: string): [number, number] {
  const a = rng.below(text.length + 1);
  const len = rng.below(4) === 0
    ? rng.below(text.length - a + 1)
    : rng.below(Math.min(16, text.length - a) + 1);
  return [a, a + len];
}

/** One mutation of `text`. */
function _once(rng: Rng, text: string): string {
  const lines = text.split("\n");
  switch (rng.below(11)) {
    case 0: { // flip a byte
      const i = rng.below(Math.max(1, text.length));
      return text.slice(0, i) + _pick(rng, [..._BYTES]) + text.slice(i + 1);
    }
    case 1: // truncate
      return text.slice(0, rng.below(text.length + 1));
    case 2: { // delete a span
      const [a, b] = _span(rng, text);
      return text.slice(0, a) + text.slice(b);
    }
    case 3: { // duplicate a line, sometimes many times
      const i = rng.below(lines.length);
      const copies = rng.below(4) === 0 ? 1 + rng.below(200) : 1;
      return [...lines.slice(0, i + 1), ...Array(copies).fill(lines[i]), ...lines.slice(i + 1)].join("\n");
    }
    case 4: { // drop a line
      const i = rng.below(lines.length);
      return [...lines.slice(0, i), ...lines.slice(i + 1)].join("\n");
    }
    case 5: // swap two lines
    {
      const i = rng.below(lines.length), j = rng.below(lines.length);
      [lines[i], lines[j]] = [lines[j], lines[i]];
      return lines.join("\n");
    }
    case 6:
    case 7: { // replace a number with an extreme or a wrong type
      const numbers = [...text.matchAll(/-?\d+(\.\d+)?([eE][-+]?\d+)?/g)];
      if (numbers.length === 0) return _once(rng, text);
      const m = _pick(rng, numbers);
      return text.slice(0, m.index) + _pick(rng, _REPLACEMENTS) + text.slice(m.index! + m[0].length);
    }
    case 8: { // replace a quoted string with another type
      const strings = [...text.matchAll(/"[^"\n]*"/g)];
      if (strings.length === 0) return _once(rng, text);
      const m = _pick(rng, strings);
      return text.slice(0, m.index) + _pick(rng, _REPLACEMENTS) + text.slice(m.index! + m[0].length);
    }
    case 9: { // deep nesting
      const i = rng.below(text.length + 1);
      const depth = _pick(rng, [64, 200, 5000, 100000]);
      const [open, close] = _pick(rng, [["[", "]"], ['{"a":', "}"], ["graph [ a ", " ]"], ["(", ")"]]);
      return text.slice(0, i) + open.repeat(depth) + "1" + close.repeat(rng.below(2) ? depth : 0) +
        text.slice(i);
    }
    default: { // copy a span elsewhere
      const [a, b] = _span(rng, text);
      const i = rng.below(text.length + 1);
      return text.slice(0, i) + text.slice(a, b) + text.slice(i);
    }
  }
}

/** The longest input made: 1 MB, or twice the seed (repeated growth would make inputs of 100 MB). */
const _limit = (seed: string) => Math.max(1 << 20, 2 * seed.length);

/** `text` after one to four random mutations drawn from `rng` (one that grows it too much is undone). */
export function mutate(text: string, rng: Rng): string {
  let out = text;
  for (let k = 1 + rng.below(4); k > 0; k--) {
    const next = _once(rng, out);
    if (next.length <= _limit(text)) out = next;
  }
  return out;
}
