import assert from "node:assert/strict";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { InputError } from "../../errors.ts";
import type { GraphDataset } from "./graph_dataset.ts";
import { PickleWriter } from "./_pickle_writer.ts";
import { loadPlanetoid } from "./load_planetoid.ts";

const PLANETOID = fileURLToPath(new URL("../../../../shared/data/gsl/planetoid", import.meta.url));
const HAVE_DATA = (() => {
  try {
    return Deno.statSync(join(PLANETOID, "ind.cora.graph")).isFile;
  } catch {
    return false;
  }
})();
if (!HAVE_DATA) console.warn(`skipping the Cora/CiteSeer/PubMed tests: ${PLANETOID} is absent`);

const w = () => new PickleWriter().proto();

/**
 * A tiny CiteSeer-like dataset: 4 base nodes (0..3), test ids 6 and 4 (in that order; 5 is missing),
 * 3 features, 2 classes, train = nodes 0 and 1; node 2 has an all-zero one-hot label.
 */
async function writeTiny(dir: string, name: string, { allx = true } = {}): Promise<void> {
  const files: Record<string, Uint8Array> = {
    x: w().csr(2, 3, [1, 1, 2], [0, 2, 1], [0, 2, 3]).done(),
    y: w().matrix([[1, 0], [0, 1]]).done(),
    allx: w().csr(4, 3, [1, 1, 2, 1, 1, 1], [0, 2, 1, 0, 1, 2], [0, 2, 3, 3, 6]).done(),
    ally: w().matrix([[1, 0], [0, 1], [0, 0], [0, 1]]).done(),
    tx: w().csr(2, 3, [5, 3, 1], [2, 0, 2], [0, 1, 3]).done(),
    ty: w().matrix([[1, 0], [0, 1]]).done(),
    graph: w().adjacency([[1, 1, 0], [0, 2], [1], [], [6], [], [4, 6]]).done(),
    "test.index": new TextEncoder().encode("6\n4\n"),
  };
  if (!allx) delete files.allx;
  for (const [suffix, bytes] of Object.entries(files)) {
    await Deno.writeFile(join(dir, `ind.${name}.${suffix}`), bytes);
  }
}

function row(d: GraphDataset, i: number): number[] {
  return [...d.features.subarray(i * d.numFeatures, (i + 1) * d.numFeatures)];
}

function countSplit(d: GraphDataset, s: number): number {
  return d.split.reduce((n, v) => n + (v === s ? 1 : 0), 0);
}

