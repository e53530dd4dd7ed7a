//! Node classification with an optional graph learning module that builds a sparse graph end to end.

pub mod block_topk;
pub mod config;
pub mod denoising;
pub mod graph_context;
pub mod graph_learner;
pub mod model;
pub mod speech;
pub mod trainer;
