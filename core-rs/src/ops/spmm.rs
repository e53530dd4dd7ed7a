//! Custom op: sparse × dense product with learnable per-link, per-head weights — the aggregation
//! of GCN and GAT layers on input, kNN or learned graphs.
//!
//! For link weights `w` `[E, H]` and rows `x` `[M, H·D]` (head `h` owns columns `h·D..(h+1)·D`; `M` is
//! the index's column count: `N` for a graph, `F` when the index is a sparse feature matrix):
//!
//! ```text
//! out[v, h, :]  = Σ_{l: src(l)=v} w[l, h] · x[dst(l), h, :]
//! ∂L/∂w[l, h]   = G[src(l), h, :] · x[dst(l), h, :]
//! ∂L/∂x[u, h, :] = Σ_{l: dst(l)=u} w[l, h] · G[src(l), h, :]
//! ```
//!
//! Duplicate links add up, so `A + Aᵀ` or `λ·A₁ + (1 − λ)·A₂` need no merging. Rows, links and
//! columns each run in parallel (rayon) without atomics: the forward and `∂w` walk out-links, `∂x`
//! walks in-links.

use std::sync::Arc;

use candle_core::{Shape, Tensor};
use num_traits::Float;
use rayon::prelude::*;

use crate::ops::backend::Op;
#[cfg(feature = "cuda")]
use crate::ops::cuda::{self, launch, CudaInput, CudaOutput};
use crate::ops::kernel::{Input, Kernel, Real};
use crate::ops::link_index::LinkIndex;

/// `spmm(w, x)` over `index`: `w` `[E, H]`, `x` `[M, H·D]` → `[N, H·D]`.
pub fn spmm(w: &Tensor, x: &Tensor, index: &Arc<LinkIndex>) -> candle_core::Result<Tensor> {
    let (e, h) = w.dims2()?;
    let (n, hd) = x.dims2()?;
    if e != index.num_links() || n != index.num_cols || h == 0 || hd % h != 0 {
        candle_core::bail!(
            "spmm: weights [{e}, {h}] and rows [{n}, {hd}] do not fit {} links into {} columns",
            index.num_links(),
            index.num_cols
        );
    }
    w.contiguous()?.apply_op2(&x.contiguous()?, Op(Spmm { index: index.clone() }))
}

struct Spmm {
    index: Arc<LinkIndex>,
}

fn _forward<T: Float + Send + Sync>(w: &[T], x: &[T], ix: &LinkIndex, h: usize, hd: usize) -> Vec<T> {
    let d = hd / h;
    let mut out = vec![T::zero(); ix.num_nodes * hd];
    out.par_chunks_mut(hd).enumerate().for_each(|(v, o)| {
        for l in ix.out_start[v]..ix.out_start[v + 1] {
            let xr = &x[ix.dst[l] * hd..(ix.dst[l] + 1) * hd];
            for k in 0..h {
                let wl = w[l * h + k];
                for (a, &b) in o[k * d..(k + 1) * d].iter_mut().zip(&xr[k * d..(k + 1) * d]) {
                    *a = *a + wl * b;
                }
            }
        }
    });
    out
}

impl Kernel<2> for Spmm {
    const NAME: &'static str = "spmm";

