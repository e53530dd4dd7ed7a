//! keiro-core: the pure Rust core of keiro — TE instances, generators, exact and heuristic
//! solvers, the evaluator — and a thin C ABI (`ffi`) for the Deno front end.

pub mod error;
pub mod evaluate;
pub mod ffi;
pub mod generate;
pub mod graph;
pub mod greedy;
pub mod instance;
pub mod lp;
pub mod milp;
pub mod rng;
pub mod shortest_path;
pub mod solution;
pub mod solve;
#[cfg(test)]
mod testing;
pub mod topology;

pub use error::{Error, Result};
pub use instance::Instance;
