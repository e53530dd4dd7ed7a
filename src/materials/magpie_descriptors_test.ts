import assert from "node:assert/strict";
import { haveMaterials, MATERIALS_DATA } from "./_test_data.ts";
import { InputError } from "../errors.ts";
import { loadElementTables } from "./element_tables.ts";
import { magpieDescriptors } from "./magpie_descriptors.ts";
import { MAGPIE_FEATURE_NAMES, MAGPIE_PROPERTIES, MAGPIE_STATS } from "./magpie_feature_names.ts";
import { magpieMatrix } from "./magpie_matrix.ts";

const MAGPIE = `${MATERIALS_DATA}/magpie`;
const HAVE = haveMaterials("Magpie descriptor", "magpie/magpie_elementdata");
const data = (name: string, fn: () => Promise<void>) => Deno.test({ name, ignore: !HAVE, fn });

const rawLines = new Map<string, string[]>();

/** Independent reading of one table: the raw text of element `z`'s line, as a number or NaN. */
function rawValue(table: string, z: number): number {
  let lines = rawLines.get(table);
  if (!lines) {
    lines = Deno.readTextFileSync(`${MAGPIE}/magpie_elementdata/${table}.table`).split(/\r?\n/);
    rawLines.set(table, lines);
  }
  const m = /^\s*(-?[0-9.]+(?:e-?[0-9]+)?)\s*$/i.exec(lines[z - 1] ?? "");
  return m ? parseFloat(m[1]) : NaN;
}

/** Independent imputation value: the mean of the table over every Z = 1..118 with a value. */
function rawMean(table: string): number {
  const vs = Array.from({ length: 118 }, (_, i) => rawValue(table, i + 1)).filter((v) => !Number.isNaN(v));
  return vs.reduce((s, v) => s + v, 0) / vs.length;
}

/** The 132 features computed the textbook way from atomic fractions x_i. */
function reference(comp: [number, number][], impute: boolean): number[] {
  const total = comp.reduce((s, [, n]) => s + n, 0);
  const xs = comp.map(([, n]) => n / total);
  const out: number[] = [];
  for (const prop of MAGPIE_PROPERTIES) {
    const mean0 = rawMean(prop);
    const ps = comp.map(([z]) => {
      const v = rawValue(prop, z);
      return Number.isNaN(v) && impute ? mean0 : v;
    });
    const mean = ps.reduce((s, p, i) => s + xs[i] * p, 0);
    const avgDev = ps.reduce((s, p, i) => s + xs[i] * Math.abs(p - mean), 0);
    const xmax = Math.max(...xs);
    const tied = ps.filter((_, i) => Math.abs(xs[i] - xmax) < 1e-9);
    const nan = ps.some(Number.isNaN);
    const min = nan ? NaN : Math.min(...ps);
    const max = nan ? NaN : Math.max(...ps);
    out.push(min, max, max - min, mean, avgDev, tied.some(Number.isNaN) ? NaN : Math.min(...tied));
  }
  return out;
}

function assertClose(got: ArrayLike<number>, want: number[], what: string) {
  assert.equal(got.length, want.length);
  for (let k = 0; k < want.length; k++) {
    const g = got[k], w = want[k];
    if (Number.isNaN(w)) {
      assert.ok(Number.isNaN(g), `${what} ${MAGPIE_FEATURE_NAMES[k]}: got ${g}, want NaN`);
    } else {
      assert.ok(
        Math.abs(g - w) <= 1e-9 * Math.max(1, Math.abs(w)),
        `${what} ${MAGPIE_FEATURE_NAMES[k]}: got ${g}, want ${w}`,
      );
    }
  }
}

const idx = (stat: string, prop: string) => MAGPIE_FEATURE_NAMES.indexOf(`MagpieData ${stat} ${prop}`);

Deno.test("MAGPIE_FEATURE_NAMES: 132 names, property-major, matminer's labels", () => {
  assert.equal(MAGPIE_FEATURE_NAMES.length, 132);
  assert.equal(MAGPIE_PROPERTIES.length, 22);
  assert.deepEqual(MAGPIE_STATS, ["minimum", "maximum", "range", "mean", "avg_dev", "mode"]);
  assert.deepEqual(MAGPIE_FEATURE_NAMES.slice(0, 7), [
    "MagpieData minimum Number",
    "MagpieData maximum Number",
    "MagpieData range Number",
    "MagpieData mean Number",
    "MagpieData avg_dev Number",
    "MagpieData mode Number",
    "MagpieData minimum MendeleevNumber",
  ]);
  assert.equal(MAGPIE_FEATURE_NAMES[131], "MagpieData mode SpaceGroupNumber");
  assert.equal(MAGPIE_FEATURE_NAMES[3 * 6 + 3], "MagpieData mean MeltingT");
  assert.equal(new Set(MAGPIE_FEATURE_NAMES).size, 132);
});

