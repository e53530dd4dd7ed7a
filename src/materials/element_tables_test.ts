import assert from "node:assert/strict";
import { haveMaterials, MATERIALS_DATA } from "./_test_data.ts";
import { InputError, UsageError } from "../errors.ts";
import { loadElementTables } from "./element_tables.ts";

const MAGPIE = `${MATERIALS_DATA}/magpie`;
const HAVE = haveMaterials("Magpie table", "magpie/magpie_elementdata");
const data = (name: string, fn: () => Promise<void>) => Deno.test({ name, ignore: !HAVE, fn });

/** Runs `fn` with KEIRO_ELEMENTS set to `value` (or unset), restoring it afterwards. */
async function withEnv(value: string | undefined, fn: () => Promise<void>) {
  const old = Deno.env.get("KEIRO_ELEMENTS");
  if (value === undefined) Deno.env.delete("KEIRO_ELEMENTS");
  else Deno.env.set("KEIRO_ELEMENTS", value);
  try {
    await fn();
  } finally {
    if (old === undefined) Deno.env.delete("KEIRO_ELEMENTS");
    else Deno.env.set("KEIRO_ELEMENTS", old);
  }
}

Deno.test("loadElementTables parses CRLF, blanks, Missing, empty lines, short files and lists", async () => {
  const dir = await Deno.makeTempDir();
  try {
    await Deno.writeTextFile(`${dir}/A.table`, " 1.5 \r\nMissing\r\n\r\n-2e3\r\n");
    await Deno.writeTextFile(`${dir}/OxidationStates.table`, "-1 1\n\n1\n");
    await Deno.writeTextFile(`${dir}/B.table`, "7\t8\n9\n");
    await Deno.writeTextFile(`${dir}/notes.txt`, "not a table\n");
    const t = await loadElementTables(dir);
    assert.deepEqual(t.names, ["A", "B", "OxidationStates"]);
    const a = t.property("A");
    assert.equal(a.length, 118);
    assert.equal(a[0], 1.5);
    assert.ok(Number.isNaN(a[1]) && Number.isNaN(a[2]));
    assert.equal(a[3], -2000);
    assert.ok(a.subarray(4).every(Number.isNaN), "elements past the end are NaN");
    const ox = t.list("OxidationStates");
    assert.equal(ox.length, 118);
    assert.deepEqual(ox.slice(0, 4), [[-1, 1], [], [1], []]);
    assert.deepEqual(t.list("B").slice(0, 3), [[7, 8], [9], []], "a line with two values makes a list table");
    assert.deepEqual(t.list("A").slice(0, 4), [[1.5], [], [], [-2000]]);
    assert.throws(
      () => t.property("OxidationStates"),
      (e) => e instanceof UsageError && /list/.test(e.message),
    );
    assert.throws(() => t.property("Nope"), (e) => e instanceof UsageError && /Nope\.table/.test(e.message));
    assert.throws(() => t.list("Nope"), UsageError);
    assert.ok(t.has("A") && t.has("OxidationStates") && !t.has("notes"));
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("loadElementTables: an infinite value is an InputError naming the file, line and table", async () => {
  const dir = await Deno.makeTempDir();
  try {
    for (const [text, line] of [["1\n1e999\n", 2], ["1 2\n3 -Infinity\n", 2]] as const) {
      await Deno.writeTextFile(`${dir}/A.table`, text);
      await assert.rejects(
        () => loadElementTables(dir),
        (e) =>
          e instanceof InputError && e.line === line && e.field === "A" &&
          e.message.startsWith(`${dir}/A.table:${line}: '`) && e.message.endsWith("' is not a finite number"),
      );
    }
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("loadElementTables without a folder or KEIRO_ELEMENTS is a usage error saying how", async () => {
  await withEnv(undefined, async () => {
    await assert.rejects(
      () => loadElementTables(),
      (e) =>
        e instanceof UsageError && /--elements <dir>/.test(e.message) && /KEIRO_ELEMENTS/.test(e.message),
    );
  });
  await assert.rejects(
    () => loadElementTables("/no/such/dir"),
    (e) => e instanceof UsageError && /no such/.test(e.message),
  );
  const empty = await Deno.makeTempDir();
  try {
    await assert.rejects(
      () => loadElementTables(empty),
      (e) => e instanceof UsageError && /no Magpie/.test(e.message),
    );
  } finally {
    await Deno.remove(empty);
  }
});

data("Magpie tables: the data folder or its parent, or KEIRO_ELEMENTS; values as in the files", async () => {
  const t0 = performance.now();
  const t = await loadElementTables(MAGPIE);
  const ms = performance.now() - t0;
  assert.ok(ms < 2000, `loading took ${ms.toFixed(0)} ms`);
  assert.equal(t.names.length, 65);
  assert.equal(t.dir, `${MAGPIE}/magpie_elementdata`);
  const direct = await loadElementTables(`${MAGPIE}/magpie_elementdata/`);
  assert.deepEqual(direct.property("Number"), t.property("Number"));
  await withEnv(MAGPIE, async () => {
    assert.deepEqual((await loadElementTables()).property("AtomicWeight"), t.property("AtomicWeight"));
  });

  const num = t.property("Number");
  assert.equal(num.length, 118);
  for (let z = 1; z <= 112; z++) assert.equal(num[z - 1], z);
  assert.ok(num.subarray(112).every(Number.isNaN), "Number.table has 112 lines");
  // CRLF files with blanks around values: Fe = Z 26
  assert.equal(t.property("AtomicWeight")[25], 55.845);
  assert.equal(t.property("GSmagmom")[25], 2.1106628);
  assert.equal(t.property("Electronegativity")[7], 3.44); // O
  // Missing entries
  const en = t.property("Electronegativity");
  for (const z of [2, 10, 18, 86, 103, 112]) assert.ok(Number.isNaN(en[z - 1]), `Electronegativity Z=${z}`);
  const sg = t.property("SpaceGroupNumber"); // 118 lines
  assert.equal(sg[25], 229);
  assert.equal(sg[7], 12);
  assert.ok(Number.isNaN(sg[84]) && Number.isNaN(sg[117]));
  // list tables
  const ox = t.list("OxidationStates");
  assert.deepEqual(ox[0], [-1, 1]);
  assert.deepEqual(ox[1], [], "He has no oxidation states");
  const ie = t.list("IonizationEnergies");
  assert.deepEqual(ie[0], [13.598443]);
  assert.deepEqual(ie[1], [24.587387, 54.41776]);
  assert.equal(ie[25].length, 8);
  assert.deepEqual(ie[110], [], "IonizationEnergies.table has 104 lines");
});
