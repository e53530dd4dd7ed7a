//! The actor: scores the out-neighbours of every node for one commodity.
//!
//! `node`: `MLP([h_u ‖ h_dst])` → `V` logits, the out-neighbours' kept;
//! `edge`: `MLP(e_l)` → one score per out-link. Both return neighbour-slot logits `[N, D]` (padding
//! slots hold 0 and are always masked).

use candle_core::{DType, Tensor};

use crate::error::Result;
use crate::hybrid::config::ActionType;
use crate::hybrid::episode_batch::EpisodeBatch;
use crate::nn::mlp::Mlp;
use crate::nn::param_store::{ParamStore, Weights};

/// Policy head of either action type.
#[derive(Clone, Debug)]
pub struct PolicyHead {
    kind: ActionType,
    mlp: Mlp,
}

impl PolicyHead {
    /// Registers `actor.*`.
    pub fn new(ps: &mut ParamStore, kind: ActionType, h: usize, v: usize, layers: usize) -> Result<PolicyHead> {
        let mlp = match kind {
            ActionType::Node => Mlp::new(ps, "actor", 2 * h, h, layers, v)?,
            ActionType::Edge => Mlp::new(ps, "actor", h, h, layers, 1)?,
        };
        Ok(PolicyHead { kind, mlp })
    }

    /// Neighbour-slot logits `[N, D]` from one commodity's `h` `[N, H]` and `e` `[M, H]`;
    /// `dst_rows` `[N]` is the destination's node row for each node row's episode.
    pub fn logits(&self, w: &Weights, b: &EpisodeBatch, h: &Tensor, e: &Tensor, dst_rows: &Tensor) -> Result<Tensor> {
        let zero = Tensor::zeros(1, DType::F32, h.device())?;
        let (flat, slots) = match self.kind {
            ActionType::Node => {
                let ctx = Tensor::cat(&[h.clone(), h.index_select(dst_rows, 0)?], 1)?; // [N, 2H]
                (self.mlp.forward(w, &ctx)?.flatten_all()?, &b.slot_node) // [N·V]
            }
            ActionType::Edge => (self.mlp.forward(w, e)?.flatten_all()?, &b.slot_link), // [M]
        };
        Ok(Tensor::cat(&[flat, zero], 0)?.index_select(slots, 0)?.reshape((b.rows(), b.d))?)
    }
}
