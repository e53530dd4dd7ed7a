//! Traffic engineering: instances (the JSON contract), their routing graphs, topology and traffic
//! generators, the exact and classical solvers (MILP, LP by column generation, shortest path, greedy), reading solutions
//! back, and the evaluator. Imports nothing from the model domains.

pub mod dataset;
pub mod edge;
#[cfg(test)]
pub mod edge_lp;
pub mod evaluate;
pub mod evaluate_jsonl;
pub mod generate;
pub mod graph;
pub mod greedy;
pub mod instance;
pub mod lp;
pub mod milp;
pub mod ordered_f64;
pub mod shortest_path;
pub mod shortest_path_tree;
pub mod smooth_paths;
pub mod solution;
pub mod solve;
pub mod topology;
