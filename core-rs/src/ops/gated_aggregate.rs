//! Custom op: gated aggregation over out-links, the message step of the residual gated GCN.
//!
//! For node rows `x` `[N, W]` and link gate pre-activations `g` `[M, W]` (`W` = commodities × hidden):
//!
//! ```text
//! sum:  out[v] = Σ_{l: src(l)=v} σ(g[l]) ⊙ x[dst(l)]
//! mean: out[v] = (Σ_{l: src(l)=v} σ(g[l]) ⊙ x[dst(l)]) / (Σ_{l: src(l)=v} σ(g[l]) + 1e-20)
//! ```
//!
//! The CPU forward and both backward kernels are fused and run over rows in parallel (rayon); links
//! must be sorted by source so that each node's out-links are a contiguous range. On CUDA
//! (`kernels/keiro.cu`): one block per node for the forward and for each half of the backward.

use std::sync::Arc;

use candle_core::{Shape, Tensor};
use rayon::prelude::*;

use crate::ops::backend::Op;
#[cfg(feature = "cuda")]
use crate::ops::cuda::{self, launch, CudaInput, CudaOutput};
use crate::ops::fast_math::FastMath;
use crate::ops::kernel::{Input, Kernel, Real};
use crate::ops::link_index::LinkIndex;

const EPS: f64 = 1e-20;

/// `gated_aggregate(g, x)`: see the module docs. `g` `[M, W]`, `x` `[N, W]` → `[N, W]`.
///
/// The inputs are read as the row-major `[M, W]` and `[N, W]` they hold, whatever their shapes
/// (`[N·k, W/k]` is `[N, W]`), and the result has `x`'s shape.
pub fn gated_aggregate(g: &Tensor, x: &Tensor, index: &Arc<LinkIndex>, mean: bool) -> candle_core::Result<Tensor> {
    let (m, n) = (index.num_links(), index.num_nodes);
    let w = x.elem_count().checked_div(n).unwrap_or(0);
    if x.elem_count() != n * w || g.elem_count() != m * w {
        candle_core::bail!("gated_aggregate: gates {:?} and nodes {:?} do not fit {m} links over {n} nodes", g.shape(), x.shape());
    }
    g.contiguous()?.apply_op2(&x.contiguous()?, Op(GatedAggregate { index: index.clone(), mean, w }))
}

struct GatedAggregate {
    index: Arc<LinkIndex>,
    mean: bool,
    /// Row width `W`.
    w: usize,
}

/// The logistic function with [`FastMath`]'s `exp` (exact for f64, vectorisable for f32: libm's
/// scalar `expf` was the single largest cost of the op).
#[inline(always)]
fn _sigmoid<T: FastMath>(x: T) -> T {
    T::one() / (T::one() + (-x).fast_exp())
}

/// Per node: the aggregated message `[N, W]`.
fn _forward<T: FastMath + Send + Sync>(g: &[T], x: &[T], ix: &LinkIndex, w: usize, mean: bool) -> Vec<T> {
    let n = ix.num_nodes;
    let mut out = vec![T::zero(); n * w];
    let mut den = vec![T::zero(); if mean { n * w } else { 0 }];
    let eps = T::from(EPS).unwrap();
    let work = |v: usize, o: &mut [T], d: &mut [T]| {
        // Iterator zips without a branch inside, so the loops vectorise.
        for l in ix.out_start[v]..ix.out_start[v + 1] {
            let (gl, xj) = (&g[l * w..(l + 1) * w], &x[ix.dst[l] * w..(ix.dst[l] + 1) * w]);
            if mean {
                for (((o, d), &g), &x) in o.iter_mut().zip(d.iter_mut()).zip(gl).zip(xj) {
                    let s = _sigmoid(g);
                    *o = *o + s * x;
                    *d = *d + s;
                }
            } else {
                for ((o, &g), &x) in o.iter_mut().zip(gl).zip(xj) {
                    *o = *o + _sigmoid(g) * x;
                }
            }
        }
        if mean {
            for (o, d) in o.iter_mut().zip(d.iter_mut()) {
                *d = *d + eps;
                *o = *o / *d;
            }
        }
    };
    if mean {
        out.par_chunks_mut(w).zip(den.par_chunks_mut(w)).enumerate().for_each(|(v, (o, d))| work(v, o, d));
    } else {
        out.par_chunks_mut(w).enumerate().for_each(|(v, o)| work(v, o, &mut []));
    }
    out
}

