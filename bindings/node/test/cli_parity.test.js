"use strict";
// The binding and the CLI give the same answers: solve and route the same instances both ways and
// compare the JSON byte for byte (time_ms, a wall time, zeroed on both sides).
const test = require("node:test");
const assert = require("node:assert/strict");
const { execFileSync } = require("node:child_process");
const { mkdtempSync, readFileSync, rmSync, writeFileSync } = require("node:fs");
const { tmpdir } = require("node:os");
const { join } = require("node:path");
const keiro = require("..");

const ROOT = join(__dirname, "..", "..", "..");
/** `keiro <args>` as a user runs it (the native library of $CARGO_TARGET_DIR / $KEIRO_PROFILE). */
const cli = (...args) =>
  execFileSync(join(ROOT, "node_modules/.bin/deno"), ["run", "-A", join(ROOT, "cli/main.ts"), ...args], {
    cwd: ROOT,
    encoding: "utf8",
    env: { KEIRO_PROFILE: "debug", ...process.env },
    stdio: ["ignore", "pipe", "pipe"],
  });
/** The records' JSON, one line each, with time_ms zeroed. */
const canonical = (records) => records.map((r) => JSON.stringify({ ...r, time_ms: 0 })).join("\n");
const parse = (text) => text.split("\n").filter((l) => l !== "").map((l) => JSON.parse(l));

const dir = mkdtempSync(join(tmpdir(), "keiro-node-"));
test.after(() => rmSync(dir, { recursive: true, force: true }));

test("solve: the binding's solutions are the CLI's", async () => {
  const instances = await keiro.generate({ count: 6, commodities: 20, seed: 4 });
  const file = join(dir, "c20.jsonl");
  writeFileSync(file, instances.map((i) => JSON.stringify(i) + "\n").join(""));
  assert.equal(cli("gen", "te", "--count", "6", "--commodities", "20", "--seed", "4"), instances.map((i) => JSON.stringify(i) + "\n").join(""));
  for (const method of ["greedy", "sp", "lp"]) {
    const mine = await keiro.solve(instances, { method });
    const theirs = parse(cli("solve", "--method", method, "-i", file));
    assert.equal(canonical(mine), canonical(theirs), method);
  }
  const sols = join(dir, "greedy.jsonl");
  writeFileSync(sols, cli("solve", "--method", "greedy", "-i", file));
  const mine = await keiro.evaluate(instances, parse(readFileSync(sols, "utf8")), { edgeLoads: true });
  const theirs = parse(cli("eval", "--instances", file, "--per-instance", "--edge-loads", sols));
  assert.equal(canonical(mine), canonical(theirs), "evaluate");
});

test("route: the binding's routings are the CLI's (greedy and best-of-3)", { timeout: 600_000 }, async () => {
  const run = join(dir, "tiny");
  cli("train", "--config", join(ROOT, "configs/tiny.json"), "--out", run);
  const instances = await keiro.generate({ count: 5, commodities: 3, seed: 9 });
  const file = join(dir, "c3.jsonl");
  writeFileSync(file, instances.map((i) => JSON.stringify(i) + "\n").join(""));
  const model = await keiro.Model.load(run);
  try {
    assert.equal(
      canonical(await model.route(instances)),
      canonical(parse(cli("route", "--model", run, file))),
    );
    assert.equal(
      canonical(await model.route(instances, { samples: 3, seed: 7 })),
      canonical(parse(cli("route", "--model", run, "--samples", "3", "--seed", "7", file))),
    );
    await assert.rejects(model.route(await keiro.generate({ count: 1, commodities: 4 })), (e) =>
      e instanceof keiro.KeiroInputError && e.line === 1 && e.field === "commodities");
  } finally {
    model.close();
  }
  await assert.rejects(model.route(instances), /model handle is closed/);
});
