/**
 * Config resolution in the native core, which owns the schema, defaults and checks of the hybrid
 * (core-rs/src/hybrid/config.rs), GLM (core-rs/src/glm/config.rs) and fusion
 * (core-rs/src/fusion/config.rs) and params (core-rs/src/params/config.rs) configs.
 * @module
 */

import { UsageError } from "./errors.ts";
import { NativeHandle } from "./native_handle.ts";

/** A config to resolve: its domain, its JSON text and the file that errors name. */
export interface NativeConfigRequest {
  /**
   * `hybrid`: a training config of `keiro train`, over `base` (keys of a config) and the defaults;
   * `hybrid_supervised`: a `supervised_config` file, as phase-1 overrides of the resolved config
   * `base`; `glm`: a `keiro glm` config (file keys and flag overrides); `fusion`: a `keiro fuse`
   * config file; `params`: a `keiro params train` config file.
   */
  domain: "hybrid" | "hybrid_supervised" | "glm" | "fusion" | "params";
  /** The config's JSON text. */
  text: string;
  /** The file (or other source) that errors name. */
  file: string;
  /** See `domain`. */
  base?: object;
}

/** Each config domain's native domain and request kind. */
const _ROUTES: Record<string, readonly ["hybrid" | "glm" | "fusion" | "params", string]> = {
  hybrid: ["hybrid", "resolve_config"],
  hybrid_supervised: ["hybrid", "resolve_supervised_config"],
  glm: ["glm", "resolve_config"],
  fusion: ["fusion", "resolve_config"],
  params: ["params", "resolve_config"],
};

/**
 * The resolved config of `request` (the caller knows its shape `T`). Synchronous: resolving is
 * cheap.
 * @throws {UsageError} naming the file and the key for invalid JSON, an unknown key (with a
 *   suggestion) or a bad value
 */
export function resolveNativeConfig<T>(request: NativeConfigRequest): T {
  const { domain, ...rest } = request;
  const route = _ROUTES[domain];
  if (!route) {
    throw new UsageError(
      `unknown config domain \`${domain}\` (hybrid, hybrid_supervised, glm, fusion, params)`,
    );
  }
  const [target, kind] = route;
  return JSON.parse(NativeHandle.requestSync(target, { kind, ...rest })) as T;
}
