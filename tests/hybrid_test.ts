/**
 * keiro train / route / compare --model, end to end through the CLI on a tiny NSFNET model.
 * One short run is shared by the tests (they run in order).
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { jsonl, keiro, ROOT } from "./_cli.ts";
import { loadConfig, resolveConfig } from "../src/hybrid/config.ts";

const TINY = {
  _comment: "tiny: a few seconds with the debug build",
  expt_name: "tiny",
  num_nodes: 14,
  num_commodities: 3,
  hidden_dim: 8,
  num_layers: 1,
  dropout_rate: 0,
  policy_head_mlp_layers: 1,
  value_head_mlp_layers: 1,
  two_phase_training: true,
  supervised_epochs: 1,
  max_epochs: 1,
  batch_size: 4,
  rl_samples_per_instance: 2,
  num_train_data: 8,
  num_val_data: 4,
  num_test_data: 4,
  eval_samples: 3,
  milp_time_limit: 5,
  seed: 5,
  threads: 2,
};

const dir = await Deno.makeTempDir({ prefix: "keiro-hybrid-test-" });
const configPath = join(dir, "tiny.json");
await Deno.writeTextFile(configPath, JSON.stringify(TINY));
const run = join(dir, "run");

/** Numbers of a metrics row are finite (null only for columns not measured that epoch). */
function assertFiniteRow(row: Record<string, unknown>, nullable: string[]): void {
  for (const [k, v] of Object.entries(row)) {
    if (v === null) assert.ok(nullable.includes(k), `${k} is null in ${JSON.stringify(row)}`);
    else if (typeof v === "number") assert.ok(Number.isFinite(v), `${k} = ${v}`);
  }
}

Deno.test("train: a tiny config trains both phases and writes config, metrics, checkpoints, test.json", async () => {
  const r = await keiro(["train", "--config", configPath, "--out", run]);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /keiro-best3/);
  assert.match(r.stderr, /labelling 8 train instances/);
  const cfg = JSON.parse(await Deno.readTextFile(join(run, "config.json")));
  assert.deepEqual(cfg, JSON.parse(JSON.stringify(resolveConfig(TINY, configPath).config)));
  const rows = jsonl(await Deno.readTextFile(join(run, "metrics.jsonl")));
  assert.deepEqual(rows.map((x) => [x.epoch, x.phase]), [[1, "supervised"], [2, "rl"]]);
  for (
    const k of [
      "loss",
      "val_ratio",
      "val_worst",
      "val_complete_pct",
      "val_best_ratio",
      "samples_per_s",
      "lr",
      "wall_s",
      "epoch_s",
    ]
  ) {
    for (const row of rows) assert.ok(k in row, `${k} missing from epoch ${row.epoch}`);
  }
  for (const k of ["reward_mean", "mlu_mean", "entropy", "explained_variance", "critic_loss", "baseline"]) {
    assert.equal(typeof rows[1][k], "number", `rl epoch: ${k}`);
  }
  rows.forEach((row) =>
    assertFiniteRow(row, ["baseline", "val_best_ratio", "val_best_worst", "val_best_complete_pct"])
  );
  for (const row of rows) {
    assert.ok(
      (row.val_ratio as number) >= 0 && (row.val_ratio as number) <= 1 + 1e-9,
      `ratio ${row.val_ratio}`,
    );
  }
  const csv = (await Deno.readTextFile(join(run, "metrics.csv"))).trim().split("\n");
  assert.equal(csv.length, 3);
  assert.ok(csv[0].startsWith("epoch,phase,"));
  for (const ck of ["last", "best"]) {
    for (
      const f of ["model.json", "weights.safetensors", "optimizer.safetensors", "config.json", "state.json"]
    ) {
      assert.ok((await Deno.stat(join(run, ck, f))).isFile, `${ck}/${f}`);
    }
  }
  const state = JSON.parse(await Deno.readTextFile(join(run, "last", "state.json")));
  assert.equal(state.epoch, 2);
  assert.equal(state.finished, true);
  const test = JSON.parse(await Deno.readTextFile(join(run, "test.json")));
  assert.deepEqual(test.methods.map((m: { method: string }) => m.method), ["keiro", "keiro-best3", "milp"]);
  assert.equal(test.instances, 4);
  const [greedy, best, milp] = test.methods;
  assert.equal(milp.mean_ratio, 1);
  assert.ok(best.mean_ratio >= greedy.mean_ratio - 1e-12, "best-of includes the greedy decode");
  // Sampling tuned on validation (the default eval_sampling_grid), saved beside the best checkpoint.
  const tuning = test.sampling_tuning;
  const tinyCfg = resolveConfig(TINY, configPath).config;
  const settings = [
    [tinyCfg.eval_temperature ?? tinyCfg.sampling_temperature, tinyCfg.eval_top_p],
    ...tinyCfg.eval_sampling_grid,
  ].map(String);
  assert.deepEqual(
    tuning.trials.map((t: { temperature: number; top_p: number }) => String([t.temperature, t.top_p])),
    settings.filter((x, i) => settings.indexOf(x) === i),
    "the config's setting, then the default grid, each once",
  );
  const top = Math.max(...tuning.trials.map((t: { mean_ratio: number }) => t.mean_ratio));
  const first = tuning.trials.find((t: { mean_ratio: number }) => t.mean_ratio === top);
  assert.deepEqual(tuning.chosen, { temperature: first.temperature, top_p: first.top_p });
  assert.deepEqual(test.eval_sampling, tuning.chosen);
  assert.deepEqual(JSON.parse(await Deno.readTextFile(join(run, "best", "eval_sampling.json"))), tuning);
  for (const split of ["train", "val", "test"]) {
    const insts = jsonl<{ milp: { paths: number[][]; mlu: number } }>(
      await Deno.readTextFile(join(run, "data", `${split}.jsonl`)),
    );
    assert.ok(insts.every((i) => i.milp.paths.length === 3 && i.milp.mlu > 0), split);
  }
});

