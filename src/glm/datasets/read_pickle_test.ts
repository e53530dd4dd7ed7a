import assert from "node:assert/strict";
import { fileURLToPath } from "node:url";
import { InputError } from "../../errors.ts";
import { PickleWriter } from "./_pickle_writer.ts";
import { type CsrMatrix, type NdArray, readPickle } from "./read_pickle.ts";

const PLANETOID = fileURLToPath(new URL("../../../../shared/data/gsl/planetoid", import.meta.url));
const HAVE_DATA = (() => {
  try {
    return Deno.statSync(`${PLANETOID}/ind.cora.x`).isFile;
  } catch {
    return false;
  }
})();
if (!HAVE_DATA) console.warn(`skipping the real-pickle tests: ${PLANETOID} is absent`);

function rejects(bytes: Uint8Array, ...parts: string[]): InputError {
  let caught: unknown;
  try {
    readPickle(bytes, "t.pkl");
  } catch (e) {
    caught = e;
  }
  assert.ok(caught instanceof InputError, `expected an InputError, got ${caught}`);
  for (const p of parts) assert.ok(caught.message.includes(p), `'${caught.message}' lacks '${p}'`);
  return caught;
}

Deno.test("readPickle rejects a global outside the whitelist, naming it and its offset", () => {
  const bytes = new PickleWriter().proto().global("os", "system").str("echo hi").tuple(1).op(0x52).done();
  const e = rejects(bytes, "t.pkl", "'os system'", "byte 2");
  assert.equal(e.field, "byte 2");
});

Deno.test("readPickle rejects an unknown opcode, naming it and its offset", () => {
  rejects(new PickleWriter().proto().int(1).raw("i").done(), "t.pkl", "INST", "byte 4");
  rejects(new PickleWriter().proto().raw(0xff).done(), "0xff", "byte 2");
});

Deno.test("readPickle refuses to call a whitelisted class that is not a reconstructor", () => {
  const bytes = new PickleWriter().proto().global("__builtin__", "list").raw(0x29).op(0x52).done();
  rejects(bytes, "calling '__builtin__ list' is not allowed");
});

Deno.test("readPickle rejects truncated data and a newer protocol", () => {
  const full = new PickleWriter().proto().str("abcdef").done();
  rejects(full.subarray(0, 6), "truncated");
  rejects(new PickleWriter().proto().done().subarray(0, 2), "no STOP");
  rejects(new PickleWriter().raw(0x80, 4).int(1).done(), "protocol 4");
});

Deno.test("readPickle rebuilds a Fortran-order float32 matrix in C order", () => {
  const raw = new Uint8Array(Float32Array.from([1, 4, 2, 5, 3, 6]).buffer); // [[1,2,3],[4,5,6]] by columns
  const a = readPickle(
    new PickleWriter().proto().ndarray("f4", "<", [2, 3], raw, true).done(),
    "t",
  ) as NdArray;
  assert.equal(a.kind, "ndarray");
  assert.equal(a.dtype, "<f4");
  assert.deepEqual(a.shape, [2, 3]);
  assert.ok(a.data instanceof Float32Array);
  assert.deepEqual([...a.data], [1, 2, 3, 4, 5, 6]);
});

Deno.test("readPickle byte-swaps big-endian arrays and reads bool arrays", () => {
  const be = readPickle(
    new PickleWriter().proto().ndarray("i4", ">", [2], Uint8Array.from([0, 0, 1, 0, 0xff, 0xff, 0xff, 0xfe]))
      .done(),
    "t",
  ) as NdArray;
  assert.ok(be.data instanceof Int32Array);
  assert.deepEqual([...be.data], [256, -2]);
  const b1 = readPickle(
    new PickleWriter().proto().ndarray("b1", "|", [3], Uint8Array.from([1, 0, 1])).done(),
    "t",
  );
  assert.equal((b1 as NdArray).dtype, "|b1");
  assert.deepEqual([...(b1 as NdArray).data], [1, 0, 1]);
  const i8 = readPickle(
    new PickleWriter().proto().ndarray("i8", "<", [1], new Uint8Array(BigInt64Array.from([-5n]).buffer))
      .done(),
    "t",
  ) as NdArray;
  assert.deepEqual([...i8.data], [-5n]);
});

Deno.test("readPickle rejects an array whose byte count does not match its shape", () => {
  rejects(
    new PickleWriter().proto().ndarray("f4", "<", [3], new Uint8Array(8)).done(),
    "needs 12 bytes, has 8",
  );
  rejects(
    new PickleWriter().proto().ndarray("c16", "<", [1], new Uint8Array(16)).done(),
    "unsupported numpy dtype",
  );
});

Deno.test("readPickle rebuilds a csr_matrix and checks it", () => {
  const m = readPickle(
    new PickleWriter().proto().csr(2, 3, [1, 2.5], [2, 0], [0, 1, 2]).done(),
    "t",
  ) as CsrMatrix;
  assert.equal(m.kind, "csr_matrix");
  assert.deepEqual(m.shape, [2, 3]);
  assert.deepEqual([...m.data], [1, 2.5]);
  assert.deepEqual([...m.indices], [2, 0]);
  assert.deepEqual([...m.indptr], [0, 1, 2]);
  rejects(new PickleWriter().proto().csr(2, 3, [1, 2], [2, 3], [0, 1, 2]).done(), "column index 3");
  rejects(new PickleWriter().proto().csr(2, 3, [1, 2], [2, 0], [0, 2, 1]).done(), "indptr");
});

Deno.test("readPickle rebuilds defaultdict(list) as a Map of arrays", () => {
  const g = readPickle(new PickleWriter().proto().adjacency([[1, 300], [0], []]).done(), "t");
  assert.ok(g instanceof Map);
  assert.deepEqual([...g.entries()], [[0, [1, 300]], [1, [0]], [2, []]]);
});

Deno.test({
  name: "readPickle reads the real ind.cora.x, ind.cora.ty and ind.cora.graph",
  ignore: !HAVE_DATA,
  fn() {
    const x = readPickle(Deno.readFileSync(`${PLANETOID}/ind.cora.x`), "ind.cora.x") as CsrMatrix;
    assert.equal(x.kind, "csr_matrix");
    assert.deepEqual(x.shape, [140, 1433]);
    assert.equal(x.data.length, 2647);
    assert.ok([...x.data].every((v) => v === 1), "cora features are binary");
    const ty = readPickle(Deno.readFileSync(`${PLANETOID}/ind.cora.ty`), "ind.cora.ty") as NdArray;
    assert.equal(ty.dtype, "<i4");
    assert.deepEqual(ty.shape, [1000, 7]);
    for (let r = 0; r < 1000; r++) {
      let sum = 0;
      for (let c = 0; c < 7; c++) sum += Number(ty.data[r * 7 + c]);
      assert.equal(sum, 1, `ty row ${r} is one-hot`);
    }
    const g = readPickle(Deno.readFileSync(`${PLANETOID}/ind.cora.graph`), "ind.cora.graph");
    assert.ok(g instanceof Map);
    assert.equal(g.size, 2708);
    let entries = 0;
    for (const [k, vs] of g as Map<number, number[]>) {
      assert.ok(Number.isInteger(k) && Array.isArray(vs));
      entries += vs.length;
    }
    assert.equal(entries, 10858);
  },
});
