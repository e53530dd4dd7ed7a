//! Batch normalisation layer over rows, applied as the tail of a residual layer
//! (`r + Dropout(ReLU(BN(x)))`): parameters `γ`, `β`, running statistics, and the fused op
//! [`crate::op_batch_norm`].
//!
//! Training: `y = γ ⊙ (x − μ_B) / √(σ²_B + ε) + β` with the batch statistics of `x` `[R, H]`, and the
//! running statistics updated with momentum 0.1; inference uses the running statistics.

use std::sync::{Arc, Mutex};

use candle_core::{DType, Device, Tensor};

use crate::dropout::dropout_mask;
use crate::error::Result;
use crate::gated_gcn_layer::Pass;
use crate::op_batch_norm::{residual_batch_norm, Stats};
use crate::param_store::ParamStore;
use crate::rng::Rng;

const MOMENTUM: f64 = 0.1;

/// A batch-norm layer over the last dimension.
#[derive(Clone, Debug)]
pub struct BatchNorm {
    gamma: usize,
    beta: usize,
    mean: usize,
    var: usize,
}

impl BatchNorm {
    /// Registers `name.weight`, `name.bias` and the buffers `name.running_mean`, `name.running_var`.
    pub fn new(ps: &mut ParamStore, name: &str, h: usize) -> Result<BatchNorm> {
        let ones = Tensor::ones(h, DType::F32, &Device::Cpu)?;
        let zeros = Tensor::zeros(h, DType::F32, &Device::Cpu)?;
        Ok(BatchNorm {
            gamma: ps.constant(&format!("{name}.weight"), ones.clone())?,
            beta: ps.constant(&format!("{name}.bias"), zeros.clone())?,
            mean: ps.buffer(&format!("{name}.running_mean"), zeros),
            var: ps.buffer(&format!("{name}.running_var"), ones),
        })
    }

    /// `r + Dropout_p(ReLU(BN(x)))`, all `[R, H]`; `train` uses (and records) the batch statistics.
    pub fn forward_residual(&self, ps: &ParamStore, p: &Pass, x: &Tensor, r: &Tensor, rng: &mut Rng) -> Result<Tensor> {
        let stats = if p.train {
            Stats::Batch(Arc::new(Mutex::new(None)))
        } else {
            Stats::Fixed(Arc::new((ps.get_buffer(self.mean).to_vec1()?, ps.get_buffer(self.var).to_vec1()?)))
        };
        let gb = Tensor::stack(&[p.w.get(self.gamma), p.w.get(self.beta)], 0)?; // [2, H]
        let y = residual_batch_norm(x, &gb, r, stats.clone(), dropout_mask(x.elem_count(), p.dropout, rng))?;
        if let Stats::Batch(out) = stats {
            let (mean, var) = out.lock().unwrap_or_else(|e| e.into_inner()).take().expect("the forward pass records its statistics");
            for (id, batch) in [(self.mean, mean), (self.var, var)] {
                let old = ps.get_buffer(id).to_vec1::<f32>()?;
                let new: Vec<f32> = old.iter().zip(&batch).map(|(o, b)| (1.0 - MOMENTUM as f32) * o + MOMENTUM as f32 * b).collect();
                ps.set_buffer(id, Tensor::from_vec(new, batch.len(), &Device::Cpu)?);
            }
        }
        Ok(y)
    }
}
