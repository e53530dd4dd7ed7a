import assert from "node:assert/strict";
import { Rng } from "./rng.ts";

Deno.test("rng: same seed same stream, a saved state continues it, shuffles are permutations", () => {
  const a = new Rng(7), b = new Rng(7), c = new Rng(8);
  const xs = Array.from({ length: 5 }, () => a.u32());
  assert.deepEqual(xs, Array.from({ length: 5 }, () => b.u32()));
  assert.notDeepEqual(xs, Array.from({ length: 5 }, () => c.u32()));
  const saved = a.state;
  const next = a.u32();
  const d = new Rng(0);
  d.state = saved;
  assert.equal(d.u32(), next);
  const p = new Rng(1).shuffle(Array.from({ length: 100 }, (_, i) => i));
  assert.deepEqual([...p].sort((x, y) => x - y), Array.from({ length: 100 }, (_, i) => i));
  assert.notDeepEqual(p, Array.from({ length: 100 }, (_, i) => i));
  const counts = [0, 0, 0, 0];
  const r = new Rng(3);
  for (let i = 0; i < 4000; i++) counts[r.below(4)]++;
  assert.ok(counts.every((n) => n > 900 && n < 1100), String(counts));
});

Deno.test("Rng.unit: the next u32 scaled into [0, 1)", () => {
  const a = new Rng(5), b = new Rng(5);
  const xs = Array.from({ length: 1000 }, () => a.unit());
  assert.equal(xs[0], b.u32() / 2 ** 32);
  assert.ok(xs.every((x) => x >= 0 && x < 1));
  assert.ok(Math.abs(xs.reduce((s, x) => s + x, 0) / 1000 - 0.5) < 0.05);
});
