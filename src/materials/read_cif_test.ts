import assert from "node:assert/strict";
import { InputError } from "../errors.ts";
import { parseCsv } from "../read_csv.ts";
import { HAVE_MATERIALS_DATA, MATERIALS_DATA } from "./_test_data.ts";
import { readCif } from "./read_cif.ts";
import type { Structure } from "./structure.ts";

const data = (name: string, fn: () => void | Promise<void>) =>
  Deno.test({ name, ignore: !HAVE_MATERIALS_DATA, fn });

function counts(s: Structure): Record<string, number> {
  const out: Record<string, number> = {};
  for (const e of s.species) out[e] = (out[e] ?? 0) + 1;
  return out;
}

function close(actual: number, expected: number, tol = 1e-9): void {
  assert.ok(Math.abs(actual - expected) <= tol, `${actual} != ${expected}`);
}

/** Whether `s` has an atom of `element` at `p` (periodic, within 1e-6). */
function hasAtom(s: Structure, element: string, p: number[]): boolean {
  return s.frac.some((q, i) =>
    s.species[i] === element && q.every((v, j) => Math.abs(v - p[j] - Math.round(v - p[j])) < 1e-6)
  );
}

function throwsInput(fn: () => unknown, check: (e: InputError) => boolean): void {
  assert.throws(fn, (e: unknown) => {
    if (!(e instanceof InputError)) return false;
    assert.ok(check(e), `unexpected error: line ${e.line}, field ${e.field}: ${e.message}`);
    return true;
  });
}

/** A minimal CIF: cubic cell of side `a`, the given symmetry operations and `_atom_site` rows. */
function cif(a: number, ops: string[], sites: string, extra = ""): string {
  return [
    "data_test",
    `_cell_length_a ${a}`,
    `_cell_length_b ${a}`,
    `_cell_length_c ${a}`,
    "_cell_angle_alpha 90",
    "_cell_angle_beta 90",
    "_cell_angle_gamma 90",
    extra,
    "loop_",
    "_symmetry_equiv_pos_as_xyz",
    ...ops.map((o) => `'${o}'`),
    "loop_",
    "_atom_site_label",
    "_atom_site_type_symbol",
    "_atom_site_fract_x",
    "_atom_site_fract_y",
    "_atom_site_fract_z",
    "_atom_site_occupancy",
    sites,
  ].join("\n");
}

/** The 192 operations of Fm-3m: the 48 of m-3m (signed permutations of x, y, z) times 4 centerings. */
function fm3mOps(): string[] {
  const perms = [[0, 1, 2], [0, 2, 1], [1, 0, 2], [1, 2, 0], [2, 0, 1], [2, 1, 0]];
  const centerings = [["", "", ""], ["", "+1/2", "+1/2"], ["1/2+", "", "1/2+"], ["+0.5", "+0.5", ""]];
  const ops: string[] = [];
  for (const [tx, ty, tz] of centerings) {
    for (const p of perms) {
      for (let signs = 0; signs < 8; signs++) {
        const parts = p.map((axis, k) => `${signs & (1 << k) ? "-" : ""}${"xyz"[axis]}`);
        const t = [tx, ty, tz];
        // Translations before the term (1/2+x, 1/2-x) or after it (x+1/2, -x+0.5).
        ops.push(
          parts.map((
            s,
            k,
          ) => (t[k].endsWith("+") ? t[k].slice(0, -1) + (s[0] === "-" ? s : "+" + s) : s + t[k]))
            .join(", "),
        );
      }
    }
  }
  return ops;
}

Deno.test("readCif: rock salt given in Fm-3m with 2 sites and 192 operations expands to 8 atoms", () => {
  const ops = fm3mOps();
  assert.equal(ops.length, 192);
  assert.equal(new Set(ops).size, 192);
  const s = readCif(cif(5.64, ops, "Na1 Na1+ 0 0 0 1\nCl1 Cl1- 0.5 0.5 0.5 1.0"), "nacl.cif");
  assert.deepEqual(counts(s), { Na: 4, Cl: 4 });
  assert.deepEqual(s.species, ["Na", "Na", "Na", "Na", "Cl", "Cl", "Cl", "Cl"]);
  for (const p of [[0, 0, 0], [0, 0.5, 0.5], [0.5, 0, 0.5], [0.5, 0.5, 0]]) assert.ok(hasAtom(s, "Na", p));
  for (const p of [[0.5, 0.5, 0.5], [0.5, 0, 0], [0, 0.5, 0], [0, 0, 0.5]]) assert.ok(hasAtom(s, "Cl", p));
  for (const p of s.frac) for (const v of p) assert.ok(v >= 0 && v < 1, `${v} is wrapped`);
  assert.deepEqual(s.lattice, [[5.64, 0, 0], [0, 5.64, 0], [0, 0, 5.64]]);
});

