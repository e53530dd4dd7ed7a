import assert from "node:assert/strict";
import { join } from "node:path";
import { InputError, UsageError } from "../errors.ts";
import { HAVE_MATERIALS_DATA, MATERIALS_DATA } from "./_test_data.ts";
import { loadCrystalDataset } from "./load_crystal_dataset.ts";

const data = (name: string, fn: () => void | Promise<void>) =>
  Deno.test({ name, ignore: !HAVE_MATERIALS_DATA, fn });

const CASTELLI = `${MATERIALS_DATA}/perov5-castelli`;

async function withDir(fn: (dir: string) => Promise<void>): Promise<void> {
  const dir = await Deno.makeTempDir();
  try {
    await fn(dir);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

async function rejectsWith<E extends Error>(
  p: Promise<unknown>,
  type: new (...args: never[]) => E,
  check: (e: E) => boolean,
): Promise<void> {
  await assert.rejects(p, (e: unknown) => {
    if (!(e instanceof type)) return false;
    assert.ok(check(e), `unexpected error: ${e.message}`);
    return true;
  });
}

const P1_CIF = (element: string, occupancy = "1") =>
  `data_x
_cell_length_a 4
_cell_length_b 4
_cell_length_c 4
_cell_angle_alpha 90
_cell_angle_beta 90
_cell_angle_gamma 90
loop_
_atom_site_type_symbol
_atom_site_label
_atom_site_fract_x
_atom_site_fract_y
_atom_site_fract_z
_atom_site_occupancy
${element} ${element}1 0 0 0 ${occupancy}
O O1 0.5 0.5 0.5 1
`;

data("loadCrystalDataset reads the three Castelli perovskite CSVs (8596 five-atom cells)", async () => {
  const t0 = performance.now();
  const expected = { train_subset1024: 1024, val: 3787, test: 3785 };
  for (const [file, rows] of Object.entries(expected)) {
    const d = await loadCrystalDataset(`${CASTELLI}/${file}.csv`, {
      targets: ["heat_all", "dir_gap", "ind_gap"],
    });
    assert.equal(d.name, file);
    assert.equal(d.ids.length, rows);
    assert.equal(new Set(d.ids).size, rows);
    assert.deepEqual(Object.keys(d.targets), ["heat_all", "dir_gap", "ind_gap"]);
    for (const s of d.structures) assert.equal(s?.species.length, 5);
    for (const t of Object.values(d.targets)) {
      assert.equal(t.length, rows);
      assert.ok(t.every(Number.isFinite));
    }
    assert.ok(d.compositions.every((c) => [...c.values()].reduce((a, b) => a + b, 0) === 5));
  }
  const ms = performance.now() - t0;
  console.log(`  3 Castelli CSVs (8596 structures) loaded in ${ms.toFixed(0)} ms`);
  assert.ok(ms < 5000, `${ms} ms`);
});

data("loadCrystalDataset: Castelli values, default targets and the composition-only form", async () => {
  const d = await loadCrystalDataset(`${CASTELLI}/val.csv`);
  // Default targets: numeric columns other than the id (material_id) and the unnamed index column.
  assert.deepEqual(Object.keys(d.targets), ["heat_all", "heat_ref", "dir_gap", "ind_gap"]);
  assert.equal(d.ids[0], "18517");
  assert.equal(d.targets.heat_all[0], 2.76);
  assert.equal(d.targets.heat_ref[0], 2.709152583232041);
  assert.deepEqual([...d.compositions[0]], [["Cu", 1], ["Cd", 1], ["N", 3]]);
  assert.equal(d.structures[0]!.lattice[0][0], 4.27928426);
  assert.equal(d.ids.at(-1), "9424");
  assert.equal(d.targets.heat_all.at(-1), 0.84);
  // Mean heat_all of val (checked with Python's csv module): 1.4750145…
  const mean = d.targets.heat_all.reduce((a, b) => a + b, 0) / d.ids.length;
  assert.ok(Math.abs(mean - 1.4750145233694216) < 1e-9);

  const f = await loadCrystalDataset(`${CASTELLI}/val.csv`, {
    formulaColumn: "formula",
    targets: ["heat_all"],
  });
  assert.ok(f.structures.every((s) => s === null));
  assert.deepEqual([...f.compositions[0]], [["Cu", 1], ["Cd", 1], ["N", 3]]); // formula CuCdN3
  assert.deepEqual(Object.keys(f.targets), ["heat_all"]);
  const last = await loadCrystalDataset(`${CASTELLI}/train_subset1024.csv`, { formulaColumn: "formula" });
  assert.deepEqual(Object.fromEntries(last.compositions.at(-1)!), { Zr: 2, O: 2, N: 1 }); // ZrZrO2N
});

data("loadCrystalDataset: a missing column is a usage error listing the available ones", async () => {
  await rejectsWith(
    loadCrystalDataset(`${CASTELLI}/val.csv`, { targets: ["heat_all", "band_gap"] }),
    UsageError,
    (e) =>
      e.message.includes("no target column 'band_gap'") &&
      e.message.includes(
        'available columns: "" (unnamed), material_id, cif, formula, heat_all, heat_ref, dir_gap, ind_gap',
      ),
  );
  await rejectsWith(
    loadCrystalDataset(`${CASTELLI}/val.csv`, { structureColumn: "structure" }),
    UsageError,
    (e) => /no structure column 'structure'; available columns: /.test(e.message),
  );
});

data("loadCrystalDataset reads the CGCNN sample directory (10 COD CIFs, dummy targets 1..10)", async () => {
  const d = await loadCrystalDataset(`${MATERIALS_DATA}/cgcnn-sample`);
  assert.equal(d.name, "cgcnn-sample");
  assert.deepEqual(d.ids, [
    "1000041",
    "1000050",
    "1101051",
    "1507756",
    "7206075",
    "9000046",
    "9009743",
    "9011050",
    "9011998",
    "9012304",
  ]);
  assert.deepEqual([...d.targets.target], [1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
  assert.deepEqual(d.structures.map((s) => s!.species.length), [8, 2, 4, 5, 12, 8, 2, 8, 8, 8]);
  assert.deepEqual(Object.fromEntries(d.compositions[4]), { Ti: 4, O: 8 });
  const named = await loadCrystalDataset(`${MATERIALS_DATA}/cgcnn-sample`, { targets: ["dummy"] });
  assert.deepEqual(Object.keys(named.targets), ["dummy"]);
  await rejectsWith(
    loadCrystalDataset(`${MATERIALS_DATA}/cgcnn-sample`, { targets: ["a", "b"] }),
    UsageError,
    (e) => /has 1 target column\(s\) but 2 target name\(s\)/.test(e.message),
  );
});

data("loadCrystalDataset reads the ALIGNN JARVIS sample directory (50 POSCARs)", async () => {
  const d = await loadCrystalDataset(`${MATERIALS_DATA}/alignn-jarvis-sample`);
  assert.equal(d.ids.length, 50);
  assert.equal(d.ids[0], "POSCAR-JVASP-90856.vasp");
  const gap = d.targets.target;
  assert.equal(gap[d.ids.indexOf("POSCAR-JVASP-21210.vasp")], 6.149);
  assert.equal(Math.max(...gap), 6.149);
  assert.equal(gap.filter((v) => v === 0).length, 28);
  assert.deepEqual(d.structures[d.ids.indexOf("POSCAR-JVASP-1372.vasp")]!.species, ["Al", "As"]);
  assert.ok(d.structures.every((s) => s !== null && s.species.length > 0));
});

Deno.test("loadCrystalDataset: dir with a partially occupied CIF: error, or skipInvalid", async () => {
  await withDir(async (dir) => {
    await Deno.writeTextFile(join(dir, "id_prop.csv"), "good,1.5,-2\nbad,2.5,nan\nposcar,3,\n");
    await Deno.writeTextFile(join(dir, "good.cif"), P1_CIF("Fe"));
    await Deno.writeTextFile(join(dir, "bad.cif"), P1_CIF("Fe", "0.5"));
    await Deno.writeTextFile(join(dir, "POSCAR-poscar"), "x\n1\n3 0 0\n0 3 0\n0 0 3\nNi\n1\nDirect\n0 0 0\n");
    await rejectsWith(
      loadCrystalDataset(dir),
      InputError,
      (e) =>
        e.field === "_atom_site_occupancy" &&
        e.message.includes(`${join(dir, "bad.cif")}:15: site Fe1 has occupancy 0.5 (_atom_site_occupancy)`),
    );
    const warnings: string[] = [];
    const d = await loadCrystalDataset(dir, { skipInvalid: true, onWarning: (m) => warnings.push(m) });
    assert.deepEqual(d.ids, ["good", "poscar"]);
    assert.deepEqual(Object.keys(d.targets), ["target", "target_1"]);
    assert.deepEqual([...d.targets.target], [1.5, 3]);
    assert.deepEqual([...d.targets.target_1], [-2, NaN]);
    assert.deepEqual(d.structures.map((s) => s!.species), [["Fe", "O"], ["Ni"]]);
    assert.equal(warnings.length, 1);
    assert.match(warnings[0], /skipped bad: .*site Fe1 has occupancy 0\.5/);

    // A missing structure file and a bad target value name the id_prop.csv line.
    await Deno.writeTextFile(join(dir, "id_prop.csv"), "good,1,2\nnothing,1,2\n");
    await rejectsWith(
      loadCrystalDataset(dir),
      InputError,
      (e) => e.line === 2 && /id_prop\.csv:2: no structure file for id 'nothing'/.test(e.message),
    );
    await Deno.writeTextFile(join(dir, "id_prop.csv"), "good,1,x2\n");
    await rejectsWith(
      loadCrystalDataset(dir),
      InputError,
      (e) =>
        e.line === 1 && e.field === "target_1" &&
        /target_1 of good is not a number: 'x2' \(id_prop\.csv has no header/.test(e.message),
    );
  });
});

Deno.test("loadCrystalDataset: CSV errors name the file, line and field", async () => {
  await withDir(async (dir) => {
    const path = join(dir, "set.csv");
    const cell = (text: string) => `"${text.replaceAll('"', '""')}"`;
    await Deno.writeTextFile(
      path,
      `id,cif,gap\nA,${cell(P1_CIF("Fe"))},1.0\nB,${cell(P1_CIF("Fe", "0.5"))},2\nC,${
        cell(P1_CIF("Co"))
      },oops\n`,
    );
    await rejectsWith(
      loadCrystalDataset(path, { idColumn: "id", targets: ["gap"] }),
      InputError,
      (e) =>
        e.line === 19 && e.field === "cif" &&
        e.message.startsWith(
          `${path}:19: cif of B: CIF:15: site Fe1 has occupancy 0.5 (_atom_site_occupancy)`,
        ),
    );
    const warnings: string[] = [];
    const d = await loadCrystalDataset(path, {
      idColumn: "id",
      targets: ["gap"],
      skipInvalid: true,
      onWarning: (m) => warnings.push(m),
    });
    assert.deepEqual(d.ids, ["A"]);
    assert.equal(warnings.length, 2);
    assert.match(warnings[1], new RegExp(`skipped C: .*set\\.csv:36: gap of C is not a number: 'oops'`));

    await Deno.writeTextFile(path, "id,formula,y\n1,Fe2O3,na\n1,NaCl,2\n");
    await rejectsWith(
      loadCrystalDataset(path, { idColumn: "id" }),
      InputError,
      (e) => e.line === 3 && /set\.csv:3: id '1' repeats \(first at .*set\.csv:2\)/.test(e.message),
    );
    await Deno.writeTextFile(path, "formula,y\nFe2O3,na\nNaCl,2\nNaXx,3\n");
    await rejectsWith(
      loadCrystalDataset(path, { targets: ["y"] }),
      InputError,
      (e) =>
        e.line === 4 && e.field === "formula" &&
        /set\.csv:4: formula of 3: formula 'NaXx': unknown element 'Xx'/.test(e.message),
    );
    await Deno.writeTextFile(path, "formula,y\nFe2O3,na\nNaCl,2\n");
    const f = await loadCrystalDataset(path, { targets: ["y"] });
    assert.deepEqual(f.ids, ["1", "2"]); // no id column: 1-based row numbers
    assert.deepEqual([...f.targets.y], [NaN, 2]);
    assert.deepEqual(f.structures, [null, null]);
    assert.deepEqual(Object.fromEntries(f.compositions[0]), { Fe: 2, O: 3 });
    await Deno.writeTextFile(path, "name,y\nx,1\n");
    await rejectsWith(
      loadCrystalDataset(path),
      UsageError,
      (e) =>
        /no structure column \(cif, structure, poscar\) or formula column .* available columns: name, y/.test(
          e.message,
        ),
    );
    await Deno.writeTextFile(path, "formula,y\nFe,1,2\n");
    await rejectsWith(
      loadCrystalDataset(path),
      InputError,
      (e) => e.line === 2 && /3 fields, expected 2/.test(e.message),
    );
  });
});

data("loadCrystalDataset reads JSON lines built from the MEGNet bulk moduli (pymatgen dicts)", async () => {
  const json = JSON.parse(
    await Deno.readTextFile(`${MATERIALS_DATA}/megnet-bulk-moduli-sample/bulk_moduli.json`),
  );
  await withDir(async (dir) => {
    const path = join(dir, "bulk.jsonl");
    const lines = json.structures.map((structure: unknown, i: number) =>
      JSON.stringify({ id: `m${i}`, structure, K_VRH: json.bulk_moduli[i], note: "x" })
    );
    await Deno.writeTextFile(path, lines.join("\n") + "\n");
    const d = await loadCrystalDataset(path);
    assert.equal(d.name, "bulk");
    assert.equal(d.ids.length, 100);
    assert.deepEqual(Object.keys(d.targets), ["K_VRH"]);
    assert.equal(d.targets.K_VRH[0], 37);
    assert.equal(d.targets.K_VRH[99], 152);
    assert.equal(d.targets.K_VRH.reduce((a, b) => a + b, 0), 11563);
    assert.deepEqual(Object.fromEntries(d.compositions[0]), { Co: 4, Se: 8 });
    assert.deepEqual(Object.fromEntries(d.compositions[99]), { Ir: 4, As: 8 });
    assert.equal(d.structures.reduce((n, s) => n + s!.species.length, 0), 987);

    // Mixed forms: CIF and POSCAR text, a formula, a missing target.
    const mixed = [
      { id: 1, cif: P1_CIF("Ti"), y: 1.5 },
      { id: "p", poscar: "x\n1\n3 0 0\n0 3 0\n0 0 3\nNi\n1\nDirect\n0 0 0\n", y: null },
      { id: "f", formula: "Ca(OH)2" },
      { id: "s", structure: P1_CIF("Zr"), y: "2.5" },
    ];
    await Deno.writeTextFile(path, mixed.map((o) => JSON.stringify(o)).join("\n"));
    const m = await loadCrystalDataset(path, { targets: ["y"] });
    assert.deepEqual(m.ids, ["1", "p", "f", "s"]);
    assert.deepEqual([...m.targets.y], [1.5, NaN, NaN, 2.5]);
    assert.deepEqual(m.structures.map((s) => s?.species ?? null), [["Ti", "O"], ["Ni"], null, ["Zr", "O"]]);
    assert.deepEqual(Object.fromEntries(m.compositions[2]), { Ca: 1, O: 2, H: 2 });
    await rejectsWith(
      loadCrystalDataset(path, { targets: ["y", "y"] }),
      UsageError,
      (e) => /'y' is named twice/.test(e.message),
    );
    await rejectsWith(
      loadCrystalDataset(path, { targets: ["gap"] }),
      UsageError,
      (e) =>
        /no entry has the target field 'gap'; available fields: id, cif, y, poscar, formula, structure/.test(
          e.message,
        ),
    );

    await Deno.writeTextFile(path, lines[0] + "\n{not json\n");
    await rejectsWith(
      loadCrystalDataset(path),
      InputError,
      (e) => e.line === 2 && /bulk\.jsonl:2: not valid JSON/.test(e.message),
    );
    const broken = JSON.parse(lines[0]);
    broken.structure.sites[2].species[0].occu = 0.75;
    await Deno.writeTextFile(path, lines[1] + "\n" + JSON.stringify(broken) + "\n");
    await rejectsWith(
      loadCrystalDataset(path),
      InputError,
      (e) =>
        e.line === 2 &&
        /bulk\.jsonl:2: structure of m0: structure: sites\[2\]\.species: occupancy 0\.75/.test(e.message),
    );
  });
});

Deno.test("loadCrystalDataset: a missing path or id_prop.csv is a usage error", async () => {
  await rejectsWith(
    loadCrystalDataset("/nonexistent/x.csv"),
    UsageError,
    (e) => /no such file or directory/.test(e.message),
  );
  await withDir(async (dir) => {
    await rejectsWith(loadCrystalDataset(dir), UsageError, (e) => /no id_prop\.csv/.test(e.message));
    await rejectsWith(
      loadCrystalDataset(dir, { structureColumn: "cif" }),
      UsageError,
      (e) => /structureColumn does not apply to a directory/.test(e.message),
    );
  });
});
