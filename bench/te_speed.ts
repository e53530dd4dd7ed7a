/**
 * Speed of keiro's hybrid GCN + Teal model against the PyTorch peer (bench/peers/hybrid_torch.py),
 * on the same NSFNET instances (5 commodities, from keiro's generator, handed to the peer as a JSONL
 * file) and the same config files (bench/peers/configs/h128_l8.json = the seed's size,
 * h64_l4.json = the small size), on the CPU or, with `--device cuda`, both on the same GPU.
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
 * `--rounds N` (default 3) repeats keiro, then the peer, N times in turn for each case, and the ratios
 * compare medians: the rates of this 2-core VM drift by tens of percent within minutes, for both.
 *
 * `--commodities`, `--batch` and `--infer-batch` take comma-separated lists: every combination of
 * size × commodities × batch is a case. `--device cuda` (keiro's CUDA build, docs/gpu.md) runs keiro
 * and the peer (`--device cuda`, one thread) on the GPU with the grid c5,c20 × train b32,b256,b1024 ×
 * infer b64,b1024,b4096 by default, records the GPU, driver, CUDA and torch versions, judges keiro
 * ≥ 3× the peer at the largest batch of each column, and writes te_speed_cuda.{json,md}.
 *
 *   deno task bench:te_speed [--steps N] [--infer-steps N] [--sizes small,seed] [--skip-peer] [--seed N]
 *     [--threads N] [--rounds N] [--device cpu|cuda] [--commodities 5,20] [--batch 32,256]
 *     [--infer-batch 64,1024] [--append]   (--append keeps the earlier runs of the results file)
 *
 * Writes bench/results/te_speed.json and bench/results/te_speed.md (command, commit, machine, load);
 * `te_speed_cuda.*` with `--device cuda`.
 * @module
 */

import { rewardOptions } from "../src/hybrid/reward_options.ts";
import process from "node:process";
import { parseArgs } from "node:util";
import { formatTable } from "../src/format_table.ts";
import { benchEnv } from "./_env.ts";
import { chooseDevice, DEVICE_SPELLING } from "../src/device.ts";

const { values: args } = parseArgs({
  args: Deno.args,
  options: {
    steps: { type: "string", default: "5" },
    "infer-steps": { type: "string", default: "10" },
    sizes: { type: "string", default: "small,seed" },
    "skip-peer": { type: "boolean", default: false },
    seed: { type: "string", default: "1" },
    threads: { type: "string", default: "2" },
    count: { type: "string" },
    batch: { type: "string" },
    samples: { type: "string", default: "4" },
    "infer-batch": { type: "string" },
    commodities: { type: "string" },
    device: { type: "string", default: "cpu" },
    rounds: { type: "string", default: "3" },
    append: { type: "boolean", default: false },
  },
});
const DEVICE = args.device;
if (!DEVICE_SPELLING.test(DEVICE)) {
  console.error(`--device: expected cpu, cuda or cuda:N, got ${DEVICE}`);
  Deno.exit(2);
}
const GPU = DEVICE !== "cpu";
/** A comma-separated list of positive integers, or its default on this device. */
const list = (name: string, v: string | undefined, cpu: string, cuda: string) => {
  const xs = (v ?? (GPU ? cuda : cpu)).split(",").map((x) => Number(x.trim()));
  if (!xs.length || xs.some((x) => !Number.isSafeInteger(x) || x < 1)) {
    console.error(`--${name}: expected positive integers separated by commas, got ${v}`);
    Deno.exit(2);
  }
  return xs;
};
const BATCHES = list("batch", args.batch, "32", "32,256,1024");
const IBATCHES = list("infer-batch", args["infer-batch"], "64", "64,1024,4096");
const COMMODITIES = list("commodities", args.commodities, "5", "5,20");
const STEPS = Number(args.steps), INFER_STEPS = Number(args["infer-steps"]);
const SEED = Number(args.seed), THREADS = Number(args.threads), SAMPLES = Number(args.samples);
const COUNT = Number(args.count ?? Math.max(64, ...BATCHES, ...IBATCHES));
const ROUNDS = Number(args.rounds);
const TRAIN_WARMUP = 1, INFER_WARMUP = 2;
/** The peer's thread counts; the targets are judged against the faster. On a GPU the host threads
 * hardly matter: the peer runs with one. */