Deno.test("readCif: P6_3 operations like x-y,x,1/2+z expand special and general positions", () => {
  const ops = ["x,y,z", "-y,x-y,z", "-x+y,-x,z", "-x,-y,1/2+z", "y,-x+y,z+1/2", "x-y,x,1/2+z"];
  const s = readCif(cif(4, ops, "Zn1 Zn 0.3333 0.6667 0 1\nO1 O 0.1 0.2 0.3 ?"), "p63.cif");
  // (1/3, 2/3, 0) has multiplicity 2 in P6_3 (given to 4 decimals, merged within 1e-3); (x, y, z) has 6.
  assert.deepEqual(counts(s), { Zn: 2, O: 6 });
  assert.ok(hasAtom(s, "Zn", [0.3333, 0.6667, 0]));
  assert.ok(hasAtom(s, "Zn", [0.6667, 0.3333, 0.5]));
  assert.ok(hasAtom(s, "O", [-0.1, 0.1, 0.8])); // x-y, x, 1/2+z
  assert.ok(hasAtom(s, "O", [0.1, 0.9, 0.3])); // -x+y, -x, z
});

Deno.test("readCif parses operations with decimals, spaces, coefficients and any term order", () => {
  const ops = ["x, y, z", "-x+1/2, y, z+0.5", "1/2-X, -Y, +Z", "2*x, y, z"];
  const s = readCif(cif(10, ops, "Fe1 Fe2+ 0.125 0.25 0.375 1"), "ops.cif");
  assert.equal(s.species.length, 4);
  assert.ok(hasAtom(s, "Fe", [0.375, 0.25, 0.875]));
  assert.ok(hasAtom(s, "Fe", [0.375, 0.75, 0.375]));
  assert.ok(hasAtom(s, "Fe", [0.25, 0.25, 0.375]));
  throwsInput(
    () => readCif(cif(10, ["x,y"], "Fe1 Fe 0 0 0 1"), "bad.cif"),
    (e) =>
      e.field === "_symmetry_equiv_pos_as_xyz" &&
      /bad symmetry operation 'x,y': 2 components/.test(e.message),
  );
  throwsInput(
    () => readCif(cif(10, ["x,y,z", "x,y,w"], "Fe1 Fe 0 0 0 1"), "bad.cif"),
    (e) => e.line === 12 && /bad\.cif:12: bad symmetry operation 'x,y,w'/.test(e.message),
  );
  throwsInput(
    () => readCif(cif(10, ["x,yz,z"], "Fe1 Fe 0 0 0 1"), "bad.cif"),
    (e) => /needs \+ or - between terms/.test(e.message),
  );
});

Deno.test("readCif syntax: quotes, text fields, comments, uncertainties, ? and ., single-item symops", () => {
  const text = `# a comment line
data_first_block_without_sites
_journal_name_full 'Nowhere'
data_quartz-ish
_publ_section_title
;
 A text field with loop_ and _cell_length_a 99 inside
;
_chemical_name_common   'O'Keeffe's "phase"'   # quote closes only before white space
_cell_length_a 5.431(2)
_cell_length_b 5.431(2)
_cell_length_c   7.0(1)
_cell_angle_alpha 90.
_cell_angle_beta  90
_cell_angle_gamma 90.0(0)
_space_group_symop_operation_xyz  '-x, -y, z'
loop_
_atom_site_label
_atom_site_type_symbol
_atom_site_fract_x
_atom_site_fract_y
_atom_site_fract_z
_atom_site_occupancy
Si1 . 0.1 0.2(3) 0.3 ?   # type '.' → the label's element
O7 O2- 0.25 0.25 .5 1.000
loop_
_atom_type_symbol
O2-
`;
  const s = readCif(text, "syntax.cif");
  // The only operation is -x, -y, z (a single item, not a loop).
  assert.deepEqual(s.species, ["Si", "O"]);
  close(s.lattice[0][0], 5.431);
  close(s.lattice[2][2], 7.0);
  assert.ok(hasAtom(s, "Si", [0.9, 0.8, 0.3]));
  assert.ok(hasAtom(s, "O", [0.75, 0.75, 0.5]));
});

