/**
 * A minimal, safe reader for the Python 2 pickles (protocol 2) of the Planetoid `ind.*` files.
 *
 * Nothing is ever executed: the reader knows a fixed set of opcodes and six globals (numpy `dtype`,
 * `ndarray` and `core.multiarray._reconstruct`, `scipy.sparse.csr.csr_matrix`, `__builtin__.list` and
 * `collections.defaultdict`), and rebuilds the objects those files hold as plain TypeScript values.
 * Any other opcode or global is an {@link InputError} naming the file, the byte offset and the opcode
 * or global.
 *
 * Python values map to: `None` → `null`, `bool` → `boolean`, `int` → `number` (`bigint` beyond 2⁵³),
 * `float` → `number`, Python 2 `str` (bytes) → `Uint8Array`, `unicode` → `string`, `list` → array,
 * `tuple` → frozen array, `dict` → `Map` (byte-string keys decoded as latin1), numpy arrays →
 * {@link NdArray}, csr matrices → {@link CsrMatrix}, `defaultdict(list)` → `Map<number, number[]>`.
 * @module
 */

import { InputError } from "../../errors.ts";

/** The typed arrays a numpy array of a supported dtype is rebuilt into. */
export type NumericArray =
  | Float32Array
  | Float64Array
  | Int8Array
  | Uint8Array
  | Int16Array
  | Uint16Array
  | Int32Array
  | Uint32Array
  | BigInt64Array
  | BigUint64Array;

/** A numpy array rebuilt from a pickle; `data` is always in C (row-major) order. */
export interface NdArray {
  /** Discriminator. */
  readonly kind: "ndarray";
  /** numpy type string with byte order, e.g. `"<f4"`, `"<i8"`, `"|b1"` (booleans come back as 0/1 bytes). */
  dtype: string;
  /** Dimensions. */
  shape: number[];
  /** Elements, C order, native byte order. */
  data: NumericArray;
}

/** A `scipy.sparse.csr_matrix` rebuilt from a pickle (validated: well-formed CSR). */
export interface CsrMatrix {
  /** Discriminator. */
  readonly kind: "csr_matrix";
  /** `[rows, cols]`. */
  shape: [number, number];
  /** Non-zero values, `[nnz]`. */
  data: NumericArray;
  /** Column of each non-zero, `[nnz]`. */
  indices: NumericArray;
  /** Row start offsets into `data`/`indices`, `[rows + 1]`. */
  indptr: NumericArray;
}

const _ALLOWED_GLOBALS = new Set([
  "numpy dtype",
  "numpy ndarray",
  "numpy.core.multiarray _reconstruct",
  "scipy.sparse.csr csr_matrix",
  "__builtin__ list",
  "collections defaultdict",
]);

const _OPCODE_NAMES: Record<number, string> = {
  0x28: "MARK",
  0x2e: "STOP",
  0x30: "POP",
  0x31: "POP_MARK",
  0x32: "DUP",
  0x46: "FLOAT",
  0x49: "INT",
  0x4a: "BININT",
  0x4b: "BININT1",
  0x4c: "LONG",
  0x4d: "BININT2",
  0x4e: "NONE",
  0x50: "PERSID",
  0x51: "BINPERSID",
  0x52: "REDUCE",
  0x53: "STRING",
  0x54: "BINSTRING",
  0x55: "SHORT_BINSTRING",
  0x56: "UNICODE",
  0x58: "BINUNICODE",
  0x61: "APPEND",
  0x62: "BUILD",
  0x63: "GLOBAL",
  0x64: "DICT",
  0x7d: "EMPTY_DICT",
  0x65: "APPENDS",
  0x67: "GET",
  0x68: "BINGET",
  0x69: "INST",
  0x6a: "LONG_BINGET",
  0x6c: "LIST",
  0x5d: "EMPTY_LIST",
  0x6f: "OBJ",
  0x70: "PUT",
  0x71: "BINPUT",
  0x72: "LONG_BINPUT",
  0x73: "SETITEM",
  0x74: "TUPLE",
  0x29: "EMPTY_TUPLE",
  0x75: "SETITEMS",
  0x47: "BINFLOAT",
  0x80: "PROTO",
  0x81: "NEWOBJ",
  0x82: "EXT1",
  0x83: "EXT2",
  0x84: "EXT4",
  0x85: "TUPLE1",
  0x86: "TUPLE2",
  0x87: "TUPLE3",
  0x88: "NEWTRUE",
  0x89: "NEWFALSE",
  0x8a: "LONG1",
  0x8b: "LONG4",
  0x42: "BINBYTES",
  0x43: "SHORT_BINBYTES",
  0x8c: "SHORT_BINUNICODE",
  0x8d: "BINUNICODE8",
  0x8e: "BINBYTES8",
  0x8f: "EMPTY_SET",
  0x90: "ADDITEMS",
  0x91: "FROZENSET",
  0x92: "NEWOBJ_EX",
  0x93: "STACK_GLOBAL",
  0x94: "MEMOIZE",
  0x95: "FRAME",
  0x96: "BYTEARRAY8",
  0x97: "NEXT_BUFFER",
  0x98: "READONLY_BUFFER",
};

