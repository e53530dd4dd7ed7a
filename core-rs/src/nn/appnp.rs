//! APPNP propagation (Klicpera et al. 2019, "Predict then propagate"; PyG `APPNP`): personalised
//! PageRank over a weighted graph, with no parameters of its own.
//!
//! ```text
//! Z⁰ = H,   Zᵏ = (1 − α) Â Zᵏ⁻¹ + α H   (k = 1..K),   output Z^K
//! H [N, C] → Z^K [N, C];   Â = D^{-1/2} A D^{-1/2} as [E, 1] link weights
//! ```
//!
//! Each step is one [`crate::ops::spmm::spmm`], so gradients reach both `H` and learned edge
//! weights through all `K` steps (memory `K × N × C`).

use candle_core::Tensor;

use crate::error::Result;
use crate::nn::weighted_graph::WeightedGraph;
use crate::ops::spmm::spmm;

/// `K = steps` rounds of `Z ← (1 − α) Â Z + α H` from `Z = H` `[N, C]`, on `graph` with
/// normalised weights `norm` `[E, 1]`.
pub fn appnp(h: &Tensor, graph: &WeightedGraph, norm: &Tensor, steps: usize, alpha: f64) -> Result<Tensor> {
    let teleport = (h * alpha)?; // [N, C]
    let mut z = h.clone();
    for _ in 0..steps {
        z = ((spmm(norm, &z, &graph.index)? * (1.0 - alpha))? + &teleport)?;
    }
    Ok(z)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::nn::weighted_graph::GraphPart;
    use candle_core::{Device, Var};

    fn _path(n: usize) -> (WeightedGraph, Tensor) {
        let pairs: Vec<(usize, usize)> = (0..n - 1).map(|i| (i, i + 1)).collect();
        let g = WeightedGraph::assemble(n, &[GraphPart::undirected(&pairs, &Device::Cpu).unwrap()], true, &Device::Cpu).unwrap();
        let norm = g.gcn_normalised().unwrap();
        (g, norm)
    }

    #[test]
    fn matches_the_dense_personalised_pagerank_recursion() {
        let (n, c, steps, alpha) = (5, 2, 7, 0.15);
        let (g, norm) = _path(n);
        let h = Tensor::from_vec((0..n * c).map(|i| (i as f32 * 0.37).sin()).collect::<Vec<_>>(), (n, c), &Device::Cpu).unwrap();
        // the dense Â of a path with self loops: 1/√(d_i d_j) for |i − j| ≤ 1
        let deg = |i: usize| if i == 0 || i == n - 1 { 2.0 } else { 3.0 };
        let a: Vec<Vec<f64>> =
            (0..n).map(|i| (0..n).map(|j| if i.abs_diff(j) <= 1 { 1.0 / f64::sqrt(deg(i) * deg(j)) } else { 0.0 }).collect()).collect();
        let h0: Vec<Vec<f64>> = h.to_vec2::<f32>().unwrap().iter().map(|r| r.iter().map(|&v| v as f64).collect()).collect();
        let mut z = h0.clone();
        for _ in 0..steps {
            z = (0..n)
                .map(|i| (0..c).map(|j| (1.0 - alpha) * (0..n).map(|m| a[i][m] * z[m][j]).sum::<f64>() + alpha * h0[i][j]).collect())
                .collect();
        }
        let got = appnp(&h, &g, &norm, steps, alpha).unwrap().to_vec2::<f32>().unwrap();
        for i in 0..n {
            for j in 0..c {
                assert!((got[i][j] as f64 - z[i][j]).abs() < 1e-5, "[{i}, {j}]: {} vs {}", got[i][j], z[i][j]);
            }
        }
        let none = appnp(&h, &g, &norm, 0, alpha).unwrap().to_vec2::<f32>().unwrap();
        assert_eq!(none, h.to_vec2::<f32>().unwrap(), "zero steps return H");
    }

    #[test]
    fn gradients_reach_the_features_and_the_edge_weights() {
        let (g, norm) = _path(4);
        let h = Var::from_tensor(&Tensor::from_vec(vec![1f32, -2.0, 0.5, 3.0], (4, 1), &Device::Cpu).unwrap()).unwrap();
        let w = Var::from_tensor(&norm).unwrap();
        let loss = appnp(h.as_tensor(), &g, w.as_tensor(), 3, 0.1).unwrap().sqr().unwrap().sum_all().unwrap();
        let grads = loss.backward().unwrap();
        let eps = 1e-3f32;
        let f = |t: &Tensor, wt: &Tensor| appnp(t, &g, wt, 3, 0.1).unwrap().sqr().unwrap().sum_all().unwrap().to_scalar::<f32>().unwrap();
        let gw = grads.get(w.as_tensor()).unwrap().flatten_all().unwrap().to_vec1::<f32>().unwrap();
        let base = norm.flatten_all().unwrap().to_vec1::<f32>().unwrap();
        for l in [0, 3, base.len() - 1] {
            let mut up = base.clone();
            let mut down = base.clone();
            up[l] += eps;
            down[l] -= eps;
            let t = |v: Vec<f32>| Tensor::from_vec(v, (base.len(), 1), &Device::Cpu).unwrap();
            let fd = (f(h.as_tensor(), &t(up)) - f(h.as_tensor(), &t(down))) / (2.0 * eps);
            assert!((fd - gw[l]).abs() < 2e-2 * fd.abs().max(1.0), "link {l}: {fd} vs {}", gw[l]);
        }
        let gh = grads.get(h.as_tensor()).unwrap().flatten_all().unwrap().to_vec1::<f32>().unwrap();
        assert!(gh.iter().all(|v| v.abs() > 0.0), "{gh:?}");
    }
}
