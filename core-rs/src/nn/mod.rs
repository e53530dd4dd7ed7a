//! Model building blocks shared by every domain: layers, batch norm, dropout, the optimiser, named
//! parameters and the per-call `Pass`. Imports `ops` and the crate-wide modules only.

pub mod adam;
pub mod appnp;
pub mod batch_norm;
pub mod checkpoint;
pub mod conv3x3;
pub mod dropout;
pub mod gat_layer;
pub mod gcn_layer;
pub mod mlp;
pub mod node_features;
pub mod param_store;
pub mod pass;
pub mod running_batch_norm;
pub mod sigmoid;
pub mod task_loss;
pub mod weighted_graph;
