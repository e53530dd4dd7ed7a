//! The per-element regression loss of the multi-task trainers (fusion, params), on z-scored
//! targets: `|d|` (l1) or `d²` (mse) of the differences `d = ŷ − y`.

use candle_core::Tensor;
use serde::{Deserialize, Serialize};

use crate::error::Result;

/// The regression loss of each target.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum LossKind {
    /// Mean squared error.
    Mse,
    /// Mean absolute error.
    L1,
}

impl LossKind {
    /// The element-wise loss of the differences `diff` (any shape, same shape out).
    pub fn of(self, diff: &Tensor) -> Result<Tensor> {
        Ok(match self {
            LossKind::L1 => diff.abs()?,
            LossKind::Mse => diff.sqr()?,
        })
    }
}

/// The scalar multi-task loss of the per-task losses `per` `[T]`: Kendall's uncertainty weighting
/// `Σ exp(−s_t)·L_t + s_t` when the model learns log-variances `log_vars` `[T]`, else the fixed
/// weighted sum `Σ λ_t·L_t` with `lambda` `[T]`.
pub fn combine_task_losses(per: &Tensor, log_vars: Option<&Tensor>, lambda: &Tensor) -> Result<Tensor> {
    Ok(match log_vars {
        Some(s) => ((s.neg()?.exp()? * per)? + s)?.sum_all()?,
        None => (per * lambda)?.sum_all()?,
    })
}
