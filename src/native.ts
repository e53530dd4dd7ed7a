/**
 * The one module that opens keiro's native library (`core-rs`, a cdylib) through `Deno.dlopen`.
 *
 * The library is looked up as `$KEIRO_LIB`, else `<target>/<profile>/libkeiro_core.so` with
 * `<target>` = `$CARGO_TARGET_DIR` or `./target` (`<that>/cuda` for the CUDA build, see
 * {@link useNativeBuild}) and `<profile>` = `$KEIRO_PROFILE` or the newer of release and debug. A
 * missing library, one older than the Rust sources, or one with another ABI version is an error
 * that says which command builds it.
 * @module
 */

import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { InputError, NativeError, UsageError } from "./errors.ts";

/** The ABI version this front end speaks (core-rs `ffi::ABI_VERSION`). */
export const ABI_VERSION = 7;

/** `keiro_<domain>_new(req, req_len, data, data_len)`. */
const _NEW = {
  parameters: ["buffer", "usize", "buffer", "usize"],
  result: "pointer",
  nonblocking: true,
} as const;
/** `keiro_<domain>_call(handle, with, req, req_len, data, data_len)`. */
const _CALL = {
  parameters: ["pointer", "pointer", "buffer", "usize", "buffer", "usize"],
  result: "pointer",
  nonblocking: true,
} as const;
/** `keiro_<domain>_call` of `name`, blocking: for cheap stateless requests (config resolution). */
const _callSync = (name: string) => ({ ..._CALL, name, nonblocking: false }) as const;
/** `keiro_<domain>_free(handle)`. */
const _FREE = { parameters: ["pointer"], result: "void" } as const;

const SYMBOLS = {
  keiro_abi_version: { parameters: [], result: "u32" },
  keiro_buffer_free: { parameters: ["pointer"], result: "void" },
  keiro_te_new: _NEW,
  keiro_te_call: _CALL,
  keiro_te_free: _FREE,
  keiro_hybrid_new: _NEW,
  keiro_hybrid_call: _CALL,
  keiro_hybrid_free: _FREE,
  keiro_glm_new: _NEW,
  keiro_glm_call: _CALL,
  keiro_glm_free: _FREE,
  keiro_fusion_new: _NEW,
  keiro_fusion_call: _CALL,
  keiro_fusion_free: _FREE,
  keiro_params_new: _NEW,
  keiro_params_call: _CALL,
  keiro_params_free: _FREE,
  keiro_hybrid_call_sync: _callSync("keiro_hybrid_call"),
  keiro_fusion_call_sync: _callSync("keiro_fusion_call"),
  keiro_glm_call_sync: _callSync("keiro_glm_call"),
  keiro_params_call_sync: _callSync("keiro_params_call"),
} as const;

/** The opened library's symbols. */
export type NativeSymbols = Deno.DynamicLibrary<typeof SYMBOLS>["symbols"];

const ROOT = fileURLToPath(new URL("..", import.meta.url));
const LIB_NAME = Deno.build.os === "darwin"
  ? "libkeiro_core.dylib"
  : Deno.build.os === "windows"
  ? "keiro_core.dll"
  : "libkeiro_core.so";

function _mtime(path: string): number | undefined {
  try {
    return Deno.statSync(path).mtime?.getTime();
  } catch {
    return undefined;
  }
}

function _newestSource(dir: string): number {
  let newest = 0;
  for (const e of Deno.readDirSync(dir)) {
    const p = join(dir, e.name);
    newest = Math.max(newest, e.isDirectory ? _newestSource(p) : _mtime(p) ?? 0);
  }
  return newest;
}

/** Which build of the native library a process opens: the default CPU-only one, or the CUDA one
 * (cargo feature `cuda`, built into `<target>/cuda` by `bash scripts/install.sh cuda`). */
export type NativeBuild = "cpu" | "cuda";

const _BUILD_COMMAND: Record<NativeBuild, Record<string, string>> = {
  cpu: {
    release: "cargo build --release -p keiro-core (or: deno task build)",
    debug: "cargo build -p keiro-core (or: deno task build:debug)",
  },
  cuda: { release: "bash scripts/install.sh cuda", debug: "bash scripts/install.sh cuda" },
};

function _newestSources(): number {
  const dirs = ["src", "kernels"].map((d) => join(ROOT, "core-rs", d)).filter((d) => _mtime(d) !== undefined);
  return Math.max(...dirs.map(_newestSource), _mtime(join(ROOT, "core-rs", "Cargo.toml")) ?? 0);
}

/** Where `build` of the native library is (and the command that builds it); throws when it is
 * missing or older than the Rust sources. */