Deno.test("readCif reads CIF 2 dotted tags, and a P1 file without operations", () => {
  const text = `data_x
_cell.length_a 3
_cell.length_b 4
_cell.length_c 5
_cell.angle_alpha 90
_cell.angle_beta 90
_cell.angle_gamma 90
_space_group.name_H-M_alt 'P 1'
loop_
_atom_site.label
_atom_site.fract_x
_atom_site.fract_y
_atom_site.fract_z
Cu1 0 0 0
CU2 0.5 0.5 -0.25
`;
  const s = readCif(text, "p1.cif");
  assert.deepEqual(s.species, ["Cu", "Cu"]);
  assert.deepEqual(s.frac, [[0, 0, 0], [0.5, 0.5, 0.75]]);
  assert.deepEqual(s.lattice, [[3, 0, 0], [0, 4, 0], [0, 0, 5]]);
});

Deno.test("readCif errors name the source, the line and the CIF field", () => {
  const sites = "Fe1 Fe 0 0 0 1\nO1 O 0.5 0.5 0.5 0.5";
  throwsInput(
    () => readCif(cif(4, ["x,y,z"], sites), "partial.cif"),
    (e) =>
      e.field === "_atom_site_occupancy" && e.line === 20 &&
      e.message.startsWith("partial.cif:20: site O1 has occupancy 0.5 (_atom_site_occupancy)"),
  );
  throwsInput(
    () => readCif(cif(4, ["x,y,z"], sites.replace("0.5 0.5 0.5 0.5", "0 0 0 1")), "overlap.cif"),
    (e) =>
      e.field === "_atom_site_fract_x" && /sites Fe1 \(Fe\) and O1 \(O\) share a position/.test(e.message),
  );
  throwsInput(
    () => readCif(cif(4, ["x,y,z"], "Fe1 Fe 0 0 0 1").replace("_cell_length_b 4\n", ""), "cell.cif"),
    (e) => e.field === "_cell_length_b" && e.message === "cell.cif: missing cell parameter _cell_length_b",
  );
  throwsInput(
    () =>
      readCif(cif(4, ["x,y,z"], "Fe1 Fe 0 0 0 1").replace("_cell_length_c 4", "_cell_length_c ?"), "c.cif"),
    (e) => e.field === "_cell_length_c" && /missing cell parameter _cell_length_c/.test(e.message),
  );
  throwsInput(
    () =>
      readCif(
        cif(4, ["x,y,z"], "Fe1 Fe 0 0 0 1").replace("alpha 90", "alpha 10").replace("beta 90", "beta 10"),
        "a.cif",
      ),
    (e) => e.field === "_cell_angle_alpha" && e.line === 5 && /a\.cif:5: impossible cell/.test(e.message),
  );
  throwsInput(
    () => readCif(cif(4, ["x,y,z"], "Xx1 Xx 0 0 0 1"), "el.cif"),
    (e) =>
      e.field === "_atom_site_type_symbol" &&
      /site Xx1: 'Xx' \(_atom_site_type_symbol\) is not an element/.test(e.message),
  );
  throwsInput(
    () => readCif(cif(4, [], "Fe1 Fe 0 0 0 1", "_symmetry_space_group_name_H-M 'F m -3 m'"), "sg.cif"),
    (e) =>
      e.field === "_symmetry_equiv_pos_as_xyz" &&
      /space group 'F m -3 m' has no symmetry operations/.test(e.message),
  );
  throwsInput(
    () => readCif(cif(4, ["x,y,z"], "Fe1 Fe 0 0 0 1", "loop_\n_a\n_b\n1 2 3"), "loop.cif"),
    (e) => e.line === 8 && /the loop of _a has 3 values, not a multiple of its 2 tags/.test(e.message),
  );
  throwsInput(
    () => readCif("data_x\n_title 'open\n", "q.cif"),
    (e) => e.line === 2 && /unterminated '-quoted/.test(e.message),
  );
  throwsInput(
    () => readCif("data_x\n_title\n;\nnever closed\n", "t.cif"),
    (e) => e.line === 3 && /unterminated text field/.test(e.message),
  );
  throwsInput(
    () => readCif("_cell_length_a 4\n", "n.cif"),
    (e) => /before the first data block/.test(e.message),
  );
  throwsInput(() => readCif("# nothing\n", "e.cif"), (e) => /no data block/.test(e.message));
  throwsInput(
    () => readCif("data_x\n_cell_length_a 4\n", "s.cif"),
    (e) => e.field === "_atom_site_fract_x" && /no atom sites/.test(e.message),
  );
});

