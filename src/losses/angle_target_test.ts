import assert from "node:assert/strict";
import { decodeAngle, encodeAngle } from "./angle_target.ts";

const close = (a: number, b: number, tol = 1e-12) => assert.ok(Math.abs(a - b) < tol, `${a} ≠ ${b}`);

Deno.test("encodeAngle: (cos θ, sin θ), radians or degrees, NaN kept", () => {
  const { cos, sin } = encodeAngle([0, Math.PI / 2, NaN]);
  assert.equal(cos[0], 1);
  assert.equal(sin[0], 0);
  close(cos[1], 0);
  assert.equal(sin[1], 1);
  assert.ok(Number.isNaN(cos[2]) && Number.isNaN(sin[2]));
  const d = encodeAngle([90, 180], { degrees: true });
  close(d.cos[0], 0);
  close(d.sin[0], 1);
  close(d.cos[1], -1);
});

Deno.test("decodeAngle: atan2 round trip in (−π, π]", () => {
  const angles = [0, 0.5, -0.5, 3, -3, Math.PI];
  const { cos, sin } = encodeAngle(angles);
  decodeAngle(cos, sin).forEach((a, i) => close(a, angles[i]));
  close(decodeAngle([2], [2])[0], Math.PI / 4); // norm √8, direction is what counts
  assert.equal(decodeAngle([0], [0])[0], 0);
  assert.ok(Number.isNaN(decodeAngle([NaN], [1])[0]));
  assert.throws(() => decodeAngle([1], []), RangeError);
});

Deno.test("angles across the wrap-around encode alike and decode into (−180, 180]", () => {
  const a = encodeAngle([350, -10, 710], { degrees: true }); // 710 = 350 + 360
  close(a.cos[0], a.cos[1]);
  close(a.sin[0], a.sin[1]);
  close(a.sin[2], a.sin[1]);
  const back = decodeAngle(a.cos, a.sin, { degrees: true });
  back.forEach((d) => close(d, -10, 1e-9));
  const b = encodeAngle([180, 540], { degrees: true });
  decodeAngle(b.cos, b.sin, { degrees: true }).forEach((d) => close(d, 180, 1e-9));
});
