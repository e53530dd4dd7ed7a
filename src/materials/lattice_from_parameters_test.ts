import assert from "node:assert/strict";
import { InputError } from "../errors.ts";
import { latticeFromParameters } from "./lattice_from_parameters.ts";

const norm = (v: number[]) => Math.hypot(v[0], v[1], v[2]);
const angle = (u: number[], v: number[]) =>
  (Math.acos((u[0] * v[0] + u[1] * v[1] + u[2] * v[2]) / (norm(u) * norm(v))) * 180) / Math.PI;
const volume = (m: number[][]) =>
  m[0][0] * (m[1][1] * m[2][2] - m[1][2] * m[2][1]) - m[0][1] * (m[1][0] * m[2][2] - m[1][2] * m[2][0]) +
  m[0][2] * (m[1][0] * m[2][1] - m[1][1] * m[2][0]);

function close(actual: number, expected: number, tol = 1e-9): void {
  assert.ok(Math.abs(actual - expected) <= tol, `${actual} != ${expected}`);
}

Deno.test("latticeFromParameters: a cubic cell is exactly diagonal", () => {
  assert.deepEqual(latticeFromParameters(5.62, 5.62, 5.62, 90, 90, 90), [[5.62, 0, 0], [0, 5.62, 0], [
    0,
    0,
    5.62,
  ]]);
});

Deno.test("latticeFromParameters: hexagonal cell, a along x and b in the xy plane", () => {
  // Wurtzite ZnS (COD 1101051): a = 3.8227, c = 6.2607, gamma = 120.
  const [a, b, c] = latticeFromParameters(3.8227, 3.8227, 6.2607, 90, 90, 120);
  close(a[0], 3.8227);
  assert.equal(a[1], 0);
  assert.equal(a[2], 0);
  close(b[0], -1.91135, 1e-12);
  close(b[1], 3.8227 * Math.sqrt(3) / 2, 1e-12);
  assert.equal(b[2], 0);
  close(c[0], 0, 1e-15);
  close(c[1], 0, 1e-15);
  close(c[2], 6.2607);
  close(volume([a, b, c]), 79.23078495, 1e-6); // the CIF's _cell_volume is 79.2
});

Deno.test("latticeFromParameters: a triclinic cell keeps its lengths, angles and volume", () => {
  // The first MEGNet bulk-moduli structure (pymatgen's own a, b, c, alpha, beta, gamma and volume).
  const m = latticeFromParameters(
    6.882206246951878,
    6.878801304970723,
    6.908438852361847,
    60.34055912616251,
    60.31722207614803,
    60.38853707196679,
  );
  close(norm(m[0]), 6.882206246951878);
  close(norm(m[1]), 6.878801304970723);
  close(norm(m[2]), 6.908438852361847);
  close(angle(m[1], m[2]), 60.34055912616251);
  close(angle(m[0], m[2]), 60.31722207614803);
  close(angle(m[0], m[1]), 60.38853707196679);
  close(volume(m), 233.08705102717914, 1e-8);
  assert.ok(m[2][2] > 0, "right-handed");
});

Deno.test("latticeFromParameters rejects impossible cells", () => {
  const rejects = (args: number[], field: string, pattern: RegExp) =>
    assert.throws(
      () => latticeFromParameters(args[0], args[1], args[2], args[3], args[4], args[5]),
      (e: unknown) => e instanceof InputError && e.field === field && pattern.test(e.message),
    );
  rejects([0, 1, 1, 90, 90, 90], "a", /length a = 0 is not a positive number/);
  rejects([1, -2, 1, 90, 90, 90], "b", /length b = -2/);
  rejects([1, 1, NaN, 90, 90, 90], "c", /length c = NaN/);
  rejects([1, 1, 1, 90, 180, 90], "beta", /angle beta = 180° is not between 0° and 180°/);
  rejects([1, 1, 1, 30, 30, 90], "alpha", /do not form a cell/); // 30 + 30 < 90
  rejects([1, 1, 1, 120, 120, 120], "alpha", /do not form a cell/); // sum 360: flat
});