const PEER_THREADS = GPU ? [1] : [2, 1];
for (const [k, v] of Object.entries({ STEPS, INFER_STEPS, SEED, THREADS, COUNT, SAMPLES, ROUNDS })) {
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
try {
  await chooseDevice(DEVICE);
} catch (e) {
  console.error(`error: ${(e as Error).message}`);
  Deno.exit(2);
}
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
  /** Instances a step (train: × `samples` rollouts each). */
  batch: number;
  per_s: number;
  seconds: number;
  cpu_seconds: number;
  mean_mlu: number | null;
  complete_rate: number | null;
  parameters: number;
  load_1m_end: number;
  command?: string;
}

/** What the peer reports about its stack. */
interface PeerVersions {
  torch: string;
  cuda: string | null;
  gpu: string | null;
}

/** The peer's python, or why it cannot run. */
async function peerPython(): Promise<{ py: string } | { skip: string }> {
  if (args["skip-peer"]) return { skip: "--skip-peer given" };
  const venv = Deno.env.get("KEIRO_PEER_VENV") ?? `${Deno.env.get("HOME")}/.cache/keiro/peer-venv`;
  const py = Deno.env.get("KEIRO_PEER_PYTHON") ?? `${venv}/bin/python`;
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
  batches: number[],
  threads: number,
): Promise<{ measures: Measure[]; versions: PeerVersions }> {
  const sizes = mode === "train"
    ? ["--batch", batches.join(","), "--samples", SAMPLES, "--steps", STEPS, "--warmup", TRAIN_WARMUP]
    : ["--batch", batches.join(","), "--samples", 1, "--steps", INFER_STEPS, "--warmup", INFER_WARMUP];
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
    "--device",
    DEVICE,
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
  const command = `OMP_WAIT_POLICY=PASSIVE python ${peerArgs.join(" ")}`;
  // deno-lint-ignore no-explicit-any
  const lines: any[] = text.split("\n").filter((l) => l.startsWith("{")).map((l) => JSON.parse(l));
  const measures = lines.map((d): Measure => ({
    impl: "peer",
    threads,
    mode,
    batch: d.batch,
    per_s: mode === "train" ? d.episodes_per_s : d.instances_per_s,
    seconds: d.seconds,
    cpu_seconds: d.cpu_seconds,
    mean_mlu: d.mean_mlu,
    complete_rate: d.complete_rate,
    parameters: d.parameters,
    load_1m_end: d.load_avg_1m,
    command,
  }));
  const d = lines[0] ?? {};
  return { measures, versions: { torch: d.torch, cuda: d.cuda ?? null, gpu: d.gpu ?? null } };
}

