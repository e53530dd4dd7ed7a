/**
 * Params benchmark (issue 22): for each seed, generate a training set and a held-out test set, train
 * single-task models for circles, dips and hue (their validation losses form the loss history), then
 * multi-task models with equal and with inverse-latest weighting, and score all of them on the test
 * set; then the loop: regenerate the test images from the inverse-weighted model's estimates and
 * compare them with the originals. Targets, checked for both multi-task models: mean circular hue
 * error ≤ 5°, counts exact on ≥ 90 % of the images; does inverse weighting beat equal weighting on
 * the worst target? Writes bench/results/params.md and params.json with the command line, commit,
 * machine and seeds.
 *
 * `deno task bench:params [--seeds 3] [--train 2000] [--test 300] [--epochs 30] [--size 48] [--channels 12,24,48] [--hidden 128] [--head-hidden 64] [--patience 10]`
 * @module
 */

import { join } from "node:path";
import { parseArgs } from "node:util";
import { formatTable } from "../src/format_table.ts";
import { drawParamsImage } from "../src/params/draw_params_image.ts";
import { drawParamsRecords } from "../src/params/generate_params_set.ts";
import { pixelMse, ssim } from "../src/params/image_distance.ts";
import type { TargetError } from "../src/params/param_errors.ts";
import { parseParamTargets } from "../src/params/param_targets.ts";
import { DEFAULT_RANGES } from "../src/params/params_ranges.ts";
import type { ParamsSet } from "../src/params/read_params_set.ts";
import { type ParamsResults, runParamsTraining } from "../src/params/run_params_training.ts";
import { predictWithSavedModel } from "../src/params/saved_params_model.ts";
import { writeOutput } from "../src/write_output.ts";
import { benchEnv } from "./_env.ts";

const { values: a } = parseArgs({
  args: Deno.args,
  options: {
    seeds: { type: "string", default: "3" },
    train: { type: "string", default: "2000" },
    test: { type: "string", default: "300" },
    epochs: { type: "string", default: "30" },
    size: { type: "string", default: "48" },
    channels: { type: "string", default: "12,24,48" },
    hidden: { type: "string", default: "128" },
    "head-hidden": { type: "string", default: "64" },
    patience: { type: "string", default: "10" },
    out: { type: "string", default: "bench/results" },
  },
});

const env = benchEnv();
const seeds = Array.from({ length: Number(a.seeds) }, (_, i) => i);
const targets = parseParamTargets("circles,dips,hue");
const ranges = { ...DEFAULT_RANGES, size: Number(a.size) };
const config = {
  native: {
    channels: a.channels.split(",").map(Number),
    hidden: Number(a.hidden),
    head_hidden: Number(a["head-hidden"]),
  },
  epochs: Number(a.epochs),
  patience: Number(a.patience),
  val_fraction: 0.2,
};
await Deno.mkdir(a.out, { recursive: true }); // before the run: a bad --out fails now, not after it
const tmp = await Deno.makeTempDir({ prefix: "keiro-bench-params-" });
const t0 = performance.now();

function _set(
  count: number,
  seed: number,
): { set: ParamsSet; records: ReturnType<typeof drawParamsRecords> } {
  const records = drawParamsRecords(count, seed, ranges);
  return {
    records,
    set: {
      ids: records.map((r) => r.id),
      images: records.map((r) => drawParamsImage(r, ranges.size)),
      records: records.map((r): Record<string, unknown> => ({ ...r })),
      source: `generated set (seed ${seed})`,
    },
  };
}

interface SeedResult {
  seed: number;
  single: ParamsResults;
  equal: ParamsResults;
  inverse: ParamsResults;
  loop: { pixel_mse: number; ssim: number };
}

const results: SeedResult[] = [];
for (const seed of seeds) {
  const train = _set(Number(a.train), 100 + seed), test = _set(Number(a.test), 200 + seed);
  const dir = join(tmp, `seed${seed}`);
  const history = join(dir, "val_losses.json");
  const run = (single: boolean, weighting: ParamsResults["weighting"], out: string, baseline?: string) =>
    runParamsTraining(train.set, {
      targets,
      single,
      repeat: 1,
      seed,
      weighting,
      history,
      config,
      out: join(dir, out),
      test: test.set,
      baseline,
      command: env.command,
      log: (line) => console.error(line),
    });
  const single = await run(true, { kind: "equal" }, "single");
  const baseline = join(dir, "single", "results.json");
  const equal = await run(false, { kind: "equal" }, "equal", baseline);
  const inverse = await run(false, { kind: "inverse", mode: "latest", history }, "inverse", baseline);
  const { codec, predictions } = await predictWithSavedModel(
    join(dir, "inverse", "multi", `seed${seed}`),
    test.set.images,
  );
  const regenerated = test.records.map((r, i) =>
    drawParamsImage({
      ...r,
      ...Object.fromEntries(codec.targets.map((t) => [t.name, predictions[t.name][i]])),
    }, ranges.size)
  );
  const mean = (xs: number[]) => xs.reduce((s, x) => s + x, 0) / xs.length;
  const loop = {
    pixel_mse: mean(test.set.images.map((im, i) => pixelMse(im, regenerated[i]))),
    ssim: mean(test.set.images.map((im, i) => ssim(im, regenerated[i]))),
  };
  results.push({ seed, single, equal, inverse, loop });
}
const seconds = (performance.now() - t0) / 1e3;

