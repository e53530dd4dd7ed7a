/**
 * An RFC 4180 CSV reader that keeps the line each record starts on, so that errors can name it.
 * @module
 */

import { InputError } from "./errors.ts";

/** One CSV record: its fields and the 1-based line of the file it starts on. */
export interface CsvRecord {
  /** 1-based line where the record starts (a quoted field may carry it over several lines). */
  line: number;
  /** The fields, unquoted (`""` inside a quoted field becomes `"`). */
  fields: string[];
}

/**
 * Splits CSV text into records (RFC 4180): fields are separated by commas and records by LF, CRLF or
 * CR; a field that starts with `"` is quoted and may hold commas, line breaks and `""` (an escaped
 * quote). A leading byte-order mark is dropped, lines with nothing on them (outside quotes) are
 * skipped, and a quote inside an unquoted field is kept as it is (as Python's `csv` does). Records
 * may have different numbers of fields: checking the width is the caller's job.
 *
 * An unterminated quoted field, or text between a closing quote and the next comma or line end, is
 * an {@link InputError} naming `source`, the line and the 1-based field.
 */
export function parseCsv(text: string, source: string): CsvRecord[] {
  const records: CsvRecord[] = [];
  const n = text.length;
  let i = text.charCodeAt(0) === 0xfeff ? 1 : 0;
  let line = 1;
  while (i < n) {
    // Skip empty lines between records.
    const c0 = text.charCodeAt(i);
    if (c0 === _LF || c0 === _CR) {
      i += c0 === _CR && text.charCodeAt(i + 1) === _LF ? 2 : 1;
      line++;
      continue;
    }
    const start = line;
    const fields: string[] = [];
    for (;;) {
      if (text.charCodeAt(i) === _QUOTE) {
        // Quoted field: up to the next quote that is not doubled.
        const opened = line;
        let value = "";
        let from = i + 1;
        for (;;) {
          const q = text.indexOf('"', from);
          if (q < 0) {
            throw new InputError(
              `${source}:${opened}: field ${fields.length + 1}: unterminated quoted field`,
              opened,
              `field ${fields.length + 1}`,
            );
          }
          const chunk = text.slice(from, q);
          line += _countLines(chunk);
          value += chunk;
          if (text.charCodeAt(q + 1) === _QUOTE) {
            value += '"';
            from = q + 2;
          } else {
            i = q + 1;
            break;
          }
        }
        fields.push(value);
        const c = text.charCodeAt(i);
        if (i < n && c !== _COMMA && c !== _LF && c !== _CR) {
          throw new InputError(
            `${source}:${line}: field ${fields.length}: text after the closing quote of a quoted field`,
            line,
            `field ${fields.length}`,
          );
        }
      } else {
        // Unquoted field: up to the next comma or line break.
        let j = i;
        while (j < n) {
          const c = text.charCodeAt(j);
          if (c === _COMMA || c === _LF || c === _CR) break;
          j++;
        }
        fields.push(text.slice(i, j));
        i = j;
      }
      const c = text.charCodeAt(i);
      if (i < n && c === _COMMA) {
        i++;
        continue;
      }
      // End of the record: a line break or the end of the text.
      if (i < n) {
        i += c === _CR && text.charCodeAt(i + 1) === _LF ? 2 : 1;
        line++;
      }
      break;
    }
    records.push({ line: start, fields });
  }
  return records;
}

const _QUOTE = 0x22, _COMMA = 0x2c, _LF = 0x0a, _CR = 0x0d;

/** Line breaks (LF, CRLF or lone CR) in `s`. */
function _countLines(s: string): number {
  let k = 0;
  for (let j = 0; j < s.length; j++) {
    const c = s.charCodeAt(j);
    if (c === _LF) k++;
    else if (c === _CR && s.charCodeAt(j + 1) !== _LF) k++;
  }
  return k;
}
