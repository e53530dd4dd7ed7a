/**
 * `keiro glm train`: train a graph learning module (GNN over an input, kNN, learned or mixed graph,
 * or an MLP) on a node-classification dataset over several seeds; docs/glm.md.
 * @module
 */

import { basename, join } from "node:path";
import { Command, InvalidArgumentError } from "commander";
import type { SubCommand } from "./_sub_command.ts";
import { UsageError } from "../src/errors.ts";
import { formatTable } from "../src/format_table.ts";
import { metricsCsv } from "../src/metrics_csv.ts";
import { checkOutputDir, checkOutputFile, openOutput, writeOutput } from "../src/write_output.ts";
import { type GlmOverrides, GRAPH_MODES, type GraphMode, loadGlmConfig } from "../src/glm/config.ts";
import { resolveGlmConfig } from "../src/glm/resolve_glm_config.ts";
import { listShippedGlmConfigs, shippedGlmConfig } from "../src/glm/shipped_glm_config.ts";
import type { GraphDataset } from "../src/glm/datasets/graph_dataset.ts";
import { loadCsvDataset } from "../src/glm/datasets/load_csv_dataset.ts";
import { loadPlanetoid } from "../src/glm/datasets/load_planetoid.ts";
import { parseSplit } from "../src/glm/datasets/parse_split.ts";
import type { GlmModel } from "../src/glm/glm_model.ts";
import { type GlmSummary, trainGlm } from "../src/glm/train_glm.ts";
import {
  predictWithSavedGlmModel,
  readSavedGlmModel,
  type SavedGlmModel,
  saveGlmModel,
} from "../src/glm/saved_glm_model.ts";
import {
  boundedIntArg,
  choiceArg,
  intArg,
  nonNegativeArg,
  positiveArg,
  positiveIntArg,
  rangeArg,
} from "./_parse.ts";
import { commandLine } from "./_command_line.ts";
import { runEnhance } from "../src/glm/speech/run_enhance.ts";
import { formatEnhanceTable } from "../src/glm/speech/format_enhance_table.ts";
import { withDeviceOption } from "./_device_option.ts";
import { chooseDevice } from "../src/device.ts";

const PLANETOID = ["cora", "citeseer", "pubmed"] as const;

/** A column: an integer index (negative counts from the end) or a header name. */
function _column(v: string): number | string {
  const t = v.trim();
  return /^-?\d+$/.test(t) ? Number(t) : t;
}

/** The split flag, checked by the dataset module's parser (its errors become usage errors). */
function _splitArg(v: string): { trainPerClass: number; valPerClass: number } {
  try {
    return parseSplit(v);
  } catch (e) {
    throw new InvalidArgumentError((e as Error).message);
  }
}

/** Writes the best graph of `model` (best snapshot of `epoch`) as JSONL edges to `path` (atomically). */
async function _exportGraph(model: GlmModel, epoch: number, path: string): Promise<void> {
  const g = await model.graph(true, epoch);
  const out = await openOutput(path);
  try {
    const chunk = 4096;
    for (let i = 0; i < g.edges.length; i += chunk) {
      let text = "";
      for (const [src, dst, weight] of g.edges.slice(i, i + chunk)) {
        text += JSON.stringify({ src, dst, weight }) + "\n";
      }
      await out.write(text);
    }
    await out.commit();
  } catch (e) {
    await out.abort();
    throw e;
  }
}

function _pct(x: number): string {
  return Number.isFinite(x) ? x.toFixed(2) : "n/a";
}

function _pm(x: { mean: number; std: number }): string {
  return Number.isFinite(x.mean) ? `${_pct(x.mean)} ± ${_pct(x.std)}` : "n/a";
}

/** What `glm train` reports: the training summary and the config file it used. */
interface GlmRunSummary extends GlmSummary {
  /** `--config` as given, or the shipped `configs/glm_….json` used without it; null: the built-in
   * defaults. */
  config_file: string | null;
}

