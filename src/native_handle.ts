/**
 * The lifecycle of every native object (a TE dataset, a hybrid, GLM, fusion or params model) and the one
 * way to call the C ABI: `keiro_<domain>_new(req, data)`, `keiro_<domain>_call(handle, with, req,
 * data)` and `keiro_<domain>_free(handle)`, with `req` a `kind`-tagged JSON request and `data` its
 * bytes (core-rs `ffi` documents the contract and each domain's requests).
 * @module
 */

import { NativeError } from "./errors.ts";
import { bytes, native, unpack } from "./native.ts";

/** The domains of the C ABI. */
export type NativeDomain = "te" | "hybrid" | "glm" | "fusion" | "params";

/** A request of the C ABI: tagged JSON. */
export type NativeRequest = { kind: string } & Record<string, unknown>;

const _EMPTY = new Uint8Array(0);

const _registry = new FinalizationRegistry<{ domain: NativeDomain; handle: Deno.PointerValue }>(
  ({ domain, handle }) => native()[`keiro_${domain}_free`](handle),
);

async function _call(
  domain: NativeDomain,
  handle: Deno.PointerValue,
  withHandle: Deno.PointerValue,
  request: NativeRequest,
  data: Uint8Array<ArrayBuffer>,
): Promise<string> {
  const r = bytes(JSON.stringify(request));
  const fn = native()[`keiro_${domain}_call`];
  return unpack(await fn(handle, withHandle, r, BigInt(r.length), data, BigInt(data.length))).text;
}

/**
 * A native object of one domain: explicit {@link NativeHandle.close} (or `using`), a
 * `FinalizationRegistry` safety net, and "… is closed" errors after it. Subclasses convert their
 * arguments into requests and the results back, nothing else.
 */
export abstract class NativeHandle {
  #handle: Deno.PointerValue;
  readonly #domain: NativeDomain;
  readonly #name: string;

  /** Wraps `handle` (from {@link NativeHandle.open}); `name` is what the closed error calls it. */
  protected constructor(domain: NativeDomain, name: string, handle: Deno.PointerValue) {
    this.#handle = handle;
    this.#domain = domain;
    this.#name = name;
    _registry.register(this, { domain, handle }, this);
  }

  /** Builds a native object with `keiro_<domain>_new`; returns its handle and the payload text. */
  protected static async open(
    domain: NativeDomain,
    request: NativeRequest,
    data: Uint8Array<ArrayBuffer> = _EMPTY,
  ): Promise<{ handle: Deno.PointerValue; text: string }> {
    const r = bytes(JSON.stringify(request));
    const fn = native()[`keiro_${domain}_new`];
    return unpack(await fn(r, BigInt(r.length), data, BigInt(data.length)));
  }

  /** A stateless request of `domain` (no handle, e.g. TE `generate`); returns the payload text. */
  static request(
    domain: NativeDomain,
    request: NativeRequest,
    data: Uint8Array<ArrayBuffer> = _EMPTY,
  ): Promise<string> {
    return _call(domain, null, null, request, data);
  }

  /** A cheap stateless request answered synchronously (config resolution); returns the payload text. */
  static requestSync(domain: "hybrid" | "glm" | "fusion" | "params", request: NativeRequest): string {
    const r = bytes(JSON.stringify(request));
    return unpack(native()[`keiro_${domain}_call_sync`](null, null, r, BigInt(r.length), _EMPTY, 0n)).text;
  }

  /**
   * Internal to keiro (for a request that takes this object as its `with` handle): the live native
   * handle, valid until {@link NativeHandle.close}. Throws when the object is closed.
   * @internal
   */
  nativeHandle(): Deno.PointerValue {
    if (this.#handle === null) throw new NativeError(`${this.#name} is closed`);
    return this.#handle;
  }

  /** Sends `request` (and `data`) to this object, with `withHandle` as the second handle. */
  protected async call(
    request: NativeRequest,
    data: Uint8Array<ArrayBuffer> = _EMPTY,
    withHandle?: NativeHandle,
  ): Promise<string> {
    return await _call(this.#domain, this.nativeHandle(), withHandle?.nativeHandle() ?? null, request, data);
  }

  /** Frees the native object; later calls throw. */
  close(): void {
    if (this.#handle !== null) {
      _registry.unregister(this);
      native()[`keiro_${this.#domain}_free`](this.#handle);
      this.#handle = null;
    }
  }

  /** `using x = await ...` closes it at the end of the scope. */
  [Symbol.dispose](): void {
    this.close();
  }
}
