/**
 * keiro's library entry: re-exports only.
 * @module
 */

export * from "./src/errors.ts";
export * from "./src/dataset.ts";
export * from "./src/generate.ts";
export * from "./src/import_te.ts";
export * from "./src/read_topology.ts";
export * from "./src/solve_all.ts";
export * from "./src/solve_each.ts";
export * from "./src/summarize.ts";
export * from "./src/evaluate_solutions.ts";
export * from "./src/comparison_table.ts";
export type * from "./src/topology.ts";
export * from "./src/hybrid/config.ts";
export * from "./src/hybrid/model.ts";
export * from "./src/hybrid/train.ts";
export * from "./src/hybrid/route_with_model.ts";
export * from "./src/hybrid/eval_sampling.ts";
export * from "./src/hybrid/tune_sampling.ts";
export * from "./src/hybrid/model_sources.ts";
export * from "./src/glm/datasets/mod.ts";
export * from "./src/glm/config.ts";
export * from "./src/glm/glm_model.ts";
export * from "./src/glm/train_glm.ts";
export * from "./src/materials/mod.ts";
export * from "./src/losses/mod.ts";
export * from "./src/fusion/mod.ts";
export * from "./src/report/parity_plot_svg.ts";
export * from "./src/report/bar_chart_svg.ts";
