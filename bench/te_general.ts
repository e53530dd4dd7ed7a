/**
 * The general model's benchmark: trains configs/te_general.json (one model for any topology) with
 * several seeds, then routes test sets it never saw — generated NSFNET and NWS sets, real
 * topologies with real traffic (GEANT, B4, Abilene ×10), Repetita's Geant2012, UsCarrier and Kdl
 * (754 nodes) with gravity traffic — against the greedy heuristic, shortest path and each set's
 * reference, in the same run: the MILP optimum (NSFNET c5, c20), GEANT's shipped oracle (the
 * splittable optimum over FIGRET's tunnels, equal to the edge LP's), else the LP bound (the data's
 * unsplittable MILP oracles of B4 and Abilene lie within 1e-6 and 0.9 % of it).
 *
 *   deno task bench:te_general [--seeds 3] [--budget 420] [--sets nsfnet_c5,…] [--runs DIR]
 *                              [--local-search 10] [--scenario-seeds 1]
 *
 * Each set is built once into `<runs>/sets/<set>.jsonl` with its reference MLU attached to every
 * instance as `ref_mlu` (computed by `keiro solve`, or the data's oracle), then every seed's model
 * is scored with `keiro compare --reference ref_mlu --model <run> --model-local-search <n>`, beside
 * shortest path, greedy and greedy + local search (`greedy_ls`). keiro's row for the targets is fixed
 * before scoring: best-of-N then local search (`keiro-best<N>+ls`, or `keiro+ls` for N = 1), the
 * plain decode when `--local-search 0`. A seed whose run finished with
 * the same config is not trained again, a set whose file exists is not rebuilt and a score already
 * kept beside a run (with the commit and the compare command that computed it, listed in the
 * results) is not recomputed unless the command differs,
 * so an interrupted bench resumes; remove `--runs` for a fresh one. The sets that have a per-scenario
 * config (configs/te_nsfnet_c5.json, …) also train that config alone with the first
 * `--scenario-seeds` training seeds (same budget; 0 = none) and score it the same way, for the
 * general-against-per-scenario table. Sets that need ../shared/data are skipped with a message when it is absent.
 *
 * Writes bench/results/te_general.{json,md}: command, commit, machine, seeds, the config, training
 * time per seed, per set and method the MLU over the reference (mean ± std over seeds), the ratio
 * reference / MLU, ms per instance, and the issue's targets with PASS / FAIL.
 * @module
 */

import { parseArgs } from "node:util";
import { join } from "node:path";
import { formatTable } from "../src/format_table.ts";
import { type MeanStd, meanStd } from "../src/mean_std.ts";
import { benchEnv } from "./_env.ts";
import { kdlGenArgv } from "./_kdl_gen_argv.ts";

const ROOT = new URL("..", import.meta.url).pathname;
const DATA = join(ROOT, "..", "shared", "data", "te");
const CONFIG = "configs/te_general.json";

/** How a set's target is judged on keiro's best row (`k`), greedy's (`g`), MLUs over the reference. */
/** `pass(k, g, r)`: keiro's and greedy's mean MLU over the reference, keiro's mean ratio (ref / MLU). */
type Target = { label: string; pass: (k: number, g: number, r: number) => boolean };

/** A test set: how to build its instances, its reference, best-of-N, and the issue's target. */
interface TestSet {
  /** keiro argv whose stdout is the instances (JSONL). */
  build: string[];
  /** `solve --method` computing the reference, or `opt_mlu` (the import's oracle). */
  reference: "milp" | "lp" | "opt_mlu";
  /** N of keiro-best<N>. */
  samples: number;
  /** Reads ../shared/data. */
  shared?: boolean;
  /** The per-scenario config trained for this set alone (compared with the general model). */
  scenario?: string;
  target: Target;
}

const _ratioAtLeast = (r: number): Target => ({
  label: `best mean ratio ≥ ${r}`,
  pass: (_k, _g, ratio) => ratio >= r,
});
const _notWorseThanGreedy: Target = { label: "MLU ≤ greedy's", pass: (k, g) => k <= g };

