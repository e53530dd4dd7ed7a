/**
 * keiro params end to end through the CLI on tiny images and models (16 px, one block of 4
 * channels, a few epochs): the seeded generator, single-task runs writing the loss history, an
 * inverse-loss multi-task run reading it, predict, the loop, and usage errors.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { jsonl, keiro } from "./_cli.ts";
import { parseCsv } from "../src/read_csv.ts";

const tmp = await Deno.makeTempDir({ prefix: "keiro-params-test-" });
const RANGES = join(tmp, "ranges.json");
await Deno.writeTextFile(
  RANGES,
  JSON.stringify({ size: 16, radius: [1, 1.5], stroke: [1, 1.5], circles: [0, 2] }),
);
const TINY = join(tmp, "tiny.json");
await Deno.writeTextFile(
  TINY,
  JSON.stringify({ channels: [4], hidden: 8, head_hidden: 4, batch_size: 8, epochs: 3 }),
);
const DATA = join(tmp, "images");

async function ok(args: string[]): Promise<string> {
  const r = await keiro(args);
  assert.equal(r.code, 0, r.stderr);
  return r.stdout;
}

Deno.test("params gen: the same seed writes byte-identical files; a bad range is exit 2 naming the key", async () => {
  await ok(["params", "gen", "--count", "40", "--seed", "3", "--config", RANGES, "--out", DATA]);
  await ok([
    "params",
    "gen",
    "--count",
    "40",
    "--seed",
    "3",
    "--config",
    RANGES,
    "--out",
    join(tmp, "again"),
  ]);
  for (const f of ["params.jsonl", "img00000.png", "img00039.png"]) {
    assert.deepEqual(await Deno.readFile(join(DATA, f)), await Deno.readFile(join(tmp, "again", f)), f);
  }
  const recs = jsonl<{ id: string; circles: number; hue: number }>(
    await Deno.readTextFile(join(DATA, "params.jsonl")),
  );
  assert.equal(recs.length, 40);
  assert.ok(recs.every((r) => r.circles >= 0 && r.circles <= 2));
  const bad = join(tmp, "bad.json");
  await Deno.writeTextFile(bad, '{"dip": [1, 2]}');
  const r = await keiro(["params", "gen", "--config", bad, "--out", join(tmp, "x")]);
  assert.equal(r.code, 2);
  assert.match(r.stderr, /bad\.json: unknown config key "dip"/);
});

Deno.test("params train: single-task runs append to val_losses.json; inverse-latest weights by min v / v_t", async () => {
  const runs = join(tmp, "runs");
  const common = ["--config", TINY, "--targets", "circles,hue"];
  await ok(["params", "train", DATA, ...common, "--single", "--repeat", "2", "--out", join(runs, "single")]);
  const history = JSON.parse(await Deno.readTextFile(join(runs, "val_losses.json"))) as Record<
    string,
    number[]
  >;
  assert.deepEqual(Object.keys(history), ["circles", "hue"]);
  assert.ok(Object.values(history).every((v) => v.length === 2 && v.every((x) => x > 0)));
  const out = await ok([
    "params",
    "train",
    DATA,
    ...common,
    "--weighting",
    "inverse-latest",
    "--baseline",
    join(runs, "single", "results.json"),
    "--out",
    join(runs, "multi"),
  ]);
  assert.match(out, /Δp vs single-task: -?\d+\.\d%/);
  const [head, ...rows] = parseCsv(
    await Deno.readTextFile(join(runs, "multi", "multi", "seed0", "metrics.csv")),
    "csv",
  )
    .map((r) => r.fields);
  assert.deepEqual(head.slice(0, 4), ["epoch", "loss", "train_loss_circles", "train_loss_hue"]);
  assert.equal(rows.length, 3);
  const [c, h] = [history.circles.at(-1)!, history.hue.at(-1)!];
  const min = Math.min(c, h);
  assert.ok(Math.abs(Number(rows[0][head.indexOf("weights_circles")]) - min / c) < 1e-9);
  assert.ok(Math.abs(Number(rows[2][head.indexOf("weights_hue")]) - min / h) < 1e-9);
  const results = JSON.parse(await Deno.readTextFile(join(runs, "multi", "results.json")));
  assert.equal(results.summary[0].target, "circles");
  assert.ok(results.summary[0].exact >= 0 && results.summary[0].exact <= 1);
  assert.equal(results.delta_p.perTask.length, 2);

  const model = join(runs, "multi", "multi", "seed0");
  const pred = jsonl<{ id: string; circles: number; hue: number }>(
    await ok(["params", "predict", DATA, "--model", model]),
  );
  assert.equal(pred.length, 40);
  assert.ok(pred.every((p) => Number.isInteger(p.circles) && p.hue >= 0 && p.hue < 360));

  const loop = join(tmp, "loop");
  const table = await ok([
    "params",
    "loop",
    "--model",
    model,
    "--config",
    RANGES,
    "--count",
    "6",
    "--out",
    loop,
  ]);
  assert.match(table, /SSIM/);
  const l = JSON.parse(await Deno.readTextFile(join(loop, "loop.json")));
  assert.ok(l.ssim <= 1 && l.pixel_mse >= 0 && l.errors.length === 2);
  const sheet = await Deno.readFile(join(loop, "sheet.png"));
  assert.equal(String.fromCharCode(...sheet.subarray(1, 4)), "PNG");
  assert.equal((await Deno.readTextFile(join(loop, "regenerated", "params.jsonl"))).split("\n").length, 7);
});

Deno.test("params train: usage errors", async () => {
  const bad = join(tmp, "bad_model.json");
  await Deno.writeTextFile(bad, '{"chanels": [4]}');
  let r = await keiro(["params", "train", DATA, "--config", bad, "--out", join(tmp, "r1")]);
  assert.equal(r.code, 2);
  assert.match(r.stderr, /bad_model\.json: unknown config key "chanels".*"channels"/);
  r = await keiro(["params", "train", DATA, "--targets", "size", "--out", join(tmp, "r2")]);
  assert.equal(r.code, 2);
  assert.match(r.stderr, /bad target 'size'/);
  r = await keiro([
    "params",
    "train",
    DATA,
    "--weighting",
    "inverse-latest",
    "--history",
    join(tmp, "none.json"),
    "--out",
    join(tmp, "r3"),
  ]);
  assert.equal(r.code, 2);
  assert.match(r.stderr, /no loss history file/);
  const baseline = join(tmp, "baseline.json");
  await Deno.writeTextFile(
    baseline,
    JSON.stringify({ summary: [{ target: "circles", kind: "count", error: 1 }] }),
  );
  r = await keiro([
    "params",
    "train",
    DATA,
    "--targets",
    "circles,dips",
    "--baseline",
    baseline,
    "--out",
    join(tmp, "r4"),
  ]);
  assert.equal(r.code, 2);
  assert.match(r.stderr, /baseline\.json has no target 'dips'; train it with --single first/);
  assert.throws(() => Deno.statSync(join(tmp, "r4", "multi")), Deno.errors.NotFound, "nothing trained");
  r = await keiro(["params", "predict", DATA, "--model", tmp]);
  assert.equal(r.code, 2);
  assert.match(r.stderr, /no saved model in/);
});

globalThis.addEventListener("unload", () => Deno.removeSync(tmp, { recursive: true }));
