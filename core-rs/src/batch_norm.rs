//! Batch normalisation over rows, written with plain tensor ops so that it has a backward pass.
//!
//! Training: `y = γ ⊙ (x − μ_B) / √(σ²_B + ε) + β` with the batch statistics of `x` `[R, H]`, and the
//! running statistics updated with momentum 0.1; inference uses the running statistics.

use candle_core::{DType, Device, Tensor};

use crate::error::Result;
use crate::param_store::{ParamStore, Weights};

const EPS: f64 = 1e-5;
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

    /// `[R, H]` → `[R, H]`; `train` uses (and records) the batch statistics.
    pub fn forward(&self, ps: &ParamStore, w: &Weights, x: &Tensor, train: bool) -> Result<Tensor> {
        let (mean, var) = if train {
            let mean = x.mean_keepdim(0)?; // [1, H]
            let var = x.broadcast_sub(&mean)?.sqr()?.mean_keepdim(0)?; // [1, H]
            let keep = |id: usize, batch: &Tensor| -> Result<()> {
                let updated = ((ps.get_buffer(id) * (1.0 - MOMENTUM))? + (batch.detach().squeeze(0)? * MOMENTUM)?)?;
                ps.set_buffer(id, updated);
                Ok(())
            };
            keep(self.mean, &mean)?;
            keep(self.var, &var)?;
            (mean, var)
        } else {
            (ps.get_buffer(self.mean).unsqueeze(0)?, ps.get_buffer(self.var).unsqueeze(0)?)
        };
        let xhat = x.broadcast_sub(&mean)?.broadcast_div(&(var + EPS)?.sqrt()?)?;
        Ok(xhat.broadcast_mul(w.get(self.gamma))?.broadcast_add(w.get(self.beta))?)
    }
}
