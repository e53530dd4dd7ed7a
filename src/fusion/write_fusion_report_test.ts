import assert from "node:assert/strict";
import { join } from "node:path";
import { checkSvg, elementsOfClass } from "../report/_check_svg.ts";
import type { Comparison } from "./compare_fusion.ts";
import { formatFusionTable } from "./format_fusion_table.ts";
import { SPLIT } from "./fusion_inputs.ts";
import { writeFusionReport } from "./write_fusion_report.ts";

// rows: 2 train, 1 val, 2 test
const split = Uint8Array.from([SPLIT.train, SPLIT.train, SPLIT.val, SPLIT.test, SPLIT.test]);
const actual = { heat_all: Float64Array.from([0, 1, 2, 3, 4]), dir_gap: Float64Array.from([5, 6, 7, 8, 9]) };
const ids = ["a", "b", "c", "d", "e"];
const c: Comparison = {
  target: "heat_all",
  targets: ["heat_all", "dir_gap"],
  seeds: [0, 1],
  results: [
    { mode: "rf", test_mae: 0.25, test_mae_std: 0.01, test_r2: 0.8, train_s: 1.5 },
    { mode: "late", test_mae: 0.2, test_mae_std: 0, test_r2: 0.85, train_s: 3, alpha: [0.3, 0.35] },
    {
      mode: "attention",
      test_mae: 0.15,
      test_mae_std: 0.02,
      test_r2: 0.9,
      train_s: 2,
      attention: [0.25, 0.75],
      importance: { descriptors_zeroed: 0.4, embeddings_permuted: 0.6 },
    },
    {
      mode: "multitask:equal",
      test_mae: 0.3,
      test_mae_std: 0.03,
      test_r2: NaN,
      train_s: 4,
      per_target: { heat_all: 0.3, dir_gap: 0.05 },
      delta_p: {
        deltaP: 10,
        perTask: [
          { task: "heat_all", single: 0.2, multi: 0.3, relative: -50, negativeTransfer: true },
          { task: "dir_gap", single: 0.1, multi: 0.05, relative: 50, negativeTransfer: false },
        ],
      },
    },
  ],
  single_task: { heat_all: 0.2, dir_gap: 0.1 },
  runs: [],
  predictions: [
    { label: "rf", seed: 0, values: { heat_all: Float64Array.from([0, 1, 2, 3.5, 4.5]) } },
    { label: "attention", seed: 0, values: { heat_all: Float64Array.from([0, 1, 2, 3, 4.25]) } },
    { label: "rf", seed: 1, values: { heat_all: Float64Array.from([0, 1, 2, 3.25, 4.75]) } },
    {
      label: "multitask:equal",
      seed: 1,
      values: {
        heat_all: Float64Array.from([0, 1, 2, 3, 4]),
        dir_gap: Float64Array.from([5, 6, 7, 8.5, NaN]),
      },
    },
  ],
};

Deno.test("formatFusionTable: a row per mode with notes and the single-task baselines", () => {
  const t = formatFusionTable(c);
  const lines = t.split("\n");
  assert.match(lines[0], /^mode\s+test MAE \(heat_all\)\s+± std\s+R²\s+train s\s+notes$/);
  assert.match(t, /^rf\s+0\.25\s+0\.01\s+0\.8\s+1\.5$/m);
  assert.match(t, /^late .*α 0\.3,0\.35$/m);
  assert.match(t, /^attention .*attn desc 0\.25 \/ gnn 0\.75; desc zeroed 0\.4, emb permuted 0\.6$/m);
  assert.match(t, /^multitask:equal .* n\/a .*MAE dir_gap 0\.05; Δp 10%; negative transfer: heat_all$/m);
  assert.match(t, /single-task CGCNN test MAE: heat_all 0\.2, dir_gap 0\.1/);
});

Deno.test("writeFusionReport: report.md, results.json, parity and comparison SVGs, config.json", async () => {
  const dir = await Deno.makeTempDir({ prefix: "keiro-fusion-report-" });
  const out = join(dir, "nested", "out");
  try {
    await writeFusionReport(c, out, { command: "keiro fuse compare", config: { epochs: 3 }, extra: 1 }, {
      ids,
      split,
      actual,
      unit: "eV",
    });
    const names = [];
    for await (const e of Deno.readDir(out)) names.push(e.name);
    assert.deepEqual(names.sort(), [
      "comparison.svg",
      "config.json",
      "parity.svg",
      "report.md",
      "results.json",
      "test_predictions.csv",
    ]);
    // The test rows (d, e): true values, then every run's prediction of every target it predicts.
    assert.equal(
      await Deno.readTextFile(join(out, "test_predictions.csv")),
      "id,heat_all,dir_gap,rf:seed0:heat_all,attention:seed0:heat_all,rf:seed1:heat_all," +
        "multitask:equal:seed1:heat_all,multitask:equal:seed1:dir_gap\n" +
        "d,3,8,3.5,3,3.25,3,8.5\ne,4,9,4.5,4.25,4.75,4,\n",
    );
    const md = await Deno.readTextFile(join(out, "report.md"));
    assert.match(md, /\| attention \| 0\.15 ± 0\.02 \| 0\.9 \| 2 \| attn desc 0\.25/);
    assert.match(md, /\| single-task CGCNN \| 0\.2 \| 0\.1 \| \|/);
    assert.match(md, /\| multitask:equal \| 0\.3 \(negative transfer\) \| 0\.05 \| 10% \|/);
    const results = JSON.parse(await Deno.readTextFile(join(out, "results.json")));
    assert.equal(results.predictions, undefined);
    assert.equal(results.meta.extra, 1);
    assert.equal(results.results.length, 4);
    assert.equal(results.results[3].test_r2, null, "NaN becomes null");
    assert.deepEqual(JSON.parse(await Deno.readTextFile(join(out, "config.json"))), { epochs: 3 });
    const parity = await Deno.readTextFile(join(out, "parity.svg"));
    checkSvg(parity);
    assert.equal(elementsOfClass(parity, "point").length, 4, "two series of seed 0 × the two test rows");
    assert.ok(parity.includes(">rf (n = 2, MAE 0.5 eV)</text>"), "test rows only: |3.5−3|, |4.5−4|");
    assert.ok(parity.includes(">attention (n = 2, MAE 0.125 eV)</text>"));
    const bars = await Deno.readTextFile(join(out, "comparison.svg"));
    checkSvg(bars);
    for (const m of ["rf", "late", "attention", "multitask:equal"]) {
      assert.ok(bars.includes(`>${m}</text>`), m);
    }
    const left = [];
    for await (const e of Deno.readDir(out)) if (e.name.endsWith(".tmp")) left.push(e.name);
    assert.deepEqual(left, [], "no temporary files left");
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
