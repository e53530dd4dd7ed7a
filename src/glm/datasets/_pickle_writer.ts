/**
 * Test helper: writes protocol-2 pickle byte sequences opcode by opcode, in the shapes numpy, scipy and
 * Python 2 produce for the Planetoid files, so the reader and the loader can be tested without data.
 * @module
 */

/** Emits pickle opcodes into a growing byte buffer; every method returns `this`. */
export class PickleWriter {
  #bytes: number[] = [];

  /** Raw bytes or latin1 characters. */
  raw(...parts: (number | string | Uint8Array)[]): this {
    for (const p of parts) {
      if (typeof p === "number") this.#bytes.push(p);
      else if (typeof p === "string") { for (const ch of p) this.#bytes.push(ch.charCodeAt(0) & 0xff); }
      else this.#bytes.push(...p);
    }
    return this;
  }

  /** PROTO 2. */
  proto(): this {
    return this.raw(0x80, 2);
  }

  /** GLOBAL `module name`. */
  global(module: string, name: string): this {
    return this.raw("c", `${module}\n${name}\n`);
  }

  /** An int: BININT1, BININT2 or BININT. */
  int(n: number): this {
    if (n >= 0 && n < 0x100) return this.raw(0x4b, n);
    if (n >= 0 && n < 0x10000) return this.raw(0x4d, n & 0xff, n >> 8);
    return this.raw(0x4a, n & 0xff, (n >> 8) & 0xff, (n >> 16) & 0xff, (n >>> 24) & 0xff);
  }

  /** A Python 2 byte string: SHORT_BINSTRING or BINSTRING. */
  str(s: string | Uint8Array): this {
    const n = s.length;
    if (n < 0x100) return this.raw(0x55, n, s);
    return this.raw(0x54, n & 0xff, (n >> 8) & 0xff, (n >> 16) & 0xff, (n >>> 24) & 0xff, s);
  }

  /** MARK. */
  mark(): this {
    return this.raw(0x28);
  }

  /** TUPLE (from the last MARK), or TUPLE1/2/3 when `n` is given. */
  tuple(n?: 1 | 2 | 3): this {
    return this.raw(n === undefined ? 0x74 : 0x84 + n);
  }

  /** Any single opcode byte (e.g. 0x52 REDUCE, 0x62 BUILD, 0x2e STOP, 0x4e NONE). */
  op(code: number): this {
    return this.raw(code);
  }

  /** A numpy dtype object, as numpy pickles it: `dtype(code, 0, 1)` then BUILD with the byte order. */
  dtype(code: string, byteorder: string): this {
    this.global("numpy", "dtype").str(code).int(0).int(1).tuple(3).op(0x52);
    return this.mark().int(3).str(byteorder).op(0x4e).op(0x4e).op(0x4e).int(-1).int(-1).int(0).tuple().op(
      0x62,
    );
  }

  /** A numpy array: `_reconstruct(ndarray, (0,), 'b')` then BUILD with (1, shape, dtype, fortran, raw). */
  ndarray(code: string, byteorder: string, shape: number[], raw: Uint8Array, fortran = false): this {
    this.global("numpy.core.multiarray", "_reconstruct").global("numpy", "ndarray").int(0).tuple(1).str("b");
    this.tuple(3).op(0x52).mark().int(1).mark();
    for (const d of shape) this.int(d);
    this.tuple().dtype(code, byteorder).op(fortran ? 0x88 : 0x89).str(raw).tuple().op(0x62);
    return this;
  }

  /** A float32 csr_matrix with int32 index arrays, pickled through NEWOBJ and a state dict. */
  csr(rows: number, cols: number, data: number[], indices: number[], indptr: number[]): this {
    const i4 = (xs: number[]) => new Uint8Array(Int32Array.from(xs).buffer);
    this.global("scipy.sparse.csr", "csr_matrix").raw(0x29, 0x81, 0x7d).mark();
    this.str("format").str("csr").str("_shape").int(rows).int(cols).tuple(2);
    this.str("indptr").ndarray("i4", "<", [indptr.length], i4(indptr));
    this.str("indices").ndarray("i4", "<", [indices.length], i4(indices));
    this.str("data").ndarray("f4", "<", [data.length], new Uint8Array(Float32Array.from(data).buffer));
    return this.op(0x75).op(0x62);
  }

  /** A dense int32 matrix (one-hot labels). */
  matrix(rows: number[][]): this {
    const flat = Int32Array.from(rows.flat());
    return this.ndarray("i4", "<", [rows.length, rows[0]?.length ?? 0], new Uint8Array(flat.buffer));
  }

  /** `defaultdict(list)` with the given adjacency lists, memoising each list as pickle does. */
  adjacency(lists: number[][]): this {
    this.global("collections", "defaultdict").global("__builtin__", "list").tuple(1).op(0x52).mark();
    lists.forEach((vs, u) => {
      this.int(u).raw(0x5d, 0x72, u & 0xff, (u >> 8) & 0xff, 0, 0).mark();
      for (const v of vs) this.int(v);
      this.raw(0x65);
    });
    return this.op(0x75);
  }

  /** STOP, and the bytes written. */
  done(): Uint8Array {
    return Uint8Array.from([...this.#bytes, 0x2e]);
  }
}
