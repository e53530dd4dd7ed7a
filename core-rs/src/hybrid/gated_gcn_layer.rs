//! One residual gated GCN layer (graph-convnet-tsp, on real links only).
//!
//! ```text
//! ê_l = A e_l + B h_src(l) + C h_dst(l)                       e: [M·Cs, H], h: [N·Cs, H]  (ops::link_sum)
//! ĥ_v = U h_v + AGG_{l: src(l)=v} σ(ê_l) ⊙ V h_dst(l)          (ops::gated_aggregate; sum or mean)
//! h ← h + Dropout(ReLU(BN(ĥ)))      e ← e + Dropout(ReLU(BN(ê)))
//! ```
//!
//! `BN` uses the statistics of all rows of the batch, or of each episode's rows
//! ([`Pass::episode_norm`]).
//!
//! With `graph_learning` the node update gains `+ Â_learned V h` (`both`) or uses it instead of the
//! physical aggregation (`learned`); link updates always use the physical end nodes.
//!
//! `U, V, B, C` act on node rows; they are stored as one `[4H, H]` weight (`UVBC`) and applied as
//! four `[H, H]` products (see [`Linear::forward_outputs`]).

use std::sync::Arc;

use candle_core::Tensor;

use crate::error::Result;
use crate::hybrid::episode_batch::EpisodeBatch;
use crate::nn::batch_norm::BatchNorm;
use crate::nn::mlp::Linear;
use crate::nn::param_store::ParamStore;
use crate::nn::pass::Pass;
use crate::nn::weighted_graph::WeightedGraph;
use crate::ops::gated_aggregate::gated_aggregate;
use crate::ops::link_sum::link_sum;
use crate::ops::spmm::spmm;
use crate::rng::Rng;

/// Node messages besides the physical ones: `graph_learning` of the TE model.
pub struct LearnedMessages {
    /// Aggregate over the physical out-links (false for `learned`).
    pub physical: bool,
    /// The learned graph over the batch's nodes with its GCN-normalised weights `[E, 1]`.
    pub graph: Option<(WeightedGraph, Tensor)>,
}

/// A residual gated GCN layer.
#[derive(Clone, Debug)]
pub struct GatedGcnLayer {
    a: Linear,
    node: Linear,
    bn_h: BatchNorm,
    bn_e: BatchNorm,
    mean: bool,
    h: usize,
}

impl GatedGcnLayer {
    /// Registers the layer's parameters under `name`.
    pub fn new(ps: &mut ParamStore, name: &str, h: usize, mean: bool) -> Result<GatedGcnLayer> {
        Ok(GatedGcnLayer {
            a: Linear::new(ps, &format!("{name}.A"), h, h)?,
            node: Linear::new(ps, &format!("{name}.UVBC"), h, 4 * h)?,
            bn_h: BatchNorm::new(ps, &format!("{name}.bn_h"), h)?,
            bn_e: BatchNorm::new(ps, &format!("{name}.bn_e"), h)?,
            mean,
            h,
        })
    }

    /// `h` `[N·Cs, H]`, `e` `[M·Cs, H]` → the updated pair.
    pub fn forward(
        &self,
        p: &Pass,
        b: &EpisodeBatch,
        h: &Tensor,
        e: &Tensor,
        learned: &LearnedMessages,
        rng: &mut Rng,
    ) -> Result<(Tensor, Tensor)> {
        let (n, m, hd) = (b.rows(), b.links(), self.h);
        let cs = h.dim(0)? / n;
        // Row-major [N·Cs, H] is [N, Cs·H] to the message ops: no reshapes (each costs the backward
        // two passes over the tensor).
        let part = |i: usize| self.node.forward_outputs(p.w, h, i * hd, hd);
        let (u, v, bh, ch) = (part(0)?, part(1)?, part(2)?, part(3)?); // [N·Cs, H] each
        let ae = self.a.forward(p.w, e)?; // [M·Cs, H]
        let e_hat = link_sum(&ae, &bh, &ch, &b.index)?; // [M·Cs, H]
        let mut h_hat = u;
        if learned.physical {
            h_hat = (h_hat + gated_aggregate(&e_hat, &v, &b.index, self.mean)?)?;
            // [N·Cs, H]
        }
        if let Some((g, norm)) = &learned.graph {
            // Â V over the learned graph, [N·Cs, H]
            h_hat = (h_hat + spmm(norm, &v.reshape((n, cs * hd))?, &g.index)?.reshape((n * cs, hd))?)?;
        }
        // Episode `k`'s rows: nodes [k·V·Cs, (k+1)·V·Cs), links [link_offset[k]·Cs, link_offset[k+1]·Cs).
        let (node_groups, link_groups) = if p.episode_norm {
            let episodes = b.insts.len();
            let nodes = (0..=episodes).map(|k| k * b.v * cs).collect();
            let links = b.link_offset.iter().chain(std::iter::once(&m)).map(|&o| o * cs).collect();
            (Some(Arc::new(nodes)), Some(Arc::new(links)))
        } else {
            (None, None)
        };
        let h_new = self.bn_h.forward_residual(p, &h_hat, h, node_groups, rng)?;
        let e_new = self.bn_e.forward_residual(p, &e_hat, e, link_groups, rng)?;
        Ok((h_new, e_new))
    }
}
