/**
 * keiro glm train end to end through the CLI: synthetic Gaussian blobs (csv source) with kNN and
 * learned graphs, determinism, graph export, usage errors, and Cora when ../shared/data is present.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { jsonl, keiro } from "./_cli.ts";
import { Rng } from "../src/rng.ts";

const PLANETOID = fileURLToPath(new URL("../../shared/data/gsl/planetoid", import.meta.url));
const HAVE_PLANETOID = (() => {
  try {
    return Deno.statSync(join(PLANETOID, "ind.cora.graph")).isFile;
  } catch {
    return false;
  }
})();
if (!HAVE_PLANETOID) console.warn(`skipping the Cora test: ${PLANETOID} is absent`);

/** A deterministic uniform generator in [0, 1) (keiro's seeded mulberry32). */
function _rng(seed: number): () => number {
  const r = new Rng(seed);
  return () => r.u32() / 2 ** 32;
}

/** `perClass` rows per class of `classes` well-separated Gaussian blobs in `dims` dimensions, as
 * CSV with a header, the label in the last column, a constant id column first. */
function _blobs(classes: number, perClass: number, dims: number, seed: number): string {
  const u = _rng(seed);
  const normal = () => Math.sqrt(-2 * Math.log(1 - u())) * Math.cos(2 * Math.PI * u());
  const lines = [["id", ...Array.from({ length: dims }, (_, j) => `f${j}`), "label"].join(",")];
  let id = 0;
  for (let i = 0; i < perClass; i++) {
    for (let c = 0; c < classes; c++) {
      const x = Array.from({ length: dims }, (_, j) => (j % classes === c ? 6 : 0) + normal());
      lines.push([String(id++), ...x.map((v) => v.toFixed(4)), String(c + 1)].join(","));
    }
  }
  return lines.join("\n") + "\n";
}

const dir = await Deno.makeTempDir({ prefix: "keiro-glm-test-" });
const CSV = join(dir, "blobs.csv");
await Deno.writeTextFile(CSV, _blobs(3, 20, 4, 7));
const BASE = [
  "glm",
  "train",
  `csv:${CSV}`,
  "--label-column",
  "label",
  "--drop-columns",
  "id",
  "--split",
  "5:5",
  "--epochs",
  "60",
  "--patience",
  "30",
  "--json",
];

interface Summary {
  dataset: string;
  graph: string;
  test_accuracy: { mean: number; std: number };
  val_accuracy: { mean: number | null; std: number | null };
  seeds: number;
  epoch_ms: number;
  peak_rss_mb: number;
  per_seed: { seed: number; test_acc: number; val_acc: number; best_epoch: number; epochs: number }[];
  config: Record<string, unknown>;
}

function _summary(stdout: string): Summary {
  const last = stdout.trimEnd().split("\n").pop()!;
  return JSON.parse(last) as Summary;
}

function _checkSummary(s: Summary, graph: string, seeds: number): void {
  for (const k of ["dataset", "graph", "test_accuracy", "val_accuracy", "seeds", "epoch_ms", "peak_rss_mb"]) {
    assert.ok(k in s, `summary lacks ${k}`);
  }
  assert.equal(s.dataset, "blobs");
  assert.equal(s.graph, graph);
  assert.equal(s.seeds, seeds);
  assert.equal(s.per_seed.length, seeds);
  assert.deepEqual(s.per_seed.map((r) => r.seed), Array.from({ length: seeds }, (_, i) => i));
  assert.ok(s.epoch_ms > 0 && Number.isFinite(s.epoch_ms));
  assert.ok(s.peak_rss_mb > 10 && Number.isFinite(s.peak_rss_mb));
  assert.ok(s.test_accuracy.std >= 0);
  assert.equal(s.config.graph, graph, "the resolved config is reported");
}

for (const graph of ["knn", "learned"]) {
  Deno.test(`glm train: blobs with --graph ${graph} reach ≥ 90% test accuracy; JSON summary`, async () => {
    const r = await keiro([...BASE, "--graph", graph, "--seeds", "2"]);
    assert.equal(r.code, 0, r.stderr);
    const s = _summary(r.stdout);
    _checkSummary(s, graph, 2);
    assert.ok(s.test_accuracy.mean >= 90, `test accuracy ${s.test_accuracy.mean}%`);
    assert.match(r.stdout, /mean ± std/);
  });
}

