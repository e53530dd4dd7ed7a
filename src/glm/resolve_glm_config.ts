/**
 * A GLM config checked and completed by the native core (core-rs/src/glm/config.rs owns its keys,
 * defaults and checks), before any data is read.
 * @module
 */

import { resolveNativeConfig } from "../resolve_native_config.ts";
import type { GlmConfig } from "./config.ts";

/**
 * `config` (from {@link loadGlmConfig}) with every key resolved.
 * @throws {UsageError} naming `file` and the key for an unknown key or a value of the wrong type or
 *   range
 */
export function resolveGlmConfig(config: GlmConfig, file: string): GlmConfig {
  return resolveNativeConfig<GlmConfig>({ domain: "glm", text: JSON.stringify(config), file });
}