impl Kernel<2> for GatedAggregate {
    const NAME: &'static str = "gated-aggregate";

    fn cpu<T: Real>(&self, [g, x]: [Input<'_, T>; 2]) -> candle_core::Result<(Vec<T>, Shape)> {
        Ok((_forward(&g, &x, &self.index, self.w, self.mean), x.shape.clone()))
    }

    #[cfg(feature = "cuda")]
    fn cuda(&self, dev: &candle_core::cuda::CudaDevice, [g, x]: [CudaInput<'_>; 2]) -> candle_core::Result<Option<CudaOutput>> {
        let ix = self.index.on_cuda(dev)?;
        let (n, w) = (self.index.num_nodes, cuda::u32_arg(self.w, Self::NAME)?);
        let mean = self.mean as i32;
        let mut out = cuda::alloc(dev, n * self.w)?; // [N, W]
        launch!(dev, "gated_aggregate", cuda::per_row(n, Self::NAME)?, &g.data, &x.data, &ix.out_start, &ix.dst, &mut out, &w, &mean);
        Ok(Some((out, x.shape.clone())))
    }

    fn bwd(&self, [g, x]: [&Tensor; 2], res: &Tensor, grad: &Tensor) -> candle_core::Result<[Option<Tensor>; 2]> {
        // One fused kernel returns [∂g; ∂x] stacked by rows: [M + N, W].
        let (n, w) = (self.index.num_nodes, self.w);
        let out_grad = Tensor::cat(&[res.reshape((n, w))?, grad.reshape((n, w))?], 0)?; // [2N, W]
        let both = g.apply_op3_no_bwd(x, &out_grad, &Op(GatedAggregateGrad { index: self.index.clone(), mean: self.mean, w }))?;
        let m = self.index.num_links();
        Ok([Some(both.narrow(0, 0, m)?.reshape(g.shape())?), Some(both.narrow(0, m, n)?.reshape(x.shape())?)])
    }
}

/// Backward of [`GatedAggregate`]: from `g`, `x` and `[out; ∂out]` (`[2N, W]`) to `[∂g; ∂x]`.
struct GatedAggregateGrad {
    index: Arc<LinkIndex>,
    mean: bool,
    w: usize,
}

/// Row `i` of the row-major `[_, w]` matrix `t`.
#[inline(always)]
fn _row<T>(t: &[T], i: usize, w: usize) -> &[T] {
    &t[i * w..(i + 1) * w]
}

/// ```text
/// sum:  ∂g_l = ∂out_v ⊙ x_dst ⊙ σ'(g_l)                    ∂x_j = Σ_{l→j} ∂out_src ⊙ σ(g_l)
/// mean: ∂g_l = ∂out_v ⊙ (x_dst − out_v)/den_v ⊙ σ'(g_l)    ∂x_j = Σ_{l→j} ∂out_src ⊙ σ(g_l)/den_src
/// ```
fn _backward<T: FastMath + Send + Sync>(g: &[T], x: &[T], out_grad: &[T], ix: &LinkIndex, w: usize, mean: bool) -> Vec<T> {
    let (n, m) = (ix.num_nodes, ix.num_links());
    let (out, gr) = out_grad.split_at(n * w);
    let row = |t, i| _row(t, i, w);
    // Row slices and iterator zips throughout, so that the loops vectorise.
    let mut sig = vec![T::zero(); m * w];
    sig.par_chunks_mut(w).zip(g.par_chunks(w)).for_each(|(s, g)| s.iter_mut().zip(g).for_each(|(s, &g)| *s = _sigmoid(g)));
    let eps = T::from(EPS).unwrap();
    let mut den = vec![eps; if mean { n * w } else { 0 }];
    if mean {
        den.par_chunks_mut(w).enumerate().for_each(|(v, d)| {
            for l in ix.out_start[v]..ix.out_start[v + 1] {
                d.iter_mut().zip(row(&sig, l)).for_each(|(d, &s)| *d = *d + s);
            }
        });
    }
    let mut grad = vec![T::zero(); (m + n) * w];
    let (gg, gx) = grad.split_at_mut(m * w);
    // ∂g: each node owns the contiguous block of its out-links.
    let mut blocks: Vec<(usize, &mut [T])> = Vec::with_capacity(n);
    let mut rest = gg;
    for v in 0..n {
        let (a, b) = rest.split_at_mut((ix.out_start[v + 1] - ix.out_start[v]) * w);
        blocks.push((v, a));
        rest = b;
    }
    blocks.into_par_iter().for_each(|(v, chunk)| {
        let grv = row(gr, v);
        for (o, l) in chunk.chunks_mut(w.max(1)).zip(ix.out_start[v]..ix.out_start[v + 1]) {
            let (s, xj) = (row(&sig, l), row(x, ix.dst[l]));
            if mean {
                let (ov, dv) = (row(out, v), row(&den, v));
                for (((o, (&s, &x)), &g), (&ov, &d)) in o.iter_mut().zip(s.iter().zip(xj)).zip(grv).zip(ov.iter().zip(dv)) {
                    *o = g * ((x - ov) / d) * s * (T::one() - s);
                }
            } else {
                for ((o, (&s, &x)), &g) in o.iter_mut().zip(s.iter().zip(xj)).zip(grv) {
                    *o = g * x * s * (T::one() - s);
                }
            }
        }
    });
    gx.par_chunks_mut(w.max(1)).enumerate().for_each(|(j, o)| {
        for &l in &ix.inc[j] {
            let v = ix.src[l];
            let (s, grv) = (row(&sig, l), row(gr, v));
            if mean {
                for ((o, (&s, &g)), &d) in o.iter_mut().zip(s.iter().zip(grv)).zip(row(&den, v)) {
                    *o = *o + g * (s / d);
                }
            } else {
                for (o, (&s, &g)) in o.iter_mut().zip(s.iter().zip(grv)) {
                    *o = *o + g * s;
                }
            }
        }
    });
    grad
}

impl Kernel<3> for GatedAggregateGrad {
    const NAME: &'static str = "gated-aggregate-grad";

    fn cpu<T: Real>(&self, [g, x, out_grad]: [Input<'_, T>; 3]) -> candle_core::Result<(Vec<T>, Shape)> {
        let (m, n, w) = (self.index.num_links(), self.index.num_nodes, self.w);
        Ok((_backward(&g, &x, &out_grad, &self.index, w, self.mean), Shape::from((m + n, w))))
    }

    #[cfg(feature = "cuda")]
    fn cuda(&self, dev: &candle_core::cuda::CudaDevice, [g, x, out_grad]: [CudaInput<'_>; 3]) -> candle_core::Result<Option<CudaOutput>> {
        let ix = self.index.on_cuda(dev)?;
        let (m, n, nc) = (self.index.num_links(), self.index.num_nodes, self.index.num_cols);
        let (w, n_cols, mean) = (cuda::u32_arg(self.w, Self::NAME)?, cuda::u32_arg(nc, Self::NAME)?, self.mean as i32);
        let (out, gr) = (out_grad.data.slice(..n * self.w), out_grad.data.slice(n * self.w..)); // [N, W] each
        let mut den = cuda::alloc(dev, if self.mean { n * self.w } else { 0 })?; // [N, W]
        let mut both = cuda::alloc(dev, (m + n) * self.w)?; // [M + N, W]
        {
            let mut dg = both.slice_mut(..m * self.w);
            let cfg = cuda::per_row(n, Self::NAME)?;
            launch!(
                dev,
                "gated_aggregate_grad_links",
                cfg,
                &g.data,
                &x.data,
                &out,
                &gr,
                &ix.out_start,
                &ix.dst,
                &mut dg,
                &mut den,
                &w,
                &mean
            );
        }
        let mut dx = both.slice_mut(m * self.w..);
        let cfg = cuda::per_row(n, Self::NAME)?;
        launch!(dev, "gated_aggregate_grad_nodes", cfg, &g.data, &gr, &den, &ix.src, &ix.inc_start, &ix.inc, &mut dx, &w, &n_cols, &mean);
        Ok(Some((both, Shape::from((m + n, self.w)))))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::{finite_difference_check, seeded_tensor};
    use candle_core::{DType, Device};

    fn _index() -> Arc<LinkIndex> {
        // 4 nodes; node 3 has no out-links, node 0 has three.
        Arc::new(LinkIndex::new(4, &[(0, 1), (0, 2), (0, 3), (1, 2), (2, 0), (2, 3)]).unwrap())
    }

    #[test]
    fn forward_matches_the_definition() {
        let ix = _index();
        let g = Tensor::new(&[[0.0f64, 1.0], [2.0, -1.0], [-3.0, 0.5], [0.2, 0.3], [1.0, 1.0], [-1.0, 2.0]], &Device::Cpu).unwrap();
        let x = Tensor::new(&[[1.0f64, 2.0], [3.0, 4.0], [5.0, 6.0], [7.0, 8.0]], &Device::Cpu).unwrap();
        let (gv, xv) = (g.to_vec2::<f64>().unwrap(), x.to_vec2::<f64>().unwrap());
        let s = |z: f64| 1.0 / (1.0 + (-z).exp());
        for mean in [false, true] {
            let out = gated_aggregate(&g, &x, &ix, mean).unwrap().to_vec2::<f64>().unwrap();
            let links = [(0, 1), (0, 2), (0, 3), (1, 2), (2, 0), (2, 3)];
            for (v, row) in out.iter().enumerate() {
                for c in 0..2 {
                    let (mut num, mut den) = (0.0, 0.0);
                    for (l, &(a, b)) in links.iter().enumerate() {
                        if a == v {
                            num += s(gv[l][c]) * xv[b][c];
                            den += s(gv[l][c]);
                        }
                    }
                    let want = if mean { num / (den + EPS) } else { num };
                    assert!((row[c] - want).abs() < 1e-12, "mean={mean} v={v} c={c}: {} vs {want}", row[c]);
                }
            }
        }
    }

    #[test]
    fn backward_matches_finite_differences() {
        let ix = _index();
        for mean in [false, true] {
            let g = seeded_tensor(1, &[6, 3]);
            let x = seeded_tensor(2, &[4, 3]);
            let w = seeded_tensor(3, &[4, 3]);
            let ix2 = ix.clone();
            finite_difference_check(&[g, x], move |t| (gated_aggregate(&t[0], &t[1], &ix2, mean)? * &w)?.sum_all());
        }
    }

    #[test]
    fn reads_rows_whatever_the_shape() {
        let ix = _index();
        let (g, x) = (seeded_tensor(6, &[6, 4]), seeded_tensor(7, &[4, 4]));
        let split = |t: &Tensor| t.reshape((t.dim(0).unwrap() * 2, 2)).unwrap();
        let want = gated_aggregate(&g, &x, &ix, true).unwrap().flatten_all().unwrap().to_vec1::<f64>().unwrap();
        let got = gated_aggregate(&split(&g), &split(&x), &ix, true).unwrap();
        assert_eq!(got.dims(), [8, 2]);
        assert_eq!(got.flatten_all().unwrap().to_vec1::<f64>().unwrap(), want);
        let w = seeded_tensor(8, &[8, 2]);
        finite_difference_check(&[split(&g), split(&x)], move |t| (gated_aggregate(&t[0], &t[1], &ix, true)? * &w)?.sum_all());
        assert!(gated_aggregate(&seeded_tensor(1, &[5, 4]), &x, &_index(), true).is_err(), "5 gate rows of width 4 for 6 links");
    }

    #[test]
    fn f32_matches_f64() {
        let ix = _index();
        let g = seeded_tensor(4, &[6, 5]);
        let x = seeded_tensor(5, &[4, 5]);
        let a = gated_aggregate(&g, &x, &ix, true).unwrap();
        let b = gated_aggregate(&g.to_dtype(DType::F32).unwrap(), &x.to_dtype(DType::F32).unwrap(), &ix, true).unwrap();
        let d = (a - b.to_dtype(DType::F64).unwrap()).unwrap().abs().unwrap().max_all().unwrap().to_scalar::<f64>().unwrap();
        assert!(d < 1e-5, "{d}");
    }
}