/** The config file of a run: `--config` as given (`none`: no file), else the shipped config for
 * `dataset` and the graph mode the flags give (the native default without `--graph`). */
async function _configFile(
  flag: string | undefined,
  dataset: string,
  overrides: GlmOverrides,
): Promise<{ path: string; name: string; shipped: boolean; graph?: string } | undefined> {
  if (flag === "none") return undefined;
  if (flag !== undefined) return { path: flag, name: flag, shipped: false };
  const flags = resolveGlmConfig(await loadGlmConfig(undefined, overrides), "the flags' config");
  const graph = String(flags.graph);
  const shipped = shippedGlmConfig(dataset, graph);
  return shipped && { ...shipped, shipped: true, graph };
}

/** The csv flags of `glm train` and `glm predict`. */
interface _CsvFlags {
  name?: string;
  labelColumn?: string;
  dropColumns?: string;
  header: "auto" | "yes" | "no";
  split?: { trainPerClass: number; valPerClass: number };
}

/**
 * The dataset of each seed for `source` (`planetoid:<dir>` or `csv:<file>`); with `saved`, the nodes
 * a saved model predicts: csv columns scaled and labels mapped as its training data, no split.
 */
function _source(
  source: string,
  o: _CsvFlags,
  saved?: SavedGlmModel,
): { dataset: (seed: number) => Promise<GraphDataset>; name: string } {
  const m = /^(planetoid|csv):(.+)$/.exec(source);
  if (!m) {
    throw new UsageError(`source must be planetoid:<dir> or csv:<file>, got ${JSON.stringify(source)}`);
  }
  const [, kind, path] = m;
  if (kind === "planetoid") {
    const name = o.name ?? saved?.dataset;
    if (!(PLANETOID as readonly string[]).includes(name ?? "")) {
      throw new UsageError(`planetoid: --name must be one of ${PLANETOID.join(", ")}, got ${name ?? "none"}`);
    }
    for (const f of ["labelColumn", "dropColumns", "split"] as const) {
      if (o[f] !== undefined) throw new UsageError(`--${_kebab(f)} applies to csv sources only`);
    }
    let loaded: Promise<GraphDataset> | undefined; // loaded once, on first use: same split every seed
    return { name: name!, dataset: () => loaded ??= loadPlanetoid(path, name as typeof PLANETOID[number]) };
  }
  if (o.labelColumn === undefined && !saved) throw new UsageError("csv: --label-column is required");
  if (o.split === undefined && !saved) {
    throw new UsageError("csv: --split TRAIN_PER_CLASS:VAL_PER_CLASS is required");
  }
  const opts = {
    labelColumn: o.labelColumn === undefined ? undefined : _column(o.labelColumn),
    dropColumns: o.dropColumns?.split(",").filter((c) => c.trim() !== "").map(_column),
    header: o.header,
    split: o.split,
    name: o.name ?? basename(path).replace(/\.[^.]*$/, ""),
    ...(saved ? { classNames: saved.class_names ?? undefined, scaling: saved.scaling ?? undefined } : {}),
  };
  if (saved && !saved.scaling) {
    throw new UsageError(
      `the model was trained on ${saved.dataset}, not on a csv table: predict with planetoid:<dir>`,
    );
  }
  return { name: opts.name, dataset: (seed) => loadCsvDataset(path, { ...opts, seed }) };
}

/** The help's list of shipped configs. */
function _shippedList(): string {
  const names = listShippedGlmConfigs();
  return names.length === 0 ? "keiro ships no GLM config here." : `Shipped: ${names.join(", ")}.`;
}

/** The per-seed table with a mean ± std row. */
function _table(s: GlmSummary): string {
  const rows = s.per_seed.map((r) => [
    String(r.seed),
    _pct(r.test_acc),
    _pct(r.val_acc),
    _pct(r.train_acc),
    String(r.best_epoch),
    String(r.epochs),
    r.epoch_ms.toFixed(2),
    String(r.edges),
  ]);
  if (s.per_seed.length > 1) {
    rows.push([
      "mean ± std",
      _pm(s.test_accuracy),
      _pm(s.val_accuracy),
      "",
      "",
      "",
      s.epoch_ms.toFixed(2),
      "",
    ]);
  }
  return formatTable(
    ["seed", "test %", "val %", "train %", "best epoch", "epochs", "ms/epoch", "edges"],
    rows,
  );
}

