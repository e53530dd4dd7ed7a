import assert from "node:assert/strict";
import { InputError } from "../errors.ts";
import { parseFormula } from "./parse_formula.ts";

const obj = (m: Map<string, number>) => Object.fromEntries(m);

Deno.test("parseFormula: elements, amounts, repeats and order of first appearance", () => {
  assert.deepEqual([...parseFormula("Fe2O3")], [["Fe", 2], ["O", 3]]);
  assert.deepEqual([...parseFormula("CH3COOH")], [["C", 2], ["H", 4], ["O", 2]]);
  assert.deepEqual(obj(parseFormula("ZrZrO2N")), { Zr: 2, O: 2, N: 1 }); // a Castelli formula
  assert.deepEqual(obj(parseFormula("Co")), { Co: 1 });
  assert.deepEqual(obj(parseFormula("CO")), { C: 1, O: 1 });
  assert.deepEqual(obj(parseFormula(" Na Cl ")), { Na: 1, Cl: 1 });
  assert.deepEqual(obj(parseFormula("Og2Ts")), { Og: 2, Ts: 1 });
});

Deno.test("parseFormula: groups, nesting, decimals and hydrates", () => {
  assert.deepEqual(obj(parseFormula("Ca(OH)2")), { Ca: 1, O: 2, H: 2 });
  assert.deepEqual(obj(parseFormula("Mg3(PO4)2")), { Mg: 3, P: 2, O: 8 });
  assert.deepEqual(obj(parseFormula("K4[Fe(CN)6]")), { K: 4, Fe: 1, C: 6, N: 6 });
  assert.deepEqual(obj(parseFormula("{[(H2O)2]3}2")), { H: 24, O: 12 });
  assert.deepEqual(obj(parseFormula("Fe0.5Ni0.5")), { Fe: 0.5, Ni: 0.5 });
  assert.deepEqual(obj(parseFormula("Li.25(CoO2)1.5")), { Li: 0.25, Co: 1.5, O: 3 });
  assert.deepEqual(obj(parseFormula("CuSO4·5H2O")), { Cu: 1, S: 1, O: 9, H: 10 });
  assert.deepEqual(obj(parseFormula("Na2CO3*10H2O")), { Na: 2, C: 1, O: 13, H: 20 });
  assert.deepEqual(obj(parseFormula("2H2O•CaSO4")), { H: 4, O: 6, Ca: 1, S: 1 });
});

Deno.test("parseFormula rejects unknown elements and malformed formulas", () => {
  const rejects = (formula: string, pattern: RegExp) =>
    assert.throws(
      () => parseFormula(formula),
      (e: unknown) => e instanceof InputError && e.field === "formula" && pattern.test(e.message),
    );
  rejects("", /empty formula/);
  rejects("Xx2", /unknown element 'Xx' at character 1/);
  rejects("FeQ", /unknown element 'Q' at character 3/);
  rejects("Ca(OH", /'\(' is never closed at character 3/);
  rejects("CaOH)2", /unmatched '\)' at character 5/);
  rejects("Ca(OH]2", /'\]' does not match '\(' at character 6/);
  rejects("Ca()2", /empty brackets/);
  rejects("H2O·", /nothing after the separator/);
  rejects("fe2O3", /unexpected 'f' at character 1/);
  rejects("Fe-2", /unexpected '-'/);
  rejects("Fe0O", /amount 0 is not positive/);
  rejects("2", /expected an element/);
});
