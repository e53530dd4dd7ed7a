//! Batch normalisation with running statistics (PyTorch's `BatchNorm1d`): batch statistics while
//! training, which also update exponential running averages, and the running averages at inference.
//!
//! ```text
//! train:  y = γ ⊙ (x − μ_B)/√(σ²_B + ε) + β,   μ ← (1−m)μ + m·μ_B,   σ² ← (1−m)σ² + m·σ²_B·R/(R−1)
//! eval:   y = γ ⊙ (x − μ)/√(σ² + ε) + β
//! ```
//! `x` `[R, H]`.

use std::cell::RefCell;

use candle_core::{DType, Device, Tensor};

use crate::error::Result;
use crate::nn::param_store::{ParamStore, Weights};
use crate::ops::batch_norm::{batch_norm, column_moments, EPS};

/// A batch-norm layer over the last dimension with running statistics.
#[derive(Debug)]
pub struct RunningBatchNorm {
    gamma: usize,
    beta: usize,
    momentum: f32,
    /// Running mean and (unbiased) variance.
    running: RefCell<(Vec<f32>, Vec<f32>)>,
}

impl RunningBatchNorm {
    /// Registers `name.weight` (ones) and `name.bias` (zeros); running mean 0, variance 1.
    pub fn new(ps: &mut ParamStore, name: &str, h: usize, momentum: f64) -> Result<RunningBatchNorm> {
        Ok(RunningBatchNorm {
            gamma: ps.constant(&format!("{name}.weight"), Tensor::ones(h, DType::F32, &Device::Cpu)?)?,
            beta: ps.constant(&format!("{name}.bias"), Tensor::zeros(h, DType::F32, &Device::Cpu)?)?,
            momentum: momentum as f32,
            running: RefCell::new((vec![0.0; h], vec![1.0; h])),
        })
    }

    /// `[R, H]` → `[R, H]`; `train` uses (and folds in) the batch statistics.
    pub fn forward(&self, w: &Weights, x: &Tensor, train: bool) -> Result<Tensor> {
        let (g, b) = (w.get(self.gamma), w.get(self.beta));
        if train {
            let r = x.dim(0)?;
            let (mean, var) = column_moments(x)?;
            let unbias = if r > 1 { r as f32 / (r - 1) as f32 } else { 1.0 };
            let m = self.momentum;
            let mut run = self.running.borrow_mut();
            run.0.iter_mut().zip(&mean).for_each(|(a, v)| *a = (1.0 - m) * *a + m * v);
            run.1.iter_mut().zip(&var).for_each(|(a, v)| *a = (1.0 - m) * *a + m * v * unbias);
            return Ok(batch_norm(x, &Tensor::stack(&[g, b], 0)?)?);
        }
        let run = self.running.borrow();
        let h = run.0.len();
        let inv: Vec<f32> = run.1.iter().map(|v| 1.0 / (v + EPS as f32).sqrt()).collect();
        let scale = (g * Tensor::from_vec(inv, h, x.device())?)?; // [H]
        let shift = (b - (&scale * Tensor::from_vec(run.0.clone(), h, x.device())?)?)?; // [H]
        Ok(x.broadcast_mul(&scale.unsqueeze(0)?)?.broadcast_add(&shift.unsqueeze(0)?)?)
    }

    /// The running statistics (for snapshots).
    pub fn state(&self) -> (Vec<f32>, Vec<f32>) {
        self.running.borrow().clone()
    }

    /// Restores running statistics saved by [`RunningBatchNorm::state`].
    pub fn set_state(&self, s: (Vec<f32>, Vec<f32>)) {
        *self.running.borrow_mut() = s;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn training_updates_the_running_statistics_that_inference_uses() {
        let mut ps = ParamStore::new(0, &Device::Cpu);
        let bn = RunningBatchNorm::new(&mut ps, "bn", 2, 1.0).unwrap();
        let x = Tensor::new(&[[1.0f32, 10.0], [3.0, 10.0], [5.0, 10.0]], &Device::Cpu).unwrap();
        let w = ps.weights(false);
        let y = bn.forward(&w, &x, true).unwrap().to_vec2::<f32>().unwrap();
        // Batch: column 0 has mean 3 and biased variance 8/3.
        assert!((y[0][0] - (-2.0 / (8f32 / 3.0).sqrt())).abs() < 1e-3, "{}", y[0][0]);
        assert!(y[1][1].abs() < 1e-6, "a constant column normalises to β = 0");
        let (mean, var) = bn.state();
        assert_eq!(mean, vec![3.0, 10.0]);
        assert!((var[0] - 4.0).abs() < 1e-5, "momentum 1 keeps the unbiased batch variance 8/3·3/2 = 4, got {}", var[0]);
        // Inference with the running statistics: (x − 3)/√(4 + ε).
        let e = bn.forward(&w, &Tensor::new(&[[7.0f32, 10.0]], &Device::Cpu).unwrap(), false).unwrap().to_vec2::<f32>().unwrap();
        assert!((e[0][0] - 2.0).abs() < 1e-4, "{}", e[0][0]);
    }
}
