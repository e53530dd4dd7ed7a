import assert from "node:assert/strict";
import { haveMaterials, MATERIALS_DATA } from "./_test_data.ts";
import { InputError, UsageError } from "../errors.ts";
import { atomFeaturesFromTables, loadAtomInit } from "./atom_features.ts";
import { loadElementTables } from "./element_tables.ts";

const ATOM_INIT = `${MATERIALS_DATA}/cgcnn-sample/atom_init.json`;
const HAVE = haveMaterials("atom feature", "cgcnn-sample/atom_init.json", "magpie");
const data = (name: string, fn: () => Promise<void>) => Deno.test({ name, ignore: !HAVE, fn });

const ones = (v: Float32Array) => Array.from(v.keys()).filter((i) => v[i] !== 0);
/** The one-hot positions of `v` inside [from, to). */
const hotIn = (v: Float32Array, from: number, to: number) => ones(v).filter((i) => i >= from && i < to);

/** The nine blocks of the CGCNN layout as [from, to). */
const BLOCKS = [[0, 19], [19, 26], [26, 36], [36, 46], [46, 58], [58, 68], [68, 78], [78, 82], [82, 92]];

data("loadAtomInit: 100 elements x 92, H at the README's offsets", async () => {
  const a = await loadAtomInit(ATOM_INIT);
  assert.equal(a.dim, 92);
  let count = 0;
  for (let z = 1; z <= 100; z++) {
    const v = a.vector(z);
    assert.equal(v.length, 92);
    assert.ok(v.every((x) => x === 0 || x === 1));
    count++;
  }
  assert.equal(count, 100);
  const h = a.vector("H");
  assert.equal(h, a.vector(1));
  // group 1 -> index 1; period 1 -> 19 + 0; valence 1 -> 46 + 0; block s -> 78
  assert.deepEqual(ones(h), [1, 19, 30, 36, 46, 64, 73, 78, 86]);
  // Fe: group 8, period 4, valence 8, block d
  assert.deepEqual(hotIn(a.vector("Fe"), 0, 26), [8, 22]);
  assert.deepEqual(hotIn(a.vector("Fe"), 46, 58), [53]);
  assert.deepEqual(hotIn(a.vector("Fe"), 78, 82), [80]);
  // La: lanthanide -> group index 0, block f
  assert.deepEqual(hotIn(a.vector("La"), 0, 19), [0]);
  assert.deepEqual(hotIn(a.vector("La"), 78, 82), [81]);
  assert.throws(() => a.vector(101), (e) => e instanceof InputError && /Md \(Z = 101\)/.test(e.message));
  assert.throws(() => a.vector("Xx"), InputError);
  assert.throws(() => a.vector(0), InputError);
});

Deno.test("loadAtomInit: malformed files", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const write = async (text: string) => {
      await Deno.writeTextFile(`${dir}/a.json`, text);
      return `${dir}/a.json`;
    };
    await assert.rejects(async () => loadAtomInit(await write("{")), InputError);
    await assert.rejects(async () => loadAtomInit(await write("[]")), InputError);
    await assert.rejects(async () => loadAtomInit(await write(`{"1": [0, 1], "2": [1]}`)), /has 1 values/);
    await assert.rejects(async () => loadAtomInit(await write(`{"H": [0, 1]}`)), InputError);
    await assert.rejects(async () => loadAtomInit(await write(`{"1": [0, "x"]}`)), InputError);
    await assert.rejects(() => loadAtomInit(`${dir}/none.json`), UsageError);
    const ok = await loadAtomInit(await write(`{"1": [0, 1, 0.5], "8": [1, 0, 0]}`));
    assert.equal(ok.dim, 3);
    assert.deepEqual(Array.from(ok.vector("O")), [1, 0, 0]);
    assert.deepEqual(Array.from(ok.vector("H")), [0, 1, 0.5]);
    assert.throws(() => ok.vector("He"), /no atom feature vector for He/);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

data("atomFeaturesFromTables: C, O, Fe one-hot blocks in the right places", async () => {
  const f = atomFeaturesFromTables(await loadElementTables(`${MATERIALS_DATA}/magpie`));
  assert.equal(f.dim, 92);
  for (const el of ["C", "O", "Fe"]) {
    const v = f.vector(el);
    for (const [a, b] of BLOCKS) assert.equal(hotIn(v, a, b).length, 1, `${el} block [${a}, ${b})`);
    assert.equal(ones(v).length, 9);
  }
  // group, period, valence, block
  const fixed = (
    el: string,
  ) => [hotIn(f.vector(el), 0, 26), hotIn(f.vector(el), 46, 58), hotIn(f.vector(el), 78, 82)];
  assert.deepEqual(fixed("C"), [[14, 20], [46 + 3], [79]]);
  assert.deepEqual(fixed("O"), [[16, 20], [46 + 5], [79]]);
  assert.deepEqual(fixed("Fe"), [[8, 22], [46 + 7], [80]]);
  assert.deepEqual(fixed("Ga"), [[13, 22], [46 + 2], [79]], "p-block valence is s + p, not NValence 13");
  assert.deepEqual(fixed("Ce"), [[0, 24], [46 + 1], [81]]);
  assert.deepEqual(fixed("Lu"), [[3, 24], [46 + 2], [80]], "Lu is flagged d and f by Magpie: d, as CGCNN");
  // electronegativity bins: 10 equal bins over [0.7 (Cs, Fr), 3.98 (F)] for Z 1..100
  // C 2.55 -> floor(10 * 1.85 / 3.28) = 5; O 3.44 -> 8; Fe 1.83 -> 3; F -> 9 (the maximum)
  assert.deepEqual(hotIn(f.vector("C"), 26, 36), [26 + 5]);
  assert.deepEqual(hotIn(f.vector("O"), 26, 36), [26 + 8]);
  assert.deepEqual(hotIn(f.vector("Fe"), 26, 36), [26 + 3]);
  assert.deepEqual(hotIn(f.vector("F"), 26, 36), [26 + 9]);
  assert.deepEqual(hotIn(f.vector("Cs"), 26, 36), [26]);
  // He has no electronegativity in Magpie: that block stays all zero
  assert.deepEqual(hotIn(f.vector("He"), 26, 36), []);
  assert.deepEqual(hotIn(f.vector("He"), 0, 26), [18, 19]);
});

data("atomFeaturesFromTables agrees with atom_init.json on group, period and block (Z 1..100)", async () => {
  const f = atomFeaturesFromTables(await loadElementTables(`${MATERIALS_DATA}/magpie`));
  const a = await loadAtomInit(ATOM_INIT);
  const valenceDiffers: number[] = [];
  for (let z = 1; z <= 100; z++) {
    const mine = f.vector(z), theirs = a.vector(z);
    for (const [from, to] of [[0, 19], [19, 26], [78, 82]]) {
      assert.deepEqual(hotIn(mine, from, to), hotIn(theirs, from, to), `Z=${z} block [${from}, ${to})`);
    }
    if (hotIn(mine, 46, 58).join() !== hotIn(theirs, 46, 58).join()) valenceDiffers.push(z);
  }
  // atom_init.json gives Pd (4d10 5s0) 12 valence electrons; here s + d = 10
  assert.deepEqual(valenceDiffers, [46]);
  // The binned blocks (electronegativity, covalent radius, ionisation energy, electron affinity,
  // volume) are NOT expected to agree: atom_init.json used other data sources and bin edges.
});
