//! Custom op: the graph learner's link scores, evaluated only on candidate links (never `N × N`).
//!
//! For queries `q` and keys `k` `[N, H·d]` (head `h` owns columns `h·d..(h+1)·d`), slope `a` and
//! scale `c` (`1/√d` or 1):
//!
//! ```text
//! s[l]      = (1/H) Σ_h LeakyReLU_a(c · q[src(l), h] · k[dst(l), h])
//! ∂L/∂q[v, h] = Σ_{l: src(l)=v} G[l]/H · LeakyReLU'_a(·) · c · k[dst(l), h]
//! ∂L/∂k[u, h] = Σ_{l: dst(l)=u} G[l]/H · LeakyReLU'_a(·) · c · q[src(l), h]
//! ```
//!
//! The multi-head average is the score's "optional multi-head average"; with one head it is
//! `S = LeakyReLU(c·QKᵀ)` restricted to the links. Links, sources and destinations run in parallel.

use std::sync::Arc;

use candle_core::{Shape, Tensor};
use num_traits::Float;
use rayon::prelude::*;

use crate::ops::backend::Op;
#[cfg(feature = "cuda")]
use crate::ops::cuda::{self, launch, CudaInput, CudaOutput};
use crate::ops::kernel::{Input, Kernel, Real};
use crate::ops::link_index::LinkIndex;

/// Score settings.
#[derive(Clone, Copy, Debug)]
pub struct ScoreSpec {
    /// Number of heads `H` (columns of `q` and `k` are `H·d`).
    pub heads: usize,
    /// Multiplier `c` inside the activation.
    pub scale: f64,
    /// LeakyReLU negative slope `a`.
    pub slope: f64,
}

/// `edge_scores(q, k)` on the links of `index`: `q`, `k` `[N, H·d]` → `[E, 1]`.
pub fn edge_scores(q: &Tensor, k: &Tensor, index: &Arc<LinkIndex>, spec: ScoreSpec) -> candle_core::Result<Tensor> {
    let (n, hd) = q.dims2()?;
    if k.dims2()? != (n, hd) || n != index.num_nodes || spec.heads == 0 || hd % spec.heads != 0 {
        candle_core::bail!(
            "edge_scores: q {:?} and k {:?} do not fit {} nodes and {} heads",
            q.dims(),
            k.dims(),
            index.num_nodes,
            spec.heads
        );
    }
    q.contiguous()?.apply_op2(&k.contiguous()?, Op(EdgeScores { index: index.clone(), spec }))
}

struct EdgeScores {
    index: Arc<LinkIndex>,
    spec: ScoreSpec,
}

/// `(activation value, derivative)` of the scaled LeakyReLU of a dot product.
fn _act<T: Float>(a: &[T], b: &[T], spec: ScoreSpec) -> (T, T) {
    let x = a.iter().zip(b).fold(T::zero(), |s, (&p, &q)| s + p * q) * T::from(spec.scale).unwrap();
    let slope = T::from(spec.slope).unwrap();
    if x >= T::zero() {
        (x, T::one())
    } else {
        (slope * x, slope)
    }
}

impl Kernel<2> for EdgeScores {
    const NAME: &'static str = "edge-scores";

