//! keiro-core: the pure Rust core of keiro — TE instances, generators, exact and heuristic
//! solvers, the evaluator — and a thin C ABI (`ffi`) for the Deno front end.

pub mod adam;
pub mod batch_norm;
pub mod block_topk;
pub mod dropout;
pub mod episode_batch;
pub mod error;
pub mod evaluate;
pub mod ffi;
pub mod gat_layer;
pub mod gated_gcn_layer;
pub mod gcn_layer;
pub mod generate;
pub mod glm_config;
pub mod glm_model;
pub mod glm_trainer;
pub mod graph;
pub mod graph_learner;
pub mod greedy;
pub mod hybrid_config;
pub mod hybrid_encoder;
pub mod hybrid_model;
pub mod hybrid_trainer;
pub mod instance;
pub mod link_index;
pub mod lp;
pub mod milp;
pub mod mlp;
pub mod node_features;
pub mod op_batch_norm;
mod op_cpu;
pub mod op_edge_scores;
pub mod op_gated_aggregate;
pub mod op_masked_log_softmax;
pub mod op_soft_topk;
pub mod op_sparse_dot;
pub mod op_spmm;
pub mod op_weighted_softmax;
pub mod param_store;
pub mod policy_head;
pub mod reward;
pub mod rng;
pub mod rollout;
pub mod shortest_path;
pub mod solution;
pub mod solve;
#[cfg(test)]
mod testing;
pub mod topology;
pub mod value_head;
pub mod weighted_graph;

pub use error::{Error, Result};
pub use instance::Instance;