/** `value` with every `time_ms`, `mean_time_ms` and wall-clock field dropped, at any depth. */
function withoutTimes(value: unknown): unknown {
  return JSON.parse(
    JSON.stringify(
      value,
      (k, v) => (/(^|_)time_ms$|^(wall|epoch)_s$|^samples_per_s$/.test(k) ? undefined : v),
    ),
  );
}

Deno.test("train --resume after a kill during labelling keeps the labels made and equals an uninterrupted run", async () => {
  // What a kill leaves while the 4th train instance is labelled: config.json and three whole lines
  // of data/train.partial.jsonl, the fourth cut short; no checkpoint, no val or test labels.
  const cut = join(dir, "cut");
  await Deno.mkdir(join(cut, "data"), { recursive: true });
  await Deno.copyFile(join(run, "config.json"), join(cut, "config.json"));
  const train = (await Deno.readTextFile(join(run, "data", "train.jsonl"))).split("\n");
  const partial = join(cut, "data", "train.partial.jsonl");
  await Deno.writeTextFile(partial, train.slice(0, 3).join("\n") + "\n" + train[3].slice(0, 80));
  const r = await keiro(["train", "--out", cut, "--resume"]);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stderr, /resuming .*: no checkpoint yet, continuing the labelling/);
  assert.match(r.stderr, /labelling 5 train instances .*; 3 kept from .*train\.partial\.jsonl/);
  assert.match(r.stderr, /labelling 4 val instances/);
  await assert.rejects(() => Deno.stat(partial), Deno.errors.NotFound, "renamed to train.jsonl when done");
  const resumedTrain = (await Deno.readTextFile(join(cut, "data", "train.jsonl"))).split("\n");
  assert.deepEqual(resumedTrain.slice(0, 3), train.slice(0, 3), "the labels made before the kill are kept");
  for (const split of ["train", "val", "test"]) {
    const labels = async (d: string) =>
      jsonl<{ milp: unknown }>(await Deno.readTextFile(join(d, "data", `${split}.jsonl`))).map((i) =>
        withoutTimes(i)
      );
    assert.deepEqual(await labels(cut), await labels(run), split);
  }
  const metrics = async (d: string) =>
    jsonl(await Deno.readTextFile(join(d, "metrics.jsonl"))).map(withoutTimes);
  assert.deepEqual(await metrics(cut), await metrics(run));
  const test = async (d: string) => withoutTimes(JSON.parse(await Deno.readTextFile(join(d, "test.json"))));
  assert.deepEqual(await test(cut), await test(run));
  for (const ck of ["best", "last"]) {
    assert.deepEqual(
      await Deno.readFile(join(cut, ck, "weights.safetensors")),
      await Deno.readFile(join(run, ck, "weights.safetensors")),
      `${ck} weights`,
    );
  }
});

