import assert from "node:assert/strict";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { UsageError } from "../errors.ts";
import { applySupervisedConfig, DEFAULT_CONFIG, loadConfig, modelConfig, resolveConfig } from "./config.ts";

const CONFIGS = fileURLToPath(new URL("../../configs", import.meta.url));
const DEFAULTS = resolveConfig(DEFAULT_CONFIG, "defaults").config;

Deno.test("config: the seed's hybrid_base.json resolves to its own values, comments dropped", async () => {
  const raw = JSON.parse(await Deno.readTextFile(join(CONFIGS, "seed", "hybrid_base.json")));
  const { config, warnings } = resolveConfig(raw, "hybrid_base.json");
  for (const [k, v] of Object.entries(raw)) {
    if (k.startsWith("_")) assert.ok(!(k in config), k);
    else assert.deepEqual((config as unknown as Record<string, unknown>)[k], v, k);
  }
  assert.equal(config.expt_name, "hybrid_gcn_teal");
  assert.equal(config.hidden_dim, 128);
  assert.equal(config.num_layers, 8);
  assert.deepEqual(warnings, []);
});

Deno.test("config: an unknown key is a usage error naming the key and the file, with a hint", () => {
  assert.throws(
    () => resolveConfig({ hidden_dims: 64 }, "my.json"),
    (e: unknown) =>
      e instanceof UsageError && e.message.includes('"hidden_dims"') && e.message.includes("my.json") &&
      e.message.includes('did you mean "hidden_dim"'),
  );
  assert.throws(
    () => resolveConfig({ frobnicate: true }, "x.json"),
    /x\.json: unknown config key "frobnicate"/,
  );
});

Deno.test("config: bad types and ranges name the key, the expectation and the value", () => {
  const cases: [Record<string, unknown>, RegExp][] = [
    [{ hidden_dim: "64" }, /hidden_dim must be an integer in \[2, 8192\], got "64"/],
    [{ hidden_dim: 33 }, /hidden_dim must be an even integer/],
    [{ dropout_rate: 1 }, /dropout_rate must be a number in \[0, 1\)/],
    [{ aggregation: "max" }, /aggregation must be one of "sum", "mean", got "max"/],
    [{ sampling_top_p: 0 }, /sampling_top_p must be a number in \(0, 1\]/],
    [{ rl_algorithm: "sac" }, /rl_algorithm must be one of "a2c", "ppo", "reinforce_baseline"/],
    [{ capacity_range: [10, 10] }, /capacity_range must be \[lo, hi\]/],
    [{ max_path_length: 0 }, /max_path_length must be an integer ≥ 1 or null/],
    [{ max_path_length: 14 }, /max_path_length must be ≤ num_nodes − 1 = 13/],
    [{ num_commodities: 183 }, /num_commodities must be ≤ 182/],
    [{ two_phase_training: "yes" }, /two_phase_training must be true or false/],
    [{ decay_rate: 0.5 }, /decay_rate must be a number in \[1, ∞\)/],
    [{ label_paths: "greedy" }, /label_paths must be one of "milp", "greedy_if_optimal", got "greedy"/],
    [{ eval_temperature: 0 }, /eval_temperature must be/],
    [{ normalization: "layer" }, /normalization must be one of "batch", "episode", got "layer"/],
    [
      { eval_sampling_grid: [[1, 0.9], [0, 1]] },
      /eval_sampling_grid must be a list of \[temperature ≥ 0\.001, top_p in \(0, 1\]\] pairs/,
    ],
    [{ eval_sampling_grid: [[1, 1.5]] }, /eval_sampling_grid must be/],
    [
      { advantage_baseline: "instance_mean", rl_samples_per_instance: 1 },
      /needs rl_samples_per_instance ≥ 2/,
    ],
  ];
  for (const [raw, re] of cases) assert.throws(() => resolveConfig(raw, "c.json"), re, JSON.stringify(raw));
  assert.throws(() => resolveConfig([1], "c.json"), /must be a JSON object/);
});