/** The `glm` command group. */
export function glmCommand(): SubCommand {
  const glm = new Command("glm").description(
    "graph learning module: node classification with a learned graph",
  );
  withDeviceOption(glm.command("train"), "cpu")
    .description("train on a node-classification dataset over several seeds and report test accuracy")
    .argument("<source>", "planetoid:<dir> (with --name) or csv:<file> (with --label-column and --split)")
    .option(
      "--name <name>",
      `planetoid: ${PLANETOID.join("|")}; csv: the dataset's name (default: file name)`,
    )
    .option(
      "--label-column <col>",
      "csv (required): label column, index (negative from the end) or header name",
    )
    .option(
      "--drop-columns <list>",
      "csv: comma-separated columns to ignore (indices or names) (default: none)",
    )
    .option(
      "--header <mode>",
      "csv: first line is a header (auto: when it is not numeric)",
      choiceArg(["auto", "yes", "no"] as const),
      "auto" as const,
    )
    .option(
      "--split <train:val>",
      "csv (required): stratified split per seed, TRAIN_PER_CLASS:VAL_PER_CLASS labelled nodes, the rest test",
      _splitArg,
    )
    .option(
      "--graph <mode>",
      `${GRAPH_MODES.join("|")} (none = MLP; default: the config's, else input)`,
      choiceArg(GRAPH_MODES),
    )
    .option(
      "-c, --config <file>",
      "GLM config (JSON; keys starting with _ are comments; docs/glm.md); none: the built-in defaults " +
        "(default: keiro's config for the dataset and graph mode when it ships one, see below)",
    )
    .option("--layer <type>", "config layer: gcn|gat|appnp (default: the config's)")
    .option("--hidden <n>", "config hidden: hidden width (default: the config's)", positiveIntArg)
    .option("--dropout <p>", "config dropout (default: the config's)", nonNegativeArg)
    .option("--lr <x>", "config lr: Adam learning rate (default: the config's)", positiveArg)
    .option("--k <n>", "config glm.k: learned edges kept per node (default: the config's)", positiveIntArg)
    .option("--sparsify <how>", "config glm.sparsify: topk|soft_topk|gumbel (default: the config's)")
    .option(
      "--knn-k <n>",
      "config knn_k: neighbours of the kNN graph (default: the config's)",
      positiveIntArg,
    )
    .option(
      "--seeds <n>",
      "number of seeds (runs); seeds are seed-base .. seed-base+n-1",
      boundedIntArg(1, "max_runs"),
      1,
    )
    .option("--seed-base <n>", "first seed", intArg, 0)
    .option("--epochs <n>", "maximum epochs per seed", boundedIntArg(1, "max_epochs"), 500)
    .option(
      "--patience <n>",
      "early stopping: epochs without a better validation accuracy",
      boundedIntArg(1, "max_epochs"),
      100,
    )
    .option("--json", "also print the summary as JSON on the last stdout line (accuracies in %)", false)
    .option("--export-graph <file>", "write the first seed's best graph as JSONL {src,dst,weight} edges")
    .option(
      "--out <dir>",
      "write the resolved config.json, results.json, metrics.csv (one row per seed and epoch) and each " +
        "seed's best model (seed<n>/model.safetensors, model.json; keiro glm predict) there",
    )
    .option("-v, --verbose", "one line per seed on stderr", false)
    .addHelpText(
      "after",
      () => `
Without --config a run uses keiro's settings for its dataset (--name, or the csv file's name) and graph
mode, configs/glm_<name>_<graph>.json, else configs/glm_<name>.json, when one exists, and says so on
stderr; the flags override its keys. Otherwise the built-in defaults apply (also with --config none).
Either way the summary's config_file names the file used and --out saves the resolved config.
${_shippedList()}

Accuracies are percentages (81.5 = 81.5%); std is the sample standard deviation over seeds (n − 1).
Planetoid uses the standard split for every seed; csv data draw a stratified split per seed, and
their features are standardised. The table has one row per seed and the mean ± std.

Examples:
  keiro glm train planetoid:../shared/data/gsl/planetoid --name cora --graph input+learned --seeds 10
  keiro glm train csv:../shared/data/gsl/uci/wine.data --label-column 0 --split 10:20 --graph learned --json
  keiro glm train csv:digits.csv --header no --label-column -1 --split 50:100 --graph knn --knn-k 24`,
    )
    .action(async (source: string, o) => {
      const device = await chooseDevice(o.device);
      if (o.out) await checkOutputDir(o.out, "--out");
      if (o.exportGraph) await checkOutputFile(o.exportGraph);
      const { dataset, name } = _source(source, o);
      const overrides: GlmOverrides = {
        graph: o.graph as GraphMode | undefined,
        layer: o.layer,
        hidden: o.hidden,
        dropout: o.dropout,
        lr: o.lr,
        k: o.k,
        sparsify: o.sparsify,
        knnK: o.knnK,
      };
      // each flag checked alone first, so that a bad value is an error naming the flag, not the file
      for (const [flag, value] of Object.entries(overrides)) {
        if (value !== undefined) {
          resolveGlmConfig(await loadGlmConfig(undefined, { [flag]: value }), `--${_kebab(flag)}`);
        }
      }
      const file = await _configFile(o.config, name, overrides);
      if (file?.shipped) {
        console.error(
          `note: config ${file.name} (keiro's settings for ${name}, graph ${file.graph}; --config none: the built-in defaults)`,
        );
      }
      const config = resolveGlmConfig(
        await loadGlmConfig(file?.path, overrides),
        file?.path ?? "the flags' config",
      );
      const seeds = Array.from({ length: o.seeds }, (_, i) => o.seedBase + i);
      const epochRows: Record<string, unknown>[] = [];
      const trained = await trainGlm({
        dataset,
        onStart: (ds) => ds.notes.forEach((n) => console.error(`note: ${n}`)),
        config,
        seeds,
        epochs: o.epochs,
        device,
        patience: o.patience,
        log: o.verbose ? (line) => console.error(line) : undefined,
        onEpoch: (seed, { epoch, ...rest }) => epochRows.push({ seed, epoch, ...rest }),
        onModel: async (model, run) => {
          if (run.index === 0 && o.exportGraph) await _exportGraph(model, run.bestEpoch, o.exportGraph);
          if (o.out) await saveGlmModel(join(o.out, `seed${run.seed}`), model, run);
        },
      });
      const summary: GlmRunSummary = { ...trained, config_file: file?.name ?? null };
      if (o.out) {
        await Deno.mkdir(o.out, { recursive: true });
        await writeOutput(`${o.out}/config.json`, JSON.stringify(summary.config, null, 2) + "\n");
        await writeOutput(`${o.out}/results.json`, JSON.stringify(summary, null, 2) + "\n");
        await writeOutput(`${o.out}/metrics.csv`, metricsCsv(epochRows));
      }
      const std = summary.seeds > 1 ? ` ± ${_pct(summary.test_accuracy.std)}` : "";
      let text = _table(summary) +
        `\n${summary.dataset} (${summary.nodes} nodes, ${summary.features} features, ${summary.classes} classes), graph ${summary.graph}, config ${
          summary.config_file ?? "built-in defaults"
        }: test ${_pct(summary.test_accuracy.mean)}${std} % over ${summary.seeds} seed${
          summary.seeds > 1 ? "s" : ""
        }, ${summary.epoch_ms.toFixed(2)} ms/epoch, peak memory ${summary.peak_rss_mb.toFixed(0)} MB\n`;
      if (o.json) text += JSON.stringify(summary) + "\n";
      await writeOutput(undefined, text);
    });
  withDeviceOption(glm.command("predict"), "cpu")
    .description("predict the class of every node with a model saved by glm train --out")
    .argument("<source>", "planetoid:<dir> or csv:<file> (the same feature columns as the training table)")
    .requiredOption("--model <dir>", "a saved model: <glm train --out>/seed<n>")
    .option("--name <name>", `planetoid: ${PLANETOID.join("|")} (default: the model's dataset)`)
    .option(
      "--label-column <col>",
      "csv: label column (index or header name), left out of the features; labels are compared with the predictions",
    )
    .option("--drop-columns <list>", "csv: comma-separated columns to ignore, as in training")
    .option(
      "--header <mode>",
      "csv: first line is a header (auto: when it is not numeric)",
      choiceArg(["auto", "yes", "no"] as const),
      "auto" as const,
    )
    .option("--out <file>", "write the JSONL there (atomically) instead of stdout")
    .addHelpText(
      "after",
      `
Writes one JSONL record per node: {"id": node index (csv: data row, from 0), "class": the predicted
class (csv: its label as the training file spells it), "probabilities": [one per class]}. csv features
are standardised with the training table's column statistics. The kNN or learned graph is built over
the given nodes; a model of graph input or input+learned needs the source's edges (planetoid).
On stderr: the node count and, when labels are known, the accuracy.

Example:
  keiro glm train csv:wine.data --label-column 0 --split 10:20 --graph learned --out runs/wine
  keiro glm predict csv:new_wines.csv --header no --model runs/wine/seed0 > predictions.jsonl`,
    )
    .action(async (source: string, o) => {
      const device = await chooseDevice(o.device);
      if (o.out) await checkOutputFile(o.out);
      const saved = await readSavedGlmModel(o.model);
      const { dataset } = _source(source, o, saved);
      const ds = await dataset(saved.seed);
      const p = await predictWithSavedGlmModel(o.model, saved, ds, device);
      const names = saved.class_names;
      const out = await openOutput(o.out);
      let hits = 0, labelled = 0;
      try {
        const chunk = 4096;
        for (let i = 0; i < ds.numNodes; i += chunk) {
          let text = "";
          for (let v = i; v < Math.min(ds.numNodes, i + chunk); v++) {
            const c = p.classes[v];
            if (ds.labels[v] >= 0) [labelled, hits] = [labelled + 1, hits + Number(ds.labels[v] === c)];
            const probabilities = p.probabilities[v].map((x) => Number(x.toFixed(6)));
            text += JSON.stringify({ id: v, class: names ? names[c] : c, probabilities }) + "\n";
          }
          await out.write(text);
        }
        await out.commit();
      } catch (e) {
        await out.abort();
        throw e;
      }
      const acc = labelled > 0
        ? `; accuracy ${(100 * hits / labelled).toFixed(2)} % on ${labelled} labelled nodes`
        : "";
      console.error(
        `predicted ${ds.numNodes} nodes of ${ds.name} with ${o.model} (graph ${saved.config.graph})${acc}`,
      );
    });
  withDeviceOption(glm.command("enhance"), "cpu")
    .description(
      "speech enhancement: a mask over a graph of time-frequency bins, trained on synthetic clips, scored by SI-SDR",
    )
    .option(
      "--graph <list>",
      `comma-separated graph modes, one row each: ${GRAPH_MODES.join("|")} (input = the T-F grid)`,
      _graphsArg,
      ["none", "knn", "learned", "input+learned"],
    )
    .option(
      "--seeds <n>",
      "seeds (each draws its own clips and initialisation)",
      boundedIntArg(1, "max_runs"),
      3,
    )
    .option("--seed-base <n>", "first seed", intArg, 0)
    .option(
      "-c, --config <file>",
      "run config (JSON: speech {sample_rate, seconds, snr_db, reverb}, n_fft, train_clips, test_clips, " +
        "epochs, loss, model {GLM keys}; docs/glm.md) (default: every key's default)",
    )
    .option("--epochs <n>", "config epochs: passes over the training clips", boundedIntArg(1, "max_epochs"))
    .option(
      "--loss <loss>",
      "config loss: si_sdr (the enhanced waveform's SI-SDR; default) or mse (masked magnitudes)",
    )
    .option("--train-clips <n>", "config train_clips", positiveIntArg)
    .option("--test-clips <n>", "config test_clips", positiveIntArg)
    .option("--snr <lo:hi>", "config speech.snr_db: SNR range of the mixtures, dB", rangeArg)
    .option("--reverb", "config speech.reverb: reverberant input, the dry clip as the target")
    .option(
      "--out <dir>",
      "write results.json, metrics.csv and WAV files of the first seed's first test clip there " +
        "(clean.wav, noisy.wav, enhanced_<graph>.wav)",
    )
    .option("--json", "also print the summary as JSON on the last stdout line", false)
    .addHelpText(
      "after",
      `
Each seed draws its training and test clips (harmonic voiced segments on pitch contours, noise bursts,
coloured noise at an SNR from --snr) and every graph mode trains on the same clips. The table gives the
SI-SDR of the noisy input and of the enhanced output on the test clips and the improvement, mean ± std
over seeds (sample std).

Example:
  keiro glm enhance --graph knn,learned --seeds 3 --out runs/enhance`,
    )
    .action(async function (this: SubCommand, o) {
      const device = await chooseDevice(o.device);
      if (o.out) await checkOutputDir(o.out, "--out");
      const file = o.config === undefined ? {} : await _jsonObject(o.config);
      const speech = {
        ...(file.speech as Record<string, unknown> ?? {}),
        ...(o.snr ? { snr_db: o.snr } : {}),
        ...(o.reverb ? { reverb: true } : {}),
      };
      const config: Record<string, unknown> = {
        ...file,
        ...(Object.keys(speech).length > 0 ? { speech } : {}),
        ...(o.epochs ? { epochs: o.epochs } : {}),
        ...(o.loss ? { loss: o.loss } : {}),
        ...(o.trainClips ? { train_clips: o.trainClips } : {}),
        ...(o.testClips ? { test_clips: o.testClips } : {}),
      };
      const s = await runEnhance({
        config,
        graphs: o.graph,
        seeds: Array.from({ length: o.seeds }, (_, i) => o.seedBase + i),
        device,
        command: commandLine(this),
        out: o.out,
        log: (line) => console.error(line),
      });
      let text = formatEnhanceTable(s.rows) + (s.verdict ? s.verdict + "\n" : "");
      if (o.json) text += JSON.stringify({ rows: s.rows, verdict: s.verdict }) + "\n";
      await writeOutput(undefined, text);
    });
  return glm;
}

/** A comma-separated list of graph modes. */
function _graphsArg(v: string): string[] {
  const list = v.split(",").map((s) => s.trim()).filter((s) => s !== "");
  const bad = list.find((g) => !(GRAPH_MODES as readonly string[]).includes(g));
  if (bad !== undefined || list.length === 0) {
    throw new InvalidArgumentError(
      `expected graph modes from ${GRAPH_MODES.join(", ")}, got ${JSON.stringify(bad ?? v)}`,
    );
  }
  return [...new Set(list)];
}

/** The JSON object in `path` (a usage error naming the file otherwise). */
async function _jsonObject(path: string): Promise<Record<string, unknown>> {
  let v: unknown;
  try {
    v = JSON.parse(await Deno.readTextFile(path));
  } catch (e) {
    if (e instanceof Deno.errors.NotFound) throw new UsageError(`config file ${path} does not exist`);
    throw new UsageError(`${path} is not JSON: ${(e as Error).message}`);
  }
  if (typeof v !== "object" || v === null || Array.isArray(v)) {
    throw new UsageError(`${path}: expected a JSON object`);
  }
  return v as Record<string, unknown>;
}

function _kebab(s: string): string {
  return s.replace(/[A-Z]/g, (c) => "-" + c.toLowerCase());
}