    fn cpu<T: Real>(&self, [w, x]: [Input<'_, T>; 2]) -> candle_core::Result<(Vec<T>, Shape)> {
        let (_, h) = w.shape.dims2()?;
        let (_, hd) = x.shape.dims2()?;
        Ok((_forward(&w, &x, &self.index, h, hd), Shape::from((self.index.num_nodes, hd))))
    }

    #[cfg(feature = "cuda")]
    fn cuda(&self, dev: &candle_core::cuda::CudaDevice, [w, x]: [CudaInput<'_>; 2]) -> candle_core::Result<Option<CudaOutput>> {
        let ix = self.index.on_cuda(dev)?;
        let ((_, h), (_, hd)) = (w.shape.dims2()?, x.shape.dims2()?);
        let n = self.index.num_nodes;
        let (h32, hd32) = (cuda::u32_arg(h, Self::NAME)?, cuda::u32_arg(hd, Self::NAME)?);
        let mut out = cuda::alloc(dev, n * hd)?; // [N, H·d]
        launch!(dev, "spmm", cuda::per_row(n, Self::NAME)?, &w.data, &x.data, &ix.out_start, &ix.dst, &mut out, &h32, &hd32);
        Ok(Some((out, Shape::from((n, hd)))))
    }

    fn bwd(&self, [w, x]: [&Tensor; 2], _res: &Tensor, grad: &Tensor) -> candle_core::Result<[Option<Tensor>; 2]> {
        let g = grad.contiguous()?;
        let dw = g.apply_op2_no_bwd(x, &Op(SpmmGrad { index: self.index.clone(), heads: w.dim(1)?, wrt_weights: true }))?;
        let dx = g.apply_op2_no_bwd(w, &Op(SpmmGrad { index: self.index.clone(), heads: w.dim(1)?, wrt_weights: false }))?;
        Ok([Some(dw), Some(dx)])
    }
}

/// Backward of [`Spmm`]: from the output gradient and `x` → `∂w`, or from it and `w` → `∂x`.
struct SpmmGrad {
    index: Arc<LinkIndex>,
    heads: usize,
    wrt_weights: bool,
}

fn _grad_weights<T: Float + Send + Sync>(g: &[T], x: &[T], ix: &LinkIndex, h: usize, hd: usize) -> Vec<T> {
    let d = hd / h;
    let mut dw = vec![T::zero(); ix.num_links() * h];
    dw.par_chunks_mut(h).enumerate().for_each(|(l, o)| {
        let (gr, xr) = (&g[ix.src[l] * hd..(ix.src[l] + 1) * hd], &x[ix.dst[l] * hd..(ix.dst[l] + 1) * hd]);
        for (k, ok) in o.iter_mut().enumerate() {
            *ok = gr[k * d..(k + 1) * d].iter().zip(&xr[k * d..(k + 1) * d]).fold(T::zero(), |a, (&p, &q)| a + p * q);
        }
    });
    dw
}

fn _grad_rows<T: Float + Send + Sync>(g: &[T], w: &[T], ix: &LinkIndex, h: usize, hd: usize) -> Vec<T> {
    let d = hd / h;
    let mut dx = vec![T::zero(); ix.num_cols * hd];
    dx.par_chunks_mut(hd).enumerate().for_each(|(u, o)| {
        for &l in &ix.inc[u] {
            let gr = &g[ix.src[l] * hd..(ix.src[l] + 1) * hd];
            for k in 0..h {
                let wl = w[l * h + k];
                for (a, &b) in o[k * d..(k + 1) * d].iter_mut().zip(&gr[k * d..(k + 1) * d]) {
                    *a = *a + wl * b;
                }
            }
        }
    });
    dx
}

impl Kernel<2> for SpmmGrad {
    const NAME: &'static str = "spmm-grad";

    fn cpu<T: Real>(&self, [g, other]: [Input<'_, T>; 2]) -> candle_core::Result<(Vec<T>, Shape)> {
        let (_, hd) = g.shape.dims2()?;
        let (ix, h) = (&self.index, self.heads);
        if self.wrt_weights {
            Ok((_grad_weights(&g, &other, ix, h, hd), Shape::from((ix.num_links(), h))))
        } else {
            Ok((_grad_rows(&g, &other, ix, h, hd), Shape::from((ix.num_cols, hd))))
        }
    }

    #[cfg(feature = "cuda")]
    fn cuda(&self, dev: &candle_core::cuda::CudaDevice, [g, other]: [CudaInput<'_>; 2]) -> candle_core::Result<Option<CudaOutput>> {
        let ix = self.index.on_cuda(dev)?;
        let (_, hd) = g.shape.dims2()?;
        let (e, h) = (self.index.num_links(), self.heads);
        let (e32, h32, hd32) = (cuda::u32_arg(e, Self::NAME)?, cuda::u32_arg(h, Self::NAME)?, cuda::u32_arg(hd, Self::NAME)?);
        if self.wrt_weights {
            let mut dw = cuda::alloc(dev, e * h)?; // [E, H]
            let cfg = cuda::per_item(e * h, Self::NAME)?;
            launch!(dev, "spmm_grad_weights", cfg, &g.data, &other.data, &ix.src, &ix.dst, &mut dw, &e32, &h32, &hd32);
            Ok(Some((dw, Shape::from((e, h)))))
        } else {
            let nc = self.index.num_cols;
            let mut dx = cuda::alloc(dev, nc * hd)?; // [N_cols, H·d]
            let cfg = cuda::per_row(nc, Self::NAME)?;
            launch!(dev, "spmm_grad_rows", cfg, &g.data, &other.data, &ix.src, &ix.inc_start, &ix.inc, &mut dx, &h32, &hd32);
            Ok(Some((dx, Shape::from((nc, hd)))))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::{finite_difference_check, seeded_tensor};

    fn _index() -> Arc<LinkIndex> {
        // Node 3 has no out-links; (0, 1) appears twice and must add up.
        Arc::new(LinkIndex::new(4, &[(0, 1), (0, 1), (0, 2), (1, 1), (2, 0), (2, 3)]).unwrap())
    }

    #[test]
    fn forward_matches_a_dense_product_per_head() {
        let ix = _index();
        let (w, x) = (seeded_tensor(1, &[6, 2]), seeded_tensor(2, &[4, 6]));
        let out = spmm(&w, &x, &ix).unwrap().to_vec2::<f64>().unwrap();
        let (wv, xv) = (w.to_vec2::<f64>().unwrap(), x.to_vec2::<f64>().unwrap());
        for h in 0..2 {
            let mut dense = [[0.0f64; 4]; 4];
            for l in 0..6 {
                dense[ix.src[l]][ix.dst[l]] += wv[l][h];
            }
            for v in 0..4 {
                for c in 0..3 {
                    let want: f64 = (0..4).map(|u| dense[v][u] * xv[u][h * 3 + c]).sum();
                    assert!((out[v][h * 3 + c] - want).abs() < 1e-12, "node {v} head {h} column {c}");
                }
            }
        }
        assert!(out[3].iter().all(|&v| v == 0.0), "a node without links gathers nothing");
    }

    #[test]
    fn backward_matches_finite_differences() {
        let ix = _index();
        let probe = seeded_tensor(3, &[4, 6]);
        finite_difference_check(&[seeded_tensor(1, &[6, 2]), seeded_tensor(2, &[4, 6])], move |t| {
            let out = spmm(&t[0], &t[1], &ix)?;
            (&out * &probe)?.sum_all()? + out.sqr()?.sum_all()?
        });
    }

    #[test]
    fn a_rectangular_index_multiplies_a_sparse_matrix() {
        // X = [[1, 0, 2], [0, 3, 0]] (2 × 3) times W (3 × 2).
        let ix = Arc::new(LinkIndex::rectangular(2, 3, &[(0, 0), (0, 2), (1, 1)]).unwrap());
        let vals = Tensor::new(&[[1.0f64], [2.0], [3.0]], &candle_core::Device::Cpu).unwrap();
        let w = seeded_tensor(4, &[3, 2]);
        let got = spmm(&vals, &w, &ix).unwrap().to_vec2::<f64>().unwrap();
        let x = Tensor::new(&[[1.0f64, 0.0, 2.0], [0.0, 3.0, 0.0]], &candle_core::Device::Cpu).unwrap();
        let want = x.matmul(&w).unwrap().to_vec2::<f64>().unwrap();
        assert_eq!(got, want);
        let probe = seeded_tensor(5, &[2, 2]);
        finite_difference_check(&[vals, w], move |t| (spmm(&t[0], &t[1], &ix)? * &probe)?.sum_all());
    }

    #[test]
    fn mismatched_shapes_are_errors() {
        let ix = _index();
        assert!(spmm(&seeded_tensor(1, &[5, 1]), &seeded_tensor(2, &[4, 3]), &ix).is_err());
        assert!(spmm(&seeded_tensor(1, &[6, 2]), &seeded_tensor(2, &[4, 3]), &ix).is_err());
    }
}