/** A whitelisted global, pushed by GLOBAL. */
class _Global {
  constructor(readonly name: string) {}
}

/** A numpy dtype; REDUCE sets the type code, BUILD the byte order. */
class _Dtype {
  byteorder = "=";
  constructor(readonly code: string) {}
}

/** A numpy array; `_reconstruct` makes an empty one and BUILD fills it in place. */
class _Array implements NdArray {
  readonly kind = "ndarray" as const;
  dtype = "|i1";
  shape: number[] = [0];
  data: NumericArray = new Int8Array(0);
}

/** A csr matrix; NEWOBJ makes an empty one and BUILD fills it in place. */
class _Csr implements CsrMatrix {
  readonly kind = "csr_matrix" as const;
  shape: [number, number] = [0, 0];
  data: NumericArray = new Float32Array(0);
  indices: NumericArray = new Int32Array(0);
  indptr: NumericArray = new Int32Array([0]);
}

/** A MARK on the stack. */
const _MARK = Symbol("mark");

function _latin1(bytes: Uint8Array): string {
  let s = "";
  for (let i = 0; i < bytes.length; i++) s += String.fromCharCode(bytes[i]);
  return s;
}

function _text(v: unknown): string | undefined {
  if (typeof v === "string") return v;
  if (v instanceof Uint8Array) return _latin1(v);
  return undefined;
}

function _isTuple(v: unknown): v is readonly unknown[] {
  return Array.isArray(v) && Object.isFrozen(v);
}

function _isList(v: unknown): v is unknown[] {
  return Array.isArray(v) && !Object.isFrozen(v);
}

function _isInt(v: unknown): v is number {
  return typeof v === "number" && Number.isSafeInteger(v);
}

/**
 * Parses a Python pickle of the Planetoid `ind.*` kind and returns the object it holds (see the module
 * doc for how Python values map to TypeScript ones). `name` (usually the file name) is used in error
 * messages. Any opcode or global outside the small supported set, truncated data or an ill-formed
 * array is an {@link InputError}.
 */
