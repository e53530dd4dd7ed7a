/**
 * The GLM seed's own options on real data (issue 21, item 5): the sparsifiers (hard top-k, soft
 * top-k, hard-concrete/Gumbel) and the graph regularisers (the L1 edge count Ω(A), the expected L0
 * edge count, the Laplacian smoothness tr(XᵀLX)) on top of keiro's shipped config of each row, over
 * the same seeds, against the literature's anchors; and SLAPS's feature-denoising self-supervision
 * of the learned graph (`topk+dae`: `glm.dae` 10, a 256-wide denoising GCN), alone and with SLAPS's
 * own Cora MLP-D recipe (`slaps`: learner and denoiser at lr 0.001, classifier edge dropout 0.5 and
 * the denoiser's 0.25, weight decay 0.05, hidden 32, k 15, a 512-wide denoiser, 400 warm-up epochs; SLAPS trains
 * 2000 epochs without early stopping: `--epochs 2000 --patience 2000`), and the same with keiro's
 * default weight decay 5e-4 (`slaps+wd5e-4`; with 0.05 the classifier underfits); and the APPNP
 * classifier (`appnp`: an MLP whose logits are propagated 10 times with teleport 0.1 over the same
 * graph, the learner's gradient included; `appnp+mix0.5` with the input and learned graphs weighted
 * equally; `appnp+dae` with the denoiser, `appnp+dae+edge_dropout` also with edge dropout 0.25).
 *
 *   deno run -A bench/glm_options.ts [--seeds 10] [--epochs 500] [--patience 100] [--rows cora:learned,…]
 *                                    [--variants topk,…] [--out bench/results/glm_options]
 *
 * Rows: Cora graph-free (`learned`; SLAPS 73.4 %), Cora with its graph (`input+learned`; target
 * 84.0 %, GCN 81.5 %) and Citeseer with its graph (`input+learned`; target 73.5 %, GCN 70.3 %). Each
 * variant overlays its keys (its `glm` keys key by key) on the row's configs/glm_<dataset>_<graph>.json;
 * every run is one `keiro glm train … --json` subprocess (bench/_glm_row.ts). Writes <out>.{json,md} (relative to the repository, or absolute)
 * with the command line, commit, machine, seeds and every config used.
 * @module
 */

import { parseArgs } from "node:util";
import { join, resolve } from "node:path";
import { formatTable } from "../src/format_table.ts";
import { writeOutput } from "../src/write_output.ts";
import { benchEnv } from "./_env.ts";
import { type GlmRow, runGlmRow } from "./_glm_row.ts";

/** SLAPS's Cora MLP-D recipe as a config overlay. */
const _SLAPS = {
  hidden: 32,
  edge_dropout: 0.5,
  weight_decay: 0.05,
  glm: { k: 15, dae: 10, dae_hidden: 512, dae_edge_dropout: 0.25, lr: 0.001, dae_warmup: 400 },
};
/** Each variant's overlay on the shipped config: its top-level keys replace the shipped ones, its
 * `glm` keys the shipped `glm` keys. */
const VARIANTS: Record<string, { glm?: Record<string, unknown>; [key: string]: unknown }> = {
  topk: {},
  soft_topk: { glm: { sparsify: "soft_topk" } },
  gumbel: { glm: { sparsify: "gumbel" } },
  "topk+edge_l1": { glm: { edge_l1: 0.01 } },
  "topk+smoothness": { glm: { smoothness: 1.0 } },
  "gumbel+edge_l0": { glm: { sparsify: "gumbel", edge_l0: 0.01 } },
  "topk+dae": { glm: { dae: 10, dae_hidden: 256 } },
  "topk+dae+edge_dropout": { edge_dropout: 0.25, glm: { dae: 10, dae_hidden: 256 } },
  "topk+dae+warmup": { glm: { dae: 10, dae_hidden: 256, dae_warmup: 100 } },
  appnp: { layer: "appnp" },
  "appnp+mix0.5": { layer: "appnp", glm: { mix: 0.5 } },
  "appnp+dae": { layer: "appnp", glm: { dae: 10, dae_hidden: 256 } },
  "appnp+dae+edge_dropout": { layer: "appnp", edge_dropout: 0.25, glm: { dae: 10, dae_hidden: 256 } },
  slaps: _SLAPS,
  "slaps+wd5e-4": { ..._SLAPS, weight_decay: 5e-4 },
};
/** Rows and their targets (test accuracy, %). */
const ROWS: Record<string, { target: number; anchor: string }> = {
  "cora:learned": { target: 73.4, anchor: "SLAPS 73.4 (graph-free)" },
  "cora:input+learned": { target: 84.0, anchor: "GCN 81.5" },
  "citeseer:input+learned": { target: 73.5, anchor: "GCN 70.3" },
};

const { values: a } = parseArgs({
  args: Deno.args,
  options: {
    seeds: { type: "string", default: "10" },
    epochs: { type: "string", default: "500" },
    patience: { type: "string", default: "100" },
    rows: { type: "string", default: Object.keys(ROWS).join(",") },
    variants: { type: "string", default: Object.keys(VARIANTS).join(",") },
    out: { type: "string", default: "bench/results/glm_options" },
  },
});
const ROOT = new URL("..", import.meta.url).pathname;
const PLANETOID = join(ROOT, "../shared/data/gsl/planetoid");
const pick = (list: string, known: Record<string, unknown>, what: string) =>
  list.split(",").map((s) => s.trim()).filter((s) => s !== "").map((s) => {
    if (!(s in known)) throw new Error(`--${what}: unknown ${s}; choose from ${Object.keys(known)}`);
    return s;
  });
