import assert from "node:assert/strict";
import { formatTable } from "./format_table.ts";

Deno.test("formatTable aligns text left and numbers right", () => {
  const t = formatTable(["method", "ratio"], [["sp", "0.5000"], ["greedy", "12.2500"]]);
  assert.equal(t, "method    ratio\n------  -------\nsp       0.5000\ngreedy  12.2500\n");
});
