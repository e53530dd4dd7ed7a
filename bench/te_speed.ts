/**
 * Speed of keiro's hybrid GCN + Teal model against the PyTorch peer (bench/peers/hybrid_torch.py),
 * on the same NSFNET instances (5 commodities, from keiro's generator, handed to the peer as a JSONL
 * file) and the same config files (bench/peers/configs/h128_l8.json = the seed's size,
 * h64_l4.json = the small size), on the CPU.
 *
 * - training: A2C RL steps of `--batch` instances × `--samples` rollouts (step i takes instances
 *   i·batch … of the file, cycling, as the peer does), 1 untimed warm-up step, then `--steps` timed
 *   steps → episodes/s;
 * - inference: greedy routing of `--infer-batch` instances per call, 2 untimed warm-up calls, then
 *   `--infer-steps` timed calls → instances/s.
 *
 * keiro runs with `RAYON_NUM_THREADS` = `--threads` (default 2); the peer with `--threads 2` and
 * `--threads 1` and `OMP_WAIT_POLICY=PASSIVE` (bench/peers/README.md). Ratios are keiro / peer, against
 * the peer at 2 threads and against the faster of its two thread counts; the targets (keiro ≥ 1.5× the
 * peer in training, ≥ 3× in inference) are judged against the faster one.
 *
 * `--rounds N` (default 3) repeats keiro, then the peer, N times in turn for each size, and the ratios
 * compare medians: the rates of this 2-core VM drift by tens of percent within minutes, for both.
 *
 *   deno task bench:te_speed [--steps N] [--infer-steps N] [--sizes small,seed] [--skip-peer] [--seed N]
 *     [--threads N] [--rounds N] [--append]   (--append keeps the earlier runs of te_speed.json)
 *
 * Writes bench/results/te_speed.json and bench/results/te_speed.md (command, commit, machine, load).
 * @module
 */

import { rewardOptions } from "../src/hybrid/reward_options.ts";
import process from "node:process";
import { parseArgs } from "node:util";
import { formatTable } from "../src/format_table.ts";
import { benchEnv } from "./_env.ts";

const { values: args } = parseArgs({
  args: Deno.args,
  options: {
    steps: { type: "string", default: "5" },
    "infer-steps": { type: "string", default: "10" },
    sizes: { type: "string", default: "small,seed" },
    "skip-peer": { type: "boolean", default: false },
    seed: { type: "string", default: "1" },
    threads: { type: "string", default: "2" },
    count: { type: "string", default: "64" },
    batch: { type: "string", default: "32" },
    samples: { type: "string", default: "4" },
    "infer-batch": { type: "string", default: "64" },
    rounds: { type: "string", default: "3" },
    append: { type: "boolean", default: false },
  },
});
const STEPS = Number(args.steps), INFER_STEPS = Number(args["infer-steps"]);
const SEED = Number(args.seed), THREADS = Number(args.threads), COUNT = Number(args.count);
const BATCH = Number(args.batch), SAMPLES = Number(args.samples), IBATCH = Number(args["infer-batch"]);
const ROUNDS = Number(args.rounds);
const TRAIN_WARMUP = 1, INFER_WARMUP = 2, COMMODITIES = 5;
/** The peer's thread counts; the targets are judged against the faster. */
const PEER_THREADS = [2, 1];
for (
  const [k, v] of Object.entries({ STEPS, INFER_STEPS, SEED, THREADS, COUNT, BATCH, SAMPLES, IBATCH, ROUNDS })
) {
  if (!Number.isSafeInteger(v) || v < (k === "SEED" ? 0 : 1)) {
    console.error(`bad value for ${k.toLowerCase()}: ${v}`);
    Deno.exit(2);
  }
}
const SIZES: Record<string, string> = { small: "h64_l4", seed: "h128_l8" };
const sizes = args.sizes.split(",").map((s) => s.trim()).filter((s) => s);
for (const s of sizes) {
  if (!(s in SIZES)) {
    console.error(`--sizes: unknown size "${s}" (small, seed)`);
    Deno.exit(2);
  }
}

// The native core's rayon pool reads this when it starts: set it before the library is used.
if (Deno.env.get("RAYON_NUM_THREADS") === undefined) Deno.env.set("RAYON_NUM_THREADS", String(THREADS));
const { Dataset } = await import("../src/te/dataset.ts");
const { generate } = await import("../src/te/generate.ts");
const { HybridModel } = await import("../src/hybrid/model.ts");
const { modelConfig, resolveConfig } = await import("../src/hybrid/config.ts");