/** The sets of the issue's targets table (the test sets' seeds are not the training seeds). */
function _sets(): Record<string, TestSet> {
  const gen = (...a: string[]) => ["gen", "te", ...a];
  return {
    nsfnet_c5: {
      build: gen("--count", "100", "--commodities", "5", "--seed", "9001"),
      reference: "milp",
      samples: 32,
      scenario: "configs/te_nsfnet_c5.json",
      target: _ratioAtLeast(0.995),
    },
    nsfnet_c20: {
      build: gen("--count", "50", "--commodities", "20", "--seed", "9002"),
      reference: "milp",
      samples: 32,
      scenario: "configs/te_nsfnet_c20.json",
      target: _ratioAtLeast(0.98),
    },
    nsfnet_c100: {
      build: gen("--count", "20", "--commodities", "100", "--seed", "9003"),
      reference: "lp",
      samples: 32,
      scenario: "configs/te_nsfnet_c100.json",
      target: { label: "MLU ≥ 10 % below greedy's", pass: (k, g) => k <= 0.9 * g },
    },
    nws30_c200: {
      build: gen(
        "--topology",
        "nws",
        "--nodes",
        "30",
        "--count",
        "10",
        "--commodities",
        "200",
        "--seed",
        "9004",
      ),
      reference: "lp",
      samples: 32,
      scenario: "configs/te_nws30_c200.json",
      target: {
        label: "MLU ≤ greedy's, closing ≥ 50 % of its gap to the reference",
        pass: (k, g) => k <= g && (g - k) >= 0.5 * (g - 1),
      },
    },
    geant: {
      build: [
        "import",
        "te",
        "--format",
        "dote",
        "--graph",
        join(DATA, "geant/figret_GEANT.json"),
        "--tm",
        join(DATA, "geant/figret_test_7.hist"),
        "--opt",
        join(DATA, "geant/figret_test_7.opt"),
        "--tm-range",
        "0:20",
      ],
      reference: "opt_mlu",
      samples: 32,
      shared: true,
      target: { label: "ratio ≥ greedy's", pass: (k, g) => k <= g },
    },
    b4: {
      build: ["import", "te", "--format", "nodelink", "--graph", join(DATA, "b4/B4.json"), "--tm", "{b4_tm}"],
      reference: "lp",
      samples: 32,
      shared: true,
      target: { label: "ratio ≥ greedy's", pass: (k, g) => k <= g },
    },
    abilene_x10: {
      build: [
        "import",
        "te",
        "--format",
        "sndlib",
        "--graph",
        join(DATA, "abilene/abilene.xml"),
        "--tm",
        join(DATA, "abilene/abilene_tm_5min.txt"),
        "--tm-range",
        "0:24",
        "--scale",
        "10",
      ],
      reference: "lp",
      samples: 32,
      shared: true,
      target: { label: "ratio ≥ greedy's", pass: (k, g) => k <= g },
    },
    geant2012: {
      build: [
        "import",
        "te",
        "--format",
        "repetita",
        "--graph",
        join(DATA, "topologyzoo/Geant2012.graph"),
        "--demands",
        ...[0, 1, 2, 3, 4].map((i) => join(DATA, `topologyzoo/Geant2012.000${i}.demands`)),
      ],
      reference: "lp",
      samples: 8,
      shared: true,
      target: _notWorseThanGreedy,
    },
    uscarrier: {
      build: gen(
        "--topology",
        join(DATA, "topologyzoo/UsCarrier.json"),
        "--traffic",
        "gravity",
        "--commodities",
        "500",
        "--load",
        "0.9",
        "--count",
        "5",
        "--seed",
        "9005",
      ),
      reference: "lp",
      samples: 8,
      shared: true,
      target: _notWorseThanGreedy,
    },
    kdl: {
      build: kdlGenArgv(join(DATA, "large/Kdl.json"), 20, 9006),
      reference: "lp",
      samples: 1,
      shared: true,
      target: { label: "MLU ≤ greedy's and within 10 % of LP", pass: (k, g) => k <= g && k <= 1.1 },
    },
  };
}

const { values: args } = parseArgs({
  args: Deno.args,
  options: {
    sets: { type: "string", default: Object.keys(_sets()).join(",") },
    seeds: { type: "string", default: "3" },
    budget: { type: "string", default: "420" },
    runs: { type: "string", default: join(Deno.env.get("HOME") ?? "/tmp", ".cache/keiro/te_general") },
    "local-search": { type: "string", default: "10" },
    "scenario-seeds": { type: "string", default: "1" },
  },
});
const SEEDS = Array.from({ length: Number(args.seeds) }, (_, i) => i + 1);
const BUDGET = Number(args.budget);
const LOCAL_SEARCH = Number(args["local-search"]);
const SCENARIO_SEEDS = SEEDS.slice(0, Number(args["scenario-seeds"]));

