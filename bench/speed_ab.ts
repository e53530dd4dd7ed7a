/**
 * A/B speed of keiro's hybrid model between two commits, in one run: each commit is checked out in a
 * temporary worktree, built in release (sharing `$CARGO_TARGET_DIR`, so only keiro-core is rebuilt),
 * and `bench/te_speed.ts --skip-peer --rounds 1` runs in each worktree in turn, `--rounds` times, the
 * order alternating between rounds so that drift of the machine falls on both. The table compares the
 * medians (episodes/s for training, instances/s for inference) and the mean MLU of the routed
 * instances, which must be equal: the same seeds give the same results on both commits.
 *
 *   deno run -A bench/speed_ab.ts --old <rev> [--new <rev>] [--rounds N] [--sizes small,seed]
 *     [--infer-steps N]   (te_speed's timed inference calls per round; more steps, less noise)
 *
 * Writes bench/results/speed_ab.json and bench/results/speed_ab.md (command, commits, machine, seeds).
 * @module
 */

import { parseArgs } from "node:util";
import { formatTable } from "../src/format_table.ts";
import { benchEnv } from "./_env.ts";

const { values: args } = parseArgs({
  args: Deno.args,
  options: {
    old: { type: "string" },
    new: { type: "string", default: "HEAD" },
    rounds: { type: "string", default: "3" },
    sizes: { type: "string", default: "small,seed" },
    "infer-steps": { type: "string", default: "10" },
  },
});
const ROUNDS = Number(args.rounds), INFER_STEPS = Number(args["infer-steps"]);
if (!args.old || ![ROUNDS, INFER_STEPS].every((n) => Number.isSafeInteger(n) && n >= 1)) {
  console.error(
    "usage: deno run -A bench/speed_ab.ts --old <rev> [--new <rev>] [--rounds N ≥ 1] [--infer-steps N ≥ 1]",
  );
  Deno.exit(2);
}
const ROOT = new URL("../", import.meta.url).pathname;
const TARGET = Deno.env.get("CARGO_TARGET_DIR") ?? `${ROOT}target`;
const LIB = `${TARGET}/release/libkeiro_core.so`;

function _run(cmd: string, argv: string[], cwd: string, env: Record<string, string> = {}): string {
  const out = new Deno.Command(cmd, { args: argv, cwd, env, stdout: "piped", stderr: "inherit" })
    .outputSync();
  if (!out.success) throw new Error(`${cmd} ${argv.join(" ")} failed in ${cwd}`);
  return new TextDecoder().decode(out.stdout).trim();
}

/** One side of the comparison: a worktree at `rev` with its own copy of the release library. */
interface _Side {
  name: "old" | "new";
  rev: string;
  commit: string;
  dir: string;
  lib: string;
}

function _prepare(name: "old" | "new", rev: string): _Side {
  const commit = _run("git", ["rev-parse", rev], ROOT);
  const dir = Deno.makeTempDirSync({ prefix: `keiro_ab_${name}_` });
  _run("git", ["worktree", "add", "--detach", "--force", dir, commit], ROOT);
  Deno.symlinkSync(`${ROOT}node_modules`, `${dir}/node_modules`);
  console.error(`speed_ab: building ${name} (${commit.slice(0, 10)}) in release`);
  _run("cargo", ["build", "--release", "-p", "keiro-core"], dir, { CARGO_TARGET_DIR: TARGET });
  const lib = `${dir}/libkeiro_core.so`;
  Deno.copyFileSync(LIB, lib);
  return { name, rev, commit, dir, lib };
}

/** te_speed's measures of one round: `size/mode` → {per_s, mean_mlu}. */
function _round(side: _Side): Record<string, { per_s: number; mean_mlu: number }> {
  _run(
    `${ROOT}node_modules/.bin/deno`,
    [
      "run",
      "-A",
      "bench/te_speed.ts",
      "--skip-peer",
      "--rounds",
      "1",
      "--sizes",
      args.sizes!,
      "--infer-steps",
      String(INFER_STEPS),
    ],
    side.dir,
    { KEIRO_LIB: side.lib, KEIRO_PROFILE: "release" },
  );
  const runs = JSON.parse(Deno.readTextFileSync(`${side.dir}/bench/results/te_speed.json`)).runs;
  const out: Record<string, { per_s: number; mean_mlu: number }> = {};
  for (const r of runs.at(-1).results) {
    for (const m of r.measures) if (m.impl === "keiro") out[`${r.size}/${m.mode}`] = m;
  }
  return out;
}

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

