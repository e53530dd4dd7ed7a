/**
 * Traffic engineering: instances and their datasets, generators and importers, the exact and
 * classical solvers, evaluation, summaries and comparison tables. Re-exports only; docs/design.md.
 * @module
 */

export * from "./dataset.ts";
export * from "./read_dataset.ts";
export * from "./generate.ts";
export * from "./import_te.ts";
export * from "./fill_capacities.ts";
export * from "./read_topology.ts";
export * from "./topology_graph.ts";
export * from "./solve_all.ts";
export * from "./solve_each.ts";
export * from "./summarize.ts";
export * from "./evaluate_solutions.ts";
export * from "./choose_reference.ts";
export * from "./comparison_table.ts";
export type * from "./topology.ts";