/** The fields of `keiro compare --json` this bench reads. */
interface Summary {
  method: string;
  mean_ratio: number;
  mean_mlu_over_reference: number;
  complete_pct: number;
  mean_time_ms: number;
}

async function _keiro(argv: string[], stdin?: string): Promise<string> {
  const p = new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", join(ROOT, "cli/main.ts"), ...argv],
    stdin: stdin === undefined ? "null" : "piped",
    stdout: "piped",
    stderr: "inherit",
  }).spawn();
  if (stdin !== undefined) {
    const w = p.stdin.getWriter();
    await w.write(new TextEncoder().encode(stdin));
    await w.close();
  }
  const out = await p.output();
  if (!out.success) throw new Error(`keiro ${argv.join(" ")} failed with exit code ${out.code}`);
  return new TextDecoder().decode(out.stdout);
}

const _lines = (text: string) => text.split("\n").filter((l) => l.trim() !== "");

/** B4's real traffic matrices of Teal's test split (28–35), one per line after its index. */
async function _b4Tm(dir: string): Promise<string> {
  const path = join(dir, "b4_tm_test.txt");
  const lines = _lines(await Deno.readTextFile(join(DATA, "b4/b4_tm_real.txt"))).filter((l) =>
    !l.startsWith("#")
  );
  await Deno.writeTextFile(path, lines.slice(28, 36).join("\n") + "\n");
  return path;
}

/** Builds `name` into `<runs>/sets/<name>.jsonl` with `ref_mlu` on every instance (once); returns
 * its path and the reference's mean ms per instance. */
async function _buildSet(name: string, s: TestSet): Promise<{ path: string; ref_ms: number }> {
  const dir = join(args.runs!, "sets");
  const path = join(dir, `${name}.jsonl`);
  const meta = join(dir, `${name}.ref.json`);
  try {
    return { path, ref_ms: JSON.parse(await Deno.readTextFile(meta)).ref_ms };
  } catch {
    // not built yet
  }
  await Deno.mkdir(dir, { recursive: true });
  const argv = await Promise.all(s.build.map(async (a) => a === "{b4_tm}" ? await _b4Tm(dir) : a));
  const insts = _lines(await _keiro(argv)).map((l) => JSON.parse(l));
  let refMs = 0;
  if (s.reference === "opt_mlu") {
    for (const i of insts) i.ref_mlu = i.opt_mlu;
  } else {
    const limit = s.reference === "milp" ? ["--time-limit", "60"] : [];
    const sols = _lines(
      await _keiro(
        ["solve", "--method", s.reference, ...limit],
        insts.map((i) => JSON.stringify(i)).join("\n") + "\n",
      ),
    ).map((l) => JSON.parse(l));
    sols.forEach((x, k) => {
      insts[k].ref_mlu = x.mlu;
      refMs += x.time_ms / sols.length;
    });
  }
  await Deno.writeTextFile(path, insts.map((i) => JSON.stringify(i)).join("\n") + "\n");
  await Deno.writeTextFile(meta, JSON.stringify({ ref_ms: refMs }));
  return { path, ref_ms: refMs };
}

/** Trains `config` with `seed` into `<runs>/<dir>` (unless a finished run with the same config is
 * there); returns its run directory and training wall time. */
async function _train(config: string, dir: string, seed: number): Promise<{ run: string; train_s: number }> {
  const at = join(args.runs!, dir);
  const run = join(at, "run");
  const cfgPath = join(at, "bench_config.json");
  const base = JSON.parse(await Deno.readTextFile(join(ROOT, config)));
  const cfg = { ...base, seed, time_budget_s: BUDGET, expt_name: `${base.expt_name}-seed${seed}` };
  const text = JSON.stringify(cfg, null, 2);
  const done = await Deno.readTextFile(cfgPath).then((t) => t === text, () => false) &&
    await Deno.stat(join(run, "test.json")).then(() => true, () => false);
  if (done) return { run, train_s: JSON.parse(await Deno.readTextFile(join(at, "train_s.json"))) };
  await Deno.remove(at, { recursive: true }).catch(() => {});
  await Deno.mkdir(at, { recursive: true });
  await Deno.writeTextFile(cfgPath, text);
  const t0 = performance.now();
  await _keiro(["train", "--config", cfgPath, "--out", run, "--quiet"]);
  const train_s = (performance.now() - t0) / 1000;
  await Deno.writeTextFile(join(at, "train_s.json"), JSON.stringify(train_s));
  return { run, train_s };
}

/** Scores the model of `run` on the set `name` at `path` (once: the score is kept beside the run,
 * with the commit that computed it, so a resumed bench scores only what is missing). */