Deno.test("readCif: an atom-site loop without rows or with a short row is an error naming the line", () => {
  const tags = "(_atom_site_label _atom_site_type_symbol _atom_site_fract_x _atom_site_fract_y " +
    "_atom_site_fract_z _atom_site_occupancy)";
  const cases: [string, number, string][] = [
    ["", 12, "the atom-site loop (_atom_site_label, …) has no rows"],
    ["Fe1 Fe 0 0 0", 19, `a row of the atom-site loop has 5 values, expected 6 ${tags}`],
    ["Fe1 Fe 0 0 0 1\nO1 O 0.5 0.5 0.5\nNa1 Na 0.5 0 0 1", 20, "a row of the atom-site loop has 5 values"],
    // every row short by its occupancy: 30 values, a multiple of the 6 tags
    [
      Array.from({ length: 6 }, (_, i) => `Fe${i} Fe 0.${i} 0 0`).join("\n"),
      19,
      "a row of the atom-site loop has 5 values, expected 6",
    ],
    ["Fe1 Fe 0 0 0 1 O1\nO 0.5 0.5 0.5 1", 19, "a row of the atom-site loop has 7 values, expected 6"],
    ["Fe1 Fe 1e999 0 0 1", 19, "_atom_site_fract_x of site Fe1 is out of range: '1e999'"],
  ];
  for (const [sites, line, message] of cases) {
    throwsInput(
      () => readCif(cif(4, ["x,y,z"], sites), "cut.cif"),
      (e) => e.line === line && e.message.startsWith(`cut.cif:${line}: ${message}`),
    );
  }
  // A row may go on over the next lines, as long as the next row starts on a line of its own.
  const s = readCif(cif(4, ["x,y,z"], "Fe1 Fe\n0 0 0 1\nO1 O 0.5\n0.5 0.5 1"), "wrapped.cif");
  assert.deepEqual(s.species, ["Fe", "O"]);
});

/** Expected atoms per element after expansion, worked out from each file's space group and sites. */
const CGCNN_EXPECTED: Record<string, Record<string, number>> = {
  "1000041": { Na: 4, Cl: 4 }, // NaCl, Fm-3m, 4a + 4b
  "1000050": { K: 1, Cl: 1 }, // KCl, Pm-3m, 1a + 1b
  "1101051": { Zn: 2, S: 2 }, // wurtzite ZnS, P6_3mc, 2b + 2b (coordinates 0.3333 / 0.6667)
  "1507756": { Ba: 1, Ti: 1, O: 3 }, // tetragonal BaTiO3, P4mm, 1a + 1b + 1b + 2c
  "7206075": { Ti: 4, O: 8 }, // anatase TiO2, I4_1/amd, 4a + 8e
  "9000046": { C: 8 }, // graphite (Pauling's Fmmm model), 8h (0, y, 0)
  "9009743": { Cs: 1, Cl: 1 }, // CsCl, Pm-3m
  "9011050": { Ge: 8 }, // diamond Ge, Fd-3m, 8a
  "9011998": { Si: 8 }, // diamond Si, Fd-3m, 8a
  "9012304": { C: 8 }, // diamond, Fd-3m, 8a
};