data("magpieDescriptors: Fe2O3 spot values read off the tables", async () => {
  const t = await loadElementTables(MAGPIE);
  const d = magpieDescriptors(new Map([["Fe", 2], ["O", 3]]), t);
  assert.equal(d.length, 132);
  // Number: Fe 26, O 8
  assert.deepEqual(Array.from(d.slice(0, 6)), [8, 26, 18, 15.2, (2 * 10.8 + 3 * 7.2) / 5, 8]);
  assert.ok(Math.abs(d[idx("avg_dev", "Number")] - 8.64) < 1e-12);
  // Electronegativity: Fe 1.83, O 3.44; mode is O's (largest fraction)
  assert.ok(Math.abs(d[idx("mean", "Electronegativity")] - 2.796) < 1e-12);
  assert.ok(Math.abs(d[idx("range", "Electronegativity")] - 1.61) < 1e-12);
  assert.equal(d[idx("mode", "Electronegativity")], 3.44);
  // AtomicWeight: Fe 55.845, O 15.9994
  assert.ok(Math.abs(d[idx("mean", "AtomicWeight")] - (2 * 55.845 + 3 * 15.9994) / 5) < 1e-12);
  // SpaceGroupNumber: Fe 229, O 12; GSmagmom: Fe 2.1106628, O 0
  assert.equal(d[idx("mode", "SpaceGroupNumber")], 12);
  assert.equal(d[idx("maximum", "SpaceGroupNumber")], 229);
  assert.ok(Math.abs(d[idx("mean", "GSmagmom")] - 0.4 * 2.1106628) < 1e-12);
  assert.equal(d[idx("mode", "NdUnfilled")], 0);
  assert.equal(d[idx("maximum", "NdUnfilled")], 4);
  // any positive scale: Fe0.4O0.6 gives the same features
  assertClose(magpieDescriptors(new Map([["Fe", 0.4], ["O", 0.6]]), t), Array.from(d), "Fe0.4O0.6");
});

data("magpieDescriptors: NaCl (a tie: mode = minimum of the tied values) spot values", async () => {
  const t = await loadElementTables(MAGPIE);
  const d = magpieDescriptors(new Map([["Na", 1], ["Cl", 1]]), t);
  assert.deepEqual(Array.from(d.slice(0, 6)), [11, 17, 6, 14, 3, 11]);
  assert.equal(d[idx("mode", "Electronegativity")], 0.93);
  assert.ok(Math.abs(d[idx("mean", "Electronegativity")] - (0.93 + 3.16) / 2) < 1e-12);
  assert.equal(d[idx("mode", "SpaceGroupNumber")], 64, "min(229 Na, 64 Cl)");
  assert.equal(d[idx("mode", "MendeleevNumber")], 2, "min(2 Na, 94 Cl)");
  assert.equal(d[idx("mean", "GSbandgap")], 2.493 / 2);
  assert.equal(d[idx("mode", "NpValence")], 0);
  assert.equal(d[idx("mode", "NsUnfilled")], 0);
});

data("magpieDescriptors agree with a textbook implementation on several compositions", async () => {
  const t = await loadElementTables(MAGPIE);
  const cases: [string, [string, number][], [number, number][]][] = [
    ["Fe2O3", [["Fe", 2], ["O", 3]], [[26, 2], [8, 3]]],
    ["NaCl", [["Na", 1], ["Cl", 1]], [[11, 1], [17, 1]]],
    ["SrTiO3", [["Sr", 1], ["Ti", 1], ["O", 3]], [[38, 1], [22, 1], [8, 3]]],
    ["Cu", [["Cu", 5]], [[29, 5]]],
    ["HeXeRn (Missing entries)", [["He", 1], ["Xe", 0.5], ["Rn", 2]], [[2, 1], [54, 0.5], [86, 2]]],
    ["UPuO4", [["U", 1], ["Pu", 1], ["O", 4]], [[92, 1], [94, 1], [8, 4]]],
  ];
  for (const [name, comp, byZ] of cases) {
    const c = new Map(comp);
    assertClose(magpieDescriptors(c, t), reference(byZ, true), name);
    assertClose(magpieDescriptors(c, t, { impute: false }), reference(byZ, false), `${name} (no impute)`);
  }
});

data("magpieDescriptors: missing values imputed with the mean over Z=1..118, or NaN", async () => {
  const t = await loadElementTables(MAGPIE);
  // He's Electronegativity and MeltingT are Missing
  const he = magpieDescriptors(new Map([["He", 1]]), t);
  const enMean = rawMean("Electronegativity");
  assert.ok(enMean > 1.5 && enMean < 2, `mean electronegativity ${enMean}`);
  for (const s of ["minimum", "maximum", "mean", "mode"]) {
    assert.equal(he[idx(s, "Electronegativity")], enMean, s);
  }
  assert.equal(he[idx("range", "Electronegativity")], 0);
  assert.equal(he[idx("avg_dev", "Electronegativity")], 0);
  assert.equal(he[idx("mean", "Number")], 2);
  const raw = magpieDescriptors(new Map([["He", 1], ["O", 2]]), t, { impute: false });
  for (const s of ["minimum", "maximum", "range", "mean", "avg_dev"]) {
    assert.ok(Number.isNaN(raw[idx(s, "Electronegativity")]), s);
  }
  // mode looks only at the largest-fraction element(s): O's 3.44, He's missing value plays no part
  assert.equal(raw[idx("mode", "Electronegativity")], 3.44);
  assert.ok(
    Number.isNaN(
      magpieDescriptors(new Map([["He", 1], ["O", 1]]), t, { impute: false })[
        idx("mode", "Electronegativity")
      ],
    ),
    "a tie with an unknown value is NaN (numpy's min propagates NaN)",
  );
  assert.equal(raw[idx("mean", "Number")], 6, "known properties stay finite");
});