async function _score(
  name: string,
  s: TestSet,
  path: string,
  run: string,
  methods = "sp,greedy,greedy_ls",
): Promise<{ methods: Summary[]; commit: string }> {
  const file = join(run, "..", `score_${name}.json`);
  const argv = [
    "compare",
    "--input",
    path,
    "--methods",
    methods,
    "--reference",
    "ref_mlu",
    "--model",
    run,
    "--model-samples",
    String(s.samples),
    "--model-local-search",
    String(LOCAL_SEARCH),
    "--json",
  ];
  try {
    const kept = JSON.parse(await Deno.readTextFile(file));
    if (JSON.stringify(kept.argv) === JSON.stringify(argv)) return kept;
  } catch {
    // not scored yet
  }
  const text = await _keiro(argv);
  const score = { methods: (JSON.parse(text) as { methods: Summary[] }).methods, commit: env.commit, argv };
  await Deno.writeTextFile(file, JSON.stringify(score));
  console.error(`${name}: scored ${run}`);
  return score;
}

/** The per-scenario model of set `name` (its own config, `SCENARIO_SEEDS`) against the general
 * one on the same set: rows for the comparison table and what the results file keeps. */
async function _scenario(
  name: string,
  s: TestSet,
  path: string,
  bestName: string,
  general: Record<string, Record<string, MeanStd>>,
): Promise<Record<string, unknown>> {
  const trained: { seed: number; run: string; train_s: number; methods: Summary[] }[] = [];
  for (const seed of SCENARIO_SEEDS) {
    const r = await _train(s.scenario!, `scenario_${name}-seed${seed}`, seed);
    console.error(`${name} per-scenario model seed ${seed}: trained in ${r.train_s.toFixed(0)} s`);
    trained.push({ seed, ...r, methods: (await _score(name, s, path, r.run, "greedy")).methods });
  }
  const pick = (m: string) =>
    meanStd(trained.map((t) => t.methods.find((x) => x.method === m)!.mean_mlu_over_reference));
  const own = { keiro: pick("keiro"), [bestName]: pick(bestName) };
  const fmt = (x: MeanStd) => `${x.mean.toFixed(4)} ± ${x.std.toFixed(4)}`;
  const trainS = (xs: number[]) => {
    const t = meanStd(xs);
    return `${t.mean.toFixed(0)} ± ${t.std.toFixed(0)}`;
  };
  scenarioRows.push(
    [
      name,
      `general (${CONFIG})`,
      fmt(general.keiro.over_ref),
      fmt(general[bestName].over_ref),
      trainS(runs.map((r) => r.train_s)),
      String(runs.length),
    ],
    [
      name,
      `per-scenario (${s.scenario})`,
      fmt(own.keiro),
      fmt(own[bestName]),
      trainS(trained.map((t) => t.train_s)),
      String(trained.length),
    ],
  );
  return {
    config: s.scenario,
    seeds: SCENARIO_SEEDS,
    train_s: trained.map((t) => t.train_s),
    per_seed: trained.map((t) => t.methods),
    aggregate: own,
  };
}

