//! The per-call switches of a forward pass, shared by every layer.

use crate::nn::param_store::Weights;

/// Forward-pass switches shared by every layer.
pub struct Pass<'w> {
    /// Parameter tensors (tracked or detached).
    pub w: &'w Weights,
    /// Dropout probability (0 = off).
    pub dropout: f64,
    /// Batch-norm statistics per episode instead of over the batch.
    pub episode_norm: bool,
}
