import assert from "node:assert/strict";
import { UsageError } from "../../errors.ts";
import { parseSplit } from "./parse_split.ts";

Deno.test("parseSplit reads TRAIN:VAL per class", () => {
  assert.deepEqual(parseSplit("10:20"), { trainPerClass: 10, valPerClass: 20 });
  assert.deepEqual(parseSplit(" 50 : 100 "), { trainPerClass: 50, valPerClass: 100 });
  assert.deepEqual(parseSplit("1:0"), { trainPerClass: 1, valPerClass: 0 });
});

Deno.test("parseSplit rejects malformed text with a UsageError", () => {
  for (
    const bad of [
      "",
      "10",
      "10:",
      ":20",
      "10:20:30",
      "a:b",
      "1.5:2",
      "-1:2",
      "10,20",
      "0:5",
      "99999999999999999:1",
    ]
  ) {
    assert.throws(() => parseSplit(bad), UsageError, `'${bad}'`);
  }
});