Deno.test("train --resume: labels of other instances, or a directory without a run, are usage errors", async () => {
  const other = join(dir, "other");
  await Deno.mkdir(join(other, "data"), { recursive: true });
  await Deno.copyFile(join(run, "config.json"), join(other, "config.json"));
  const [first] = jsonl<{ edges: { capacity: number }[] }>(
    await Deno.readTextFile(join(run, "data", "train.jsonl")),
  );
  first.edges[0].capacity += 1;
  const partial = join(other, "data", "train.partial.jsonl");
  await Deno.writeTextFile(partial, JSON.stringify(first) + "\n");
  const r = await keiro(["train", "--out", other, "--resume", "--quiet"]);
  assert.equal(r.code, 2, r.stderr);
  assert.equal(
    r.stderr,
    `error: --resume: line 1 of ${partial} is not instance 0 of the generated train set with its MILP label ` +
      "(did the config's data keys change?); remove the file to label the split again\n",
  );
  const empty = join(dir, "empty");
  const e = await keiro(["train", "--config", configPath, "--out", empty, "--resume", "--quiet"]);
  assert.equal(e.code, 2, e.stderr);
  assert.equal(e.stderr, `error: --resume: ${empty} holds no training run (no config.json, no checkpoint)\n`);
});

Deno.test("train --resume continues the epoch counter without relabelling", async () => {
  // A checkpoint saved before a model key existed (here `normalization`) resumes with its default.
  const modelJson = join(run, "last", "model.json");
  const { normalization: _dropped, ...older } = JSON.parse(await Deno.readTextFile(modelJson));
  await Deno.writeTextFile(modelJson, JSON.stringify(older));
  const r = await keiro(["train", "--out", run, "--resume", "--epochs", "2", "--quiet"]);
  assert.equal(r.code, 0, r.stderr);
  assert.doesNotMatch(r.stderr, /labelling/);
  const rows = jsonl(await Deno.readTextFile(join(run, "metrics.jsonl")));
  assert.deepEqual(rows.map((x) => [x.epoch, x.phase, x.phase_epoch]), [[1, "supervised", 1], [2, "rl", 1], [
    3,
    "rl",
    2,
  ]]);
  assert.equal(JSON.parse(await Deno.readTextFile(join(run, "config.json"))).max_epochs, 2);
  const again = await keiro(["train", "--config", configPath, "--out", run]);
  assert.equal(again.code, 2);
  assert.match(again.stderr, /already holds a training run/);
});

Deno.test("train --resume with another model config names the differing keys", async () => {
  const other = join(dir, "tiny_h16.json");
  await Deno.writeTextFile(other, JSON.stringify({ ...TINY, hidden_dim: 16 }));
  const r = await keiro(["train", "--config", other, "--out", run, "--resume", "--quiet"]);
  assert.equal(r.code, 2, r.stderr);
  assert.equal(
    r.stderr,
    "error: --resume: the config's model differs from the checkpoint's: hidden_dim: 16 (config) vs 8 (checkpoint)\n",
  );
});

Deno.test("route: a temperature below 1e-3 is a usage error naming it, not an internal op's", async () => {
  const instPath = join(run, "data", "test.jsonl");
  const r = await keiro(["route", "--model", run, "--samples", "4", "--temperature", "1e-300", instPath]);
  assert.equal(r.code, 2, r.stderr);
  assert.match(
    r.stderr,
    /^error: option '--temperature <t>' argument '1e-300' is invalid\. expected a number ≥ 0\.001/,
  );
  const ok = await keiro(["route", "--model", run, "--samples", "4", "--temperature", "0.001", instPath]);
  assert.equal(ok.code, 0, ok.stderr);
  assert.ok(jsonl<{ complete: boolean }>(ok.stdout).every((s) => s.complete));
});

