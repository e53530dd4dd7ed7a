//! keiro-core: the pure Rust core of keiro, organised by domain as the TypeScript front end is.
//!
//! - [`te`]: TE instances, generators, exact and heuristic solvers, the evaluator.
//! - [`ops`]: custom ops (CPU kernels behind one dispatch seam), [`nn`]: layers and training parts.
//! - [`hybrid`], [`glm`], [`fusion`], [`params`]: the learned models, each with its config and trainer.
//! - [`ffi`]: the thin C ABI the Deno front end calls.
//! - [`device`]: the `cpu` / `cuda:N` device a model runs on (CUDA only in the `cuda` build).
//!
//! The layers and what each may import are in `docs/design.md`.

mod allocator;
pub mod config_json;
pub mod device;
pub mod error;
pub mod ffi;
pub mod fusion;
pub mod glm;
pub mod hybrid;
pub mod nn;
pub mod on_pool;
pub mod ops;
pub mod params;
pub mod rng;
pub mod te;
#[cfg(test)]
mod testing;

pub use error::{Error, Result};
pub use te::instance::Instance;