    fn cpu<T: Real>(&self, [q, k]: [Input<'_, T>; 2]) -> candle_core::Result<(Vec<T>, Shape)> {
        let (ix, spec) = (&self.index, self.spec);
        let hd = q.shape.dims2()?.1;
        let d = hd / spec.heads;
        let inv = T::from(1.0 / spec.heads as f64).unwrap();
        let s: Vec<T> = (0..ix.num_links())
            .into_par_iter()
            .map(|l| {
                let (qr, kr) = (&q[ix.src[l] * hd..(ix.src[l] + 1) * hd], &k[ix.dst[l] * hd..(ix.dst[l] + 1) * hd]);
                (0..spec.heads).fold(T::zero(), |a, h| a + _act(&qr[h * d..(h + 1) * d], &kr[h * d..(h + 1) * d], spec).0) * inv
            })
            .collect();
        Ok((s, Shape::from((ix.num_links(), 1))))
    }

    #[cfg(feature = "cuda")]
    fn cuda(&self, dev: &candle_core::cuda::CudaDevice, [q, k]: [CudaInput<'_>; 2]) -> candle_core::Result<Option<CudaOutput>> {
        let ix = self.index.on_cuda(dev)?;
        let (e, (_, hd), spec) = (self.index.num_links(), q.shape.dims2()?, self.spec);
        let (e32, hd32, heads) = (cuda::u32_arg(e, Self::NAME)?, cuda::u32_arg(hd, Self::NAME)?, cuda::u32_arg(spec.heads, Self::NAME)?);
        let (scale, slope, inv) = (spec.scale as f32, spec.slope as f32, (1.0 / spec.heads as f64) as f32);
        let mut s = cuda::alloc(dev, e)?; // [E]
        let cfg = cuda::per_item(e, Self::NAME)?;
        launch!(dev, "edge_scores", cfg, &q.data, &k.data, &ix.src, &ix.dst, &mut s, &e32, &hd32, &heads, &scale, &slope, &inv);
        Ok(Some((s, Shape::from((e, 1)))))
    }

    fn bwd(&self, [q, k]: [&Tensor; 2], _res: &Tensor, grad: &Tensor) -> candle_core::Result<[Option<Tensor>; 2]> {
        let g = grad.contiguous()?;
        let op = |wrt_queries| Op(EdgeScoresGrad { index: self.index.clone(), spec: self.spec, wrt_queries });
        Ok([Some(q.apply_op3_no_bwd(k, &g, &op(true))?), Some(q.apply_op3_no_bwd(k, &g, &op(false))?)])
    }
}

/// Backward of [`EdgeScores`] from `(q, k, G)`: `∂q` or `∂k`.
struct EdgeScoresGrad {
    index: Arc<LinkIndex>,
    spec: ScoreSpec,
    wrt_queries: bool,
}

impl Kernel<3> for EdgeScoresGrad {
    const NAME: &'static str = "edge-scores-grad";

    fn cpu<T: Real>(&self, [q, k, g]: [Input<'_, T>; 3]) -> candle_core::Result<(Vec<T>, Shape)> {
        let (ix, spec) = (&self.index, self.spec);
        let hd = q.shape.dims2()?.1;
        let d = hd / spec.heads;
        let c = T::from(spec.scale / spec.heads as f64).unwrap();
        let mut out = vec![T::zero(); q.len()];
        out.par_chunks_mut(hd).enumerate().for_each(|(v, o)| {
            // Links that touch `v` on the side we differentiate, and the row on the other side.
            let links: Box<dyn Iterator<Item = (usize, usize)>> = if self.wrt_queries {
                Box::new((ix.out_start[v]..ix.out_start[v + 1]).map(|l| (l, ix.dst[l])))
            } else {
                Box::new(ix.inc[v].iter().map(|&l| (l, ix.src[l])))
            };
            let (mine, other) = if self.wrt_queries { (q.data, k.data) } else { (k.data, q.data) };
            let row = &mine[v * hd..(v + 1) * hd];
            for (l, u) in links {
                let ur = &other[u * hd..(u + 1) * hd];
                for h in 0..spec.heads {
                    let r = h * d..(h + 1) * d;
                    let f = g[l] * c * _act(&row[r.clone()], &ur[r.clone()], spec).1;
                    for (a, &b) in o[r.clone()].iter_mut().zip(&ur[r]) {
                        *a += f * b;
                    }
                }
            }
        });
        Ok((out, q.shape.clone()))
    }

    #[cfg(feature = "cuda")]
    fn cuda(&self, dev: &candle_core::cuda::CudaDevice, [q, k, g]: [CudaInput<'_>; 3]) -> candle_core::Result<Option<CudaOutput>> {
        let ix = self.index.on_cuda(dev)?;
        let ((n, hd), spec) = (q.shape.dims2()?, self.spec);
        let (hd32, heads) = (cuda::u32_arg(hd, Self::NAME)?, cuda::u32_arg(spec.heads, Self::NAME)?);
        let (scale, slope, c) = (spec.scale as f32, spec.slope as f32, (spec.scale / spec.heads as f64) as f32);
        let wrt_q = self.wrt_queries as i32;
        let mut out = cuda::alloc(dev, n * hd)?; // [N, H·d]
        let cfg = cuda::per_row(n, Self::NAME)?;
        launch!(
            dev,
            "edge_scores_grad",
            cfg,
            &q.data,
            &k.data,
            &g.data,
            &ix.src,
            &ix.dst,
            &ix.out_start,
            &ix.inc_start,
            &ix.inc,
            &mut out,
            &hd32,
            &heads,
            &scale,
            &slope,
            &c,
            &wrt_q
        );
        Ok(Some((out, q.shape.clone())))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::{finite_difference_check, seeded_tensor};

    fn _index() -> Arc<LinkIndex> {
        Arc::new(LinkIndex::new(4, &[(0, 1), (0, 3), (1, 0), (2, 2), (3, 1), (3, 2)]).unwrap())
    }

    const SPEC: ScoreSpec = ScoreSpec { heads: 2, scale: 0.7, slope: 0.2 };

    #[test]
    fn forward_is_the_head_average_of_leaky_relu_scores() {
        let ix = _index();
        let (q, k) = (seeded_tensor(1, &[4, 6]), seeded_tensor(2, &[4, 6]));
        let s = edge_scores(&q, &k, &ix, SPEC).unwrap().flatten_all().unwrap().to_vec1::<f64>().unwrap();
        let (qv, kv) = (q.to_vec2::<f64>().unwrap(), k.to_vec2::<f64>().unwrap());
        for l in 0..6 {
            let want: f64 = (0..2)
                .map(|h| {
                    let x = 0.7 * (0..3).map(|c| qv[ix.src[l]][h * 3 + c] * kv[ix.dst[l]][h * 3 + c]).sum::<f64>();
                    if x >= 0.0 {
                        x
                    } else {
                        0.2 * x
                    }
                })
                .sum::<f64>()
                / 2.0;
            assert!((s[l] - want).abs() < 1e-12, "link {l}");
        }
    }

    #[test]
    fn backward_matches_finite_differences() {
        let ix = _index();
        let probe = seeded_tensor(3, &[6, 1]);
        finite_difference_check(&[seeded_tensor(1, &[4, 6]), seeded_tensor(2, &[4, 6])], move |t| {
            let s = edge_scores(&t[0], &t[1], &ix, SPEC)?;
            (&s * &probe)?.sum_all()? + s.sqr()?.sum_all()?
        });
    }
}