Deno.test("route: complete paths whose MLU the evaluator confirms; best-of-N never worse", async () => {
  const instPath = join(run, "data", "test.jsonl");
  const inst = await Deno.readTextFile(instPath);
  const greedy = await keiro(["route", "--model", run, instPath]);
  assert.equal(greedy.code, 0, greedy.stderr);
  const best = await keiro(["route", "--model", join(run, "last"), "--samples", "4", "--seed", "3"], inst);
  assert.equal(best.code, 0, best.stderr);
  const g = jsonl<{ method: string; mlu: number; complete: boolean; paths: number[][]; time_ms: number }>(
    greedy.stdout,
  );
  const b = jsonl<{ method: string; mlu: number; complete: boolean }>(best.stdout);
  assert.equal(g.length, 4);
  assert.ok(g.every((s) => s.method === "keiro" && s.time_ms >= 0 && s.paths.length === 3));
  assert.ok(b.every((s, i) => s.method === "keiro-best4" && s.mlu <= g[i].mlu + 1e-12));
  const ev = await keiro(["eval", "--instances", instPath, "--per-instance"], greedy.stdout + best.stdout);
  assert.equal(ev.code, 0, ev.stderr);
  const evals = jsonl<{ method: string; mlu: number; complete: boolean }>(ev.stdout);
  const sols = [...g, ...b];
  evals.forEach((e, i) => {
    assert.equal(e.complete, sols[i].complete, `complete ${i}`);
    assert.ok(e.complete, `instance ${i % 4} of ${e.method} complete (masks guarantee it)`);
    assert.ok(Math.abs(e.mlu - sols[i].mlu) <= 1e-9 * Math.max(1, e.mlu), `mlu ${e.mlu} vs ${sols[i].mlu}`);
  });
});

Deno.test("route --local-search: never worse than the decode it starts from; the greedy_ls method likewise", async () => {
  const instPath = join(run, "data", "test.jsonl");
  type Sol = { method: string; mlu: number; complete: boolean; paths: number[][] };
  const plain = jsonl<Sol>((await keiro(["route", "--model", run, "--samples", "3", instPath])).stdout);
  const ls = await keiro(["route", "--model", run, "--samples", "3", "--local-search", "10", instPath]);
  assert.equal(ls.code, 0, ls.stderr);
  const improved = jsonl<Sol>(ls.stdout);
  assert.equal(improved.length, plain.length);
  assert.ok(improved.every((s, i) => s.method === "keiro-best3+ls" && s.mlu <= plain[i].mlu + 1e-12));
  const ev = await keiro(["eval", "--instances", instPath, "--per-instance"], ls.stdout);
  assert.equal(ev.code, 0, ev.stderr);
  jsonl<{ mlu: number; complete: boolean }>(ev.stdout).forEach((e, i) => {
    assert.ok(e.complete && Math.abs(e.mlu - improved[i].mlu) <= 1e-9 * Math.max(1, e.mlu), `instance ${i}`);
  });
  const solve = async (method: string) =>
    jsonl<Sol>((await keiro(["solve", "--method", method, instPath])).stdout);
  const [greedy, greedyLs] = [await solve("greedy"), await solve("greedy_ls")];
  assert.ok(greedyLs.every((s, i) => s.method === "greedy_ls" && s.mlu <= greedy[i].mlu + 1e-12));
  const huge = await keiro(["route", "--model", run, "--local-search", "1001", instPath]);
  assert.equal(huge.code, 2);
  assert.match(huge.stderr, /--local-search/);
});

/** `keiro compare` of the test split with shortest path, the MILP and the tiny model, plus `extra`. */
const compareModel = (...extra: string[]) =>
  keiro([
    "compare",
    "--input",
    join(run, "data", "test.jsonl"),
    "--methods",
    "sp,milp",
    "--model",
    run,
    ...extra,
  ]);

Deno.test("compare --model adds keiro and keiro-best<N> rows before the MILP; eval --model scores them", async () => {
  const instPath = join(run, "data", "test.jsonl");
  const r = await compareModel("--model-samples", "3", "--model-local-search", "5", "--json");
  assert.equal(r.code, 0, r.stderr);
  const rows = JSON.parse(r.stdout).methods as { method: string; complete_pct: number; mean_ratio: number }[];
  assert.deepEqual(rows.map((m) => m.method), [
    "sp",
    "keiro",
    "keiro-best3",
    "keiro+ls",
    "keiro-best3+ls",
    "milp",
  ]);
  assert.ok(rows[3].mean_ratio >= rows[1].mean_ratio - 1e-12, "local search never lowers the ratio");
  const ev = await keiro([
    "eval",
    "--instances",
    instPath,
    "--model",
    run,
    "--model-samples",
    "2",
    "--reference",
    "keiro",
    "--json",
  ]);
  assert.equal(ev.code, 0, ev.stderr);
  const evRows = JSON.parse(ev.stdout).methods as { method: string; mean_ratio: number }[];
  assert.deepEqual(evRows.map((m) => m.method), ["keiro", "keiro-best2"]);
  assert.ok(evRows[1].mean_ratio >= 1 - 1e-12, "best-of-2 is never worse than the greedy decode");
});