const ROOT = new URL("../", import.meta.url).pathname;
const load1 = () => Math.round(Deno.loadavg()[0] * 100) / 100;
const loadAll = () => Deno.loadavg().map((x) => Math.round(x * 100) / 100);
const cpu = () => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1e6;
};
const r = (x: number, d = 3) => Math.round(x * 10 ** d) / 10 ** d;

/** One measured configuration. */
interface Measure {
  /** 1-based round (`--rounds`). */
  round?: number;
  impl: "keiro" | "peer";
  threads: number;
  mode: "train" | "infer";
  per_s: number;
  seconds: number;
  cpu_seconds: number;
  mean_mlu: number | null;
  complete_rate: number | null;
  parameters: number;
  load_1m_end: number;
  command?: string;
}

/** The peer's python, or why it cannot run. */
async function peerPython(): Promise<{ py: string } | { skip: string }> {
  if (args["skip-peer"]) return { skip: "--skip-peer given" };
  const venv = Deno.env.get("KEIRO_PEER_VENV") ?? `${Deno.env.get("HOME")}/.cache/keiro/peer-venv`;
  const py = `${venv}/bin/python`;
  try {
    if ((await Deno.stat(py)).isFile) return { py };
  } catch { /* missing */ }
  return { skip: `peer venv missing (${py}); create it with \`bash bench/peers/setup.sh\`` };
}

async function runPeer(
  py: string,
  instances: string,
  cfgName: string,
  mode: "train" | "infer",
  threads: number,
): Promise<Measure> {
  const sizes = mode === "train"
    ? ["--batch", BATCH, "--samples", SAMPLES, "--steps", STEPS, "--warmup", TRAIN_WARMUP]
    : ["--batch", IBATCH, "--samples", 1, "--steps", INFER_STEPS, "--warmup", INFER_WARMUP];
  const peerArgs = [
    "bench/peers/hybrid_torch.py",
    "--instances",
    instances,
    "--config",
    `bench/peers/configs/${cfgName}.json`,
    "--mode",
    mode,
    ...sizes.map(String),
    "--threads",
    String(threads),
    "--seed",
    String(SEED),
  ];
  const out = await new Deno.Command(py, {
    args: peerArgs,
    cwd: ROOT,
    env: { OMP_WAIT_POLICY: "PASSIVE" },
    stdout: "piped",
    stderr: "piped",
  }).output();
  const text = new TextDecoder().decode(out.stdout).trim();
  if (!out.success) {
    throw new Error(`peer failed (${out.code}): ${new TextDecoder().decode(out.stderr).slice(-2000)}`);
  }
  const d = JSON.parse(text.split("\n").pop()!);
  return {
    impl: "peer",
    threads,
    mode,
    per_s: mode === "train" ? d.episodes_per_s : d.instances_per_s,
    seconds: d.seconds,
    cpu_seconds: d.cpu_seconds,
    mean_mlu: d.mean_mlu,
    complete_rate: d.complete_rate,
    parameters: d.parameters,
    load_1m_end: d.load_avg_1m,
    command: `OMP_WAIT_POLICY=PASSIVE python ${peerArgs.join(" ")}`,
  };
}

