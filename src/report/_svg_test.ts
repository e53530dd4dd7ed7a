import assert from "node:assert/strict";
import { _escapeXml, _fmt, _niceTicks } from "./_svg.ts";

Deno.test("_niceTicks: 1-2-5 steps, rounded-out range, labels with the step's decimals", () => {
  // (4.87 − 0.13) / 5 = 0.948 → step 1
  const a = _niceTicks(0.13, 4.87);
  assert.deepEqual([a.lo, a.hi], [0, 5]);
  assert.deepEqual(a.ticks.map((t) => t.label), ["0", "1", "2", "3", "4", "5"]);
  // 0.6 / 5 = 0.12 → step 0.2, −0.3 → −0.4, 0.3 → 0.4; no "-0.0"
  assert.deepEqual(_niceTicks(-0.3, 0.3).ticks.map((t) => t.label), ["-0.4", "-0.2", "0.0", "0.2", "0.4"]);
  // an empty range is padded by 10 %: [9, 11] → step 0.5
  const c = _niceTicks(10, 10);
  assert.deepEqual([c.lo, c.hi, c.ticks.length], [9, 11, 5]);
});

Deno.test("_fmt and _escapeXml", () => {
  assert.deepEqual([0, 0.16666, 12.345, 1234.5, -0.5, 2e-5, NaN].map(_fmt), [
    "0",
    "0.167",
    "12.3",
    "1235",
    "-0.5",
    "2.00e-5",
    "n/a",
  ]);
  assert.equal(_escapeXml(`a<b & "c" 'd'>`), "a&lt;b &amp; &quot;c&quot; &apos;d&apos;&gt;");
});