Deno.test("compare --model-temperature / --model-top-p sample as route --temperature / --top-p does", async () => {
  const instPath = join(run, "data", "test.jsonl");
  const save = join(dir, "compare_saved");
  const decode = ["--model-samples", "4", "--model-temperature", "0.3", "--model-top-p", "0.5"];
  const r = await compareModel(...decode, "--save", save);
  assert.equal(r.code, 0, r.stderr);
  const routed = await keiro([
    "route",
    "--model",
    run,
    "--samples",
    "4",
    "--temperature",
    "0.3",
    "--top-p",
    "0.5",
    instPath,
  ]);
  assert.equal(routed.code, 0, routed.stderr);
  const paths = (text: string) => jsonl<{ paths: number[][] }>(text).map((s) => s.paths);
  assert.deepEqual(paths(await Deno.readTextFile(join(save, "keiro-best4.jsonl"))), paths(routed.stdout));
  const bad = await compareModel("--model-top-p", "1.5");
  assert.equal(bad.code, 2);
  assert.match(bad.stderr, /--model-top-p.*expected a number in \(0, 1\]/);
});

Deno.test("tune: chooses on validation, saves beside the checkpoint; route samples with the choice", async () => {
  const instPath = join(run, "data", "test.jsonl");
  const r = await keiro([
    "tune",
    "--model",
    run,
    "--grid",
    "0.2/0.5,3/1,0.2/0.5",
    "--instances",
    "3",
    "--seed",
    "4",
  ]);
  assert.equal(r.code, 0, r.stderr);
  const t = JSON.parse(r.stdout);
  assert.equal(t.instances, 3);
  assert.equal(t.seed, 4);
  const cfg = resolveConfig(TINY, configPath).config;
  assert.deepEqual(
    t.trials.map((x: { temperature: number; top_p: number }) => [x.temperature, x.top_p]),
    [[cfg.eval_temperature ?? cfg.sampling_temperature, cfg.eval_top_p], [0.2, 0.5], [3, 1]],
  );
  const saved = join(run, "best", "eval_sampling.json");
  assert.deepEqual(JSON.parse(await Deno.readTextFile(saved)), t);
  const route = (...extra: string[]) =>
    keiro(["route", "--model", run, "--samples", "4", ...extra, instPath]);
  const tuned = await route();
  const explicit = await route(
    "--temperature",
    String(t.chosen.temperature),
    "--top-p",
    String(t.chosen.top_p),
  );
  assert.equal(tuned.code, 0, tuned.stderr);
  assert.deepEqual(jsonl(tuned.stdout).map((s) => s.paths), jsonl(explicit.stdout).map((s) => s.paths));
  await Deno.writeTextFile(saved, JSON.stringify({ ...t, chosen: { temperature: 0, top_p: 1 } }));
  const broken = await route();
  assert.equal(broken.code, 2);
  assert.match(broken.stderr, /eval_sampling\.json: chosen must be/);
  await Deno.writeTextFile(saved, "{");
  const unreadable = await route();
  assert.equal(unreadable.code, 2);
  assert.match(unreadable.stderr, /eval_sampling\.json: .*JSON.*run keiro tune/);
  await Deno.writeTextFile(saved, JSON.stringify(t));
  const bad = await keiro(["tune", "--model", run, "--grid", "1"]);
  assert.equal(bad.code, 2);
  assert.match(bad.stderr, /--grid.*temperature\/top-p pairs/);
  const checkpoint = await keiro(["tune", "--model", join(run, "best")]);
  assert.equal(checkpoint.code, 2);
  assert.match(checkpoint.stderr, /expected a run directory/);
});