data("readCif expands the 10 COD CIFs of the CGCNN sample to the expected atom counts", async () => {
  for (const [id, expected] of Object.entries(CGCNN_EXPECTED)) {
    const text = await Deno.readTextFile(`${MATERIALS_DATA}/cgcnn-sample/${id}.cif`);
    const s = readCif(text, `${id}.cif`);
    assert.deepEqual(counts(s), expected, id);
    // Where the file gives multiplicities, they must add up to the expanded count.
    const m = /_atom_site_symmetry_multiplicity/.test(text);
    if (m) {
      const total = { "1000041": 8, "1000050": 2, "1101051": 4, "1507756": 5, "7206075": 12 }[id];
      assert.equal(s.species.length, total, `${id}: sum of _atom_site_symmetry_multiplicity`);
    }
    assert.equal(s.frac.length, s.species.length);
  }
});

data("readCif: COD cells and positions (uncertainties, hexagonal cell, anatase z)", async () => {
  const read = async (id: string) =>
    readCif(await Deno.readTextFile(`${MATERIALS_DATA}/cgcnn-sample/${id}.cif`), `${id}.cif`);
  const kcl = await read("1000050"); // _cell_length_a 3.634(4)
  assert.deepEqual(kcl.lattice, [[3.634, 0, 0], [0, 3.634, 0], [0, 0, 3.634]]);
  const zns = await read("1101051"); // a = 3.8227(1), c = 6.2607(1), gamma = 120
  close(zns.lattice[1][0], -1.91135, 1e-12);
  close(zns.lattice[2][2], 6.2607);
  assert.ok(hasAtom(zns, "S", [0.3333, 0.6667, 0.3748])); // 0.3748(2)
  assert.ok(hasAtom(zns, "S", [0.6667, 0.3333, 0.8748]));
  const anatase = await read("7206075");
  // O at 8e (0, 0, z), origin choice 1: z, 1/4 ± z, 1/2 ± z, 3/4 ± z, 1 − z.
  const zs = anatase.frac.filter((_, i) => anatase.species[i] === "O").map((p) => p[2]).sort((u, v) => u - v);
  const z = 0.21017;
  const expected = [z, 0.25 - z, 0.25 + z, 0.5 - z, 0.5 + z, 0.75 - z, 0.75 + z, 1 - z].sort((u, v) => u - v);
  zs.forEach((v, k) => close(v, expected[k], 1e-12));
  const bto = await read("1507756"); // lower-case labels, type symbols present
  assert.deepEqual(bto.species, ["Ba", "Ti", "O", "O", "O"]);
});

data("readCif reads a Castelli perovskite CIF (P1, 5 atoms, negative coordinates)", async () => {
  const records = parseCsv(await Deno.readTextFile(`${MATERIALS_DATA}/perov5-castelli/val.csv`), "val.csv");
  assert.deepEqual(records[0].fields, [
    "",
    "material_id",
    "cif",
    "formula",
    "heat_all",
    "heat_ref",
    "dir_gap",
    "ind_gap",
  ]);
  assert.equal(records[1].fields[1], "18517");
  const s = readCif(records[1].fields[2], "val.csv 18517");
  assert.deepEqual(s.species, ["Cu", "Cd", "N", "N", "N"]);
  close(s.lattice[0][0], 4.27928426);
  assert.equal(s.lattice[0][1], 0);
  close(s.frac[0][0], 0.00159044);
  close(s.frac[1][0], 0.50071723);
  // The last test.csv entry: As at x = -0.22578457, wrapped into [0, 1).
  const test = parseCsv(await Deno.readTextFile(`${MATERIALS_DATA}/perov5-castelli/test.csv`), "test.csv");
  const last = readCif(test[test.length - 1].fields[2], "test.csv last");
  assert.deepEqual(last.species, ["As", "K", "N", "N", "O"]);
  close(last.frac[0][0], 1 - 0.22578457, 1e-12);
});

Deno.test("readCif: a cell length out of range is an input error naming the field", () => {
  throwsInput(
    () =>
      readCif(
        cif(4, ["x,y,z"], "Fe1 Fe 0 0 0 1").replace("_cell_length_a 4", "_cell_length_a 1e400"),
        "a.cif",
      ),
    (e) => e.field === "_cell_length_a" && /is out of range: '1e400'/.test(e.message),
  );
});
