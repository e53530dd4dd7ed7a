/**
 * Node classification with a learned sparse graph: datasets, the config, the native model and
 * training over seeds. Re-exports only; docs/glm.md.
 * @module
 */

export * from "./datasets/mod.ts";
export * from "./config.ts";
export * from "./glm_model.ts";
export * from "./train_glm.ts";
export * from "./shipped_glm_config.ts";
export * from "./saved_glm_model.ts";