Deno.test("route: the default model routes any size; a model tied to one names the line of another (exit 2)", async () => {
  const other = (await keiro(["gen", "te", "--count", "2", "--commodities", "5"])).stdout;
  const grid =
    (await keiro(["gen", "te", "--topology", "grid", "--nodes", "9", "--count", "1", "--commodities", "3"]))
      .stdout;
  const any = await keiro(["route", "--model", run, "--samples", "3"], other + grid);
  assert.equal(any.code, 0, any.stderr);
  const routed = jsonl<{ id: string; complete: boolean; paths: number[][] }>(any.stdout);
  assert.deepEqual(routed.map((s) => s.id), jsonl<{ id: string }>(other + grid).map((i) => i.id));
  assert.deepEqual(routed.map((s) => s.paths.length), [5, 5, 3]);
  assert.ok(routed.every((s) => s.complete), any.stdout);

  // value_type global reads V·C·H inputs: the model is tied to 14 nodes and 3 commodities.
  const tiedConfig = join(dir, "tied.json");
  await Deno.writeTextFile(tiedConfig, JSON.stringify({ ...TINY, value_type: "global" }));
  const tied = join(dir, "tied-run");
  const t = await keiro(["train", "--config", tiedConfig, "--out", tied]);
  assert.equal(t.code, 0, t.stderr);
  const r = await keiro(["route", "--model", tied], other);
  assert.equal(r.code, 2, r.stderr);
  assert.match(r.stderr, /line 1: commodities: the model routes instances with 3 commodities, got 5/);
  const g = await keiro(["route", "--model", tied], grid);
  assert.equal(g.code, 2);
  assert.match(g.stderr, /line 1: nodes: the model routes instances with 14 nodes, got 9/);
  const none = await keiro(["route", "--model", dir], other);
  assert.equal(none.code, 2);
  assert.match(none.stderr, /not a keiro run or checkpoint directory/);
});

Deno.test("train: the default model trains on a set that mixes sizes", async () => {
  const mixed = join(dir, "mixed.jsonl");
  const parts = await Promise.all([
    keiro(["gen", "te", "--count", "3", "--commodities", "3", "--seed", "11"]),
    keiro([
      "gen",
      "te",
      "--topology",
      "grid",
      "--nodes",
      "9",
      "--count",
      "3",
      "--commodities",
      "2",
      "--seed",
      "12",
    ]),
    keiro([
      "gen",
      "te",
      "--topology",
      "nws",
      "--nodes",
      "12",
      "--count",
      "2",
      "--commodities",
      "4",
      "--seed",
      "13",
    ]),
  ]);
  await Deno.writeTextFile(mixed, parts.map((p) => p.stdout).join(""));
  const out = join(dir, "mixed-run");
  const r = await keiro(["train", "--config", configPath, "--out", out, "--train", mixed]);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stderr, /labelling 8 train instances/);
  const rows = jsonl<{ phase: string; loss: number }>(await Deno.readTextFile(join(out, "metrics.jsonl")));
  assert.deepEqual(rows.map((x) => x.phase), ["supervised", "rl"]);
  assert.ok(rows.every((x) => Number.isFinite(x.loss)), JSON.stringify(rows));
});