Deno.test("glm train: the same seed gives the same accuracies; --out writes config.json, results.json and metrics.csv", async () => {
  const out = join(dir, "run");
  const a = await keiro([...BASE, "--graph", "learned", "--seed-base", "3", "--out", out]);
  const b = await keiro([...BASE, "--graph", "learned", "--seed-base", "3"]);
  assert.equal(a.code, 0, a.stderr);
  assert.equal(b.code, 0, b.stderr);
  const sa = _summary(a.stdout), sb = _summary(b.stdout);
  const key = (s: Summary) =>
    s.per_seed.map((r) => ({
      seed: r.seed,
      test: r.test_acc,
      val: r.val_acc,
      best: r.best_epoch,
      n: r.epochs,
    }));
  assert.deepEqual(key(sa), key(sb));
  assert.equal(sa.per_seed[0].seed, 3);
  const cfg = JSON.parse(await Deno.readTextFile(join(out, "config.json")));
  assert.deepEqual(cfg, sa.config);
  assert.equal(cfg.graph, "learned");
  const res = JSON.parse(await Deno.readTextFile(join(out, "results.json")));
  assert.deepEqual(res.test_accuracy, sa.test_accuracy);
  // metrics.csv: one row per seed and epoch run.
  const csv = (await Deno.readTextFile(join(out, "metrics.csv"))).trim().split("\n").map((l) => l.split(","));
  const epochs = sa.per_seed.reduce((n, r) => n + r.epochs, 0);
  assert.equal(csv.length, epochs + 1);
  assert.deepEqual(csv[0].slice(0, 2), ["seed", "epoch"]);
  for (const c of ["loss", "val_acc", "val_loss", "edges"]) assert.ok(csv[0].includes(c), c);
  assert.deepEqual(
    csv.slice(1).map((r) => Number(r[1])),
    sa.per_seed.flatMap((r) => Array.from({ length: r.epochs }, (_, i) => i + 1)),
  );
});