// deno-lint-ignore no-explicit-any
async function runKeiro(ds: any, cfgName: string): Promise<{ train: Measure; infer: Measure }> {
  const path = `${ROOT}bench/peers/configs/${cfgName}.json`;
  const { config: cfg } = resolveConfig(JSON.parse(await Deno.readTextFile(path)), path, {
    num_nodes: 14,
    num_commodities: COMMODITIES,
  });
  using model = await HybridModel.create(modelConfig(cfg), SEED);
  const indices = (step: number, b: number) => Array.from({ length: b }, (_, j) => (step * b + j) % COUNT);
  const request = (step: number) => ({
    kind: "rl" as const,
    indices: indices(step, BATCH),
    algorithm: "a2c" as const,
    samples: SAMPLES,
    lr: cfg.learning_rate,
    weight_decay: cfg.weight_decay,
    grad_clip: cfg.grad_clip,
    entropy_weight: cfg.entropy_weight,
    value_loss_weight: cfg.value_loss_weight,
    ppo_epsilon: cfg.ppo_epsilon,
    ppo_epochs: cfg.ppo_epochs,
    baseline: 0,
    normalize_advantage: cfg.normalize_advantage,
    temperature: cfg.sampling_temperature,
    top_p: cfg.sampling_top_p,
    seed: SEED * 1000 + step,
    reward: rewardOptions(cfg),
  });
  for (let s = 0; s < TRAIN_WARMUP; s++) await model.step(ds, request(s));
  let mluSum = 0, completeSum = 0, episodes = 0;
  let t0 = performance.now(), c0 = cpu();
  for (let s = TRAIN_WARMUP; s < TRAIN_WARMUP + STEPS; s++) {
    const m = await model.step(ds, request(s));
    const n = m.episodes ?? BATCH * SAMPLES;
    episodes += n;
    mluSum += (m.mlu_mean ?? NaN) * n;
    completeSum += (m.complete_rate ?? NaN) * n;
  }
  let seconds = (performance.now() - t0) / 1000, cpuS = cpu() - c0;
  const train: Measure = {
    impl: "keiro",
    threads: THREADS,
    mode: "train",
    per_s: r(episodes / seconds),
    seconds: r(seconds, 4),
    cpu_seconds: r(cpuS, 4),
    mean_mlu: r(mluSum / episodes, 6),
    complete_rate: r(completeSum / episodes, 6),
    parameters: model.parameters,
    load_1m_end: load1(),
  };
  if (episodes !== BATCH * SAMPLES * STEPS) {
    console.error(`warning: keiro reported ${episodes} episodes, expected ${BATCH * SAMPLES * STEPS}`);
  }

  const route = (step: number) =>
    model.route(ds, { indices: indices(step, IBATCH), samples: 1, batch: IBATCH, seed: SEED });
  for (let s = 0; s < INFER_WARMUP; s++) await route(s);
  const mlus: number[] = [];
  let complete = 0, routed = 0;
  t0 = performance.now(), c0 = cpu();
  for (let s = INFER_WARMUP; s < INFER_WARMUP + INFER_STEPS; s++) {
    for (const x of await route(s)) {
      routed++;
      if (x.complete) {
        complete++;
        mlus.push(x.mlu);
      }
    }
  }
  seconds = (performance.now() - t0) / 1000, cpuS = cpu() - c0;
  const infer: Measure = {
    impl: "keiro",
    threads: THREADS,
    mode: "infer",
    per_s: r(routed / seconds),
    seconds: r(seconds, 4),
    cpu_seconds: r(cpuS, 4),
    mean_mlu: mlus.length ? r(mlus.reduce((a, b) => a + b, 0) / mlus.length, 6) : null,
    complete_rate: r(complete / routed, 6),
    parameters: model.parameters,
    load_1m_end: load1(),
  };
  return { train, infer };
}

const env = benchEnv();
// which tracked files were modified (the native library is built from the working tree)
const dirtyFiles = new TextDecoder().decode(
  new Deno.Command("git", {
    args: ["status", "--porcelain", "--untracked-files=no"],
    cwd: ROOT,
    stdout: "piped",
  })
    .outputSync().stdout,
).split("\n").filter((l) => l.trim()).map((l) => l.slice(3));
const loadStart = loadAll();
console.error(`load average at start: ${loadStart.join(" ")} (${env.machine.cores} cores)`);
const peer = await peerPython();
if ("skip" in peer) console.error(`skipping the PyTorch peer: ${peer.skip}`);

const jsonl = await generate({ topology: "nsfnet", count: COUNT, commodities: COMMODITIES, seed: SEED });
const tmp = await Deno.makeTempFile({ prefix: "keiro_te_speed_", suffix: ".jsonl" });
await Deno.writeTextFile(tmp, jsonl.endsWith("\n") ? jsonl : jsonl + "\n");

