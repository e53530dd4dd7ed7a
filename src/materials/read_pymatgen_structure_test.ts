import assert from "node:assert/strict";
import { InputError } from "../errors.ts";
import { HAVE_MATERIALS_DATA, MATERIALS_DATA } from "./_test_data.ts";
import { readPymatgenStructure } from "./read_pymatgen_structure.ts";

const data = (name: string, fn: () => void | Promise<void>) =>
  Deno.test({ name, ignore: !HAVE_MATERIALS_DATA, fn });

function close(actual: number, expected: number, tol = 1e-9): void {
  assert.ok(Math.abs(actual - expected) <= tol, `${actual} != ${expected}`);
}

function throwsInput(fn: () => unknown, check: (e: InputError) => boolean): void {
  assert.throws(fn, (e: unknown) => {
    if (!(e instanceof InputError)) return false;
    assert.ok(check(e), `unexpected error: field ${e.field}: ${e.message}`);
    return true;
  });
}

const cell = { matrix: [[4, 0, 0], [0, 4, 0], [0, 0, 4]] };
const site = (element: string, abc: number[], occu = 1) => ({
  species: [{ element, occu }],
  abc,
  label: element,
});

Deno.test("readPymatgenStructure reads lattice.matrix, species and abc (or xyz)", () => {
  const s = readPymatgenStructure({
    "@class": "Structure",
    lattice: cell,
    sites: [
      site("Na", [0, 0, 0]),
      { species: [{ element: "Cl", occu: 1, oxidation_state: -1 }], xyz: [2, 2, 2], properties: {} },
    ],
  }, "nacl.json");
  assert.deepEqual(s.lattice, [[4, 0, 0], [0, 4, 0], [0, 0, 4]]);
  assert.deepEqual(s.species, ["Na", "Cl"]);
  assert.deepEqual(s.frac, [[0, 0, 0], [0.5, 0.5, 0.5]]);
});

Deno.test("readPymatgenStructure rejects partial occupancy, mixed sites and bad fields", () => {
  const at = (sites: unknown[], lattice: unknown = cell) => () =>
    readPymatgenStructure({ lattice, sites }, "s.json");
  throwsInput(
    at([site("Na", [0, 0, 0]), site("Cl", [0.5, 0.5, 0.5], 0.5)]),
    (e) => e.field === "sites[1].species" && /^s\.json: sites\[1\]\.species: occupancy 0\.5/.test(e.message),
  );
  throwsInput(
    at([{ species: [{ element: "Fe", occu: 0.5 }, { element: "Ni", occu: 0.5 }], abc: [0, 0, 0] }]),
    (e) => e.field === "sites[0].species" && /2 species on one site \(Fe, Ni\)/.test(e.message),
  );
  throwsInput(at([site("Xx", [0, 0, 0])]), (e) => e.field === "sites[0].species[0].element");
  throwsInput(
    at([site("Na", [0, 0])]),
    (e) => e.field === "sites[0].abc" && /expected 3 finite numbers/.test(e.message),
  );
  throwsInput(
    at([{ species: [{ element: "Na" }] }]),
    (e) => e.field === "sites[0]" && /neither 'abc'/.test(e.message),
  );
  throwsInput(at([]), (e) => e.field === "sites");
  throwsInput(at([site("Na", [0, 0, 0])], { a: 4 }), (e) => e.field === "lattice.matrix");
  throwsInput(
    at([site("Na", [0, 0, 0])], { matrix: [[1, 0, 0], [0, 1, 0], [1, 1, 0]] }),
    (e) => /coplanar/.test(e.message),
  );
  throwsInput(() => readPymatgenStructure([1, 2], "s.json"), (e) => e.field === "structure");
});

data(
  "readPymatgenStructure reads the 100 MEGNet bulk-moduli structures (3–30 sites, xyz = abc · matrix)",
  async () => {
    const json = JSON.parse(
      await Deno.readTextFile(`${MATERIALS_DATA}/megnet-bulk-moduli-sample/bulk_moduli.json`),
    );
    assert.equal(json.structures.length, 100);
    const sizes: number[] = [];
    json.structures.forEach((dict: { sites: { xyz: number[] }[] }, k: number) => {
      const s = readPymatgenStructure(dict, `structures[${k}]`);
      sizes.push(s.species.length);
      s.frac.forEach((f, i) => {
        const xyz = [0, 1, 2].map((j) =>
          f[0] * s.lattice[0][j] + f[1] * s.lattice[1][j] + f[2] * s.lattice[2][j]
        );
        xyz.forEach((v, j) => close(v, dict.sites[i].xyz[j], 1e-6));
      });
    });
    assert.equal(Math.min(...sizes), 3);
    assert.equal(Math.max(...sizes), 30);
    assert.equal(sizes.reduce((a, b) => a + b, 0), 987);
    // The first one: Co4Se8 in a 60° rhombohedral-like cell.
    const first = readPymatgenStructure(json.structures[0], "structures[0]");
    assert.equal(first.species.filter((e) => e === "Co").length, 4);
    assert.equal(first.species.filter((e) => e === "Se").length, 8);
    assert.deepEqual(first.lattice[0], [5.96596741, -0.02207902, 3.43096316]);
    assert.deepEqual(first.frac[0], [0.49846718, 0.00369186, 0.49897578]);
  },
);