export function readPickle(bytes: Uint8Array, name: string): unknown {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const stack: unknown[] = [];
  const marks: number[] = [];
  const memo = new Map<number, unknown>();
  const defaultdicts = new WeakSet<Map<unknown, unknown>>();
  let pos = 0;
  let opPos = 0;
  let opName = "";

  const fail = (message: string, at = opPos): never => {
    throw new InputError(`${name}: ${message} at byte ${at}`, 0, `byte ${at}`);
  };
  const need = (n: number) => {
    if (n < 0 || pos + n > bytes.length) fail(`truncated pickle: ${opName} needs ${n} more bytes`);
  };
  const pop = (): unknown => {
    if (stack.length === 0 || (marks.length > 0 && stack.length <= marks[marks.length - 1])) {
      fail(`stack underflow in ${opName}`);
    }
    return stack.pop();
  };
  const top = (): unknown => {
    if (stack.length === 0) fail(`stack underflow in ${opName}`);
    return stack[stack.length - 1];
  };
  const popMark = (): unknown[] => {
    const m = marks.pop();
    if (m === undefined) fail(`${opName} without MARK`);
    return stack.splice(m!);
  };
  const u8 = () => {
    need(1);
    return bytes[pos++];
  };
  const u16 = () => {
    need(2);
    const v = view.getUint16(pos, true);
    pos += 2;
    return v;
  };
  const u32 = () => {
    need(4);
    const v = view.getUint32(pos, true);
    pos += 4;
    return v;
  };
  const take = (n: number): Uint8Array => {
    need(n);
    const out = bytes.subarray(pos, pos + n);
    pos += n;
    return out;
  };
  const line = (): string => {
    const end = bytes.indexOf(0x0a, pos);
    if (end < 0 || end - pos > 256) fail("GLOBAL name is not a short newline-terminated line");
    const s = _latin1(bytes.subarray(pos, end));
    pos = end + 1;
    return s;
  };
  const setItems = (target: unknown, items: unknown[]) => {
    if (!(target instanceof Map)) fail(`${opName} on something that is not a dict`);
    const map = target as Map<unknown, unknown>;
    const isDefault = defaultdicts.has(map);
    if (items.length % 2 !== 0) fail(`${opName} with an odd number of items`);
    for (let i = 0; i < items.length; i += 2) {
      const key = items[i] instanceof Uint8Array ? _latin1(items[i] as Uint8Array) : items[i];
      if (isDefault && !_isInt(key)) fail("defaultdict key is not an integer");
      map.set(key, items[i + 1]);
    }
  };
  const appendItems = (target: unknown, items: unknown[]) => {
    if (!_isList(target)) fail(`${opName} on something that is not a list`);
    for (const x of items) (target as unknown[]).push(x);
  };

  for (;;) {
    opPos = pos;
    if (pos >= bytes.length) fail("truncated pickle: no STOP opcode");
    const op = bytes[pos++];
    opName = _OPCODE_NAMES[op] ?? `0x${op.toString(16).padStart(2, "0")}`;
    switch (op) {
      case 0x80: { // PROTO
        const p = u8();
        if (p > 2) fail(`unsupported pickle protocol ${p} (only 0..2)`);
        break;
      }
      case 0x2e: { // STOP
        if (stack.length !== 1 || marks.length !== 0) fail("STOP with a malformed stack");
        return stack[0];
      }
      case 0x28: // MARK
        marks.push(stack.length);
        break;
      case 0x30: // POP
        pop();
        break;
      case 0x31: // POP_MARK
        popMark();
        break;
      case 0x32: // DUP
        stack.push(top());
        break;
      case 0x29: // EMPTY_TUPLE
        stack.push(Object.freeze([]));
        break;
      case 0x5d: // EMPTY_LIST
        stack.push([]);
        break;
      case 0x7d: // EMPTY_DICT
        stack.push(new Map());
        break;
      case 0x85: // TUPLE1
        stack.push(Object.freeze([pop()]));
        break;
      case 0x86: { // TUPLE2
        const b = pop(), a = pop();
        stack.push(Object.freeze([a, b]));
        break;
      }
      case 0x87: { // TUPLE3
        const c = pop(), b = pop(), a = pop();
        stack.push(Object.freeze([a, b, c]));
        break;
      }
      case 0x74: // TUPLE
        stack.push(Object.freeze(popMark()));
        break;
      case 0x61: { // APPEND
        const v = pop();
        appendItems(top(), [v]);
        break;
      }
      case 0x65: { // APPENDS
        const items = popMark();
        appendItems(top(), items);
        break;
      }
      case 0x73: { // SETITEM
        const v = pop(), k = pop();
        setItems(top(), [k, v]);
        break;
      }
      case 0x75: { // SETITEMS
        const items = popMark();
        setItems(top(), items);
        break;
      }
      case 0x4a: { // BININT
        need(4);
        stack.push(view.getInt32(pos, true));
        pos += 4;
        break;
      }
      case 0x4b: // BININT1
        stack.push(u8());
        break;
      case 0x4d: // BININT2
        stack.push(u16());
        break;
      case 0x8a: // LONG1
      case 0x8b: { // LONG4
        const n = op === 0x8a ? u8() : u32();
        if (n > 64) fail(`integer of ${n} bytes is too large`);
        const b = take(n);
        let v = 0n;
        for (let i = n - 1; i >= 0; i--) v = (v << 8n) | BigInt(b[i]);
        if (n > 0 && b[n - 1] & 0x80) v -= 1n << BigInt(8 * n);
        stack.push(
          v >= BigInt(Number.MIN_SAFE_INTEGER) && v <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(v) : v,
        );
        break;
      }
      case 0x47: { // BINFLOAT
        need(8);
        stack.push(view.getFloat64(pos, false));
        pos += 8;
        break;
      }
      case 0x88: // NEWTRUE
        stack.push(true);
        break;
      case 0x89: // NEWFALSE
        stack.push(false);
        break;
      case 0x4e: // NONE
        stack.push(null);
        break;
      case 0x54: // BINSTRING
        stack.push(take(u32()));
        break;
      case 0x55: // SHORT_BINSTRING
        stack.push(take(u8()));
        break;
      case 0x58: { // BINUNICODE
        const b = take(u32());
        try {
          stack.push(new TextDecoder("utf-8", { fatal: true }).decode(b));
        } catch {
          fail("BINUNICODE is not valid UTF-8");
        }
        break;
      }
      case 0x71: // BINPUT
        memo.set(u8(), top());
        break;
      case 0x72: // LONG_BINPUT
        memo.set(u32(), top());
        break;
      case 0x68: // BINGET
      case 0x6a: { // LONG_BINGET
        const i = op === 0x68 ? u8() : u32();
        if (!memo.has(i)) fail(`${opName} of unknown memo entry ${i}`);
        stack.push(memo.get(i));
        break;
      }
      case 0x63: { // GLOBAL
        const module = line();
        const global = `${module} ${line()}`;
        if (!_ALLOWED_GLOBALS.has(global)) fail(`global '${global}' is not allowed`);
        stack.push(new _Global(global));
        break;
      }
      case 0x52: { // REDUCE
        const args = pop(), fn = pop();
        stack.push(_reduce(fn, args, fail, defaultdicts));
        break;
      }
      case 0x81: { // NEWOBJ
        const args = pop(), cls = pop();
        if (!(cls instanceof _Global) || cls.name !== "scipy.sparse.csr csr_matrix") {
          fail(`NEWOBJ of ${cls instanceof _Global ? `'${cls.name}'` : "a non-class"} is not allowed`);
        }
        if (!_isTuple(args) || args.length !== 0) fail("NEWOBJ csr_matrix with arguments");
        stack.push(new _Csr());
        break;
      }
      case 0x62: { // BUILD
        const state = pop();
        _build(top(), state, fail);
        break;
      }
      default:
        fail(`unsupported pickle opcode ${opName} (0x${op.toString(16).padStart(2, "0")})`);
    }
  }
}

