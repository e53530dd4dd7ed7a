/**
 * Per-matrix optimal MLUs (DOTE / FIGRET `.opt`): one non-negative number per line, blank lines
 * skipped; `keiro import te --opt` attaches them as `opt_mlu`.
 * @module
 */

import { InputError } from "../../errors.ts";

/**
 * The values of `text`, in order.
 * @throws {InputError} naming `file` and the line of a value that is not a non-negative number
 */
export function readOptValues(text: string, file: string): number[] {
  const out: number[] = [];
  text.split(/\r?\n/).forEach((line, i) => {
    const s = line.trim();
    if (s === "") return;
    const v = Number(s);
    if (!(v >= 0 && Number.isFinite(v))) {
      throw new InputError(
        `${file}: line ${i + 1}: an optimal MLU must be a non-negative number, got ${
          JSON.stringify(s.slice(0, 40))
        }`,
        i + 1,
        "opt_mlu",
      );
    }
    out.push(v);
  });
  return out;
}