/** keiro's rate in `mode` with `batch` instances a step, on a fresh model (`c` commodities). */
async function runKeiro(
  ds: import("../src/te/dataset.ts").Dataset,
  cfgName: string,
  c: number,
  mode: "train" | "infer",
  batch: number,
): Promise<Measure> {
  const path = `${ROOT}bench/peers/configs/${cfgName}.json`;
  const { config: cfg } = resolveConfig(JSON.parse(await Deno.readTextFile(path)), path, {
    num_nodes: 14,
    num_commodities: c,
  });
  using model = await HybridModel.create(modelConfig(cfg), SEED, DEVICE);
  const indices = (step: number) => Array.from({ length: batch }, (_, j) => (step * batch + j) % COUNT);
  const measure = { impl: "keiro" as const, threads: THREADS, mode, batch, parameters: model.parameters };
  if (mode === "train") {
    const request = (step: number) => ({
      kind: "rl" as const,
      indices: indices(step),
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
    const t0 = performance.now(), c0 = cpu();
    for (let s = TRAIN_WARMUP; s < TRAIN_WARMUP + STEPS; s++) {
      const m = await model.step(ds, request(s));
      const n = m.episodes ?? batch * SAMPLES;
      episodes += n;
      mluSum += (m.mlu_mean ?? NaN) * n;
      completeSum += (m.complete_rate ?? NaN) * n;
    }
    const seconds = (performance.now() - t0) / 1000, cpuS = cpu() - c0;
    if (episodes !== batch * SAMPLES * STEPS) {
      console.error(`warning: keiro reported ${episodes} episodes, expected ${batch * SAMPLES * STEPS}`);
    }
    return {
      ...measure,
      per_s: r(episodes / seconds),
      seconds: r(seconds, 4),
      cpu_seconds: r(cpuS, 4),
      mean_mlu: r(mluSum / episodes, 6),
      complete_rate: r(completeSum / episodes, 6),
      load_1m_end: load1(),
    };
  }
  const route = (step: number) => model.route(ds, { indices: indices(step), samples: 1, batch, seed: SEED });
  for (let s = 0; s < INFER_WARMUP; s++) await route(s);
  const mlus: number[] = [];
  let complete = 0, routed = 0;
  const t0 = performance.now(), c0 = cpu();
  for (let s = INFER_WARMUP; s < INFER_WARMUP + INFER_STEPS; s++) {
    for (const x of await route(s)) {
      routed++;
      if (x.complete) {
        complete++;
        mlus.push(x.mlu);
      }
    }
  }
  const seconds = (performance.now() - t0) / 1000, cpuS = cpu() - c0;
  return {
    ...measure,
    per_s: r(routed / seconds),
    seconds: r(seconds, 4),
    cpu_seconds: r(cpuS, 4),
    mean_mlu: mlus.length ? r(mlus.reduce((a, b) => a + b, 0) / mlus.length, 6) : null,
    complete_rate: r(complete / routed, 6),
    load_1m_end: load1(),
  };
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

/** One measured case: a size, a commodity count, a mode and a batch, over the rounds. */
interface CaseResult {
  size: string;
  config: string;
  commodities: number;
  mode: "train" | "infer";
  batch: number;
  measures: Measure[];
  /** keiro / peer (medians over the rounds): against the peer at 2 threads (CPU) and its fastest. */
  ratio_vs_peer_t2: number | null;
  ratio_vs_peer_best: number | null;
  /** The target's verdict (null: no peer, or a case the target does not judge). */
  target: boolean | null;
}

/** The targets: on the CPU keiro ≥ 1.5× (train) / 3× (infer) the faster peer thread count; on the GPU
 * ≥ 3× the peer at the largest batch of each column. */
const TARGETS = GPU
  ? {
    train: "keiro episodes/s ≥ 3 × the peer's on the same GPU, at the largest train batch",
    infer: "keiro instances/s ≥ 3 × the peer's on the same GPU, at the largest infer batch",
  }
  : {
    train: "keiro episodes/s ≥ 1.5 × the peer's (faster of threads 1, 2)",
    infer: "keiro instances/s ≥ 3 × the peer's (faster of threads 1, 2)",
  };
const _targetOf = (mode: "train" | "infer", batch: number): number | null =>
  GPU
    ? (batch === Math.max(...(mode === "train" ? BATCHES : IBATCHES)) ? 3 : null)
    : (mode === "train" ? 1.5 : 3);

/** Median of `xs` (null when empty). */
const median = (xs: number[]) => {
  const v = [...xs].sort((a, b) => a - b);
  if (!v.length) return null;
  const h = Math.floor(v.length / 2);
  return v.length % 2 ? v[h] : (v[h - 1] + v[h]) / 2;
};

const results: CaseResult[] = [];
let peerVersions: PeerVersions | null = null;
for (const c of COMMODITIES) {
  const jsonl = await generate({ topology: "nsfnet", count: COUNT, commodities: c, seed: SEED });
  const tmp = await Deno.makeTempFile({ prefix: "keiro_te_speed_", suffix: ".jsonl" });
  await Deno.writeTextFile(tmp, jsonl.endsWith("\n") ? jsonl : jsonl + "\n");
  try {
    using ds = await Dataset.parse(jsonl);
    for (const size of sizes) {
      const cfgName = SIZES[size];
      const modes = [["train", BATCHES], ["infer", IBATCHES]] as const;
      /** measures[mode][batch]: every round's keiro and peer measures of that case. */
      const measures = new Map<string, Measure[]>();
      const add = (m: Measure) => {
        const key = `${m.mode} ${m.batch}`;
        measures.set(key, [...(measures.get(key) ?? []), m]);
      };
      for (let round = 1; round <= ROUNDS; round++) {
        for (const [mode, batches] of modes) {
          const tag = `${size} (${cfgName}) c${c} ${mode} round ${round}/${ROUNDS}`;
          const unit = mode === "train" ? "ep/s" : "inst/s";
          for (const batch of batches) {
            const k = await runKeiro(ds, cfgName, c, mode, batch);
            console.error(`${tag}: keiro b${batch} ${k.per_s} ${unit}`);
            add({ round, ...k });
          }
          if ("py" in peer) {
            for (const threads of PEER_THREADS) {
              const p = await runPeer(peer.py, tmp, cfgName, mode, batches, threads);
              peerVersions = p.versions;
              for (const m of p.measures) {
                console.error(
                  `${tag}: peer b${m.batch} (threads ${threads}) ${m.per_s} ${unit} (load ${m.load_1m_end})`,
                );
                add({ round, ...m });
              }
            }
          }
        }
      }
      for (const [mode, batches] of modes) {
        for (const batch of batches) {
          const ms = measures.get(`${mode} ${batch}`) ?? [];
          const rate = (impl: string, threads: number) =>
            median(ms.filter((m) => m.impl === impl && m.threads === threads).map((m) => m.per_s));
          const ratio = (threads: number[]) => {
            const ps = threads.map((t) => rate("peer", t)).filter((x): x is number => x !== null);
            const k = rate("keiro", THREADS);
            return !ps.length || k === null ? null : r(k / Math.max(...ps), 3);
          };
          const best = ratio(PEER_THREADS), want = _targetOf(mode, batch);
          results.push({
            size,
            config: `bench/peers/configs/${cfgName}.json`,
            commodities: c,
            mode,
            batch,
            measures: ms,
            ratio_vs_peer_t2: GPU ? null : ratio([2]),
            ratio_vs_peer_best: best,
            target: best === null || want === null ? null : best >= want,
          });
        }
      }
    }
  } finally {
    await Deno.remove(tmp).catch(() => {});
  }
}
const loadEnd = loadAll();

/** The GPU and its driver as nvidia-smi reports them (on a GPU run). */
const gpuInfo = GPU
  ? (() => {
    try {
      const out = new Deno.Command("nvidia-smi", {
        args: ["--query-gpu=name,driver_version,memory.total", "--format=csv,noheader"],
        stdout: "piped",
      }).outputSync();
      const [name, driver, memory] = new TextDecoder().decode(out.stdout).trim().split("\n")[0].split(", ");
      return { name, driver, memory };
    } catch {
      return null;
    }
  })()
  : null;

const caseName = (x: CaseResult) => `${x.size} (${SIZES[x.size]}) c${x.commodities}`;
const f = (x: number | null | undefined, d: number) => (x === null || x === undefined ? "n/a" : x.toFixed(d));
const table = formatTable(
  [
    "case",
    "mode",
    "batch",
    "round",
    "impl",
    "threads",
    "rate",
    "unit",
    "seconds",
    "cpu s",
    "mean MLU",
    "complete",
    "load end",
  ],
  results.flatMap((x) =>
    x.measures.map((m) => [
      caseName(x),
      m.mode,
      m.mode === "train" ? `${m.batch}×${SAMPLES}` : String(m.batch),
      String(m.round ?? 1),
      m.impl,
      String(m.threads),
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
const medianOf = (x: CaseResult, impl: string) =>
  median(
    x.measures.filter((m) => m.impl === impl && m.threads === (impl === "keiro" ? THREADS : PEER_THREADS[0]))
      .map((m) => m.per_s),
  );
const ratioTable = formatTable(
  [
    "case",
    "params",
    "mode",
    "batch",
    "keiro median",
    GPU ? "peer median" : "peer t2 median",
    ...(GPU ? [] : ["keiro / peer t2"]),
    "keiro / best peer",
    "target",
  ],
  results.map((x) => [
    caseName(x),
    String(x.measures[0].parameters),
    x.mode,
    x.mode === "train" ? `${x.batch}×${SAMPLES}` : String(x.batch),
    f(medianOf(x, "keiro"), 1),
    f(medianOf(x, "peer"), 1),
    ...(GPU ? [] : [f(x.ratio_vs_peer_t2, 2)]),
    f(x.ratio_vs_peer_best, 2),
    verdict(x.target),
  ]),
);
console.log(table);
console.log(ratioTable);
console.error(`load average at end: ${loadEnd.join(" ")}`);

const params = {
  device: DEVICE,
  sizes,
  commodities: COMMODITIES,
  steps: STEPS,
  train_warmup: TRAIN_WARMUP,
  infer_steps: INFER_STEPS,
  infer_warmup: INFER_WARMUP,
  train_batches: BATCHES,
  samples: SAMPLES,
  infer_batches: IBATCHES,
  keiro_threads: THREADS,
  rounds: ROUNDS,
  rayon_num_threads: Deno.env.get("RAYON_NUM_THREADS"),
  keiro_profile: Deno.env.get("KEIRO_PROFILE") ?? null,
  keiro_lib: Deno.env.get("KEIRO_LIB") ?? null,
  gpu: gpuInfo,
  peer_versions: peerVersions,
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
const dir = `${ROOT}bench/results/`;
const stem = GPU ? "te_speed_cuda" : "te_speed";
await Deno.mkdir(dir, { recursive: true });
const write = async (name: string, text: string) => {
  await Deno.writeTextFile(`${dir}${name}.tmp`, text);
  await Deno.rename(`${dir}${name}.tmp`, `${dir}${name}`);
};
const peerCmds = [
  ...new Set(results.flatMap((x) => x.measures.filter((m) => m.command).map((m) => `    ${m.command}`))),
];
const pv = peerVersions as PeerVersions | null;
const section = `## Run of ${env.date}\n\n` +
  `- command: \`${env.command}\` (KEIRO_PROFILE=${
    params.keiro_profile ?? "unset"
  }, RAYON_NUM_THREADS=${params.rayon_num_threads})\n` +
  `- commit: ${env.commit}${env.dirty ? ` (dirty: ${dirtyFiles.join(", ")})` : ""}\n` +
  `- machine: ${env.machine.cpu}, ${env.machine.cores} cores, ${env.machine.memory_gib} GiB, ${env.machine.os}\n` +
  (GPU
    ? `- device: ${DEVICE}: ${
      gpuInfo ? `${gpuInfo.name}, driver ${gpuInfo.driver}, ${gpuInfo.memory}` : "nvidia-smi unavailable"
    }; ` +
      `peer: torch ${pv?.torch ?? "n/a"}, CUDA ${pv?.cuda ?? "n/a"}, ${pv?.gpu ?? "n/a"}\n`
    : "") +
  `- load average (1, 5, 15 min): start ${loadStart.join(" ")}, end ${loadEnd.join(" ")}\n` +
  `- instances: ${COUNT} NSFNET per commodity count (${
    COMMODITIES.join(", ")
  }), keiro's generator, seed ${SEED}; the same file is the peer's \`--instances\`\n` +
  `- train: A2C, batch × ${SAMPLES} samples a step (batches ${
    BATCHES.join(", ")
  }), ${TRAIN_WARMUP} warm-up + ${STEPS} timed steps; ` +
  `infer: greedy, batches ${
    IBATCHES.join(", ")
  } instances a call, ${INFER_WARMUP} warm-up + ${INFER_STEPS} timed calls; a fresh model (seed ${SEED}) per case and round\n` +
  `- seeds: ${JSON.stringify(params.seeds)}\n` +
  `- peer: ${
    "py" in peer
      ? `OMP_WAIT_POLICY=PASSIVE, threads ${PEER_THREADS.join(" and ")}, --device ${DEVICE}`
      : `skipped (${peer.skip})`
  }\n` +
  `- rounds: ${ROUNDS} (keiro, then the peer, in turn); the ratios compare the medians over the rounds\n` +
  `- targets: ${TARGETS.train}; ${TARGETS.infer}\n\n` +
  "```\n" + table + "```\n\n```\n" + ratioTable + "```\n" +
  (peerCmds.length
    ? `\nPeer commands (the instances file is a temporary copy):\n\n${peerCmds.join("\n")}\n`
    : "");
const run = {
  env,
  dirty_files: dirtyFiles,
  params,
  load_avg: { start: loadStart, end: loadEnd },
  targets: TARGETS,
  results,
  markdown: section,
};

// --append keeps the runs already in the results file (a noisy machine: several runs side by side)
type Run = typeof run;
let runs: Run[] = [run];
if (args.append) {
  try {
    const old = JSON.parse(await Deno.readTextFile(`${dir}${stem}.json`)) as { runs?: Run[] };
    if (Array.isArray(old.runs)) runs = [...old.runs, run];
  } catch { /* no earlier results */ }
}
await write(`${stem}.json`, JSON.stringify({ runs }, null, 2) + "\n");
await write(
  `${stem}.md`,
  `# Hybrid model speed${GPU ? " on a GPU" : ""}: keiro vs the PyTorch peer\n\n` +
    `\`bench/te_speed.ts\`${
      GPU ? " --device cuda" : " (`deno task bench:te_speed`)"
    }: keiro's hybrid model (Rust core${GPU ? ", CUDA build" : ""}) against the PyTorch ` +
    `peer \`bench/peers/hybrid_torch.py\` on the same instances and config files (small = h64_l4, seed = h128_l8)${
      GPU ? ", both on the same GPU" : ""
    }. ` +
    `Rates are wall clock; \`cpu s\` is the process CPU time of the timed part; ratios are keiro / peer ` +
    `(medians over the rounds)${
      GPU ? "" : ", against the peer at 2 threads and against its faster thread count"
    }.\n\n` +
    `Targets: ${TARGETS.train}; ${TARGETS.infer}.\n\n` +
    `${runs.length} run${runs.length > 1 ? "s" : ""}, oldest first.\n\n` +
    runs.map((x) => x.markdown).join("\n"),
);
