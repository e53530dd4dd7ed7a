//! One CGCNN convolution (Xie & Grossman, PRL 120, 145301 (2018), eq. 5) with PyTorch CGCNN's
//! batch norms.
//!
//! ```text
//! z_im = W_f [vᵢ ‖ v_j(m) ‖ u_im] + b,  split into filter f and core c      [A, M, 2H]
//! vᵢ'  = softplus(vᵢ + BN₂(Σ_m σ(BN₁(z)_f) ⊙ softplus(BN₁(z)_c)))           [A, H]
//! ```
//! `W [vᵢ ‖ v_j ‖ u]` is computed as `W_self vᵢ + W_nbr v_j + W_edge u` (no `[A·M, 2H+G]` concat),
//! summed per neighbour slot by [`link_sum`].
//! Shapes: `x` `[A, H]`; links: a [`LinkIndex`] of `A·M` (atom, neighbour)
//! pairs; edges `[A·M, G]`. The same layer serves the line graph of the `alignn` mode: there the
//! nodes are bonds, their links the other bonds of the same atom, and the edges the bond angles.

use std::sync::Arc;

use candle_core::Tensor;

use crate::error::Result;
use crate::nn::mlp::Linear;
use crate::nn::param_store::{ParamStore, Weights};
use crate::nn::running_batch_norm::RunningBatchNorm;
use crate::ops::cgcnn_gate::cgcnn_gate;
use crate::ops::link_index::LinkIndex;
use crate::ops::link_sum::link_sum;
use crate::ops::softplus::softplus;

/// A CGCNN convolution layer.
#[derive(Debug)]
pub struct CgcnnConv {
    own: Linear,
    nbr: usize,
    edge: usize,
    /// Batch norms of the gated pre-activations `[A·M, 2H]` and of the sums `[A, H]`.
    pub bn: [RunningBatchNorm; 2],
}

impl CgcnnConv {
    /// Registers the layer's parameters (width `h`, `g` edge features) under `name`.
    pub fn new(ps: &mut ParamStore, name: &str, h: usize, g: usize, momentum: f64) -> Result<CgcnnConv> {
        // PyTorch's Linear(2H + G → 2H) bound, shared by the three blocks of its weight.
        let bound = 1.0 / ((2 * h + g) as f64).sqrt();
        Ok(CgcnnConv {
            own: Linear::new_bounded(ps, &format!("{name}.self"), h, 2 * h, bound)?,
            nbr: ps.uniform(&format!("{name}.nbr.weight"), &[2 * h, h], bound)?,
            edge: ps.uniform(&format!("{name}.edge.weight"), &[2 * h, g], bound)?,
            bn: [
                RunningBatchNorm::new(ps, &format!("{name}.bn1"), 2 * h, momentum)?,
                RunningBatchNorm::new(ps, &format!("{name}.bn2"), h, momentum)?,
            ],
        })
    }

    /// `x` `[A, H]` → `[A, H]`, over `links` (`M` per node, node-major) with `edges` `[A·M, G]`.
    pub fn forward(&self, w: &Weights, x: &Tensor, links: &Arc<LinkIndex>, edges: &Tensor, train: bool) -> Result<Tensor> {
        let (a, h) = x.dims2()?;
        let m = edges.dim(0)? / a.max(1);
        let own = self.own.forward(w, x)?; // [A, 2H]
        let nbr = x.matmul(&w.get(self.nbr).t()?)?; // [A, 2H]
        let edge = edges.matmul(&w.get(self.edge).t()?)?; // [A·M, 2H]
        let z = link_sum(&edge, &own, &nbr, links)?; // [A·M, 2H]
        let z = self.bn[0].forward(w, &z, train)?.reshape((a, m, 2 * h))?; // [A, M, 2H]
        let s = self.bn[1].forward(w, &cgcnn_gate(&z)?, train)?; // [A, H]
        Ok(softplus(&(x + s)?)?)
    }
}