const env = benchEnv();
const sides = [_prepare("old", args.old), _prepare("new", args.new!)];
const rates: Record<string, Record<string, number[]>> = { old: {}, new: {} };
const mlus: Record<string, Record<string, number>> = { old: {}, new: {} };
const loads: number[][] = [Deno.loadavg()];
try {
  for (let round = 0; round < ROUNDS; round++) {
    for (const side of round % 2 ? [...sides].reverse() : sides) {
      console.error(`speed_ab: round ${round + 1}/${ROUNDS}, ${side.name}`);
      for (const [key, m] of Object.entries(_round(side))) {
        (rates[side.name][key] ??= []).push(m.per_s);
        mlus[side.name][key] = m.mean_mlu;
      }
    }
  }
} finally {
  for (const s of sides) _run("git", ["worktree", "remove", "--force", s.dir], ROOT);
}
loads.push(Deno.loadavg());

const rows = Object.keys(rates.old).map((key) => {
  const [size, mode] = key.split("/");
  const o = median(rates.old[key]), n = median(rates.new[key] ?? []);
  return {
    size,
    mode,
    unit: mode === "train" ? "episodes/s" : "instances/s",
    old: Math.round(o * 10) / 10,
    new: Math.round(n * 10) / 10,
    ratio: Math.round((n / o) * 1000) / 1000,
    old_rounds: rates.old[key].map((x) => Math.round(x)),
    new_rounds: (rates.new[key] ?? []).map((x) => Math.round(x)),
    mlu_old: mlus.old[key],
    mlu_new: mlus.new[key],
    same_mlu: mlus.old[key] === mlus.new[key],
  };
});
const table = formatTable(
  [
    "size",
    "mode",
    "unit",
    "old median",
    "new median",
    "new/old",
    "old rounds",
    "new rounds",
    "mean MLU old",
    "new",
    "same",
  ],
  rows.map((r) => [
    r.size,
    r.mode,
    r.unit,
    r.old.toFixed(1),
    r.new.toFixed(1),
    r.ratio.toFixed(3),
    r.old_rounds.join(" "),
    r.new_rounds.join(" "),
    String(r.mlu_old),
    String(r.mlu_new),
    r.same_mlu ? "yes" : "NO",
  ]),
);
console.log(table);
const params = {
  rounds: ROUNDS,
  sizes: args.sizes,
  infer_steps: INFER_STEPS,
  te_speed: `--skip-peer --rounds 1 --infer-steps ${INFER_STEPS} (its defaults otherwise)`,
};
const seeds = { te_speed: "its defaults: instances 1, model init 1, step 1*1000 + step, route 1" };
const md = [
  "# A/B speed of the hybrid model between two commits",
  "",
  "`bench/speed_ab.ts`: both commits built in release and run by `bench/te_speed.ts --skip-peer` in turn, the",
  "order alternating between rounds; medians over the rounds. `mean MLU` must be equal (same seeds, same results).",
  "",
  `- command: \`${env.command}\``,
  `- commits: old ${sides[0].commit} (${sides[0].rev}), new ${sides[1].commit} (${
    sides[1].rev
  }); bench at ${env.commit}`,
  `- machine: ${env.machine.cpu}, ${env.machine.cores} cores, ${env.machine.memory_gib} GiB, ${env.machine.os}`,
  `- date: ${env.date}; load average start ${loads[0].join(" ")}, end ${loads[1].join(" ")}`,
  `- seeds: ${seeds.te_speed}`,
  "",
  "```",
  table,
  "```",
  "",
].join("\n");
const dir = `${ROOT}bench/results/`;
for (
  const [name, text] of [[
    "speed_ab.json",
    JSON.stringify({ env, params, seeds, sides, rows }, null, 2) + "\n",
  ], ["speed_ab.md", md]]
) {
  Deno.writeTextFileSync(`${dir}${name}.tmp`, text);
  Deno.renameSync(`${dir}${name}.tmp`, `${dir}${name}`);
}
console.error(`speed_ab: wrote bench/results/speed_ab.{json,md}`);