Deno.test("train: data_mix draws each part's share from its own distribution, a topology file's too", async () => {
  // a 5-node ring (both directions), capacities from the file
  const ring = {
    directed: true,
    nodes: [0, 1, 2, 3, 4].map((id) => ({ id })),
    links: [0, 1, 2, 3, 4].flatMap((u) => [
      { source: u, target: (u + 1) % 5, capacity: 700 },
      { source: (u + 1) % 5, target: u, capacity: 700 },
    ]),
  };
  await Deno.writeTextFile(join(dir, "ring5.json"), JSON.stringify(ring));
  const config = {
    ...TINY,
    num_train_data: 7,
    data_mix: [
      { _what: "the config's own NSFNET, 3 commodities" },
      { graph_model: "grid", num_nodes: 9, num_commodities: 2, weight: 2 },
      { topology: "ring5.json", num_commodities: 4, traffic: "gravity", load: 0.8, weight: 0.5 },
    ],
  };
  const path = join(dir, "mix.json");
  await Deno.writeTextFile(path, JSON.stringify(config));
  const out = join(dir, "mix-run");
  const r = await keiro(["train", "--config", path, "--out", out]);
  assert.equal(r.code, 0, r.stderr);
  const saved = JSON.parse(await Deno.readTextFile(join(out, "config.json")));
  assert.equal(saved.data_mix[2].topology, join(dir, "ring5.json"), "found beside the config, kept absolute");
  type Labelled = {
    id: string;
    nodes: unknown[] | number;
    commodities: unknown[];
    milp: { source: string; gap: number; optimal: boolean };
  };
  const train = jsonl<Labelled>(await Deno.readTextFile(join(out, "data", "train.jsonl")));
  // 7 instances by weights 1 : 2 : 0.5 → 2, 4, 1 (largest remainder)
  assert.deepEqual(train.map((i) => i.id.replace(/-\d+-\d+$/, "")), [
    "nsfnet",
    "nsfnet",
    "grid",
    "grid",
    "grid",
    "grid",
    "ring5",
  ]);
  assert.deepEqual(train.map((i) => i.commodities.length), [3, 3, 2, 2, 2, 2, 4]);
  // part 0 draws what the config alone draws: the same first instances as without data_mix
  const alone = jsonl<Labelled>(
    (await keiro(["gen", "te", "--count", "2", "--commodities", "3", "--seed", String(TINY.seed * 3 + 1)]))
      .stdout,
  );
  assert.deepEqual(train.slice(0, 2).map((i) => i.id), alone.map((i) => i.id));
  for (const i of train) {
    assert.equal(i.milp.source, i.milp.optimal ? "milp" : "milp_time_limit", i.id);
    assert.ok(i.milp.gap >= 0 && i.milp.gap <= 1e-5, `${i.id}: gap ${i.milp.gap}`);
  }
  // a missing topology file is a usage error naming the file, the part and the places looked at
  await Deno.writeTextFile(
    path,
    JSON.stringify({ ...config, data_mix: [{ topology: "nowhere.json" }] }),
  );
  const bad = await keiro(["train", "--config", path, "--out", join(dir, "mix-bad")]);
  assert.equal(bad.code, 2, bad.stderr);
  assert.match(bad.stderr, /mix\.json: data_mix\[0\]: topology nowhere\.json not found \(looked for /);
});

Deno.test("train: config errors exit 2 naming the key and the file", async () => {
  const bad = join(dir, "bad.json");
  await Deno.writeTextFile(bad, JSON.stringify({ ...TINY, hiden_dim: 8 }));
  const r = await keiro(["train", "--config", bad, "--out", join(dir, "bad-run")]);
  assert.equal(r.code, 2);
  assert.match(r.stderr, /bad\.json: unknown config key "hiden_dim".*did you mean "hidden_dim"/);
  await Deno.writeTextFile(bad, JSON.stringify({ ...TINY, rl_algorithm: "sac" }));
  const t = await keiro(["train", "--config", bad, "--out", join(dir, "bad-run")]);
  assert.equal(t.code, 2);
  assert.match(t.stderr, /rl_algorithm must be one of/);
  for (
    const [key, value, want] of [
      ["num_train_data", 1e12, "an integer in [1, 1000000], got 1000000000000"],
      ["batch_size", 1e6, "an integer in [1, 65536], got 1000000"],
      ["max_epochs", 100001, "an integer in [0, 100000], got 100001"],
      ["eval_samples", 2 ** 21, "an integer in [1, 1048576], got 2097152"],
    ] as const
  ) {
    await Deno.writeTextFile(bad, JSON.stringify({ ...TINY, [key]: value }));
    const b = await keiro(["train", "--config", bad, "--out", join(dir, "bad-run")]);
    assert.equal(b.code, 2, b.stderr);
    assert.equal(b.stderr, `error: ${bad}: ${key} must be ${want}\n`);
  }
  const epochs = await keiro([
    "train",
    "--config",
    configPath,
    "--out",
    join(dir, "bad-run"),
    "--epochs",
    "1000000",
  ]);
  assert.equal(epochs.code, 2, epochs.stderr);
  assert.match(epochs.stderr, /max_epochs must be an integer in \[0, 100000\], got 1000000/);
  const five = join(dir, "five.jsonl");
  await Deno.writeTextFile(five, (await keiro(["gen", "te", "--count", "2", "--commodities", "5"])).stdout);
  const tiedConfig = join(dir, "tied-train.json");
  await Deno.writeTextFile(tiedConfig, JSON.stringify({ ...TINY, action_type: "node" }));
  const mism = await keiro(["train", "--config", tiedConfig, "--out", join(dir, "mism"), "--train", five]);
  assert.equal(mism.code, 2);
  assert.match(
    mism.stderr,
    /five\.jsonl: line 1: commodities: the model routes instances with 3 commodities, got 5/,
  );
});

Deno.test("train: without --config, the run's config is configs/te_general.json's", async () => {
  const out = join(dir, "default-run");
  // The run writes its resolved config before labelling its data; it is stopped there.
  const p = new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", join(ROOT, "cli", "main.ts"), "train", "--out", out, "--quiet"],
    stdout: "null",
    stderr: "piped",
  }).spawn();
  let exited = false;
  p.status.then(() => (exited = true));
  let text = "";
  for (let i = 0; i < 2400 && !exited && text === ""; i++) {
    text = await Deno.readTextFile(join(out, "config.json")).catch(() => "");
    if (text === "") await new Promise((r) => setTimeout(r, 50));
  }
  if (!exited) p.kill("SIGKILL");
  const res = await p.output();
  assert.ok(text !== "", `no config.json before the run stopped: ${new TextDecoder().decode(res.stderr)}`);
  const saved = JSON.parse(text);
  assert.deepEqual(saved, (await loadConfig(join(ROOT, "configs", "te_general.json"))).config);
  assert.equal(saved.expt_name, "te_general");
});

