import assert from "node:assert/strict";
import { checkSvg, elementsOfClass } from "./_check_svg.ts";
import { barChartSvg } from "./bar_chart_svg.ts";

const svg = barChartSvg({
  title: "MAE of heat_all",
  unit: "eV/atom",
  bars: [
    { label: "MLP", value: 0.5, error: 0.1 },
    { label: "GNN <fusion>", value: 1.2 },
    { label: "neg", value: -0.4, error: 0.2 },
    { label: "none", value: NaN, error: 1 },
  ],
});

Deno.test("barChartSvg: well formed, one bar per finite value, error bars, escaped labels", () => {
  checkSvg(svg);
  assert.equal(elementsOfClass(svg, "bar").length, 3);
  assert.equal(elementsOfClass(svg, "error-bar").length, 2);
  assert.ok(svg.includes(">GNN &lt;fusion&gt;</text>"));
  assert.ok(svg.includes('transform="rotate(-30')); // a long label slants them
  assert.ok(svg.includes(">eV/atom</text>") && svg.includes(">MAE of heat_all</text>"));
  const values = elementsOfClass(svg, "value");
  assert.equal(values.length, 4);
  for (const v of ["0.5", "1.2", "-0.4", "n/a"]) assert.ok(svg.includes(`>${v}</text>`), v);
});

Deno.test("barChartSvg: geometry from the zero baseline with ± error", () => {
  // range [min(0, −0.6), max(0.6, 1.2)] padded by 8 % of 1.8 each side = [−0.744, 1.344]
  // → step 0.5, axis [−1, 1.5]; 280 px / 2.5 = 112 px per unit,
  // y(v) = 48 + 280 − (v + 1) · 112, so y(0) = 216
  assert.equal(elementsOfClass(svg, "baseline")[0].y1, "216");
  const [mlp, , neg] = elementsOfClass(svg, "bar");
  assert.deepEqual([mlp.y, mlp.height], ["160", "56"]); // 0.5 · 112 = 56 above the baseline
  assert.deepEqual([neg.y, neg.height], ["216", "44.8"]); // 0.4 · 112 below it
  // MLP error bar from y(0.6) = 148.8 to y(0.4) = 171.2 around x = 72 + 32 = 104
  assert.equal(elementsOfClass(svg, "error-bar")[0].d, "M104 148.8V171.2M98 148.8H110M98 171.2H110");
  const values = elementsOfClass(svg, "value");
  assert.equal(values[0].y, "143.8"); // 5 px above the error bar's top
  assert.equal(values[2].y, "297.2"); // 14 px below y(−0.6) = 283.2
  for (const label of ["-1.0", "-0.5", "0.0", "0.5", "1.0", "1.5"]) {
    assert.ok(svg.includes(`text-anchor="end">${label}</text>`), label);
  }
});

Deno.test("barChartSvg: short labels stay level, no bars is valid, a negative error throws", () => {
  const level = barChartSvg({ title: "t", unit: "", bars: [{ label: "a", value: 1 }] });
  checkSvg(level);
  assert.ok(!level.includes("rotate(-30"));
  assert.equal(elementsOfClass(level, "error-bar").length, 0);
  checkSvg(barChartSvg({ title: "empty", unit: "", bars: [] }));
  assert.throws(
    () => barChartSvg({ title: "t", unit: "", bars: [{ label: "a", value: 1, error: -1 }] }),
    RangeError,
  );
});
