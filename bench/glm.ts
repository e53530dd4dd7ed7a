/**
 * GLM benchmark: the issue's target matrix of `keiro glm train`, mean ± std (sample, n − 1) test
 * accuracy over seeds, with epoch time and peak memory per run, and every target checked.
 *
 *   deno task bench:glm [--seeds 10] [--only cora,citeseer,wine,digits,pubmed] [--epochs 500]
 *                       [--pubmed-seeds 2] [--pubmed-epochs 200]
 *
 * Rows: Cora and Citeseer {none, input, knn, learned, input+learned} (Planetoid standard split),
 * wine 10:20 and digits 50:100 per class {none, knn, learned} (a stratified split per seed), and
 * Pubmed {learned} (fewer seeds and epochs: the memory check). Each row is one subprocess
 * (`cli/main.ts glm train … --json`), so its peak RSS is its own; without `--config` the command
 * itself picks keiro's config for the dataset and graph mode (src/glm/shipped_glm_config.ts), and
 * each row records the one it used. Writes bench/results/glm.{json,md} (glm_<only>.{json,md} with
 * --only) with the command line, commit, machine and seeds.
 * @module
 */

import { parseArgs } from "node:util";
import { join } from "node:path";
import { formatTable } from "../src/format_table.ts";
import { benchEnv } from "./_env.ts";
import { type GlmRow, runGlmRow } from "./_glm_row.ts";

const ALL = ["cora", "citeseer", "wine", "digits", "pubmed"];
const { values: args } = parseArgs({
  args: Deno.args,
  options: {
    seeds: { type: "string", default: "10" },
    only: { type: "string", default: ALL.join(",") },
    epochs: { type: "string", default: "500" },
    "pubmed-seeds": { type: "string", default: "2" },
    "pubmed-epochs": { type: "string", default: "200" },
  },
});
const ROOT = new URL("..", import.meta.url).pathname;
const GSL = join(ROOT, "../shared/data/gsl");
const SEEDS = Number(args.seeds);
const ONLY = args.only!.split(",").map((s) => s.trim()).filter((s) => s !== "");
for (const d of ONLY) {
  if (!ALL.includes(d)) throw new Error(`--only: unknown dataset ${d}; choose from ${ALL}`);
}

/** One dataset of the matrix. */
interface Bench {
  dataset: string;
  source: string[];
  graphs: string[];
  seeds: number;
  epochs: number;
  /** Extra flags (patience for the short Pubmed run). */
  extra: string[];
}

const PLANETOID = join(GSL, "planetoid");
const BENCHES: Bench[] = [
  {
    dataset: "cora",
    source: [`planetoid:${PLANETOID}`, "--name", "cora"],
    graphs: ["none", "input", "knn", "learned", "input+learned"],
    seeds: SEEDS,
    epochs: Number(args.epochs),
    extra: [],
  },
  {
    dataset: "citeseer",
    source: [`planetoid:${PLANETOID}`, "--name", "citeseer"],
    graphs: ["none", "input", "knn", "learned", "input+learned"],
    seeds: SEEDS,
    epochs: Number(args.epochs),
    extra: [],
  },
  {
    dataset: "wine",
    source: [
      `csv:${join(GSL, "uci/wine.data")}`,
      "--header",
      "yes",
      "--label-column",
      "0",
      "--split",
      "10:20",
    ],
    graphs: ["none", "knn", "learned"],
    seeds: SEEDS,
    epochs: Number(args.epochs),
    extra: [],
  },
  {
    dataset: "digits",
    source: [
      `csv:${join(GSL, "uci/optdigits.tes")}`,
      "--name",
      "digits",
      "--header",
      "no",
      "--label-column=-1",
      "--split",
      "50:100",
    ],
    graphs: ["none", "knn", "learned"],
    seeds: SEEDS,
    epochs: Number(args.epochs),
    extra: [],
  },
  {
    dataset: "pubmed",
    source: [`planetoid:${PLANETOID}`, "--name", "pubmed"],
    graphs: ["learned"],
    seeds: Math.min(SEEDS, Number(args["pubmed-seeds"])),
    epochs: Number(args["pubmed-epochs"]),
    extra: ["--patience", "50"],
  },
];

/** One row of the matrix: its dataset and graph mode, its command and its summary (or the error). */
interface Row extends GlmRow {
  dataset: string;
  graph: string;
}

async function _run(b: Bench, graph: string): Promise<Row> {
  const argv = [
    "glm",
    "train",
    ...b.source,
    "--graph",
    graph,
    "--seeds",
    String(b.seeds),
    "--epochs",
    String(b.epochs),
    ...b.extra,
    "--json",
  ];
  return { dataset: b.dataset, graph, ...await runGlmRow(argv) };
}

/** A check of the issue: a description, the target text and the verdict (undefined: not run). */
interface Verdict {
  dataset: string;
  graph: string;
  target: string;
  value: string;
  pass: boolean | undefined;
}

function _acc(rows: Row[], dataset: string, graph: string): number | undefined {
  return rows.find((r) => r.dataset === dataset && r.graph === graph)?.summary?.test_accuracy.mean;
}