Deno.test("loadPlanetoid assembles the Kipf layout: test reorder, padding, edges, splits", async () => {
  const dir = await Deno.makeTempDir();
  try {
    await writeTiny(dir, "citeseer");
    const d = await loadPlanetoid(dir, "citeseer", { rowNormalize: false });
    assert.equal(d.numNodes, 7);
    assert.equal(d.numFeatures, 3);
    assert.equal(d.numClasses, 2);
    assert.deepEqual(row(d, 0), [1, 0, 1]);
    assert.deepEqual(row(d, 3), [1, 1, 1]);
    assert.deepEqual(row(d, 6), [0, 0, 5], "tx row 0 belongs to test.index line 1 (node 6)");
    assert.deepEqual(row(d, 4), [3, 0, 1]);
    assert.deepEqual(row(d, 5), [0, 0, 0], "node 5 is padded");
    assert.deepEqual([...d.labels], [0, 1, -1, 1, 1, -1, 0]);
    assert.deepEqual([...d.split], [1, 1, 2, 2, 3, 0, 3]);
    assert.deepEqual([...d.edges!], [0, 1, 1, 2, 4, 6]);
    assert.ok(d.notes.some((n) => n.includes("1 isolated test ids")), d.notes.join("\n"));
    assert.ok(d.notes.some((n) => n.includes("2 self-loops")), d.notes.join("\n"));
    assert.ok(d.notes.some((n) => n.includes("1 nodes have an all-zero one-hot label")), d.notes.join("\n"));

    const norm = await loadPlanetoid(dir, "citeseer");
    assert.deepEqual(row(norm, 0), [0.5, 0, 0.5]);
    assert.deepEqual(row(norm, 4), [0.75, 0, 0.25]);
    assert.deepEqual(row(norm, 5), [0, 0, 0], "zero rows stay zero");
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("loadPlanetoid falls back to x when pubmed's allx is absent, and says so", async () => {
  const dir = await Deno.makeTempDir();
  try {
    await writeTiny(dir, "pubmed", { allx: false });
    const d = await loadPlanetoid(dir, "pubmed", { rowNormalize: false });
    assert.equal(d.numNodes, 7);
    assert.deepEqual(row(d, 1), [0, 2, 0]);
    assert.deepEqual(row(d, 3), [0, 0, 0]);
    assert.equal(d.labels[3], 1, "labels still come from ally");
    assert.ok(
      d.notes.some((n) => n.includes("features missing for 2 nodes (allx absent)")),
      d.notes.join("\n"),
    );
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("loadPlanetoid: a missing file is an InputError naming it", async () => {
  const dir = await Deno.makeTempDir();
  try {
    await writeTiny(dir, "cora", { allx: false });
    await assert.rejects(() => loadPlanetoid(dir, "cora"), (e: unknown) => {
      assert.ok(e instanceof InputError);
      assert.match(e.message, /ind\.cora\.allx/);
      return true;
    });
    await writeTiny(dir, "cora");
    await Deno.remove(join(dir, "ind.cora.graph"));
    await assert.rejects(() => loadPlanetoid(dir, "cora"), (e: unknown) => {
      assert.ok(e instanceof InputError);
      assert.match(e.message, /ind\.cora\.graph/);
      return true;
    });
    await writeTiny(dir, "cora");
    await Deno.writeTextFile(join(dir, "ind.cora.test.index"), "6\nfour\n");
    await assert.rejects(() => loadPlanetoid(dir, "cora"), (e: unknown) => {
      assert.ok(e instanceof InputError);
      assert.equal(e.line, 2);
      return true;
    });
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

function checkEdges(d: GraphDataset): void {
  const e = d.edges!;
  for (let k = 0; k < e.length; k += 2) {
    assert.ok(e[k] < e[k + 1] && e[k + 1] < d.numNodes, `edge ${k / 2} is (src<dst) in range`);
    if (k > 0) {
      assert.ok(e[k - 2] < e[k] || (e[k - 2] === e[k] && e[k - 1] < e[k + 1]), "sorted, no duplicates");
    }
  }
}

/** Fraction of labelled edges whose ends share a class; catches a wrong test-row reorder. */
function homophily(d: GraphDataset): number {
  const e = d.edges!;
  let same = 0, all = 0;
  for (let k = 0; k < e.length; k += 2) {
    const a = d.labels[e[k]], b = d.labels[e[k + 1]];
    if (a < 0 || b < 0) continue;
    all++;
    if (a === b) same++;
  }
  return same / all;
}

function trainPerClass(d: GraphDataset): number[] {
  const counts = new Array(d.numClasses).fill(0);
  d.labels.forEach((l, i) => d.split[i] === 1 && counts[l]++);
  return counts;
}

Deno.test({
  name: "loadPlanetoid cora matches the published statistics",
  ignore: !HAVE_DATA,
  async fn() {
    const t = performance.now();
    const d = await loadPlanetoid(PLANETOID, "cora", { rowNormalize: false });
    console.log(`cora loaded in ${(performance.now() - t).toFixed(0)} ms`);
    assert.equal(d.name, "cora");
    assert.deepEqual([d.numNodes, d.numFeatures, d.numClasses, d.edges!.length / 2], [2708, 1433, 7, 5278]);
    assert.deepEqual([countSplit(d, 1), countSplit(d, 2), countSplit(d, 3)], [140, 500, 1000]);
    assert.deepEqual(trainPerClass(d), [20, 20, 20, 20, 20, 20, 20]);
    assert.equal(d.features.reduce((n, v) => n + (v !== 0 ? 1 : 0), 0), 49216, "nnz of allx + tx");
    assert.ok(d.features.every((v) => v === 0 || v === 1), "binary features");
    const classSizes = new Array(7).fill(0);
    for (const l of d.labels) classSizes[l]++;
    assert.deepEqual(
      classSizes.sort((a, b) => a - b),
      [180, 217, 298, 351, 418, 426, 818],
      "LINQS class sizes",
    );
    const h = homophily(d);
    assert.ok(h > 0.8 && h < 0.82, `edge homophily ${h} ≈ 0.81`);
    checkEdges(d);

    const n = await loadPlanetoid(PLANETOID, "cora");
    for (let i = 0; i < n.numNodes; i++) {
      const s = row(n, i).reduce((a, b) => a + b, 0);
      assert.ok(Math.abs(s - 1) < 1e-5 || s === 0, `row ${i} sums to ${s}`);
    }
  },
});

Deno.test({
  name: "loadPlanetoid citeseer pads the 15 isolated test ids",
  ignore: !HAVE_DATA,
  async fn() {
    const d = await loadPlanetoid(PLANETOID, "citeseer", { rowNormalize: false });
    assert.deepEqual([d.numNodes, d.numFeatures, d.numClasses, d.edges!.length / 2], [3327, 3703, 6, 4552]);
    assert.deepEqual([countSplit(d, 1), countSplit(d, 2), countSplit(d, 3)], [120, 500, 1000]);
    assert.deepEqual(trainPerClass(d), [20, 20, 20, 20, 20, 20]);
    const padded = [...d.labels.keys()].filter((i) => d.labels[i] === -1);
    assert.equal(padded.length, 15);
    for (const i of padded) {
      assert.ok(i >= 2312 && d.split[i] === 0 && row(d, i).every((v) => v === 0), `node ${i} padded`);
    }
    assert.equal(d.features.reduce((n, v) => n + (v !== 0 ? 1 : 0), 0), 105165, "nnz of allx + tx");
    const classSizes = new Array(6).fill(0);
    for (const l of d.labels) if (l >= 0) classSizes[l]++;
    assert.deepEqual(classSizes.sort((a, b) => a - b), [249, 508, 590, 596, 668, 701], "LINQS class sizes");
    assert.ok(d.notes.some((n) => n.startsWith("citeseer: 15 isolated test ids")), d.notes.join("\n"));
    assert.ok(d.notes.some((n) => n.includes("124 self-loops")), d.notes.join("\n"));
    const h = homophily(d);
    assert.ok(h > 0.72 && h < 0.76, `edge homophily ${h} ≈ 0.74`);
    checkEdges(d);
  },
});

Deno.test({
  name: "loadPlanetoid pubmed: graph and labels complete, features only for x and tx",
  ignore: !HAVE_DATA,
  async fn() {
    const d = await loadPlanetoid(PLANETOID, "pubmed");
    assert.deepEqual([d.numNodes, d.numFeatures, d.numClasses, d.edges!.length / 2], [19717, 500, 3, 44324]);
    assert.deepEqual([countSplit(d, 1), countSplit(d, 2), countSplit(d, 3)], [60, 500, 1000]);
    assert.deepEqual(trainPerClass(d), [20, 20, 20]);
    assert.ok(d.labels.every((l) => l >= 0 && l < 3), "every node labelled");
    assert.ok(d.notes.includes("pubmed: features missing for 18657 nodes (allx absent); zero rows used"));
    assert.ok(
      row(d, 59).some((v) => v > 0) && row(d, 60).every((v) => v === 0) &&
        row(d, 18716).every((v) => v === 0),
    );
    for (let i = 0; i < d.numNodes; i++) {
      if (d.split[i] !== 3) continue;
      const s = row(d, i).reduce((a, b) => a + b, 0);
      assert.ok(Math.abs(s - 1) < 1e-5, `test row ${i} sums to ${s}`);
    }
    const h = homophily(d);
    assert.ok(h > 0.79 && h < 0.81, `edge homophily ${h} ≈ 0.80`);
    checkEdges(d);
  },
});
