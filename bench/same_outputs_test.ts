import assert from "node:assert/strict";
import { normaliseOutput, type PathMap } from "./same_outputs.ts";

const PATHS: PathMap = [["/tmp/keiro-same-outputs-x/old", "<out>"], ["/work/keiro", "<root>"]];
const same = (name: string, a: string, b: string) =>
  assert.equal(normaliseOutput(name, a, PATHS), normaliseOutput(name, b, PATHS));
const differ = (name: string, a: string, b: string) =>
  assert.notEqual(normaliseOutput(name, a, PATHS), normaliseOutput(name, b, PATHS));

Deno.test("normaliseOutput: JSON and JSONL mask timing keys at any depth and replace the side's paths", () => {
  const rec = (mlu: number, ms: number, s: number) =>
    JSON.stringify({
      id: "a",
      mlu,
      time_ms: ms,
      label: { milp: { time_ms: ms } },
      metrics: { epoch_s: s, samples_per_s: 1 / s, seconds: s, ms, peak_rss_mb: 10 * s, epochs: 3 },
      command: "keiro train --out /tmp/keiro-same-outputs-x/old/run --config /work/keiro/configs/c.json",
    });
  same("x.json", rec(0.5, 1.25, 2), rec(0.5, 7, 0.1));
  differ("x.json", rec(0.5, 1, 2), rec(0.51, 1, 2));
  assert.match(normaliseOutput("x.json", rec(0.5, 1, 2), PATHS), /--out <out>\/run --config <root>\/configs/);
  same("x.jsonl", `${rec(0.5, 1, 2)}\n${rec(0.2, 3, 4)}\n`, `${rec(0.5, 9, 8)}\n${rec(0.2, 1, 1)}\n`);
  differ("x.jsonl", `${rec(0.5, 1, 2)}\n${rec(0.2, 3, 4)}\n`, `${rec(0.5, 1, 2)}\n${rec(0.3, 3, 4)}\n`);
  // the epoch count is not a timing key
  differ("x.json", rec(0.5, 1, 2), rec(0.5, 1, 2).replace('"epochs":3', '"epochs":4'));
});

Deno.test("normaliseOutput: plain tables mask timing columns, whatever their width", () => {
  const table = (ratio: string, ms: string, edges: string) =>
    [
      `method  ratio   ${"ms/instance".padStart(Math.max(11, ms.length))}  edges`,
      `------  ------  ${"-".repeat(Math.max(11, ms.length))}  -----`,
      `milp    ${ratio}  ${ms.padStart(Math.max(11, ms.length))}  ${edges.padStart(5)}`,
      "",
      "done",
    ].join("\n");
  same("stdout", table("1.0000", "73.03", "12"), table("1.0000", "123456789012.5", "12"));
  differ("stdout", table("1.0000", "73.03", "12"), table("0.9000", "73.03", "12"));
  differ("stdout", table("1.0000", "73.03", "12"), table("1.0000", "73.03", "13"));
});

Deno.test("normaliseOutput: a JSON line after a table, markdown tables, units in text, CSV columns", () => {
  const out = (trainS: string, mae: string) =>
    [
      "mode  test MAE  train s",
      "----  --------  -------",
      `gnn   ${mae}    ${trainS}`,
      JSON.stringify({ mode: "gnn", test_mae: Number(mae), train_s: Number(trainS) }),
    ].join("\n");
  same("stdout", out("0.1", "1.10"), out("0.2", "1.10"));
  differ("stdout", out("0.1", "1.10"), out("0.1", "1.20"));
  const md = (s: string, r2: string) => `| mode | R² | train s |\n|---|---:|---:|\n| gnn | ${r2} | ${s} |\n`;
  same("report.md", md("0.1", "0.5"), md("12.25", "0.5"));
  differ("report.md", md("0.1", "0.5"), md("0.1", "0.6"));
  const text = (ms: string, acc: string) =>
    `wine: test ${acc} % over 2 seeds, ${ms} ms/epoch, peak memory 86 MB\n`;
  same("stdout", text("2.97", "94.89"), text("13.5", "94.89"));
  differ("stdout", text("2.97", "94.89"), text("2.97", "94.90"));
  const csv = (s: string, loss: string) => `epoch,loss,epoch_s,wall_s\n1,${loss},${s},${s}\n`;
  same("metrics.csv", csv("0.5", "2.1"), csv("0.75", "2.1"));
  differ("metrics.csv", csv("0.5", "2.1"), csv("0.5", "2.2"));
});
