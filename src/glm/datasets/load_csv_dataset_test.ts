import assert from "node:assert/strict";
import { fileURLToPath } from "node:url";
import { InputError, UsageError } from "../../errors.ts";
import type { GraphDataset } from "./graph_dataset.ts";
import { loadCsvDataset } from "./load_csv_dataset.ts";

const UCI = fileURLToPath(new URL("../../../../shared/data/gsl/uci", import.meta.url));
const HAVE_DATA = (() => {
  try {
    return Deno.statSync(`${UCI}/wine.data`).isFile && Deno.statSync(`${UCI}/optdigits.tes`).isFile;
  } catch {
    return false;
  }
})();
if (!HAVE_DATA) console.warn(`skipping the Wine/optdigits tests: ${UCI} is absent`);

async function withCsv(text: string, fn: (path: string) => Promise<void>): Promise<void> {
  const path = await Deno.makeTempFile({ suffix: ".csv" });
  try {
    await Deno.writeTextFile(path, text);
    await fn(path);
  } finally {
    await Deno.remove(path);
  }
}

function counts(d: GraphDataset): number[] {
  return [1, 2, 3].map((s) => d.split.reduce((n, v) => n + (v === s ? 1 : 0), 0));
}

function column(d: GraphDataset, k: number): number[] {
  return [...d.labels.keys()].map((i) => d.features[i * d.numFeatures + k]);
}

const split = { trainPerClass: 1, valPerClass: 0 };

Deno.test("loadCsvDataset skips a long non-numeric header in auto mode and standardises", async () => {
  const header = "sample_identifier_with_a_rather_long_description,first feature,second_feature,class_label";
  await withCsv(`${header}\n7,1,5,b\n8,2,5,a\n9,3,5,b\n10,6,5,a\n`, async (path) => {
    const d = await loadCsvDataset(path, { labelColumn: "class_label", dropColumns: [0], split, seed: 1 });
    assert.equal(d.numNodes, 4);
    assert.equal(d.numFeatures, 2);
    assert.equal(d.numClasses, 2);
    assert.deepEqual([...d.labels], [1, 0, 1, 0], "classes in sorted order: a=0, b=1");
    assert.equal(d.edges, null);
    const x = column(d, 0); // 1,2,3,6: mean 3, population std sqrt(14/4)
    const std = Math.sqrt(3.5);
    x.forEach((v, i) => assert.ok(Math.abs(v - ([1, 2, 3, 6][i] - 3) / std) < 1e-6, `x[${i}] = ${v}`));
    assert.deepEqual(column(d, 1), [0, 0, 0, 0], "a constant column becomes 0");
    assert.ok(d.notes.some((n) => n.includes("header line skipped")), d.notes.join("\n"));
    assert.ok(d.notes.some((n) => n.includes("1 constant feature columns")), d.notes.join("\n"));
  });
});

Deno.test("loadCsvDataset reads whitespace-separated files and word labels without a header", async () => {
  await withCsv("1.5  2 setosa\n\t3 -4e-1 virginica\n.5 6 setosa\n\n", async (path) => {
    const d = await loadCsvDataset(path, { labelColumn: -1, split, seed: 3, name: "iris" });
    assert.equal(d.name, "iris");
    assert.equal(d.numNodes, 3, "the first line is data: its word label is in the label column");
    assert.equal(d.numFeatures, 2);
    assert.deepEqual([...d.labels], [0, 1, 0]);
    const raw = [2, -0.4, 6], mean = raw.reduce((a, b) => a + b) / 3;
    const std = Math.sqrt(raw.reduce((a, b) => a + (b - mean) ** 2, 0) / 3);
    column(d, 1).forEach((v, i) =>
      assert.ok(Math.abs(v - (raw[i] - mean) / std) < 1e-6, `col 1 row ${i}: ${v}`)
    );
  });
});

Deno.test("loadCsvDataset sorts numeric labels numerically", async () => {
  await withCsv("1,10\n2,9\n3,2\n4,10\n", async (path) => {
    const d = await loadCsvDataset(path, { labelColumn: 1, header: "no", split, seed: 1 });
    assert.deepEqual([...d.labels], [2, 1, 0, 2]);
  });
});