const cell = (e: TargetError) =>
  e.kind === "angle" ? `${e.error.toFixed(2)}°` : `${(100 * e.exact!).toFixed(1)}% / ${e.error.toFixed(3)}`;
const header = [
  "seed",
  "model",
  ...targets.map((t) => t.kind === "angle" ? `${t.name} (mean °)` : `${t.name} (exact / MAE)`),
  "Δp",
  "images/s",
];
const rows: string[][] = [];
for (const r of results) {
  for (
    const [name, res] of [["single", r.single], ["equal", r.equal], ["inverse-latest", r.inverse]] as const
  ) {
    const ips = res.runs.reduce((s, x) => s + x.images_per_s, 0) / res.runs.length;
    rows.push([
      String(r.seed),
      name,
      ...res.summary.map(cell),
      res.delta_p ? `${res.delta_p.deltaP.toFixed(1)}%` : "n/a",
      ips.toFixed(0),
    ]);
  }
}
const avg = (pick: (r: SeedResult) => number) => results.reduce((s, r) => s + pick(r), 0) / results.length;
const err = (res: ParamsResults, t: string) => res.summary.find((s) => s.target === t)!;
const multi = [["equal", (r: SeedResult) => r.equal], [
  "inverse-latest",
  (r: SeedResult) => r.inverse,
]] as const;
const checks = [
  ...multi.flatMap(([name, pick]) => {
    const hue = avg((r) => err(pick(r), "hue").error);
    return [
      `mean hue error (multi-task, ${name}): ${hue.toFixed(2)}° (target ≤ 5°): ${hue <= 5 ? "PASS" : "FAIL"}`,
      ...["circles", "dips"].map((t) => {
        const exact = 100 * avg((r) => err(pick(r), t).exact!);
        return `${t} exact (multi-task, ${name}): ${exact.toFixed(1)}% (target ≥ 90%): ${
          exact >= 90 ? "PASS" : "FAIL"
        }`;
      }),
    ];
  }),
  // The worst target by its own metric: the one whose error is the largest relative to its single-task error.
  ...results.map((r) => {
    const worst = r.equal.delta_p!.perTask.reduce((w, p) => p.relative < w.relative ? p : w);
    const inv = err(r.inverse, worst.task).error;
    return `seed ${r.seed}: worst target under equal weighting is ${worst.task} (${
      worst.multi.toFixed(3)
    }); ` +
      `inverse-latest gives ${inv.toFixed(3)}: ${inv < worst.multi ? "better" : "not better"}`;
  }),
  `loop (inverse-latest model, test images regenerated): pixel MSE ${
    avg((r) => r.loop.pixel_mse).toFixed(5)
  }, SSIM ${avg((r) => r.loop.ssim).toFixed(3)}`,
  `total wall time ${seconds.toFixed(0)} s`,
];
const table = formatTable(header, rows);
console.log(table + checks.join("\n"));
const md = `# Params benchmark (issue 22)

\`${env.command}\` — commit ${env.commit}${
  env.dirty ? " (dirty)" : ""
}, ${env.machine.cpu} (${env.machine.cores} cores), ${env.date}.
Seeds ${seeds.join(", ")}; per seed ${a.train} training images (seed 100 + s, 20 % of them for validation) and
${a.test} held-out test images (seed 200 + s), ${a.size} px, the default ranges otherwise; CNN channels
${a.channels}, shared layer ${a.hidden} wide, heads ${
  a["head-hidden"]
} wide; at most ${a.epochs} epochs, patience ${a.patience}
(the learning rate is cosine-annealed over the epochs).
Errors on the test images. Counts: exact-match rate / MAE; hue: mean circular error.

\`\`\`
${table}\`\`\`

${checks.map((c) => `- ${c}`).join("\n")}
`;
await writeOutput(join(a.out, "params.md"), md);
await writeOutput(
  join(a.out, "params.json"),
  JSON.stringify({ env, options: a, seconds, results }, null, 2) + "\n",
);
await Deno.remove(tmp, { recursive: true });