type _Fail = (message: string) => never;

function _reduce(
  fn: unknown,
  args: unknown,
  fail: _Fail,
  defaultdicts: WeakSet<Map<unknown, unknown>>,
): unknown {
  if (!(fn instanceof _Global)) return fail("REDUCE of something that is not a whitelisted global");
  if (!_isTuple(args)) return fail(`REDUCE '${fn.name}' without an argument tuple`);
  switch (fn.name) {
    case "numpy.core.multiarray _reconstruct": {
      const cls = args[0];
      if (!(cls instanceof _Global) || cls.name !== "numpy ndarray") {
        return fail("_reconstruct of something other than numpy ndarray");
      }
      return new _Array();
    }
    case "numpy dtype": {
      const code = _text(args[0]);
      if (code === undefined) return fail("numpy dtype without a type string");
      return new _Dtype(code);
    }
    case "collections defaultdict": {
      const factory = args[0];
      if (args.length > 1 || !(factory instanceof _Global) || factory.name !== "__builtin__ list") {
        return fail("only defaultdict(list) is supported");
      }
      const map = new Map<unknown, unknown>();
      defaultdicts.add(map);
      return map;
    }
    default:
      return fail(`calling '${fn.name}' is not allowed`);
  }
}

function _build(obj: unknown, state: unknown, fail: _Fail): void {
  if (obj instanceof _Dtype) {
    // (version, byteorder, subarray, names, fields, elsize, alignment, flags[, metadata])
    if (!_isTuple(state) || state.length < 8) return fail("malformed numpy dtype state");
    const bo = _text(state[1]);
    if (bo === undefined || !["<", ">", "|", "="].includes(bo)) {
      return fail("malformed numpy dtype byte order");
    }
    if (state[2] !== null || state[3] !== null || state[4] !== null) {
      return fail("structured or sub-array numpy dtypes are not supported");
    }
    obj.byteorder = bo;
    return;
  }
  if (obj instanceof _Array) {
    // (version, shape, dtype, is_fortran, raw bytes)
    if (!_isTuple(state) || state.length !== 5) return fail("malformed numpy ndarray state");
    const [, shape, dtype, fortran, raw] = state;
    if (!_isTuple(shape) || !shape.every((d) => _isInt(d) && d >= 0)) return fail("malformed ndarray shape");
    if (!(dtype instanceof _Dtype)) return fail("ndarray state without a numpy dtype");
    if (!(raw instanceof Uint8Array)) {
      return fail("ndarray without raw bytes (object arrays are not supported)");
    }
    const dims = shape as number[];
    const { data, dtypeText } = _typedArray(dtype, raw, dims, fail);
    obj.dtype = dtypeText;
    obj.shape = [...dims];
    obj.data = fortran === true && dims.length > 1 ? _toCOrder(data, dims) : data;
    return;
  }
  if (obj instanceof _Csr) {
    if (!(state instanceof Map)) return fail("malformed csr_matrix state");
    const get = (key: string): _Array => {
      const v = state.get(key);
      if (!(v instanceof _Array) || v.shape.length !== 1) {
        return fail(`csr_matrix '${key}' is not a 1-D array`);
      }
      return v;
    };
    const data = get("data"), indices = get("indices"), indptr = get("indptr");
    const shape = state.get("_shape") ?? state.get("shape");
    if (!_isTuple(shape) || shape.length !== 2 || !shape.every((d) => _isInt(d) && d >= 0)) {
      return fail("csr_matrix without a valid 2-D shape");
    }
    const [rows, cols] = shape as number[];
    const nnz = data.data.length;
    if (indices.data.length !== nnz || indptr.data.length !== rows + 1) {
      return fail("csr_matrix arrays have inconsistent lengths");
    }
    let prev = 0;
    for (let r = 0; r <= rows; r++) {
      const p = Number(indptr.data[r]);
      if ((r === 0 && p !== 0) || p < prev || p > nnz) {
        return fail("csr_matrix indptr is not a valid row index");
      }
      prev = p;
    }
    if (prev !== nnz) return fail("csr_matrix indptr does not end at nnz");
    for (let i = 0; i < nnz; i++) {
      const c = Number(indices.data[i]);
      if (!(c >= 0 && c < cols)) return fail(`csr_matrix column index ${c} outside 0..${cols - 1}`);
    }
    obj.shape = [rows, cols];
    obj.data = data.data;
    obj.indices = indices.data;
    obj.indptr = indptr.data;
    return;
  }
  fail("BUILD of an object that is not a dtype, ndarray or csr_matrix");
}

