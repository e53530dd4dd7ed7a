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
