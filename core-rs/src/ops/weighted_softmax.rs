//! Custom op: softmax of link scores over each node's out-links, weighted by link weights — GAT's
//! attention on a weighted (input, kNN, learned or mixed) graph.
//!
//! For scores `z` `[E, H]` and non-negative link weights `w` `[E, 1]`, with `S(v, h) = Σ_{l: src(l)=v}
//! w[l] · exp(z[l, h] − m(v, h))` (`m` the segment maximum):
//!
//! ```text
//! α[l, h]     = w[l] · exp(z[l, h] − m) / S
//! ∂L/∂z[l, h] = α[l, h] · (G[l, h] − Σ_{l'} α[l', h] G[l', h])
//! ∂L/∂w[l]    = Σ_h exp(z[l, h] − m) / S · (G[l, h] − Σ_{l'} α[l', h] G[l', h])
//! ```
//!
//! A weight of 0 removes a link from the softmax but keeps its gradient, so straight-through masks
//! still learn. Segments run in parallel (rayon); `S` gets `1e-20` so an all-zero segment gives 0.

use std::sync::Arc;

use candle_core::{Shape, Tensor};
use num_traits::Float;
use rayon::prelude::*;

use crate::ops::backend::Op;
#[cfg(feature = "cuda")]
use crate::ops::cuda::{self, launch, CudaInput, CudaOutput};
use crate::ops::kernel::{Input, Kernel, Real};
use crate::ops::link_index::LinkIndex;

const EPS: f64 = 1e-20;

/// `weighted_softmax(z, w)` over the out-links of each node of `index`: `z` `[E, H]`, `w` `[E, 1]` → `[E, H]`.
pub fn weighted_softmax(z: &Tensor, w: &Tensor, index: &Arc<LinkIndex>) -> candle_core::Result<Tensor> {
    let (e, _) = z.dims2()?;
    if e != index.num_links() || w.dims2()? != (e, 1) {
        candle_core::bail!("weighted_softmax: scores {:?} and weights {:?} do not fit {} links", z.dims(), w.dims(), index.num_links());
    }
    z.contiguous()?.apply_op2(&w.contiguous()?, Op(WeightedSoftmax { index: index.clone() }))
}

struct WeightedSoftmax {
    index: Arc<LinkIndex>,
}

/// Per link and head: `exp(z − m) / S` (the unweighted share) — both passes start from it.
fn _shares<T: Float + Send + Sync>(z: &[T], w: &[T], ix: &LinkIndex, h: usize) -> Vec<T> {
    let mut p = vec![T::zero(); z.len()];
    let eps = T::from(EPS).unwrap();
    let mut chunks: Vec<&mut [T]> = Vec::with_capacity(ix.num_nodes);
    let mut rest = p.as_mut_slice();
    for v in 0..ix.num_nodes {
        let (a, b) = rest.split_at_mut((ix.out_start[v + 1] - ix.out_start[v]) * h);
        chunks.push(a);
        rest = b;
    }
    chunks.into_par_iter().enumerate().for_each(|(v, o)| {
        let s = ix.out_start[v];
        let n = ix.out_start[v + 1] - s;
        for k in 0..h {
            let m = (0..n).map(|i| z[(s + i) * h + k]).fold(T::neg_infinity(), T::max);
            let total = (0..n).fold(T::zero(), |a, i| a + w[s + i] * (z[(s + i) * h + k] - m).exp()) + eps;
            for i in 0..n {
                o[i * h + k] = (z[(s + i) * h + k] - m).exp() / total;
            }
        }
    });
    p
}

impl Kernel<2> for WeightedSoftmax {
    const NAME: &'static str = "weighted-softmax";

