"use strict";
// generate, solve and evaluate through the addon: results, errors, the event loop, closed objects.
const test = require("node:test");
const assert = require("node:assert/strict");
const keiro = require("..");
const { addon } = require("../lib/addon.js");

test("generate is deterministic and solve/evaluate give one record per instance", async () => {
  const a = await keiro.generate({ count: 4, commodities: 5, seed: 3 });
  assert.deepEqual(await keiro.generate({ count: 4, commodities: 5, seed: 3 }), a);
  assert.equal(a.length, 4);
  const sols = await keiro.solve(a, { method: "greedy" });
  assert.deepEqual(sols.map((s) => s.id), a.map((i) => i.id));
  const evals = await keiro.evaluate(a, sols);
  assert.ok(evals.every((e) => e.verified && e.complete && e.mlu === sols[evals.indexOf(e)].mlu));
  const lp = await keiro.solve(a, { method: "lp" });
  assert.ok(lp.every((s, i) => s.mlu <= sols[i].mlu + 1e-9), "the LP bounds greedy");
});

test("bad input is a KeiroInputError naming the instance and the field", async () => {
  const [good] = await keiro.generate({ count: 1, seed: 1 });
  const bad = structuredClone(good);
  bad.commodities[0].demand = -5;
  await assert.rejects(keiro.solve([good, bad], { method: "sp" }), (e) => {
    assert.ok(e instanceof keiro.KeiroInputError && e instanceof keiro.KeiroError && e instanceof Error);
    assert.equal(e.line, 2);
    assert.equal(e.field, "commodities[0].demand");
    assert.match(e.message, /^line 2: commodities\[0\]\.demand /);
    return true;
  });
  await assert.rejects(keiro.solve([good], { method: "magic" }), keiro.KeiroUsageError);
  await assert.rejects(keiro.solve({}, { method: "sp" }), keiro.KeiroUsageError);
  await assert.rejects(keiro.evaluate([good], "{not json\n"), keiro.KeiroInputError);
});

test("a MILP solves off the event loop: a timer keeps firing meanwhile", async () => {
  const inst = await keiro.generate({ count: 2, commodities: 40, seed: 11 });
  let ticks = 0;
  const timer = setInterval(() => ticks++, 10);
  const t0 = performance.now();
  const sols = await keiro.solve(inst, { method: "milp", timeLimit: 1, threads: 1 });
  const ms = performance.now() - t0;
  clearInterval(timer);
  assert.equal(sols.length, 2);
  assert.ok(ms > 100, `the MILP took ${ms} ms; too quick to prove anything`);
  assert.ok(ticks >= ms / 10 / 4, `${ticks} ticks in ${ms} ms`);
});

test("a panic in the core becomes a KeiroNativeError, never a crash", async () => {
  const { unpack } = require("../lib/addon.js");
  const reply = await addon().panicForTest("boom 42");
  assert.equal(reply.status, 4);
  assert.throws(() => unpack(reply), (e) => e instanceof keiro.KeiroNativeError && e.message === "internal error (panic): boom 42");
});

test("closed objects reject with usage errors; unclosed ones are collected", async () => {
  const text = (await keiro.generate({ count: 1, seed: 2 })).map((i) => JSON.stringify(i)).join("\n");
  const reply = await addon().open("te", JSON.stringify({ kind: "parse", first_line: 1 }), text);
  reply.object.close();
  reply.object.close();
  const r = await reply.object.call(JSON.stringify({ kind: "shapes" }), "");
  assert.deepEqual([r.status, JSON.parse(r.payload).message], [2, "dataset handle is closed"]);
  for (let i = 0; i < 50; i++) await addon().open("te", JSON.stringify({ kind: "parse", first_line: 1 }), text);
  globalThis.gc?.();
  const u = await addon().request("nope", "{}", "");
  assert.equal(u.status, 2);
});
