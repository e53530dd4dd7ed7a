import assert from "node:assert/strict";
import { InputError, MAX_MESSAGE_LENGTH, UsageError } from "./errors.ts";

Deno.test("error messages are one line: line breaks of a quoted input are written as \\n", () => {
  const e = new InputError(
    "x.json: not valid JSON: Unexpected token '}', \"a,\n  }\r\n\" is not valid JSON",
    0,
    "json",
  );
  assert.equal(e.message, "x.json: not valid JSON: Unexpected token '}', \"a,\\n  }\\n\" is not valid JSON");
  assert.deepEqual([e.line, e.field], [0, "json"]);
});

Deno.test("a message quoting a huge value keeps its start and end around what was cut", () => {
  const m =
    new UsageError(`c.json: hidden_dim must be an integer, got "${"9".repeat(100_000)}" (did you mean 64?)`)
      .message;
  assert.ok(m.length < MAX_MESSAGE_LENGTH + 40, `${m.length}`);
  assert.match(
    m,
    /^c\.json: hidden_dim must be an integer, got "9+ … \(99\d\d\d characters cut\) … 9+" \(did you mean 64\?\)$/,
  );
  const short = "line 2: demand must be a positive number";
  assert.equal(new InputError(short).message, short);
  const emoji = new UsageError("🙂".repeat(1000)).message;
  assert.ok(
    !/[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/.test(emoji),
    "no half of a pair",
  );
});