Deno.test("config: defaults fill the gaps and the result is a fresh object", () => {
  const a = resolveConfig({ num_commodities: 20 }, "a").config;
  assert.equal(a.num_commodities, 20);
  assert.equal(a.rl_samples_per_instance, DEFAULTS.rl_samples_per_instance);
  a.capacity_range[0] = 1;
  assert.deepEqual(resolveConfig({}, "b").config.capacity_range, [1000, 10000]);
});

/** The member names of the interface `name` in config.ts, in source order. */
async function _members(name: string): Promise<string[]> {
  const src = await Deno.readTextFile(new URL("./config.ts", import.meta.url));
  const body = src.match(new RegExp(`export interface ${name}\\b[^{]*\\{([^}]*)\\}`))![1];
  return [...body.matchAll(/^ {2}(\w+):/gm)].map((m) => m[1]);
}

Deno.test("config: modelConfig has exactly the native model keys, and the TS types name exactly Rust's keys", async () => {
  const m = modelConfig(resolveConfig({ hidden_dim: 32 }, "c").config);
  const model = await _members("ModelConfig");
  assert.equal(model.length, 14);
  assert.deepEqual(Object.keys(m), model, "ModelConfig lists the model keys in the native order");
  assert.equal(m.hidden_dim, 32);
  assert.equal(m.max_path_length, null);
  assert.deepEqual(modelConfig(DEFAULT_CONFIG), modelConfig(DEFAULTS));
  const all = [...model, ...await _members("HybridConfig")];
  assert.deepEqual(
    [...all].sort(),
    Object.keys(DEFAULTS).sort(),
    "HybridConfig extends ModelConfig with the other keys",
  );
});

Deno.test("config: supervised_config overrides phase 1, or warns when missing", async () => {
  const dir = await Deno.makeTempDir();
  await Deno.writeTextFile(
    join(dir, "main.json"),
    JSON.stringify({ supervised_config: "sup/pre.json", learning_rate: 0.01 }),
  );
  let r = await loadConfig(join(dir, "main.json"));
  assert.ok(
    r.warnings.some((w) => w.includes("sup/pre.json") && w.includes("not found")),
    r.warnings.join("\n"),
  );
  assert.equal(r.config.supervised_learning_rate, DEFAULTS.supervised_learning_rate);
  await Deno.mkdir(join(dir, "sup"));
  await Deno.writeTextFile(
    join(dir, "sup", "pre.json"),
    JSON.stringify({
      _c: "x",
      max_epochs: 3,
      learning_rate: 0.002,
      supervised_batch_size: 8,
      hidden_dim: 64,
    }),
  );
  r = await loadConfig(join(dir, "main.json"), { max_epochs: 7, seed: undefined });
  assert.equal(r.config.supervised_epochs, 3);
  assert.equal(r.config.supervised_learning_rate, 0.002);
  assert.equal(r.config.supervised_batch_size, 8);
  assert.equal(r.config.learning_rate, 0.01, "phase 2 keeps the main config's");
  assert.equal(r.config.hidden_dim, DEFAULTS.hidden_dim, "architecture keys are ignored");
  assert.equal(r.config.max_epochs, 7, "overrides apply last");
  assert.ok(r.warnings.some((w) => w.includes("ignored keys hidden_dim")), r.warnings.join("\n"));
  const cfg = resolveConfig({}, "c").config;
  assert.throws(() => applySupervisedConfig(cfg, { supervised_rate: 1 }, "s.json"), /unknown config key/);
  assert.throws(
    () => applySupervisedConfig(cfg, { learning_rate: -1 }, "s.json"),
    /s\.json: supervised_learning_rate/,
  );
});

Deno.test("config: command-line overrides are validated", async () => {
  const dir = await Deno.makeTempDir();
  await Deno.writeTextFile(join(dir, "c.json"), "{}");
  await assert.rejects(() => loadConfig(join(dir, "c.json"), { threads: -1 }), /command line: threads/);
  await assert.rejects(() => loadConfig(join(dir, "nope.json")), /no such config file/);
  await Deno.writeTextFile(join(dir, "bad.json"), "{");
  await assert.rejects(() => loadConfig(join(dir, "bad.json")), /bad\.json: not valid JSON/);
});
