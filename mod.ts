/**
 * keiro's library entry: re-exports only.
 * @module
 */

export * from "./src/errors.ts";
export * from "./src/rng.ts";
export * from "./src/te/mod.ts";
export * from "./src/hybrid/mod.ts";
export * from "./src/glm/mod.ts";
export * from "./src/materials/mod.ts";
export * from "./src/losses/mod.ts";
export * from "./src/fusion/mod.ts";
export * from "./src/report/parity_plot_svg.ts";
export * from "./src/report/bar_chart_svg.ts";
