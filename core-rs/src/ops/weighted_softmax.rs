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

use candle_core::{CpuStorage, CustomOp2, CustomOp3, Layout, Shape, Tensor};
use num_traits::Float;
use rayon::prelude::*;

use crate::ops::cpu::{contiguous_slice, dispatch_float};
use crate::ops::link_index::LinkIndex;

const EPS: f64 = 1e-20;

/// `weighted_softmax(z, w)` over the out-links of each node of `index`: `z` `[E, H]`, `w` `[E, 1]` → `[E, H]`.
pub fn weighted_softmax(z: &Tensor, w: &Tensor, index: &Arc<LinkIndex>) -> candle_core::Result<Tensor> {
    let (e, _) = z.dims2()?;
    if e != index.num_links() || w.dims2()? != (e, 1) {
        candle_core::bail!("weighted_softmax: scores {:?} and weights {:?} do not fit {} links", z.dims(), w.dims(), index.num_links());
    }
    z.contiguous()?.apply_op2(&w.contiguous()?, WeightedSoftmax { index: index.clone() })
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

impl CustomOp2 for WeightedSoftmax {
    fn name(&self) -> &'static str {
        "weighted-softmax"
    }

    fn cpu_fwd(&self, s1: &CpuStorage, l1: &Layout, s2: &CpuStorage, l2: &Layout) -> candle_core::Result<(CpuStorage, Shape)> {
        fn run<T: candle_core::WithDType + Float>(
            op: &WeightedSoftmax,
            s1: &CpuStorage,
            l1: &Layout,
            s2: &CpuStorage,
            l2: &Layout,
        ) -> candle_core::Result<(CpuStorage, Shape)> {
            let (z, w) = (contiguous_slice::<T>(s1, l1, "weighted_softmax")?, contiguous_slice::<T>(s2, l2, "weighted_softmax")?);
            let h = l1.shape().dims2()?.1;
            let mut a = _shares(z, w, &op.index, h);
            a.par_chunks_mut(h).zip(w.par_iter()).for_each(|(r, &wl)| r.iter_mut().for_each(|v| *v *= wl));
            Ok((T::to_cpu_storage_owned(a), l1.shape().clone()))
        }
        dispatch_float!("weighted_softmax", s1, run, self, s1, l1, s2, l2)
    }

    fn bwd(&self, z: &Tensor, w: &Tensor, _res: &Tensor, grad: &Tensor) -> candle_core::Result<(Option<Tensor>, Option<Tensor>)> {
        let g = grad.contiguous()?;
        let dz = z.apply_op3_no_bwd(w, &g, &WeightedSoftmaxGrad { index: self.index.clone(), wrt_weights: false })?;
        let dw = z.apply_op3_no_bwd(w, &g, &WeightedSoftmaxGrad { index: self.index.clone(), wrt_weights: true })?;
        Ok((Some(dz), Some(dw)))
    }
}

/// Backward of [`WeightedSoftmax`] from `(z, w, G)`: `∂z` or `∂w`.
struct WeightedSoftmaxGrad {
    index: Arc<LinkIndex>,
    wrt_weights: bool,
}

impl CustomOp3 for WeightedSoftmaxGrad {
    fn name(&self) -> &'static str {
        "weighted-softmax-grad"
    }

    fn cpu_fwd(
        &self,
        s1: &CpuStorage,
        l1: &Layout,
        s2: &CpuStorage,
        l2: &Layout,
        s3: &CpuStorage,
        l3: &Layout,
    ) -> candle_core::Result<(CpuStorage, Shape)> {
        fn run<T: candle_core::WithDType + Float>(
            op: &WeightedSoftmaxGrad,
            s1: &CpuStorage,
            l1: &Layout,
            s2: &CpuStorage,
            l2: &Layout,
            s3: &CpuStorage,
            l3: &Layout,
        ) -> candle_core::Result<(CpuStorage, Shape)> {
            let name = "weighted_softmax";
            let (z, w, g) =
                (contiguous_slice::<T>(s1, l1, name)?, contiguous_slice::<T>(s2, l2, name)?, contiguous_slice::<T>(s3, l3, name)?);
            let (ix, h) = (&op.index, l1.shape().dims2()?.1);
            let p = _shares(z, w, ix, h);
            // centred[l, h] = G[l, h] − Σ_{l' in segment} α[l', h] G[l', h]
            let mut centred = vec![T::zero(); z.len()];
            for v in 0..ix.num_nodes {
                let r = ix.out_start[v]..ix.out_start[v + 1];
                for k in 0..h {
                    let mean = r.clone().fold(T::zero(), |a, l| a + w[l] * p[l * h + k] * g[l * h + k]);
                    r.clone().for_each(|l| centred[l * h + k] = g[l * h + k] - mean);
                }
            }
            if op.wrt_weights {
                let dw: Vec<T> =
                    (0..ix.num_links()).map(|l| (0..h).fold(T::zero(), |a, k| a + p[l * h + k] * centred[l * h + k])).collect();
                Ok((T::to_cpu_storage_owned(dw), l2.shape().clone()))
            } else {
                let dz: Vec<T> = (0..z.len()).map(|i| w[i / h] * p[i] * centred[i]).collect();
                Ok((T::to_cpu_storage_owned(dz), l1.shape().clone()))
            }
        }
        dispatch_float!("weighted_softmax", s1, run, self, s1, l1, s2, l2, s3, l3)
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