interface SizeResult {
  size: string;
  config: string;
  measures: Measure[];
  ratios: {
    train_vs_peer_t2: number | null;
    train_vs_peer_best: number | null;
    infer_vs_peer_t2: number | null;
    infer_vs_peer_best: number | null;
  };
  targets: { train_1_5x: boolean | null; infer_3x: boolean | null };
}
const results: SizeResult[] = [];
try {
  using ds = await Dataset.parse(jsonl);
  for (const size of sizes) {
    const cfgName = SIZES[size];
    const measures: Measure[] = [];
    for (let round = 1; round <= ROUNDS; round++) {
      const tag = `${size} (${cfgName}) round ${round}/${ROUNDS}`;
      console.error(`${tag}: keiro ...`);
      const k = await runKeiro(ds, cfgName);
      measures.push({ round, ...k.train }, { round, ...k.infer });
      console.error(`  keiro train ${k.train.per_s} ep/s, infer ${k.infer.per_s} inst/s`);
      if ("py" in peer) {
        for (const threads of PEER_THREADS) {
          for (const mode of ["train", "infer"] as const) {
            console.error(`${tag}: peer ${mode} threads=${threads} ...`);
            const m = await runPeer(peer.py, tmp, cfgName, mode, threads);
            console.error(`  ${m.per_s} ${mode === "train" ? "ep/s" : "inst/s"} (load ${m.load_1m_end})`);
            measures.push({ round, ...m });
          }
        }
      }
    }
    /** Median rate over the rounds of one (mode, impl, threads). */
    const median = (mode: string, impl: string, threads: number) => {
      const xs = measures
        .filter((m) => m.mode === mode && m.impl === impl && m.threads === threads)
        .map((m) => m.per_s)
        .sort((a, b) => a - b);
      if (!xs.length) return null;
      const h = Math.floor(xs.length / 2);
      return xs.length % 2 ? xs[h] : (xs[h - 1] + xs[h]) / 2;
    };
    const ratio = (mode: string, threads?: number) => {
      const ps = (threads === undefined ? PEER_THREADS : [threads]).map((t) => median(mode, "peer", t))
        .filter((x): x is number => x !== null);
      const k = median(mode, "keiro", THREADS);
      if (!ps.length || k === null) return null;
      return r(k / Math.max(...ps), 3);
    };
    const ratios = {
      train_vs_peer_t2: ratio("train", 2),
      train_vs_peer_best: ratio("train"),
      infer_vs_peer_t2: ratio("infer", 2),
      infer_vs_peer_best: ratio("infer"),
    };
    results.push({
      size,
      config: `bench/peers/configs/${cfgName}.json`,
      measures,
      ratios,
      targets: {
        train_1_5x: ratios.train_vs_peer_best === null ? null : ratios.train_vs_peer_best >= 1.5,
        infer_3x: ratios.infer_vs_peer_best === null ? null : ratios.infer_vs_peer_best >= 3,
      },
    });
  }
} finally {
  await Deno.remove(tmp).catch(() => {});
}
const loadEnd = loadAll();

const f = (x: number | null | undefined, d: number) => (x === null || x === undefined ? "n/a" : x.toFixed(d));
const table = formatTable(
  [
    "size",
    "round",
    "impl",
    "threads",
    "mode",
    "rate",
    "unit",
    "seconds",
    "cpu s",
    "mean MLU",
    "complete",
    "load end",
  ],
  results.flatMap((s) =>
    s.measures.map((m) => [
      `${s.size} (${SIZES[s.size]})`,
      String(m.round ?? 1),
      m.impl,
      String(m.threads),
      m.mode,
      f(m.per_s, 1),
      m.mode === "train" ? "episodes/s" : "instances/s",
      f(m.seconds, 2),
      f(m.cpu_seconds, 2),
      f(m.mean_mlu, 4),
      f(m.complete_rate, 3),
      f(m.load_1m_end, 2),
    ])
  ),
);
const verdict = (x: boolean | null) => (x === null ? "n/a" : x ? "PASS" : "FAIL");
const ratioTable = formatTable(
  [
    "size",
    "params",
    "train vs peer t2",
    "train vs best",
    "target ≥1.5x",
    "infer vs peer t2",
    "infer vs best",
    "target ≥3x",
  ],
  results.map((s) => [
    `${s.size} (${SIZES[s.size]})`,
    String(s.measures[0].parameters),
    f(s.ratios.train_vs_peer_t2, 2),
    f(s.ratios.train_vs_peer_best, 2),
    verdict(s.targets.train_1_5x),
    f(s.ratios.infer_vs_peer_t2, 2),
    f(s.ratios.infer_vs_peer_best, 2),
    verdict(s.targets.infer_3x),
  ]),
);
console.log(table);
console.log(ratioTable);
console.error(`load average at end: ${loadEnd.join(" ")}`);

