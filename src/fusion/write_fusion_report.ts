/**
 * The report files of a fusion comparison.
 * @module
 */

import { join } from "node:path";
import { metricsCsv } from "../metrics_csv.ts";
import { barChartSvg } from "../report/bar_chart_svg.ts";
import { parityPlotSvg } from "../report/parity_plot_svg.ts";
import { writeOutput } from "../write_output.ts";
import type { Comparison } from "./compare_fusion.ts";
import { _fusionNotes, _num } from "./_fusion_notes.ts";
import { SPLIT } from "./fusion_inputs.ts";
import { splitRows } from "./split_rows.ts";
import { type PredictionTruth, testPredictionRows } from "./test_prediction_rows.ts";

/** What {@link writeFusionReport} records beside the comparison. */
export interface FusionReportMeta {
  /** The command line (or a name of the run). */
  command: string;
  /** The resolved config, written to `config.json`. */
  config: unknown;
  /** Anything else to keep in `results.json` (dataset paths, sizes, …). */
  [key: string]: unknown;
}

/** The inputs' rows: which are test rows, their ids and true values. */
export interface FusionReportTruth extends PredictionTruth {
  /** Split codes of the inputs' rows ({@link SPLIT}). */
  split: Uint8Array;
  /** Unit of the first target, "" for none. */
  unit?: string;
}

function _markdown(c: Comparison, meta: FusionReportMeta): string {
  const lines = [
    `# Fusion comparison: ${c.target}`,
    "",
    `Command: \`${meta.command}\``,
    "",
    `Targets: ${c.targets.join(", ")}; seeds: ${c.seeds.join(", ")}.`,
    "",
    `| mode | test MAE (${c.target}) | R² | train s | notes |`,
    "|---|---:|---:|---:|---|",
  ];
  for (const s of c.results) {
    lines.push(
      `| ${s.mode} | ${_num(s.test_mae)} ± ${_num(s.test_mae_std)} | ${_num(s.test_r2)} | ${
        _num(s.train_s, 3)
      } | ${_fusionNotes(s).replaceAll("|", "\\|")} |`,
    );
  }
  const multi = c.results.filter((s) => s.per_target);
  if (c.single_task) {
    lines.push("", "## Per-target test MAE", "");
    lines.push(
      `| model | ${c.targets.join(" | ")} | Δp |`,
      `|---|${c.targets.map(() => "---:|").join("")}---:|`,
    );
    lines.push(`| single-task CGCNN | ${c.targets.map((t) => _num(c.single_task![t])).join(" | ")} | |`);
    for (const s of multi) {
      const cells = c.targets.map((t) => {
        const neg = s.delta_p?.perTask.find((p) => p.task === t)?.negativeTransfer;
        return _num(s.per_target![t]) + (neg ? " (negative transfer)" : "");
      });
      lines.push(`| ${s.mode} | ${cells.join(" | ")} | ${_num(s.delta_p?.deltaP, 3)}% |`);
    }
  }
  lines.push(
    "",
    "Files: `results.json` (summary and every run), `parity.svg` (first seed's test predictions), " +
      "`comparison.svg` (test MAE ± std per mode), `test_predictions.csv` (every run's prediction of " +
      "every test crystal), `config.json` (resolved config).",
    "",
  );
  return lines.join("\n");
}

/** The comparison without its Float64Arrays (the predictions). */
function _plain(c: Comparison): Omit<Comparison, "predictions"> {
  const { predictions: _, ...rest } = c;
  return rest;
}

/** NaN and ±Infinity become null in JSON; that is what JSON.stringify does already. */
function _json(v: unknown): string {
  return JSON.stringify(v, null, 2) + "\n";
}

/**
 * Writes the report of `c` into `outDir` (created when missing), each file atomically:
 *
 * - `report.md`: a markdown table of every mode (test MAE mean ± std, R², train s, attention
 *   weights, importance probes, α, Δp with negative transfer) and the single-task baselines;
 * - `results.json`: `{meta, ...c}` without the predictions;
 * - `parity.svg`: the first seed's test predictions of every label against the first target's
 *   true values;
 * - `comparison.svg`: test MAE ± std per mode;
 * - `test_predictions.csv`: every test crystal's id, true values and every run's predictions;
 * - `config.json`: `meta.config`.
 */
export async function writeFusionReport(
  c: Comparison,
  outDir: string,
  meta: FusionReportMeta,
  truth: FusionReportTruth,
): Promise<void> {
  await Deno.mkdir(outDir, { recursive: true });
  const test = splitRows(truth.split, SPLIT.test);
  const actual = Float64Array.from(test, (i) => truth.actual[c.target][i]);
  const unit = truth.unit ?? "";
  const series = c.predictions.filter((p) => p.seed === c.seeds[0] && c.target in p.values).map((p) => ({
    name: p.label,
    actual,
    predicted: Float64Array.from(test, (i) => p.values[c.target][i]),
  }));
  const parity = parityPlotSvg({ title: `Test parity: ${c.target}`, unit, series });
  const bars = barChartSvg({
    title: `Test MAE of ${c.target} (mean ± std over ${c.seeds.length} seed${
      c.seeds.length === 1 ? "" : "s"
    })`,
    unit,
    bars: c.results.map((s) => ({ label: s.mode, value: s.test_mae, error: s.test_mae_std })),
  });
  await writeOutput(join(outDir, "report.md"), _markdown(c, meta));
  await writeOutput(join(outDir, "results.json"), _json({ meta, ..._plain(c) }));
  await writeOutput(join(outDir, "parity.svg"), parity);
  await writeOutput(join(outDir, "comparison.svg"), bars);
  await writeOutput(join(outDir, "test_predictions.csv"), metricsCsv(testPredictionRows(c, test, truth)));
  await writeOutput(join(outDir, "config.json"), _json(meta.config));
}
