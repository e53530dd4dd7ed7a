//! A weighted graph for message passing, assembled from parts (input, kNN, learned) and
//! normalised for GCN.
//!
//! Parts are concatenated, not merged: a pair present in two parts is two links whose weights add
//! up in [`crate::ops::spmm::spmm`], so `λ·A₁ + (1 − λ)·A₂` and `(A + Aᵀ)/2` are exact and the weight
//! tensors keep their gradients.

use std::collections::BTreeMap;
use std::sync::Arc;

use candle_core::{DType, Device, Tensor};

use crate::error::Result;
use crate::ops::link_index::LinkIndex;
use crate::ops::spmm::spmm;

/// An exported link: `(row, column, weight)`.
pub type WeightedLink = (usize, usize, f32);

/// Links `(row, column)` with a weight tensor `[E, 1]` aligned with them.
#[derive(Clone)]
pub struct GraphPart {
    /// `(row, column)`: the row node gathers from the column node.
    pub pairs: Vec<(usize, usize)>,
    /// `[E, 1]`
    pub weights: Tensor,
}

impl GraphPart {
    /// Both directions of every undirected pair, weight 1, on `device`.
    pub fn undirected(pairs: &[(usize, usize)], device: &Device) -> Result<GraphPart> {
        let both: Vec<(usize, usize)> = pairs.iter().flat_map(|&(a, b)| [(a, b), (b, a)]).collect();
        let weights = Tensor::ones((both.len(), 1), DType::F32, device)?;
        Ok(GraphPart { pairs: both, weights })
    }

    /// The part with every weight multiplied by `f`.
    pub fn scaled(self, f: f64) -> Result<GraphPart> {
        Ok(GraphPart { weights: (self.weights * f)?, pairs: self.pairs })
    }

    /// `(A + Aᵀ)/2`.
    pub fn symmetrised(self) -> Result<GraphPart> {
        let mut pairs = self.pairs.clone();
        pairs.extend(self.pairs.iter().map(|&(a, b)| (b, a)));
        Ok(GraphPart { pairs, weights: (Tensor::cat(&[&self.weights, &self.weights], 0)? * 0.5)? })
    }
}

/// A graph ready for message passing.
#[derive(Clone)]
pub struct WeightedGraph {
    /// Links sorted by row.
    pub index: Arc<LinkIndex>,
    /// `[E, 1]` weights aligned with `index`.
    pub weights: Tensor,
    /// Which links are added self loops (left out of exports).
    self_loop: Vec<bool>,
}

impl WeightedGraph {
    /// Concatenates `parts` (whose weights are on `device`) on `n` nodes, plus a weight-1 self loop
    /// per node if asked.
    pub fn assemble(n: usize, parts: &[GraphPart], self_loops: bool, device: &Device) -> Result<WeightedGraph> {
        let mut pairs: Vec<(usize, usize)> = Vec::new();
        let mut ws: Vec<Tensor> = Vec::new();
        for p in parts {
            pairs.extend_from_slice(&p.pairs);
            ws.push(p.weights.clone());
        }
        let loops_from = pairs.len();
        if self_loops {
            pairs.extend((0..n).map(|v| (v, v)));
            ws.push(Tensor::ones((n, 1), DType::F32, device)?);
        }
        if ws.is_empty() {
            ws.push(Tensor::zeros((0, 1), DType::F32, device)?);
        }
        let (index, perm) = LinkIndex::sorted(n, &pairs)?;
        let all = Tensor::cat(&ws.iter().collect::<Vec<_>>(), 0)?; // [E, 1]
        let perm_t = Tensor::from_vec(perm.clone(), perm.len(), device)?;
        let weights = all.index_select(&perm_t, 0)?;
        let self_loop = perm.iter().map(|&p| p as usize >= loops_from).collect();
        Ok(WeightedGraph { index: Arc::new(index), weights, self_loop })
    }

    /// Number of links (self loops included).
    pub fn num_links(&self) -> usize {
        self.index.num_links()
    }

    /// GCN weights `D^{-1/2} A D^{-1/2}` with `D` the row sums: `[E, 1]`, differentiable in `A`.
    pub fn gcn_normalised(&self) -> Result<Tensor> {
        let n = self.index.num_nodes;
        let dev = self.weights.device();
        let deg = spmm(&self.weights, &Tensor::ones((n, 1), DType::F32, dev)?, &self.index)?; // [N, 1]
        let dinv = (deg.relu()? + 1e-12)?.sqrt()?.recip()?.flatten_all()?; // [N]
        let (src, dst) = (self.index.src_ids()?.to_device(dev)?, self.index.dst_ids()?.to_device(dev)?); // [E]
        let (rs, cs) = (dinv.index_select(&src, 0)?, dinv.index_select(&dst, 0)?); // [E]
        Ok((&self.weights * (rs * cs)?.unsqueeze(1)?)?)
    }

    /// The links without the added self loops, duplicates merged: `(row, column, weight)`, sorted.
    pub fn export(&self) -> Result<Vec<WeightedLink>> {
        let w = self.weights.flatten_all()?.to_vec1::<f32>()?;
        let mut merged: BTreeMap<(usize, usize), f32> = BTreeMap::new();
        for (l, &wl) in w.iter().enumerate() {
            if !self.self_loop[l] {
                *merged.entry((self.index.src[l], self.index.dst[l])).or_insert(0.0) += wl;
            }
        }
        Ok(merged.into_iter().filter(|&(_, w)| w != 0.0).map(|((a, b), w)| (a, b, w)).collect())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn mixing_symmetrising_and_normalising_match_dense_algebra() {
        let input = GraphPart::undirected(&[(0, 1), (1, 2)], &Device::Cpu).unwrap().scaled(0.25).unwrap();
        let learned = GraphPart { pairs: vec![(0, 2), (2, 1)], weights: Tensor::new(&[[0.8f32], [0.4]], &Device::Cpu).unwrap() }
            .symmetrised()
            .unwrap()
            .scaled(0.75)
            .unwrap();
        let g = WeightedGraph::assemble(3, &[input, learned], true, &Device::Cpu).unwrap();
        // Dense: A = 0.25·A_in + 0.75·(L + Lᵀ)/2, then + I.
        let mut a = [[0.0f32; 3]; 3];
        for (i, j) in [(0, 1), (1, 0), (1, 2), (2, 1)] {
            a[i][j] += 0.25;
        }
        for (i, j, w) in [(0, 2, 0.8), (2, 0, 0.8), (2, 1, 0.4), (1, 2, 0.4)] {
            a[i][j] += 0.75 * 0.5 * w;
        }
        let exported = g.export().unwrap();
        for &(i, j, w) in &exported {
            assert!((w - a[i][j]).abs() < 1e-6, "({i}, {j})");
        }
        assert_eq!(exported.len(), 6, "self loops are not exported");
        (0..3).for_each(|i| a[i][i] += 1.0);
        let deg: Vec<f32> = a.iter().map(|r| r.iter().sum()).collect();
        let norm = g.gcn_normalised().unwrap().flatten_all().unwrap().to_vec1::<f32>().unwrap();
        let mut dense = [[0.0f32; 3]; 3];
        for l in 0..g.num_links() {
            dense[g.index.src[l]][g.index.dst[l]] += norm[l];
        }
        for i in 0..3 {
            for j in 0..3 {
                assert!((dense[i][j] - a[i][j] / (deg[i] * deg[j]).sqrt()).abs() < 1e-6, "({i}, {j})");
            }
        }
    }
}
