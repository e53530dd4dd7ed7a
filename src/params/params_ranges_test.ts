import assert from "node:assert/strict";
import { UsageError } from "../errors.ts";
import { DEFAULT_RANGES, parseParamsRanges } from "./params_ranges.ts";

Deno.test("parseParamsRanges: given keys over the defaults, comments dropped", () => {
  const r = parseParamsRanges('{"_why": "small", "size": 32, "circles": [2, 3]}', "r.json");
  assert.deepEqual(r, { ...DEFAULT_RANGES, size: 32, circles: [2, 3] });
});

Deno.test("parseParamsRanges: unknown keys and bad ranges are usage errors naming file and key", () => {
  const err = (text: string, re: RegExp) =>
    assert.throws(
      () => parseParamsRanges(text, "r.json"),
      (e) => e instanceof UsageError && re.test(e.message),
    );
  err('{"circle": [1, 2]}', /^r\.json: unknown config key "circle"/);
  err('{"dips": [5, 3]}', /^r\.json: dips must be \[lo, hi\] with lo ≤ hi/);
  err('{"circles": [1.5, 3]}', /circles must be .*an integer in \[0, 12\]/);
  err('{"size": 8}', /size must be an integer in \[16, 512\], got 8/);
  err("[1]", /a config must be a JSON object/);
  err("{", /not valid JSON/);
});