    fn cpu<T: Real>(&self, [z, w]: [Input<'_, T>; 2]) -> candle_core::Result<(Vec<T>, Shape)> {
        let h = z.shape.dims2()?.1;
        let mut a = _shares(&z, &w, &self.index, h);
        a.par_chunks_mut(h).zip(w.par_iter()).for_each(|(r, &wl)| r.iter_mut().for_each(|v| *v *= wl));
        Ok((a, z.shape.clone()))
    }

    #[cfg(feature = "cuda")]
    fn cuda(&self, dev: &candle_core::cuda::CudaDevice, [z, w]: [CudaInput<'_>; 2]) -> candle_core::Result<Option<CudaOutput>> {
        let ix = self.index.on_cuda(dev)?;
        let ((e, h), n) = (z.shape.dims2()?, self.index.num_nodes);
        let mut out = cuda::alloc(dev, e * h)?; // [E, H]
        let (n32, h32) = (cuda::u32_arg(n, Self::NAME)?, cuda::u32_arg(h, Self::NAME)?);
        launch!(dev, "weighted_softmax", cuda::per_item(n * h, Self::NAME)?, &z.data, &w.data, &ix.out_start, &mut out, &n32, &h32);
        Ok(Some((out, z.shape.clone())))
    }

    fn bwd(&self, [z, w]: [&Tensor; 2], _res: &Tensor, grad: &Tensor) -> candle_core::Result<[Option<Tensor>; 2]> {
        let g = grad.contiguous()?;
        let dz = z.apply_op3_no_bwd(w, &g, &Op(WeightedSoftmaxGrad { index: self.index.clone(), wrt_weights: false }))?;
        let dw = z.apply_op3_no_bwd(w, &g, &Op(WeightedSoftmaxGrad { index: self.index.clone(), wrt_weights: true }))?;
        Ok([Some(dz), Some(dw)])
    }
}

/// Backward of [`WeightedSoftmax`] from `(z, w, G)`: `∂z` or `∂w`.
struct WeightedSoftmaxGrad {
    index: Arc<LinkIndex>,
    wrt_weights: bool,
}

impl Kernel<3> for WeightedSoftmaxGrad {
    const NAME: &'static str = "weighted-softmax-grad";

    fn cpu<T: Real>(&self, [z, w, g]: [Input<'_, T>; 3]) -> candle_core::Result<(Vec<T>, Shape)> {
        let (ix, h) = (&self.index, z.shape.dims2()?.1);
        let p = _shares(&z, &w, ix, h);
        // centred[l, h] = G[l, h] − Σ_{l' in segment} α[l', h] G[l', h]
        let mut centred = vec![T::zero(); z.len()];
        for v in 0..ix.num_nodes {
            let r = ix.out_start[v]..ix.out_start[v + 1];
            for k in 0..h {
                let mean = r.clone().fold(T::zero(), |a, l| a + w[l] * p[l * h + k] * g[l * h + k]);
                r.clone().for_each(|l| centred[l * h + k] = g[l * h + k] - mean);
            }
        }
        if self.wrt_weights {
            let dw: Vec<T> = (0..ix.num_links()).map(|l| (0..h).fold(T::zero(), |a, k| a + p[l * h + k] * centred[l * h + k])).collect();
            Ok((dw, w.shape.clone()))
        } else {
            let dz: Vec<T> = (0..z.len()).map(|i| w[i / h] * p[i] * centred[i]).collect();
            Ok((dz, z.shape.clone()))
        }
    }

    /// Per node and head the maximum, the sum and the weighted mean of `G`, then `∂z` per element or
    /// `∂w` per link.
    #[cfg(feature = "cuda")]
    fn cuda(&self, dev: &candle_core::cuda::CudaDevice, [z, w, g]: [CudaInput<'_>; 3]) -> candle_core::Result<Option<CudaOutput>> {
        let ix = self.index.on_cuda(dev)?;
        let ((e, h), n) = (z.shape.dims2()?, self.index.num_nodes);
        let (n32, e32, h32) = (cuda::u32_arg(n, Self::NAME)?, cuda::u32_arg(e, Self::NAME)?, cuda::u32_arg(h, Self::NAME)?);
        let (mut mx, mut tot, mut mean) = (cuda::alloc(dev, n * h)?, cuda::alloc(dev, n * h)?, cuda::alloc(dev, n * h)?); // [N, H] each
        let cfg = cuda::per_item(n * h, Self::NAME)?;
        launch!(dev, "weighted_softmax_centre", cfg, &z.data, &w.data, &g.data, &ix.out_start, &mut mx, &mut tot, &mut mean, &n32, &h32);
        if self.wrt_weights {
            let mut dw = cuda::alloc(dev, e)?; // [E, 1]
            launch!(
                dev,
                "weighted_softmax_grad_w",
                cuda::per_item(e, Self::NAME)?,
                &z.data,
                &g.data,
                &ix.src,
                &mx,
                &tot,
                &mean,
                &mut dw,
                &e32,
                &h32
            );
            Ok(Some((dw, w.shape.clone())))
        } else {
            let mut dz = cuda::alloc(dev, e * h)?; // [E, H]
            let cfg = cuda::per_item(e * h, Self::NAME)?;
            launch!(dev, "weighted_softmax_grad_z", cfg, &z.data, &w.data, &g.data, &ix.src, &mx, &tot, &mean, &mut dz, &e32, &h32);
            Ok(Some((dz, z.shape.clone())))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::{finite_difference_check, seeded_tensor};
    use candle_core::Device;

    fn _index() -> Arc<LinkIndex> {
        Arc::new(LinkIndex::new(3, &[(0, 0), (0, 1), (0, 2), (1, 1), (2, 0), (2, 2)]).unwrap())
    }

    fn _weights(v: &[f64]) -> Tensor {
        Tensor::from_vec(v.to_vec(), (v.len(), 1), &Device::Cpu).unwrap()
    }

    #[test]
    fn forward_is_a_weighted_distribution_per_segment() {
        let ix = _index();
        let z = seeded_tensor(1, &[6, 2]);
        let w = _weights(&[1.0, 0.0, 2.0, 0.5, 1.0, 3.0]);
        let a = weighted_softmax(&z, &w, &ix).unwrap().to_vec2::<f64>().unwrap();
        let zv = z.to_vec2::<f64>().unwrap();
        for k in 0..2 {
            assert!((a[0][k] + a[1][k] + a[2][k] - 1.0).abs() < 1e-12);
            assert_eq!(a[1][k], 0.0, "a zero-weight link gets no attention");
            let want = 2.0 * zv[2][k].exp() / (zv[0][k].exp() + 2.0 * zv[2][k].exp());
            assert!((a[2][k] - want).abs() < 1e-12);
            assert!((a[3][k] - 1.0).abs() < 1e-12, "a single link takes everything");
        }
    }

    #[test]
    fn backward_matches_finite_differences() {
        let ix = _index();
        let probe = seeded_tensor(3, &[6, 2]);
        let w = _weights(&[1.0, 0.3, 2.0, 0.5, 1.0, 3.0]);
        finite_difference_check(&[seeded_tensor(1, &[6, 2]), w], move |t| {
            let a = weighted_softmax(&t[0], &t[1], &ix)?;
            (&a * &probe)?.sum_all()? + a.sqr()?.sum_all()?
        });
    }
}
