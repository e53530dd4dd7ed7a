import assert from "node:assert/strict";
import { InputError } from "../errors.ts";
import { HAVE_MATERIALS_DATA, MATERIALS_DATA } from "./_test_data.ts";
import { readPoscar } from "./read_poscar.ts";

const data = (name: string, fn: () => void | Promise<void>) =>
  Deno.test({ name, ignore: !HAVE_MATERIALS_DATA, fn });

function close(actual: number, expected: number, tol = 1e-9): void {
  assert.ok(Math.abs(actual - expected) <= tol, `${actual} != ${expected}`);
}

const det = (m: number[][]) =>
  m[0][0] * (m[1][1] * m[2][2] - m[1][2] * m[2][1]) - m[0][1] * (m[1][0] * m[2][2] - m[1][2] * m[2][0]) +
  m[0][2] * (m[1][0] * m[2][1] - m[1][1] * m[2][0]);

function throwsInput(fn: () => unknown, check: (e: InputError) => boolean): void {
  assert.throws(fn, (e: unknown) => {
    if (!(e instanceof InputError)) return false;
    assert.ok(check(e), `unexpected error: line ${e.line}, field ${e.field}: ${e.message}`);
    return true;
  });
}

const VASP5 = `Fe2O3-ish
2.0
1.0 0.0 0.0
0.0 2.0 0.0
0.0 0.0 3.0
Fe_pv O/a1b2c3
1 2
Direct
0.0 0.0 0.0
0.5 0.5 0.5
-0.25 0.75 1.0 O
`;

Deno.test("readPoscar reads VASP 5 with a scale factor and POTCAR-style species names", () => {
  const s = readPoscar(VASP5, "a.vasp");
  assert.deepEqual(s.lattice, [[2, 0, 0], [0, 4, 0], [0, 0, 6]]);
  assert.deepEqual(s.species, ["Fe", "O", "O"]);
  assert.deepEqual(s.frac, [[0, 0, 0], [0.5, 0.5, 0.5], [-0.25, 0.75, 1]]);
});

Deno.test("readPoscar: a negative scale is the cell volume; Cartesian coordinates are scaled too", () => {
  const text = `cart
-48
1 0 0
0 2 0
1 0 3
Si
2
Selective dynamics
Cartesian
0 0 0 T T F
2 2 3 F F F
`;
  const s = readPoscar(text, "c.vasp");
  close(det(s.lattice), 48); // 6 × 2³
  assert.deepEqual(s.lattice, [[2, 0, 0], [0, 4, 0], [2, 0, 6]]);
  // r = 2 × (2, 2, 3) = (4, 4, 6) Å = a + b + c: fractional (1, 1, 1).
  assert.deepEqual(s.species, ["Si", "Si"]);
  assert.deepEqual(s.frac[0], [0, 0, 0]);
  s.frac[1].forEach((v) => close(v, 1, 1e-12));
});

Deno.test("readPoscar: VASP 4 needs the species as an option", () => {
  const vasp4 = VASP5.replace("Fe_pv O/a1b2c3\n", "");
  throwsInput(
    () => readPoscar(vasp4, "v4.vasp"),
    (e) => e.line === 6 && e.field === "species" && /v4\.vasp:6: species: a VASP 4 POSCAR/.test(e.message),
  );
  const s = readPoscar(vasp4, "v4.vasp", { species: ["Fe", "O"] });
  assert.deepEqual(s.species, ["Fe", "O", "O"]);
  assert.deepEqual(s.frac[2], [-0.25, 0.75, 1]);
  throwsInput(
    () => readPoscar(vasp4, "v4.vasp", { species: ["Fe"] }),
    (e) => e.line === 6 && e.field === "counts" && /2 counts for 1 species/.test(e.message),
  );
});

Deno.test("readPoscar: three scale factors scale x, y and z", () => {
  const s = readPoscar(VASP5.replace("\n2.0\n", "\n1 2 3\n"), "xyz.vasp");
  assert.deepEqual(s.lattice, [[1, 0, 0], [0, 4, 0], [0, 0, 9]]);
});

