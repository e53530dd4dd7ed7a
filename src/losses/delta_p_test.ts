import assert from "node:assert/strict";
import { InputError } from "../errors.ts";
import { deltaP } from "./delta_p.ts";

const close = (a: number, b: number) => assert.ok(Math.abs(a - b) < 1e-12, `${a} ≠ ${b}`);

Deno.test("deltaP: mean relative improvement in percent, with negative transfer flagged", () => {
  // a: 100·(0.2 − 0.1)/0.2 = 50, b: 100·(0.4 − 0.5)/0.4 = −25 → Δp = (50 − 25)/2 = 12.5
  const r = deltaP({ a: 0.2, b: 0.4 }, { b: 0.5, a: 0.1 });
  close(r.deltaP, 12.5);
  assert.deepEqual(r.perTask.map((p) => [p.task, p.single, p.multi, p.negativeTransfer]), [
    ["a", 0.2, 0.1, false],
    ["b", 0.4, 0.5, true],
  ]);
  close(r.perTask[0].relative, 50);
  close(r.perTask[1].relative, -25);
  assert.equal(deltaP({ a: 1 }, { a: 1 }).perTask[0].negativeTransfer, false); // a tie is not a loss
});

Deno.test("deltaP: higher-is-better tasks flip the sign", () => {
  // r2: 100·(0.9 − 0.8)/0.8 = 12.5; mae: 100·(2 − 3)/2 = −50 → Δp = −18.75
  const r = deltaP({ r2: 0.8, mae: 2 }, { r2: 0.9, mae: 3 }, { higherIsBetter: ["r2"] });
  close(r.perTask[0].relative, 12.5);
  assert.equal(r.perTask[0].negativeTransfer, false);
  assert.equal(r.perTask[1].negativeTransfer, true);
  close(r.deltaP, -18.75);
});

Deno.test("deltaP: mismatched tasks, zero baselines and non-finite metrics name the task", () => {
  assert.throws(
    () => deltaP({ a: 1, b: 1 }, { a: 1 }),
    (e: Error) => e instanceof InputError && /'b'/.test(e.message),
  );
  assert.throws(() => deltaP({ a: 1 }, { a: 1, c: 1 }), /'c'/);
  assert.throws(() => deltaP({ a: 0 }, { a: 1 }), /'a'.*undefined/);
  assert.throws(() => deltaP({ a: 1 }, { a: NaN }), InputError);
  assert.throws(() => deltaP({}, {}), InputError);
});
