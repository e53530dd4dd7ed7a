import assert from "node:assert/strict";
import { InputError } from "./errors.ts";
import { parseCsv } from "./read_csv.ts";

Deno.test("parseCsv reads plain records and keeps their lines", () => {
  const recs = parseCsv("a,b,c\n1,2,3\n\n4,,6\n", "t.csv");
  assert.deepEqual(recs, [
    { line: 1, fields: ["a", "b", "c"] },
    { line: 2, fields: ["1", "2", "3"] },
    { line: 4, fields: ["4", "", "6"] },
  ]);
});

Deno.test("parseCsv handles quotes, escaped quotes, embedded newlines and CRLF", () => {
  const text = '\ufeffid,text\r\n1,"say ""hi"", then\r\nleave"\r\n2,"x,y"\r\n3,plain "inner" quote\r\n4,';
  const recs = parseCsv(text, "t.csv");
  assert.deepEqual(recs, [
    { line: 1, fields: ["id", "text"] },
    { line: 2, fields: ["1", 'say "hi", then\r\nleave'] },
    { line: 4, fields: ["2", "x,y"] },
    { line: 5, fields: ["3", 'plain "inner" quote'] },
    { line: 6, fields: ["4", ""] },
  ]);
});

Deno.test("parseCsv counts lone CR and LF line breaks inside quoted fields", () => {
  const recs = parseCsv('"a\nb\rc",1\n"",2\rlast', "t.csv");
  assert.deepEqual(recs, [
    { line: 1, fields: ["a\nb\rc", "1"] },
    { line: 4, fields: ["", "2"] },
    { line: 5, fields: ["last"] },
  ]);
});

Deno.test("parseCsv: an empty text has no records", () => {
  assert.deepEqual(parseCsv("", "t.csv"), []);
  assert.deepEqual(parseCsv("\n\r\n", "t.csv"), []);
});

Deno.test("parseCsv rejects an unterminated quote and text after a closing quote", () => {
  assert.throws(
    () => parseCsv('a,b\n1,"open\nstill open\n', "bad.csv"),
    (e: unknown) =>
      e instanceof InputError && e.line === 2 && e.field === "field 2" &&
      e.message === "bad.csv:2: field 2: unterminated quoted field",
  );
  assert.throws(
    () => parseCsv('a,b\n\n"x\ny"z,1\n', "bad.csv"),
    (e: unknown) =>
      e instanceof InputError && e.line === 4 && e.field === "field 1" &&
      /bad\.csv:4: field 1: text after the closing quote/.test(e.message),
  );
});
