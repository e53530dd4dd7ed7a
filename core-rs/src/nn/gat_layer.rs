//! GAT layer whose attention is weighted by edge weights (Veličković et al. 2018, with `A` weights).
//!
//! ```text
//! Z = H W                                   [N, heads·D]
//! e[l, h] = LeakyReLU_0.2(a_src,h · Z[src(l), h] + a_dst,h · Z[dst(l), h])
//! α[l, h] = A[l] exp(e[l, h]) / Σ_{l': src(l')=src(l)} A[l'] exp(e[l', h])     (ops::weighted_softmax)
//! H'[v, h] = Σ_{l: src(l)=v} α[l, h] Z[dst(l), h] + b                         (ops::spmm)
//! ```
//!
//! Heads are concatenated (`[N, heads·D]`) or averaged (`[N, D]`, the output layer). The graph must
//! give every node a link with positive weight (self loops do).

use candle_core::{DType, Device, Tensor};

use crate::error::Result;
use crate::nn::node_features::NodeFeatures;
use crate::nn::param_store::{ParamStore, Weights};
use crate::nn::weighted_graph::WeightedGraph;
use crate::ops::spmm::spmm;
use crate::ops::weighted_softmax::weighted_softmax;

/// A GAT layer (parameter ids into a [`ParamStore`]).
pub struct GatLayer {
    w: usize,
    a_src: usize,
    a_dst: usize,
    b: usize,
    heads: usize,
    out: usize,
    concat: bool,
}

impl GatLayer {
    /// `heads` heads of width `out`, concatenated or (`concat = false`) averaged.
    pub fn new(ps: &mut ParamStore, name: &str, inp: usize, out: usize, heads: usize, concat: bool) -> Result<GatLayer> {
        let hd = heads * out;
        let w = ps.uniform(&format!("{name}.weight"), &[inp, hd], (6.0 / (inp + hd) as f64).sqrt())?;
        let a = (6.0 / (out + 1) as f64).sqrt();
        let a_src = ps.uniform(&format!("{name}.att_src"), &[1, hd], a)?;
        let a_dst = ps.uniform(&format!("{name}.att_dst"), &[1, hd], a)?;
        let width = if concat { hd } else { out };
        let b = ps.constant(&format!("{name}.bias"), Tensor::zeros((1, width), DType::F32, &Device::Cpu)?)?;
        Ok(GatLayer { w, a_src, a_dst, b, heads, out, concat })
    }

    /// The weight matrix's id (for its L2 penalty).
    pub fn weight_id(&self) -> usize {
        self.w
    }

    /// `[N, in]` → `[N, heads·out]` or `[N, out]` on `graph` (raw, non-negative weights).
    pub fn forward(&self, w: &Weights, h: &NodeFeatures, graph: &WeightedGraph) -> Result<Tensor> {
        let n = h.rows()?;
        let z = h.matmul(w.get(self.w))?; // [N, H·D]
        let side = |a: usize| -> Result<Tensor> { Ok(z.broadcast_mul(w.get(a))?.reshape((n, self.heads, self.out))?.sum(2)?) }; // [N, H]
        let ix = &graph.index;
        let (src, dst) = (ix.src_ids()?.to_device(z.device())?, ix.dst_ids()?.to_device(z.device())?); // [E]
        let e = (side(self.a_src)?.index_select(&src, 0)? + side(self.a_dst)?.index_select(&dst, 0)?)?; // [E, H]
        let e = e.maximum(&(&e * 0.2)?)?;
        let alpha = weighted_softmax(&e, &graph.weights, ix)?; // [E, H]
        let out = spmm(&alpha, &z, ix)?; // [N, H·D]
        let out = if self.concat { out } else { out.reshape((n, self.heads, self.out))?.mean(1)? };
        let ones = Tensor::ones((n, 1), DType::F32, z.device())?;
        Ok((out + ones.matmul(w.get(self.b))?)?)
    }
}
