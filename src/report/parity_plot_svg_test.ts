import assert from "node:assert/strict";
import { checkSvg, elementsOfClass } from "./_check_svg.ts";
import { parityPlotSvg } from "./parity_plot_svg.ts";

const svg = parityPlotSvg({
  title: "Band gap & friends",
  unit: "eV",
  series: [
    // finite pairs: (0, 0), (1, 1.5), (2, 2); MAE = (0 + 0.5 + 0) / 3 = 0.1667
    { name: "fusion", actual: [0, 1, 2, NaN, 3], predicted: [0, 1.5, 2, 1, NaN] },
    // pairs (1, 2), (2, 1); MAE = 1
    { name: "<b&c>", actual: new Float64Array([1, 2]), predicted: new Float32Array([2, 1]) },
  ],
});

Deno.test("parityPlotSvg: well formed, one point per finite pair, escaped labels", () => {
  const counts = checkSvg(svg);
  assert.equal(elementsOfClass(svg, "point").length, 5);
  assert.equal(counts.circle, 5);
  assert.ok(svg.includes(">Band gap &amp; friends</text>"));
  assert.ok(svg.includes(">fusion (n = 3, MAE 0.167 eV)</text>"));
  assert.ok(svg.includes(">&lt;b&amp;c&gt; (n = 2, MAE 1 eV)</text>"));
  assert.ok(svg.includes(">Actual (eV)</text>") && svg.includes("Predicted (eV)</text>"));
  const groups = elementsOfClass(svg, "series");
  assert.deepEqual(groups.map((g) => g.fill), ["#0072B2", "#D55E00"]);
});

Deno.test("parityPlotSvg: diagonal y = x across the shared axis range, points placed on it", () => {
  // values in [0, 2]: step 0.5, axis [0, 2] on a 420 px square at (72, 48) → 210 px per unit
  const [diag] = elementsOfClass(svg, "diagonal");
  assert.deepEqual([diag.x1, diag.y1, diag.x2, diag.y2], ["72", "468", "492", "48"]);
  const pts = elementsOfClass(svg, "point").map((p) => [p.cx, p.cy]);
  // (1, 1.5): x = 72 + 210 = 282, y = 468 − 1.5 · 210 = 153; (2, 2) lies on the diagonal's end
  assert.deepEqual(pts.slice(0, 3), [["72", "468"], ["282", "153"], ["492", "48"]]);
  for (const label of ["0.0", "0.5", "1.0", "1.5", "2.0"]) assert.ok(svg.includes(`>${label}</text>`), label);
});

Deno.test("parityPlotSvg: no finite pair still draws a valid empty plot; length mismatch throws", () => {
  const empty = parityPlotSvg({
    title: "t",
    unit: "",
    series: [{ name: "x", actual: [NaN], predicted: [1] }],
  });
  checkSvg(empty);
  assert.equal(elementsOfClass(empty, "point").length, 0);
  assert.equal(elementsOfClass(empty, "diagonal").length, 1);
  assert.ok(empty.includes(">x (n = 0, MAE n/a)</text>") && empty.includes(">Actual</text>"));
  assert.throws(
    () => parityPlotSvg({ title: "t", unit: "", series: [{ name: "x", actual: [1, 2], predicted: [1] }] }),
    RangeError,
  );
});