const rows = pick(a.rows!, ROWS, "rows"), variants = pick(a.variants!, VARIANTS, "variants");

interface Result extends GlmRow {
  row: string;
  variant: string;
  config: Record<string, unknown>;
}

const pm = (x: { mean: number; std: number }) => `${x.mean.toFixed(2)} ± ${x.std.toFixed(2)}`;
const env = benchEnv();
const tmp = await Deno.makeTempDir({ prefix: "keiro-glm-options-" });
const results: Result[] = [];
for (const row of rows) {
  const [dataset, graph] = row.split(":");
  const shipped = JSON.parse(await Deno.readTextFile(join(ROOT, `configs/glm_${dataset}_${graph}.json`)));
  for (const variant of variants) {
    const config = { ...shipped, ...VARIANTS[variant], glm: { ...shipped.glm, ...VARIANTS[variant].glm } };
    const file = join(tmp, `${dataset}_${graph}_${variant}.json`);
    await Deno.writeTextFile(file, JSON.stringify(config));
    const r = await runGlmRow([
      "glm",
      "train",
      `planetoid:${PLANETOID}`,
      "--name",
      dataset,
      "--graph",
      graph,
      "--config",
      file,
      "--seeds",
      a.seeds!,
      "--epochs",
      a.epochs!,
      "--patience",
      a.patience!,
      "--verbose",
      "--json",
    ]);
    results.push({ row, variant, config, ...r });
    await _report(results.length === rows.length * variants.length);
    const s = r.summary;
    console.error(
      `${row} ${variant}: ${
        s ? `test ${s.test_accuracy.mean.toFixed(2)} ± ${s.test_accuracy.std.toFixed(2)}%` : r.error
      } (${r.seconds.toFixed(0)} s)`,
    );
  }
}

/** Writes the results so far (a killed run keeps its finished rows); prints them when `last`. */
async function _report(last: boolean): Promise<void> {
  const table = formatTable(
    ["row", "variant", "test %", "val %", "ms/epoch", "s", "target", "check"],
    results.map((r) => {
      const s = r.summary, t = ROWS[r.row].target;
      return [
        r.row,
        r.variant,
        s ? pm(s.test_accuracy) : r.error ?? "failed",
        s ? pm(s.val_accuracy) : "-",
        s ? s.epoch_ms.toFixed(1) : "-",
        r.seconds.toFixed(0),
        `≥ ${t.toFixed(1)}%`,
        s ? (s.test_accuracy.mean >= t ? "PASS" : "FAIL") : "FAIL",
      ];
    }),
  );
  // Per row: the best variant by validation accuracy (what a user could pick), and how it tests.
  const best = rows.map((row) => {
    const rs = results.filter((r) => r.row === row && r.summary);
    const topk = rs.find((r) => r.variant === "topk")?.summary?.test_accuracy.mean;
    const b = rs.reduce<Result | undefined>(
      (w, r) => (w === undefined || r.summary!.val_accuracy.mean > w.summary!.val_accuracy.mean ? r : w),
      undefined,
    );
    if (!b) return `${row}: no run finished`;
    const acc = b.summary!.test_accuracy.mean;
    const delta = topk === undefined
      ? ""
      : ` (${acc - topk >= 0 ? "+" : ""}${(acc - topk).toFixed(2)} against topk)`;
    return `${row}: best by validation accuracy ${b.variant}, test ${acc.toFixed(2)}%${delta}; ` +
      `anchor ${ROWS[row].anchor}`;
  });
  if (last) console.log(table + "\n" + best.join("\n"));
  const seeds = `seeds 0..${Number(a.seeds) - 1}, at most ${a.epochs} epochs (patience ${a.patience})`;
  await writeOutput(
    resolve(ROOT, `${a.out}.json`),
    JSON.stringify(
      { env, seeds: Number(a.seeds), epochs: Number(a.epochs), variants: VARIANTS, results },
      null,
      2,
    ) +
      "\n",
  );
  await writeOutput(
    resolve(ROOT, `${a.out}.md`),
    `# GLM options on Cora and Citeseer (issue 21, item 5)\n\n\`${env.command}\` — commit ${env.commit}${
      env.dirty ? " (dirty)" : ""
    }, ${env.machine.cpu}, ${env.machine.cores} cores, ${env.date}; ${seeds}.\n\n` +
      "Test accuracy in %, mean ± sample std over seeds (best validation epoch of each seed). Each variant " +
      "overlays its keys (`glm` key by key) on the row's shipped config (configs/glm_<dataset>_<graph>.json):\n\n" +
      Object.entries(VARIANTS).map(([v, o]) => `- \`${v}\`: \`${JSON.stringify(o)}\``).join("\n") +
      `\n\n${
        last ? "" : `**Partial: ${results.length} of ${rows.length * variants.length} runs finished.**\n\n`
      }` +
      `\`\`\`\n${table}\`\`\`\n\n${best.map((l) => `- ${l}`).join("\n")}\n`,
  );
}
await Deno.remove(tmp, { recursive: true });