const env = benchEnv();
const SETS = _sets();
const haveData = await Deno.stat(DATA).then(() => true, () => false);
const runs: { seed: number; run: string; train_s: number }[] = [];
for (const seed of SEEDS) {
  const r = await _train(CONFIG, `seed${seed}`, seed);
  console.error(`te_general seed ${seed}: trained in ${r.train_s.toFixed(0)} s`);
  runs.push({ seed, ...r });
}
const rows: string[][] = [];
const scenarioRows: string[][] = [];
const verdicts: string[] = [];
const results: Record<string, unknown>[] = [];
for (const name of args.sets!.split(",")) {
  const s = SETS[name];
  if (!s) throw new Error(`unknown set ${name}; sets: ${Object.keys(SETS).join(", ")}`);
  if (s.shared && !haveData) {
    console.error(`skipping ${name}: ${DATA} is absent`);
    continue;
  }
  const { path, ref_ms } = await _buildSet(name, s);
  const perSeed: Summary[][] = [];
  const scoredAt: string[] = [];
  for (const { run } of runs) {
    const { methods, commit } = await _score(name, s, path, run);
    perSeed.push(methods);
    scoredAt.push(commit);
  }
  const agg: Record<string, Record<string, MeanStd>> = {};
  for (const m of perSeed[0].map((x) => x.method)) {
    const pick = (f: keyof Summary) => meanStd(perSeed.map((r) => Number(r.find((x) => x.method === m)![f])));
    agg[m] = {
      over_ref: pick("mean_mlu_over_reference"),
      ratio: pick("mean_ratio"),
      complete: pick("complete_pct"),
      ms: pick("mean_time_ms"),
    };
    const a = agg[m];
    rows.push([
      name,
      m,
      `${a.over_ref.mean.toFixed(4)} ± ${a.over_ref.std.toFixed(4)}`,
      `${a.ratio.mean.toFixed(4)} ± ${a.ratio.std.toFixed(4)}`,
      `${a.complete.mean.toFixed(1)}%`,
      a.ms.mean.toFixed(1),
    ]);
  }
  rows.push([
    name,
    `reference (${s.reference})`,
    "1.0000",
    "1.0000",
    "",
    s.reference === "opt_mlu" ? "—" : ref_ms.toFixed(1),
  ]);
  const bestName = (s.samples > 1 ? `keiro-best${s.samples}` : "keiro") + (LOCAL_SEARCH > 0 ? "+ls" : "");
  const k = agg[bestName].over_ref.mean, g = agg.greedy.over_ref.mean;
  const pass = s.target.pass(k, g, agg[bestName].ratio.mean);
  verdicts.push(
    `${name}: ${bestName} MLU/ref ${k.toFixed(4)} (ratio ${agg[bestName].ratio.mean.toFixed(4)}), greedy ${
      g.toFixed(4)
    }, greedy_ls ${agg.greedy_ls.over_ref.mean.toFixed(4)}; target ${s.target.label}: ${
      pass ? "PASS" : "FAIL"
    }`,
  );
  const scenario = s.scenario && SCENARIO_SEEDS.length > 0
    ? await _scenario(name, s, path, bestName, agg)
    : undefined;
  results.push({
    set: name,
    reference: s.reference,
    ref_ms,
    samples: s.samples,
    per_seed: perSeed,
    scored_at_commit: scoredAt,
    aggregate: agg,
    pass,
    scenario,
  });
}
const table = formatTable(
  ["set", "method", "MLU / reference", "ratio (ref / MLU)", "complete", "ms/inst"],
  rows,
);
const scoredCommits = [...new Set(results.flatMap((r) => r.scored_at_commit as string[]))];
const training = runs.map((r) => `seed ${r.seed}: ${r.train_s.toFixed(0)} s`).join(", ");
const scenarioTable = scenarioRows.length === 0 ? "" : formatTable(
  ["set", "model", "decode MLU / ref", "best-of-N + ls MLU / ref", "training s", "seeds"],
  scenarioRows,
);
console.log(table);
if (scenarioTable) console.log(scenarioTable);
console.log([...verdicts, `training wall time (labelling included): ${training}`].join("\n"));
const out = join(ROOT, "bench/results");
await Deno.mkdir(out, { recursive: true });
const config = JSON.parse(await Deno.readTextFile(join(ROOT, CONFIG)));
await Deno.writeTextFile(
  join(out, "te_general.json"),
  JSON.stringify(
    {
      env,
      config_file: CONFIG,
      config,
      budget_s: BUDGET,
      local_search: LOCAL_SEARCH,
      seeds: SEEDS,
      runs,
      results,
      verdicts,
    },
    null,
    2,
  ) +
    "\n",
);
await Deno.writeTextFile(
  join(out, "te_general.md"),
  `# The general model (${CONFIG})\n\n\`${env.command}\` — commit ${env.commit}${
    env.dirty ? " (dirty)" : ""
  }, ${env.machine.cpu}, ${env.machine.cores} cores, ${env.date}; training seeds ${
    SEEDS.join(", ")
  }; training budget ${BUDGET} s per seed ` +
    `(labelling not counted in it); keiro's target row: best-of-N, then local search, ${LOCAL_SEARCH} rounds per commodity.\n\n\`\`\`\n${table}\n\`\`\`\n\n${
      verdicts.map((v) => `- ${v}`).join("\n")
    }${
      scenarioTable
        ? `\n\nThe general model against the per-scenario models (each trained on its set's distribution alone, ` +
          `same budget, training seeds ${
            SCENARIO_SEEDS.join(", ")
          }; training s includes labelling), on the same test sets:\n\n\`\`\`\n${scenarioTable}\n\`\`\`\n`
        : ""
    }\n- training wall time (labelling included): ${training}\n- scores computed at commit${
      scoredCommits.length > 1 ? "s" : ""
    } ${scoredCommits.join(", ")}\n`,
);
