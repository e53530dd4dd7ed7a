import assert from "node:assert/strict";
import { InputError, UsageError } from "../errors.ts";
import { parseParamTargets, TargetCodec, targetValues } from "./param_targets.ts";

Deno.test("parseParamTargets: default kinds of the generator's parameters, explicit kinds, bad specs", () => {
  assert.deepEqual(parseParamTargets("circles, hue,size:real"), [
    { name: "circles", kind: "count" },
    { name: "hue", kind: "angle" },
    { name: "size", kind: "real" },
  ]);
  assert.throws(
    () => parseParamTargets("size"),
    (e) => e instanceof UsageError && /bad target 'size'/.test(e.message),
  );
  assert.throws(() => parseParamTargets("hue,hue"), /given twice/);
  assert.throws(() => parseParamTargets("dips:int"), /kind count, angle or real/);
  assert.throws(() => parseParamTargets(" , "), /at least one target/);
});

Deno.test("TargetCodec: z-scores counts on the fitted rows, angles as (cos, sin), and decodes back", () => {
  const targets = parseParamTargets("circles,hue");
  const values = { circles: Float64Array.of(1, 3, 5, 100), hue: Float64Array.of(0, 90, 350, 180) };
  const codec = TargetCodec.fit(targets, values, [0, 1, 2]); // row 3 is not fitted on
  assert.deepEqual(codec.heads(), [1, 2]);
  const enc = codec.encode(values);
  assert.equal(enc.length, 12);
  assert.ok(Math.abs(enc[0] - -Math.sqrt(1.5)) < 1e-6, `(1 − 3)/√(8/3), got ${enc[0]}`);
  assert.ok(Math.abs(enc[4] - 0) < 1e-6 && Math.abs(enc[5] - 1) < 1e-6, "hue 90° → (0, 1)");
  const rows = [0, 1, 2, 3].map((i) => [...enc.subarray(i * 3, i * 3 + 3)]);
  rows[1][0] += 0.2; // a count prediction a little off still rounds to the true count
  const dec = new TargetCodec(JSON.parse(JSON.stringify(codec))).decode(rows);
  assert.deepEqual([...dec.circles], [1, 3, 5, 100]);
  assert.deepEqual([...dec.hue].map((h) => Math.round(h * 1e6) / 1e6), [0, 90, 350, 180]);
});

Deno.test("targetValues: a missing or non-numeric field names the line and the field", () => {
  assert.throws(
    () => targetValues([{ id: "a", dips: 3 }, { id: "b", dips: "x" }], "dips", "p.jsonl"),
    (e) =>
      e instanceof InputError && e.line === 2 && e.field === "dips" &&
      /^p\.jsonl:2: dips must be a number/.test(e.message),
  );
});
