//! The critic: one scalar state value per episode from the all-commodity encoding.
//!
//! `global`: `MLP(flatten h)` with `h` `[B, V·C·H]`; `mean_pool`: `MLP(mean_v h)` with `[B, C·H]`;
//! `pool`: `MLP(mean_{v,k} h)` with `[B, H]`, the one that takes any node and commodity count (the
//! rollout then hands it the first commodity's encoding alone unless the policy reads every
//! commodity's, see `hybrid::rollout`).

use candle_core::Tensor;

use crate::error::Result;
use crate::hybrid::config::ValueType;
use crate::nn::mlp::Mlp;
use crate::nn::param_store::{ParamStore, Weights};

/// Name prefix of the critic's parameters (re-drawn for phase 2).
pub const CRITIC: &str = "critic.";

/// Value head.
#[derive(Clone, Debug)]
pub struct ValueHead {
    kind: ValueType,
    h: usize,
    mlp: Mlp,
}

impl ValueHead {
    /// Registers `critic.*`.
    pub fn new(ps: &mut ParamStore, kind: ValueType, h: usize, v: usize, c: usize, layers: usize) -> Result<ValueHead> {
        let inp = match kind {
            ValueType::Global => v * c * h,
            ValueType::MeanPool => c * h,
            ValueType::Pool => h,
        };
        Ok(ValueHead { kind, h, mlp: Mlp::new(ps, "critic", inp, h, layers, 1)? })
    }

    /// `h` `[B·V, Cs·H]` → `[B]` (`Cs` = `C` but for `pool`, which takes any `Cs`).
    pub fn forward(&self, w: &Weights, h: &Tensor, episodes: usize) -> Result<Tensor> {
        let x = match self.kind {
            ValueType::Global => h.reshape((episodes, ()))?,
            ValueType::MeanPool => h.reshape((episodes, h.dim(0)? / episodes, h.dim(1)?))?.mean(1)?,
            ValueType::Pool => h.reshape((episodes, (), self.h))?.mean(1)?, // [B, V·C, H] → [B, H]
        };
        Ok(self.mlp.forward(w, &x)?.squeeze(1)?)
    }
}
