import assert from "node:assert/strict";
import { circularError, formatTargetErrors, paramErrors } from "./param_errors.ts";
import { parseParamTargets } from "./param_targets.ts";

Deno.test("circularError: the short way round", () => {
  assert.equal(circularError(350, 10), 20);
  assert.equal(circularError(10, 350), 20);
  assert.equal(circularError(0, 180), 180);
  assert.equal(circularError(-90, 270), 0);
});

Deno.test("paramErrors: exact-match rate and MAE of counts, mean circular error of angles", () => {
  const e = paramErrors(
    parseParamTargets("circles,hue,stroke"),
    { circles: [1, 2, 4, 4], hue: [359, 10, 180, 90], stroke: [1, 2, 3, 4] },
    { circles: [1, 2, 3, 6], hue: [1, 20, 180, 90], stroke: [1, 2, 3, 2] },
  );
  assert.deepEqual(e[0], { target: "circles", kind: "count", error: 0.75, exact: 0.5 });
  assert.deepEqual(e[1], { target: "hue", kind: "angle", error: 3 });
  assert.deepEqual(e[2], { target: "stroke", kind: "real", error: 0.5 });
  assert.match(formatTargetErrors(e), /circles\s+MAE\s+0\.750\s+50\.0%/);
});
