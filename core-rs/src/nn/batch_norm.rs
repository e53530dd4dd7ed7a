//! Batch normalisation layer over rows, applied as the tail of a residual layer
//! (`r + Dropout(ReLU(BN(x)))`): parameters `γ`, `β` and the fused op [`crate::ops::batch_norm`].
//!
//! `y = γ ⊙ (x − μ_B) / √(σ²_B + ε) + β` with the statistics of the batch being encoded (or of each
//! episode's rows, `normalization: episode`), in training and at inference alike. The encoder's passes see different feature distributions (usage grows
//! commodity by commodity), so running averages over all passes matched none of them: a model that
//! reproduced its training labels with batch statistics (teacher-forced label probability > 0.9)
//! reproduced only 3 of 8 label routings when decoding with running statistics.

use std::sync::Arc;

use candle_core::{DType, Device, Tensor};

use crate::error::Result;
use crate::nn::dropout::dropout_mask;
use crate::nn::param_store::ParamStore;
use crate::nn::pass::Pass;
use crate::ops::batch_norm::residual_batch_norm;
use crate::rng::Rng;

/// A batch-norm layer over the last dimension.
#[derive(Clone, Debug)]
pub struct BatchNorm {
    gamma: usize,
    beta: usize,
}

impl BatchNorm {
    /// Registers `name.weight` (ones) and `name.bias` (zeros).
    pub fn new(ps: &mut ParamStore, name: &str, h: usize) -> Result<BatchNorm> {
        Ok(BatchNorm {
            gamma: ps.constant(&format!("{name}.weight"), Tensor::ones(h, DType::F32, &Device::Cpu)?)?,
            beta: ps.constant(&format!("{name}.bias"), Tensor::zeros(h, DType::F32, &Device::Cpu)?)?,
        })
    }

    /// `r + Dropout_p(ReLU(BN(x)))`, all `[R, H]`, with the statistics of each group of rows
    /// (`groups`: row offsets) or of all rows (`None`).
    pub fn forward_residual(&self, p: &Pass, x: &Tensor, r: &Tensor, groups: Option<Arc<Vec<usize>>>, rng: &mut Rng) -> Result<Tensor> {
        let gb = Tensor::stack(&[p.w.get(self.gamma), p.w.get(self.beta)], 0)?; // [2, H]
        Ok(residual_batch_norm(x, &gb, r, dropout_mask(x.elem_count(), p.dropout, rng), groups)?)
    }
}