Deno.test("train: Ctrl-C saves last/ and exits 130; --resume finishes the run", async () => {
  const out = join(dir, "sigint");
  const cfg = join(dir, "long.json");
  await Deno.writeTextFile(cfg, JSON.stringify({ ...TINY, max_epochs: 12, val_every: 100 }));
  const p = new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", join(ROOT, "cli", "main.ts"), "train", "--config", cfg, "--out", out, "--quiet"],
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  const metrics = join(out, "metrics.jsonl");
  let exited = false;
  p.status.then(() => (exited = true));
  for (let i = 0; i < 600 && !exited; i++) {
    const text = await Deno.readTextFile(metrics).catch(() => "");
    if (jsonl(text).length >= 2) break;
    await new Promise((r) => setTimeout(r, 50));
  }
  p.kill("SIGINT");
  const res = await p.output();
  const stderr = new TextDecoder().decode(res.stderr);
  assert.equal(res.code, 130, stderr);
  assert.match(stderr, /resume with: keiro train --out/);
  const state = JSON.parse(await Deno.readTextFile(join(out, "last", "state.json")));
  assert.ok(state.epoch >= 2 && state.epoch < 13 && !state.finished, JSON.stringify(state));
  assert.equal(jsonl(await Deno.readTextFile(metrics)).length, state.epoch);
  await assert.rejects(() => Deno.stat(join(out, "test.json")));
  const r = await keiro(["train", "--out", out, "--resume", "--quiet"]);
  assert.equal(r.code, 0, r.stderr);
  const rows = jsonl(await Deno.readTextFile(metrics));
  assert.deepEqual(rows.map((x) => x.epoch), Array.from({ length: 13 }, (_, i) => i + 1));
  assert.ok((await Deno.stat(join(out, "test.json"))).isFile);
});

Deno.test("train: ppo with adaptive entropy and lr decay; reinforce_baseline with a never-updated encoder; time budget", async () => {
  const runWith = async (name: string, extra: Record<string, unknown>) => {
    const cfg = join(dir, `${name}.json`);
    await Deno.writeTextFile(cfg, JSON.stringify({ ...TINY, ...extra }));
    const out = join(dir, name);
    const r = await keiro([
      "train",
      "--config",
      cfg,
      "--out",
      out,
      "--quiet",
      "--train",
      join(run, "data", "train.jsonl"),
    ]);
    assert.equal(r.code, 0, r.stderr);
    return jsonl(await Deno.readTextFile(join(out, "metrics.jsonl")));
  };
  const ppo = await runWith("ppo", {
    two_phase_training: false,
    max_epochs: 2,
    rl_algorithm: "ppo",
    ppo_epochs: 2,
    adaptive_entropy: true,
    target_entropy: 10,
    entropy_lr: 0.05,
    lr_decay_step: 1,
    decay_rate: 2,
  });
  assert.deepEqual(ppo.map((x) => x.phase), ["rl", "rl"]);
  assert.deepEqual(ppo.map((x) => x.lr), [0.0005, 0.00025]);
  assert.ok(
    (ppo[0].entropy_weight as number) > 0.01 &&
      (ppo[1].entropy_weight as number) > (ppo[0].entropy_weight as number),
  );
  assert.equal(typeof ppo[0].clip_fraction, "number");
  const rb = await runWith("reinforce", {
    two_phase_training: false,
    max_epochs: 2,
    rl_algorithm: "reinforce_baseline",
    gnn_update_frequency: "never",
  });
  const im = await runWith("instance-mean", {
    two_phase_training: false,
    max_epochs: 1,
    advantage_baseline: "instance_mean",
  });
  assert.equal(typeof im[0].critic_loss, "number");
  assert.ok(rb.every((x) => typeof x.baseline === "number" && Number.isFinite(x.baseline)));
  const budget = await runWith("budget", { supervised_epochs: 5, max_epochs: 5, time_budget_s: 0.001 });
  assert.equal(budget.length, 1, "the budget ends training after the first step");
  assert.equal(budget[0].batches, 1);
});