export function locateNative(build: NativeBuild): { path: string; build: string } {
  const explicit = Deno.env.get("KEIRO_LIB");
  if (explicit) return { path: explicit, build: "(KEIRO_LIB is set; build it yourself)" };
  const base = Deno.env.get("CARGO_TARGET_DIR") ?? join(ROOT, "target");
  const target = build === "cuda" ? join(base, "cuda") : base;
  const wanted = Deno.env.get("KEIRO_PROFILE");
  if (wanted && wanted !== "release" && wanted !== "debug") {
    throw new UsageError(`KEIRO_PROFILE must be release or debug, got ${wanted}`);
  }
  const profiles = wanted ? [wanted] : ["release", "debug"];
  const found = profiles.map((p) => ({ p, path: join(target, p, LIB_NAME) })).map((c) => ({
    ...c,
    t: _mtime(c.path),
  }))
    .filter((c) => c.t !== undefined).sort((a, b) => b.t! - a.t!);
  const profile = found[0]?.p ?? profiles[0];
  const command = _BUILD_COMMAND[build][profile];
  if (!found.length) {
    const where = join(target, profile, LIB_NAME);
    if (build === "cuda") {
      throw new UsageError(
        `a CUDA device needs keiro's CUDA build, which is not built (no ${where}); build it with: ${command} (docs/gpu.md)`,
      );
    }
    throw new NativeError(`native library not found at ${where}; build it with: ${command}`);
  }
  if (found[0].t! < _newestSources()) {
    throw new NativeError(
      `native library ${found[0].path} is older than core-rs/ sources; rebuild it with: ${command}`,
    );
  }
  return { path: found[0].path, build: command };
}

let _build: NativeBuild = "cpu";
let _lib: NativeSymbols | undefined;

/**
 * Chooses the build {@link native} opens: a CUDA device needs the CUDA build. Call it before the
 * first native call; a missing CUDA build is a usage error saying how to build it.
 */
export function useNativeBuild(build: NativeBuild): void {
  if (build === _build) return;
  locateNative(build);
  if (_lib) {
    throw new UsageError(
      `the ${_build} build of keiro's native library is already open; choose the device first`,
    );
  }
  _build = build;
}

/** Opens (once) and returns the native library. */
export function native(): NativeSymbols {
  if (_lib) return _lib;
  const { path, build } = locateNative(_build);
  let lib: Deno.DynamicLibrary<typeof SYMBOLS>;
  try {
    lib = Deno.dlopen(path, SYMBOLS);
  } catch (e) {
    const why = (e as Error).message;
    if (_build === "cuda") {
      throw new UsageError(
        `cannot open keiro's CUDA build ${path}: ${why} (is the NVIDIA driver installed, and CUDA's cuBLAS, cuRAND and NVRTC on LD_LIBRARY_PATH? docs/gpu.md)`,
      );
    }
    throw new NativeError(`cannot open native library ${path}: ${why}; rebuild it with: ${build}`);
  }
  const v = lib.symbols.keiro_abi_version();
  if (v !== ABI_VERSION) {
    throw new NativeError(
      `native library ${path} speaks ABI ${v}, expected ${ABI_VERSION}; rebuild it with: ${build}`,
    );
  }
  _lib = lib.symbols;
  return _lib;
}

const _encoder = new TextEncoder();
const _decoder = new TextDecoder();

/** UTF-8 bytes of `s` (for `buffer` parameters). */
export function bytes(s: string): Uint8Array<ArrayBuffer> {
  return _encoder.encode(s) as Uint8Array<ArrayBuffer>;
}

/**
 * Unpacks a result buffer (`[status u32][u32][len u64][handle u64][payload]`), frees it, and
 * returns the payload and handle or throws the error it carries: input errors as
 * {@link InputError}, usage errors as {@link UsageError}, solver failures and caught panics as
 * {@link NativeError}.
 */
export function unpack(ptr: Deno.PointerValue): { text: string; handle: Deno.PointerValue } {
  if (ptr === null) throw new NativeError("native call returned no buffer");
  const view = new Deno.UnsafePointerView(ptr);
  const status = view.getUint32(0);
  const len = Number(view.getBigUint64(8));
  const handleRaw = view.getBigUint64(16);
  const text = _decoder.decode(new Uint8Array(view.getArrayBuffer(len, 24)));
  native().keiro_buffer_free(ptr);
  if (status === 0) return { text, handle: handleRaw === 0n ? null : Deno.UnsafePointer.create(handleRaw) };
  const err = JSON.parse(text) as { kind: string; message: string; line?: number; field?: string };
  if (status === 1) throw new InputError(err.message, err.line ?? 0, err.field ?? "");
  if (status === 2) throw new UsageError(err.message);
  throw new NativeError(err.message);
}
