//! The custom ops of the models: each a candle `CustomOp` with a CPU kernel (and, for training, a
//! backward checked against finite differences), plus the sparse link structure and fast math
//! they share. `cpu` is the seam where a kernel is chosen for a tensor's device.

pub mod batch_norm;
pub mod cgcnn_gate;
mod cpu;
pub mod edge_scores;
pub mod fast_math;
pub mod gated_aggregate;
pub mod linear;
pub mod link_index;
pub mod link_sum;
pub mod masked_log_softmax;
pub mod soft_topk;
pub mod softplus;
pub mod sparse_dot;
pub mod spmm;
pub mod weighted_softmax;
