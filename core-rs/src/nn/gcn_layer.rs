//! GCN layer with edge weights (Kipf & Welling 2017, PyG `GCNConv` with `edge_weight`).
//!
//! ```text
//! H' = Â (H W) + b,   Â = D^{-1/2} A D^{-1/2}   (A with its self loops, D its row sums)
//! H [N, in] → H' [N, out];   without a graph, H' = H W + b (the MLP baseline)
//! ```
//!
//! `Â` comes from [`crate::nn::weighted_graph::WeightedGraph::gcn_normalised`], so gradients reach
//! learned edge weights.

use candle_core::{DType, Device, Tensor};

use crate::error::Result;
use crate::nn::node_features::NodeFeatures;
use crate::nn::param_store::{ParamStore, Weights};
use crate::nn::weighted_graph::WeightedGraph;

/// A GCN layer (parameter ids into a [`ParamStore`]).
pub struct GcnLayer {
    w: usize,
    b: usize,
}

impl GcnLayer {
    /// Registers `name.weight` `[in, out]` (Glorot uniform) and `name.bias` `[1, out]` (zeros).
    pub fn new(ps: &mut ParamStore, name: &str, inp: usize, out: usize) -> Result<GcnLayer> {
        let bound = (6.0 / (inp + out) as f64).sqrt();
        let w = ps.uniform(&format!("{name}.weight"), &[inp, out], bound)?;
        let b = ps.constant(&format!("{name}.bias"), Tensor::zeros((1, out), DType::F32, &Device::Cpu)?)?;
        Ok(GcnLayer { w, b })
    }

    /// The weight matrix's id (for its L2 penalty).
    pub fn weight_id(&self) -> usize {
        self.w
    }

    /// `[N, in]` → `[N, out]` on `graph` with normalised weights `norm` `[E, 1]`, or without a graph.
    pub fn forward(&self, w: &Weights, h: &NodeFeatures, graph: Option<(&WeightedGraph, &Tensor)>) -> Result<Tensor> {
        let xw = h.matmul(w.get(self.w))?; // [N, out]
        let agg = match graph {
            Some((g, norm)) => crate::ops::spmm::spmm(norm, &xw, &g.index)?,
            None => xw,
        };
        let ones = Tensor::ones((h.rows()?, 1), DType::F32, agg.device())?; // [N, 1]
        Ok((agg + ones.matmul(w.get(self.b))?)?)
    }
}