Deno.test("readPoscar errors name the line and the part of the file", () => {
  throwsInput(
    () => readPoscar(VASP5.replace("0.0 2.0 0.0", "0.0 two 0.0"), "b.vasp"),
    (e) => e.line === 4 && e.field === "lattice" && e.message === "b.vasp:4: lattice: 'two' is not a number",
  );
  throwsInput(
    () => readPoscar(VASP5.replace("Fe_pv", "Xq"), "b.vasp"),
    (e) => e.line === 6 && e.field === "species" && /'Xq' is not an element/.test(e.message),
  );
  throwsInput(
    () => readPoscar(VASP5.replace("-0.25 0.75 1.0 O\n", ""), "b.vasp"),
    (e) => e.line === 11 && e.field === "coordinates" && /got an empty line/.test(e.message),
  );
  throwsInput(
    () => readPoscar(VASP5.replace("Direct\n", ""), "b.vasp"),
    (e) =>
      e.line === 8 && e.field === "coordinates" &&
      /expected 'Direct' or 'Cartesian', got '0.0 0.0 0.0'/.test(e.message),
  );
  throwsInput(
    () => readPoscar(VASP5.replace("\n2.0\n", "\n0\n"), "b.vasp"),
    (e) => e.line === 2 && e.field === "scale",
  );
  throwsInput(
    () => readPoscar(VASP5.replace("0.0 0.0 3.0", "1.0 2.0 0.0"), "b.vasp"),
    (e) => e.field === "lattice" && /coplanar/.test(e.message),
  );
});

data("readPoscar reads the 50 JARVIS POSCARs of the ALIGNN sample", async () => {
  const dir = `${MATERIALS_DATA}/alignn-jarvis-sample`;
  const ids = (await Deno.readTextFile(`${dir}/id_prop.csv`)).trim().split("\n").map((l) => l.split(",")[0]);
  assert.equal(ids.length, 50);
  let atoms = 0;
  for (const id of ids) {
    const text = await Deno.readTextFile(`${dir}/${id}`);
    const s = readPoscar(text, id);
    const lines = text.split("\n");
    const total = lines[6].trim().split(/\s+/).reduce((n, c) => n + Number(c), 0);
    assert.equal(s.species.length, total, id);
    assert.deepEqual([...new Set(s.species)], lines[5].trim().split(/\s+/), id);
    assert.ok(Math.abs(det(s.lattice)) > 1, id);
    atoms += total;
  }
  assert.ok(atoms >= 50);
  // JVASP-1372, AlAs (zinc blende primitive cell): a = |(3.50589, -3.1e-10, 2.02413)| = 4.0483 Å.
  const alas = readPoscar(await Deno.readTextFile(`${dir}/POSCAR-JVASP-1372.vasp`), "1372");
  assert.deepEqual(alas.species, ["Al", "As"]);
  close(Math.hypot(...alas.lattice[0]), 4.048257626882, 1e-11);
  close(alas.frac[1][0], 0.25, 1e-12);
  // JVASP-10: V Se2, counts "1 2".
  const vse2 = readPoscar(await Deno.readTextFile(`${dir}/POSCAR-JVASP-10.vasp`), "10");
  assert.deepEqual(vse2.species, ["V", "Se", "Se"]);
  close(vse2.frac[1][2], 0.7479606991085345, 1e-15);
});

Deno.test("readPoscar: numbers out of range, or a scale that overflows the lattice, are input errors", () => {
  throwsInput(
    () => readPoscar(VASP5.replace("0.5 0.5 0.5", "1e999 0.5 0.5"), "inf.vasp"),
    (e) => e.field === "coordinates" && e.message === "inf.vasp:10: coordinates: '1e999' is out of range",
  );
  throwsInput(
    () => readPoscar(VASP5.replace("2.0\n", "1e300\n").replace("2.0 0.0", "1e300 0.0"), "big.vasp"),
    (e) => e.field === "scale" && e.message === "big.vasp:2: scale: the scaled lattice is out of range",
  );
});