function _verdicts(rows: Row[]): Verdict[] {
  const v: Verdict[] = [];
  const atLeast = (dataset: string, graph: string, target: number) => {
    if (!ONLY.includes(dataset)) return;
    const a = _acc(rows, dataset, graph);
    v.push({
      dataset,
      graph,
      target: `≥ ${target.toFixed(1)}%`,
      value: a === undefined ? "failed" : `${a.toFixed(2)}%`,
      pass: a !== undefined && a >= target,
    });
  };
  const beats = (dataset: string) => {
    if (!ONLY.includes(dataset)) return;
    const l = _acc(rows, dataset, "learned"), k = _acc(rows, dataset, "knn");
    v.push({
      dataset,
      graph: "learned",
      target: `≥ knn (${k === undefined ? "failed" : k.toFixed(2) + "%"})`,
      value: l === undefined ? "failed" : `${l.toFixed(2)}%`,
      pass: l !== undefined && k !== undefined && l >= k,
    });
  };
  atLeast("cora", "input+learned", 83.0);
  atLeast("citeseer", "input+learned", 72.0);
  atLeast("cora", "learned", 70.0);
  beats("wine");
  beats("digits");
  if (ONLY.includes("pubmed")) {
    const r = rows.find((x) => x.dataset === "pubmed");
    const n = r?.summary?.nodes ?? 19717;
    const dense = n * n * 4 / 2 ** 20; // one dense f32 N×N matrix, MB
    v.push({
      dataset: "pubmed",
      graph: "learned",
      target: `runs, peak < N×N f32 (${dense.toFixed(0)} MB)`,
      value: r?.summary ? `${r.summary.peak_rss_mb.toFixed(0)} MB` : "failed",
      pass: r?.summary !== undefined && r.summary.peak_rss_mb < dense,
    });
  }
  return v;
}

const env = benchEnv();
const rows: Row[] = [];
for (const b of BENCHES.filter((x) => ONLY.includes(x.dataset))) {
  for (const g of b.graphs) {
    const r = await _run(b, g);
    rows.push(r);
    const s = r.summary;
    console.error(
      `${b.dataset} ${g}: ${
        s
          ? `test ${s.test_accuracy.mean.toFixed(2)} ± ${s.test_accuracy.std.toFixed(2)}%, ${
            s.epoch_ms.toFixed(1)
          } ms/epoch, peak ${s.peak_rss_mb.toFixed(0)} MB`
          : r.error
      } (${r.seconds.toFixed(0)} s)`,
    );
  }
}
const verdicts = _verdicts(rows);
const pm = (x: { mean: number; std: number }) => `${x.mean.toFixed(2)} ± ${x.std.toFixed(2)}`;
const table = formatTable(
  ["dataset", "graph", "seeds", "test %", "val %", "ms/epoch", "peak MB", "s", "target", "check"],
  rows.map((r) => {
    const s = r.summary;
    const t = verdicts.find((x) => x.dataset === r.dataset && x.graph === r.graph);
    return [
      r.dataset,
      r.graph,
      s ? String(s.seeds) : "-",
      s ? pm(s.test_accuracy) : r.error ?? "failed",
      s ? pm(s.val_accuracy) : "-",
      s ? s.epoch_ms.toFixed(1) : "-",
      s ? s.peak_rss_mb.toFixed(0) : "-",
      r.seconds.toFixed(0),
      t?.target ?? "",
      t === undefined ? "" : t.pass ? "PASS" : "FAIL",
    ];
  }),
);
const lines = verdicts.map((v) =>
  `${v.dataset} ${v.graph}: ${v.value} (target ${v.target}) ${v.pass ? "PASS" : "FAIL"}`
);
console.log(table);
console.log(lines.join("\n"));

const out = join(ROOT, "bench/results");
const stem = ONLY.join(",") === ALL.join(",") ? "glm" : `glm_${ONLY.join("+")}`;
const seedsText = `seeds 0..${SEEDS - 1} (pubmed: 0..${Math.min(SEEDS, Number(args["pubmed-seeds"])) - 1})`;
await Deno.mkdir(out, { recursive: true });
await Deno.writeTextFile(
  join(out, `${stem}.json`),
  JSON.stringify({ env, seeds: SEEDS, only: ONLY, rows, verdicts }, null, 2) + "\n",
);
await Deno.writeTextFile(
  join(out, `${stem}.md`),
  `# GLM node classification\n\n\`${env.command}\` — commit ${env.commit}${
    env.dirty ? " (dirty)" : ""
  }, ${env.machine.cpu}, ${env.machine.cores} cores, ${env.machine.memory_gib} GiB, ${env.date}; ${seedsText}.\n\n` +
    "Test accuracy in %, mean ± sample std over seeds (best validation epoch of each seed); ms/epoch = native " +
    "training step and evaluation; peak MB = VmHWM of the run's process.\n\n" +
    `\`\`\`\n${table}\n\`\`\`\n\n${lines.map((l) => `- ${l}`).join("\n")}\n\nCommands:\n\n${
      rows.map((r) => `- \`${r.argv.join(" ")}\` (config ${r.summary?.config_file ?? "built-in defaults"})`)
        .join("\n")
    }\n`,
);