Deno.test("loadCsvDataset: a non-numeric value is an InputError with line and field", async () => {
  await withCsv("a,b,label\n1,2,x\n3,?,y\n", async (path) => {
    await assert.rejects(
      () => loadCsvDataset(path, { labelColumn: "label", split, seed: 1 }),
      (e: unknown) => {
        assert.ok(e instanceof InputError);
        assert.equal(e.line, 3);
        assert.equal(e.field, "b");
        assert.match(e.message, /'\?'/);
        return true;
      },
    );
  });
  await withCsv("1,2,x\n3,,y\n", async (path) => {
    await assert.rejects(() => loadCsvDataset(path, { labelColumn: 2, split, seed: 1 }), (e: unknown) => {
      assert.ok(e instanceof InputError);
      assert.deepEqual([e.line, e.field], [2, "column 1"]);
      return true;
    });
  });
  await withCsv("1,2,x\n3,4,y\n5,6\n", async (path) => {
    await assert.rejects(() => loadCsvDataset(path, { labelColumn: 2, split, seed: 1 }), (e: unknown) => {
      assert.ok(e instanceof InputError);
      assert.equal(e.line, 3);
      assert.match(e.message, /2 fields, expected 3/);
      return true;
    });
  });
});

Deno.test("loadCsvDataset: unknown columns and too small classes are usage errors", async () => {
  await withCsv("1,2,x\n3,4,y\n", async (path) => {
    await assert.rejects(() => loadCsvDataset(path, { labelColumn: "label", split, seed: 1 }), UsageError);
    await assert.rejects(() => loadCsvDataset(path, { labelColumn: 3, split, seed: 1 }), UsageError);
    await assert.rejects(
      () => loadCsvDataset(path, { labelColumn: 2, split: { trainPerClass: 1, valPerClass: 1 }, seed: 1 }),
      /class 'x' has 1 rows/,
    );
  });
});

Deno.test("loadCsvDataset: stratified split sizes are as asked and depend on the seed only", async () => {
  const lines = [];
  for (let i = 0; i < 30; i++) lines.push(`${i},${i % 7},c${i % 3}`);
  await withCsv(lines.join("\n"), async (path) => {
    const opts = { labelColumn: -1, split: { trainPerClass: 2, valPerClass: 3 }, seed: 42 };
    const a = await loadCsvDataset(path, opts);
    assert.deepEqual(counts(a), [6, 9, 15]);
    for (let c = 0; c < 3; c++) {
      const inClass = (s: number) => a.split.filter((v, i) => v === s && a.labels[i] === c).length;
      assert.deepEqual([inClass(1), inClass(2), inClass(3)], [2, 3, 5], `class ${c}`);
    }
    const b = await loadCsvDataset(path, opts);
    assert.deepEqual([...b.split], [...a.split], "same seed, same split");
    const c = await loadCsvDataset(path, { ...opts, seed: 43 });
    assert.notDeepEqual([...c.split], [...a.split], "another seed, another split");
  });
});

Deno.test({
  name: "loadCsvDataset reads UCI Wine (header line, 3 classes) with a 10:20 split",
  ignore: !HAVE_DATA,
  async fn() {
    const d = await loadCsvDataset(`${UCI}/wine.data`, {
      labelColumn: 0,
      split: { trainPerClass: 10, valPerClass: 20 },
      seed: 6666,
    });
    assert.equal(d.name, "wine");
    assert.deepEqual([d.numNodes, d.numFeatures, d.numClasses], [178, 13, 3]);
    assert.deepEqual(counts(d), [30, 60, 88]);
    const sizes = [0, 0, 0];
    for (const l of d.labels) sizes[l]++;
    assert.deepEqual(sizes, [59, 71, 48]);
    for (let k = 0; k < 13; k++) {
      const col = column(d, k), mean = col.reduce((a, b) => a + b) / col.length;
      const variance = col.reduce((a, b) => a + (b - mean) ** 2, 0) / col.length;
      assert.ok(Math.abs(mean) < 1e-5 && Math.abs(variance - 1) < 1e-4, `column ${k}: ${mean}, ${variance}`);
    }
    const byName = await loadCsvDataset(`${UCI}/wine.data`, {
      labelColumn: "source",
      split: { trainPerClass: 10, valPerClass: 20 },
      seed: 6666,
    });
    assert.deepEqual([...byName.split], [...d.split]);
  },
});

Deno.test({
  name: "loadCsvDataset reads UCI optdigits.tes (1797×64, 10 classes) with a 50:100 split",
  ignore: !HAVE_DATA,
  async fn() {
    const d = await loadCsvDataset(`${UCI}/optdigits.tes`, {
      labelColumn: -1,
      split: { trainPerClass: 50, valPerClass: 100 },
      seed: 7545,
    });
    assert.equal(d.name, "optdigits");
    assert.deepEqual([d.numNodes, d.numFeatures, d.numClasses], [1797, 64, 10]);
    assert.deepEqual(counts(d), [500, 1000, 297]);
    const sizes = new Array(10).fill(0);
    for (const l of d.labels) sizes[l]++;
    assert.deepEqual(sizes, [178, 182, 177, 183, 181, 182, 181, 179, 174, 180]);
    assert.ok(!d.notes.some((n) => n.includes("header line skipped")), "no header");
  },
});