Deno.test("glm predict: each seed's model saved by glm train --out classifies new rows", async () => {
  const out = join(dir, "saved");
  const t = await keiro([...BASE, "--graph", "learned", "--seeds", "2", "--out", out]);
  assert.equal(t.code, 0, t.stderr);
  for (const seed of [0, 1]) {
    const saved = JSON.parse(await Deno.readTextFile(join(out, `seed${seed}`, "model.json")));
    assert.equal(saved.seed, seed);
    assert.deepEqual(saved.class_names, ["1", "2", "3"]);
    assert.equal(saved.scaling.mean.length, 4);
    assert.ok(Deno.statSync(join(out, `seed${seed}`, "model.safetensors")).size > 0);
  }
  // New rows of the same blobs (another seed), their labels kept.
  const fresh = join(dir, "fresh.csv");
  await Deno.writeTextFile(fresh, _blobs(3, 10, 4, 99));
  const model = join(out, "seed1");
  const p = await keiro([
    "glm",
    "predict",
    `csv:${fresh}`,
    "--model",
    model,
    "--label-column",
    "label",
    "--drop-columns",
    "id",
  ]);
  assert.equal(p.code, 0, p.stderr);
  const recs = jsonl(p.stdout) as { id: number; class: string; probabilities: number[] }[];
  assert.deepEqual(recs.map((r) => r.id), [...Array(30).keys()]);
  const right = recs.filter((r, i) => r.class === String((i % 3) + 1)).length;
  assert.ok(right >= 27, `${right} of 30 new rows right`);
  for (const r of recs) {
    assert.equal(r.probabilities.length, 3);
    assert.ok(Math.abs(r.probabilities.reduce((a, b) => a + b, 0) - 1) < 1e-4);
  }
  assert.match(p.stderr, new RegExp(`accuracy ${(100 * right / 30).toFixed(2)} % on 30 labelled nodes`));
  // The same rows without their label column: the same predictions, none compared.
  const unlabelled = join(dir, "unlabelled.csv");
  const rows = (await Deno.readTextFile(fresh)).trim().split("\n").map((l) =>
    l.split(",").slice(0, -1).join(",")
  );
  await Deno.writeTextFile(unlabelled, rows.join("\n") + "\n");
  const q = await keiro(["glm", "predict", `csv:${unlabelled}`, "--model", model, "--drop-columns", "id"]);
  assert.equal(q.code, 0, q.stderr);
  assert.deepEqual(jsonl(q.stdout), recs);
  assert.doesNotMatch(q.stderr, /accuracy/);
  // Another width, an unknown label, no model: exit 2 with a message.
  const narrow = await keiro([
    "glm",
    "predict",
    `csv:${unlabelled}`,
    "--model",
    model,
    "--drop-columns",
    "id,f0",
  ]);
  assert.equal(narrow.code, 2);
  assert.match(narrow.stderr, /3 feature columns, the model was trained on 4/);
  const odd = join(dir, "odd.csv");
  await Deno.writeTextFile(odd, (await Deno.readTextFile(fresh)).replace(/,3\n/, ",7\n"));
  const label = await keiro([
    "glm",
    "predict",
    `csv:${odd}`,
    "--model",
    model,
    "--label-column",
    "label",
    "--drop-columns",
    "id",
  ]);
  assert.equal(label.code, 2);
  assert.match(label.stderr, /:4: label '7' is not one of the model's classes/);
  const none = await keiro(["glm", "predict", `csv:${fresh}`, "--model", dir]);
  assert.equal(none.code, 2);
  assert.match(none.stderr, /no saved model in/);
});

Deno.test("glm enhance: SI-SDR rows per graph mode, WAV files, records; bad flags exit 2", async () => {
  const out = join(dir, "enhance");
  const args = [
    "glm",
    "enhance",
    "--graph",
    "none,input",
    "--seeds",
    "2",
    "--epochs",
    "3",
    "--train-clips",
    "3",
  ];
  const r = await keiro([...args, "--test-clips", "2", "--snr", "0:0", "--out", out, "--json"]);
  assert.equal(r.code, 0, r.stderr);
  const s = JSON.parse(r.stdout.trimEnd().split("\n").pop()!);
  assert.deepEqual(s.rows.map((x: { graph: string }) => x.graph), ["none", "input"]);
  assert.equal(s.verdict, null, "no learned and knn rows to compare");
  for (const row of s.rows) {
    assert.ok(Math.abs(row.noisy_si_sdr) < 3, `0 dB mixtures: noisy SI-SDR ${row.noisy_si_sdr}`);
    assert.ok(Number.isFinite(row.improvement.mean) && row.improvement.std >= 0);
  }
  assert.equal(s.rows[0].noisy_si_sdr, s.rows[1].noisy_si_sdr, "every graph mode sees the same clips");
  assert.match(r.stderr, /^input seed 1: SI-SDR/m);
  for (const f of ["clean.wav", "noisy.wav", "enhanced_none.wav", "enhanced_input.wav"]) {
    const b = await Deno.readFile(join(out, f));
    assert.equal(new TextDecoder().decode(b.subarray(0, 4)), "RIFF", f);
    assert.equal(b.length, 44 + 2 * 4000, `${f}: 0.5 s at 8 kHz, 16 bit`);
  }
  const csv = (await Deno.readTextFile(join(out, "metrics.csv"))).trim().split("\n");
  assert.equal(csv[0], "graph,seed,epoch,loss,ms");
  assert.equal(csv.length, 1 + 2 * 2 * 3, "graph × seed × epoch");
  const res = JSON.parse(await Deno.readTextFile(join(out, "results.json")));
  assert.equal(res.runs.length, 4);
  assert.equal(res.runs[0].sample, undefined, "no audio in the records");
  const bad = await keiro(["glm", "enhance", "--graph", "grid"]);
  assert.equal(bad.code, 2);
  assert.match(bad.stderr, /graph modes from/);
  const cfg = join(dir, "enhance_bad.json");
  await Deno.writeTextFile(cfg, JSON.stringify({ epoch: 3 }));
  const key = await keiro(["glm", "enhance", "--config", cfg, "--seeds", "1"]);
  assert.equal(key.code, 2);
  assert.match(key.stderr, /epoch/);
  const loss = await keiro(["glm", "enhance", "--loss", "l1", "--seeds", "1"]);
  assert.equal(loss.code, 2, loss.stderr);
  assert.match(loss.stderr, /loss: unknown variant `l1`, expected `mse` or `si_sdr`/);
  const si = await keiro([
    ...args.slice(0, 3),
    "input",
    "--seeds",
    "1",
    "--epochs",
    "3",
    "--train-clips",
    "3",
    "--test-clips",
    "2",
    "--loss",
    "mse",
    "--json",
  ]);
  assert.equal(si.code, 0, si.stderr);
  assert.ok(
    JSON.parse(si.stdout.trimEnd().split("\n").pop()!).rows[0].improvement.mean > 0,
    "SI-SDR training improves",
  );
});

Deno.test("glm train: without --config a run takes keiro's config for its dataset and graph mode and says so", async () => {
  const out = join(dir, "shipped");
  const base = [...BASE, "--name", "wine", "--graph", "learned", "--epochs", "3"];
  const a = await keiro([...base, "--out", out]);
  assert.equal(a.code, 0, a.stderr);
  assert.match(a.stderr, /note: config configs\/glm_wine_learned\.json \(keiro's settings for wine/);
  const sa = _summary(a.stdout) as Summary & { config_file: string | null };
  assert.equal(sa.config_file, "configs/glm_wine_learned.json");
  assert.match(a.stdout, /config configs\/glm_wine_learned\.json: test/);
  const glm = (c: Record<string, unknown>) => c.glm as Record<string, unknown>;
  assert.deepEqual([glm(sa.config).projection, glm(sa.config).k], ["diagonal", 10]);
  const saved = JSON.parse(await Deno.readTextFile(join(out, "config.json")));
  assert.equal(glm(saved).projection, "diagonal", "--out saves the resolved config of the shipped file");
  assert.equal(JSON.parse(await Deno.readTextFile(join(out, "results.json"))).config_file, sa.config_file);

  // a flag overrides the shipped file's key; --config none is the built-in defaults
  const k = _summary((await keiro([...base, "--k", "4"])).stdout);
  assert.deepEqual([glm(k.config).projection, glm(k.config).k], ["diagonal", 4]);
  const none = await keiro([...base, "--config", "none"]);
  assert.equal(none.code, 0, none.stderr);
  assert.doesNotMatch(none.stderr, /note: config/);
  const sn = _summary(none.stdout) as Summary & { config_file: string | null };
  assert.equal(sn.config_file, null);
  assert.equal(glm(sn.config).projection, "linear");
  // a dataset keiro has no config for: the built-in defaults, without a note
  const other = await keiro([...BASE, "--graph", "learned", "--epochs", "3"]);
  assert.equal(_summary(other.stdout).config.graph, "learned");
  assert.equal((_summary(other.stdout) as Summary & { config_file: unknown }).config_file, null);
  assert.doesNotMatch(other.stderr, /note: config/);
});

Deno.test("glm train: without validation nodes every epoch runs and the last one is kept", async () => {
  const args = BASE.map((a) => (a === "5:5" ? "5:0" : a));
  const r = await keiro([...args, "--graph", "knn", "--epochs", "20"]);
  assert.equal(r.code, 0, r.stderr);
  const s = _summary(r.stdout);
  assert.equal(s.val_accuracy.mean, null);
  assert.deepEqual([s.per_seed[0].best_epoch, s.per_seed[0].epochs], [20, 20]);
});

Deno.test("glm train: --export-graph writes the learned graph as JSONL edges", async () => {
  const file = join(dir, "graph.jsonl");
  const r = await keiro([...BASE, "--graph", "learned", "--export-graph", file]);
  assert.equal(r.code, 0, r.stderr);
  const edges = jsonl<{ src: number; dst: number; weight: number }>(await Deno.readTextFile(file));
  assert.ok(edges.length > 0);
  for (const e of edges) {
    assert.ok(Number.isInteger(e.src) && e.src >= 0 && e.src < 60, JSON.stringify(e));
    assert.ok(Number.isInteger(e.dst) && e.dst >= 0 && e.dst < 60, JSON.stringify(e));
    assert.ok(Number.isFinite(e.weight), JSON.stringify(e));
  }
  const left = [...Deno.readDirSync(dir)].filter((e) => e.name.startsWith(".keiro-"));
  assert.deepEqual(left, [], "no temporary file left behind");
});

Deno.test("glm train: bad flags, sources and configs exit 2 with a message", async () => {
  const bogus = await keiro([...BASE, "--graph", "bogus"]);
  assert.equal(bogus.code, 2);
  assert.match(bogus.stderr, /--graph.*bogus|bogus.*--graph/s);

  const split = await keiro([...BASE.filter((a) => a !== "5:5" && a !== "--split"), "--split", "3"]);
  assert.equal(split.code, 2);
  assert.match(split.stderr, /split/i);

  const unknown = join(dir, "unknown.json");
  await Deno.writeTextFile(unknown, JSON.stringify({ _comment: "ok", no_such_key: 1 }));
  const u = await keiro([...BASE, "--graph", "knn", "--config", unknown]);
  assert.equal(u.code, 2, u.stderr);
  assert.match(u.stderr, /no_such_key/);

  const typed = join(dir, "typed.json");
  await Deno.writeTextFile(typed, JSON.stringify({ hidden: "16", glm: { k: 3 } }));
  const missing = join(dir, "no_such.csv");
  const t = await keiro([
    "glm",
    "train",
    `csv:${missing}`,
    "--label-column",
    "0",
    "--split",
    "5:5",
    "--config",
    typed,
  ]);
  assert.equal(t.code, 2, t.stderr);
  assert.match(
    t.stderr,
    /typed\.json: invalid glm config: hidden: expected a non-negative integer, got the string "16"/,
    "the config is resolved, naming the file, key and type in words, before the data is read",
  );

  const notObject = join(dir, "array.json");
  await Deno.writeTextFile(notObject, "[1, 2]");
  const n = await keiro([...BASE, "--config", notObject]);
  assert.equal(n.code, 2);
  assert.match(n.stderr, /array\.json.*JSON object/);

  const src = await keiro(["glm", "train", "ogb:arxiv"]);
  assert.equal(src.code, 2);
  assert.match(src.stderr, /planetoid:<dir> or csv:<file>/);

  const label = await keiro(["glm", "train", `csv:${CSV}`, "--split", "5:5"]);
  assert.equal(label.code, 2);
  assert.match(label.stderr, /--label-column/);

  const name = await keiro(["glm", "train", `planetoid:${PLANETOID}`, "--name", "squirrel"]);
  assert.equal(name.code, 2);
  assert.match(name.stderr, /--name/);

  const warm = join(dir, "warmup.json");
  await Deno.writeTextFile(warm, JSON.stringify({ graph: "learned", glm: { k: 3, dae: 1, dae_warmup: 10 } }));
  const w = await keiro([...BASE, "--config", warm, "--epochs", "10"]);
  assert.equal(w.code, 2, w.stderr);
  assert.match(w.stderr, /glm\.dae_warmup \(10\) leaves no epoch of --epochs 10 to classify/);
});

Deno.test({
  name: "glm train: Cora with the input graph reaches ≥ 78% test accuracy",
  ignore: !HAVE_PLANETOID,
  fn: async () => {
    const r = await keiro([
      "glm",
      "train",
      `planetoid:${PLANETOID}`,
      "--name",
      "cora",
      "--graph",
      "input",
      "--seeds",
      "1",
      "--epochs",
      "200",
      "--patience",
      "50",
      "--json",
    ]);
    assert.equal(r.code, 0, r.stderr);
    const s = _summary(r.stdout);
    assert.equal(s.dataset, "cora");
    assert.equal(s.graph, "input");
    assert.ok(s.test_accuracy.mean >= 78, `Cora test accuracy ${s.test_accuracy.mean}%`);
  },
});

Deno.test("glm: every shipped configs/glm_*.json is accepted by the native core and resolves its keys", async () => {
  const { loadGlmConfig } = await import("../src/glm/config.ts");
  const { GlmModel } = await import("../src/glm/glm_model.ts");
  const configs = fileURLToPath(new URL("../configs", import.meta.url));
  const rnd = _rng(5);
  const n = 40, f = 6;
  const ds = {
    name: "tiny",
    numNodes: n,
    numFeatures: f,
    features: Float32Array.from({ length: n * f }, () => rnd()),
    numClasses: 2,
    labels: Int32Array.from({ length: n }, (_, i) => i % 2),
    split: Uint8Array.from({ length: n }, (_, i) => (i < 4 ? 1 : i < 8 ? 2 : 3)),
    edges: Uint32Array.from([0, 1, 1, 2, 2, 3]),
    notes: [],
  };
  let seen = 0;
  for (const e of Deno.readDirSync(configs)) {
    if (!e.name.startsWith("glm_") || !e.name.endsWith(".json")) continue;
    const user = await loadGlmConfig(join(configs, e.name));
    const m = await GlmModel.create(ds, user, 0);
    try {
      const glm = (m.config as { glm: Record<string, unknown> }).glm;
      for (const [k, v] of Object.entries((user as { glm?: Record<string, unknown> }).glm ?? {})) {
        assert.deepEqual(glm[k], v, `${e.name}: glm.${k}`);
      }
    } finally {
      m.close();
    }
    seen++;
  }
  assert.ok(seen >= 7, `${seen} glm configs checked`);
});