const params = {
  sizes,
  steps: STEPS,
  train_warmup: TRAIN_WARMUP,
  infer_steps: INFER_STEPS,
  infer_warmup: INFER_WARMUP,
  batch: BATCH,
  samples: SAMPLES,
  infer_batch: IBATCH,
  keiro_threads: THREADS,
  rounds: ROUNDS,
  rayon_num_threads: Deno.env.get("RAYON_NUM_THREADS"),
  keiro_profile: Deno.env.get("KEIRO_PROFILE") ?? null,
  instances: {
    generator: "keiro generate (gen te)",
    topology: "nsfnet",
    count: COUNT,
    commodities: COMMODITIES,
  },
  seeds: {
    instances: SEED,
    keiro_model_init: SEED,
    keiro_step_seed: `${SEED}*1000 + step`,
    keiro_route_seed: SEED,
    peer: SEED,
  },
  peer: "py" in peer ? { omp_wait_policy: "PASSIVE", threads: PEER_THREADS } : { skipped: peer.skip },
};
const targets = {
  train: "keiro episodes/s ≥ 1.5 × the peer's (faster of threads 1, 2)",
  infer: "keiro instances/s ≥ 3 × the peer's (faster of threads 1, 2)",
};
const dir = `${ROOT}bench/results/`;
await Deno.mkdir(dir, { recursive: true });
const write = async (name: string, text: string) => {
  await Deno.writeTextFile(`${dir}${name}.tmp`, text);
  await Deno.rename(`${dir}${name}.tmp`, `${dir}${name}`);
};
const peerCmds = [
  ...new Set(results.flatMap((s) => s.measures.filter((m) => m.command).map((m) => `    ${m.command}`))),
];
const section = `## Run of ${env.date}\n\n` +
  `- command: \`${env.command}\` (KEIRO_PROFILE=${
    params.keiro_profile ?? "unset"
  }, RAYON_NUM_THREADS=${params.rayon_num_threads})\n` +
  `- commit: ${env.commit}${env.dirty ? ` (dirty: ${dirtyFiles.join(", ")})` : ""}\n` +
  `- machine: ${env.machine.cpu}, ${env.machine.cores} cores, ${env.machine.memory_gib} GiB, ${env.machine.os}\n` +
  `- load average (1, 5, 15 min): start ${loadStart.join(" ")}, end ${loadEnd.join(" ")}\n` +
  `- instances: ${COUNT} NSFNET, ${COMMODITIES} commodities, keiro's generator, seed ${SEED}; the same file is the peer's \`--instances\`\n` +
  `- train: A2C, ${BATCH} instances × ${SAMPLES} samples a step, ${TRAIN_WARMUP} warm-up + ${STEPS} timed steps; ` +
  `infer: greedy, ${IBATCH} instances a call, ${INFER_WARMUP} warm-up + ${INFER_STEPS} timed calls\n` +
  `- seeds: ${JSON.stringify(params.seeds)}\n` +
  `- peer: ${"py" in peer ? "OMP_WAIT_POLICY=PASSIVE, threads 2 and 1" : `skipped (${peer.skip})`}\n` +
  `- rounds: ${ROUNDS} (keiro, then the peer, in turn); the ratios compare the medians over the rounds\n\n` +
  "```\n" + table + "```\n\n```\n" + ratioTable + "```\n" +
  (peerCmds.length
    ? `\nPeer commands (the instances file is a temporary copy):\n\n${peerCmds.join("\n")}\n`
    : "");
const run = {
  env,
  dirty_files: dirtyFiles,
  params,
  load_avg: { start: loadStart, end: loadEnd },
  targets,
  results,
  markdown: section,
};

// --append keeps the runs already in te_speed.json (a noisy machine: several runs side by side)
type Run = typeof run;
let runs: Run[] = [run];
if (args.append) {
  try {
    const old = JSON.parse(await Deno.readTextFile(`${dir}te_speed.json`)) as { runs?: Run[] };
    if (Array.isArray(old.runs)) runs = [...old.runs, run];
  } catch { /* no earlier results */ }
}
await write("te_speed.json", JSON.stringify({ runs }, null, 2) + "\n");
await write(
  "te_speed.md",
  `# Hybrid model speed: keiro vs the PyTorch peer\n\n` +
    `\`bench/te_speed.ts\` (\`deno task bench:te_speed\`): keiro's hybrid model (Rust core) against the PyTorch ` +
    `peer \`bench/peers/hybrid_torch.py\` on the same instances and config files (small = h64_l4, seed = h128_l8). ` +
    `Rates are wall clock; \`cpu s\` is the process CPU time of the timed part; ratios are keiro / peer ` +
    `(medians over the rounds), against the peer at 2 threads and against its faster thread count.\n\n` +
    `Targets (against the faster peer thread count): ${targets.train}; ${targets.infer}.\n\n` +
    `${runs.length} run${runs.length > 1 ? "s" : ""}, oldest first.\n\n` +
    runs.map((x) => x.markdown).join("\n"),
);