const _CTORS = {
  b1: Uint8Array,
  i1: Int8Array,
  u1: Uint8Array,
  i2: Int16Array,
  u2: Uint16Array,
  i4: Int32Array,
  u4: Uint32Array,
  i8: BigInt64Array,
  u8: BigUint64Array,
  f4: Float32Array,
  f8: Float64Array,
} as const;

function _typedArray(
  dtype: _Dtype,
  raw: Uint8Array,
  shape: number[],
  fail: _Fail,
): { data: NumericArray; dtypeText: string } {
  const code = dtype.code.replace(/^[<>|=]/, "");
  const ctor = (_CTORS as Record<string, (typeof _CTORS)[keyof typeof _CTORS]>)[code];
  if (ctor === undefined) return fail(`unsupported numpy dtype '${dtype.code}'`);
  const size = ctor.BYTES_PER_ELEMENT;
  const count = shape.reduce((a, b) => a * b, 1);
  if (raw.length !== count * size) {
    return fail(
      `ndarray of shape (${shape.join(", ")}) and dtype ${code} needs ${
        count * size
      } bytes, has ${raw.length}`,
    );
  }
  const copy = raw.slice(); // own, aligned buffer
  const big = dtype.byteorder === ">" || (dtype.byteorder === "=" && _BIG_ENDIAN_HOST);
  if (size > 1 && big !== _BIG_ENDIAN_HOST) {
    for (let i = 0; i < copy.length; i += size) copy.subarray(i, i + size).reverse();
  }
  const data = new ctor(copy.buffer, 0, count);
  return { data, dtypeText: `${size === 1 ? "|" : "<"}${code}` };
}

const _BIG_ENDIAN_HOST = new Uint8Array(new Uint16Array([1]).buffer)[0] === 0;

function _toCOrder(data: NumericArray, shape: number[]): NumericArray {
  const out = new (data.constructor as new (n: number) => NumericArray)(data.length);
  const n = shape.length;
  const fStride = new Array<number>(n);
  let s = 1;
  for (let d = 0; d < n; d++) {
    fStride[d] = s;
    s *= shape[d];
  }
  const idx = new Array<number>(n).fill(0);
  for (let i = 0; i < data.length; i++) {
    let off = 0;
    for (let d = 0; d < n; d++) off += idx[d] * fStride[d];
    (out as Float64Array)[i] = (data as Float64Array)[off];
    for (let d = n - 1; d >= 0; d--) {
      if (++idx[d] < shape[d]) break;
      idx[d] = 0;
    }
  }
  return out;
}
