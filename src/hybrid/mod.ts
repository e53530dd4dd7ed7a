/**
 * The hybrid GCN + Teal learned router: its config, the native model, training, routing with a
 * trained model and the tuning of its sampling. Re-exports only; docs/hybrid.md.
 * @module
 */

export * from "./config.ts";
export * from "./model.ts";
export * from "./train.ts";
export * from "./route_with_model.ts";
export * from "./eval_sampling.ts";
export * from "./tune_sampling.ts";
export * from "./model_sources.ts";