data(
  "magpieDescriptors: unknown elements and bad amounts are input errors; zero amounts dropped",
  async () => {
    const t = await loadElementTables(MAGPIE);
    assert.throws(
      () => magpieDescriptors(new Map([["Xx", 1]]), t),
      (e) => e instanceof InputError && /Xx/.test(e.message),
    );
    assert.throws(() => magpieDescriptors(new Map([["fe", 1]]), t), InputError);
    assert.throws(() => magpieDescriptors(new Map([["Fe", -1]]), t), InputError);
    assert.throws(() => magpieDescriptors(new Map([["Fe", NaN]]), t), InputError);
    assert.throws(() => magpieDescriptors(new Map(), t), InputError);
    assertClose(
      magpieDescriptors(new Map([["Fe", 2], ["O", 3], ["Au", 0]]), t),
      Array.from(magpieDescriptors(new Map([["Fe", 2], ["O", 3]]), t)),
      "Fe2O3Au0",
    );
  },
);

data("magpieMatrix: rows are magpieDescriptors as float32; errors name the row", async () => {
  const t = await loadElementTables(MAGPIE);
  const comps = [new Map([["Fe", 2], ["O", 3]]), new Map([["Na", 1], ["Cl", 1]])];
  const { names, values } = magpieMatrix(comps, t);
  assert.equal(names, MAGPIE_FEATURE_NAMES);
  assert.equal(values.length, 2 * 132);
  assert.deepEqual(values.subarray(132), Float32Array.from(magpieDescriptors(comps[1], t)));
  assert.equal(values[3], Math.fround(15.2));
  assert.throws(
    () => magpieMatrix([comps[0], new Map([["Qq", 1]])], t),
    (e) => e instanceof InputError && /^composition 1: /.test(e.message),
  );
  const t0 = performance.now();
  const many = Array.from({ length: 20000 }, (_, i) => new Map([["Sr", 1], ["Ti", 1 + (i % 3)], ["O", 3]]));
  magpieMatrix(many, t);
  const ms = performance.now() - t0;
  assert.ok(ms < 3000, `20000 compositions took ${ms.toFixed(0)} ms`);
});

data(
  "magpieDescriptors: literal outputs of matminer 0.10.1 ElementProperty.from_preset('magpie')",
  async () => {
    // Printed by matminer 0.10.1 (pymatgen 2026.10.24, numpy 2.4.6) on the same tables; all 132
    // features of these and 7 other compositions agreed to 2.2e-16 relative when this was written.
    const t = await loadElementTables(MAGPIE);
    const cases: [string, [string, number][], boolean, [string, number][]][] = [
      ["CsPbI3", [["Cs", 1], ["Pb", 1], ["I", 3]], true, [
        ["mean Electronegativity", 2.22],
        ["avg_dev MeltingT", 75.224],
        ["mode SpaceGroupNumber", 64],
        ["avg_dev GSvolume_pa", 24.4724],
        ["mean MendeleevNumber", 74.8],
      ]],
      ["He Xe0.5 Rn2 (imputed)", [["He", 1], ["Xe", 0.5], ["Rn", 2]], true, [
        ["mean Electronegativity", 1.841516034985423],
        ["avg_dev MeltingT", 450.04550414225105],
        ["mode SpaceGroupNumber", 182.5157894736842],
        ["mean CovalentRadius", 113.71428571428571],
      ]],
      ["At Fr2 Lr0.5 (imputed)", [["At", 1], ["Fr", 2], ["Lr", 0.5]], true, [
        ["mean Electronegativity", 1.2735860058309039],
        ["avg_dev MeltingT", 343.745791068903],
        ["mean CovalentRadius", 213.14136904761904],
        ["mean MendeleevNumber", 37.142857142857146],
      ]],
      ["At Fr2 Lr0.5 (not imputed)", [["At", 1], ["Fr", 2], ["Lr", 0.5]], false, [
        ["mean Electronegativity", NaN],
        ["mode SpaceGroupNumber", NaN],
        ["avg_dev GSvolume_pa", 5.057448979591839],
      ]],
    ];
    for (const [name, comp, impute, want] of cases) {
      const d = magpieDescriptors(new Map(comp), t, { impute });
      for (const [feature, w] of want) {
        const [stat, prop] = feature.split(" ");
        const g = d[idx(stat, prop)];
        if (Number.isNaN(w)) assert.ok(Number.isNaN(g), `${name} ${feature}: ${g}`);
        else {assert.ok(
            Math.abs(g - w) <= 1e-12 * Math.max(1, Math.abs(w)),
            `${name} ${feature}: ${g} vs ${w}`,
          );}
      }
    }
  },
);
