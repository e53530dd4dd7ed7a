//! Custom op: differentiable soft top-k over each row of candidate scores.
//!
//! For scores `s` `[N, C]`, a budget `k < C` and a temperature `τ`, each row gets the threshold `t`
//! with `Σ_j σ((s_j − t)/τ) = k` (found by bisection; the sum is decreasing in `t`), and
//!
//! ```text
//! w_j      = σ((s_j − t)/τ)                    Σ_j w_j = k
//! d_j      = w_j (1 − w_j)
//! ∂L/∂s_l  = (d_l/τ) · (G_l − Σ_j G_j d_j / Σ_j d_j)      (t differentiated implicitly)
//! ```
//!
//! Rows run in parallel (rayon).

use candle_core::{Shape, Tensor};
use num_traits::Float;
use rayon::prelude::*;

use crate::ops::backend::Op;
#[cfg(feature = "cuda")]
use crate::ops::cuda::{self, launch, CudaInput, CudaOutput};
use crate::ops::kernel::{Input, Kernel, Real};

/// `soft_topk(s, k, tau)` row-wise: `s` `[N, C]` with `k < C` → weights `[N, C]` summing to `k` per row.
pub fn soft_topk(s: &Tensor, k: usize, tau: f64) -> candle_core::Result<Tensor> {
    let (_, c) = s.dims2()?;
    if k == 0 || k >= c || tau <= 0.0 {
        candle_core::bail!("soft_topk: needs 0 < k < candidates ({k} vs {c}) and tau > 0 ({tau})");
    }
    s.contiguous()?.apply_op1(Op(SoftTopk { k, tau }))
}

struct SoftTopk {
    k: usize,
    tau: f64,
}

fn _sigmoid(x: f64) -> f64 {
    1.0 / (1.0 + (-x).exp())
}

/// The weights of one row (computed in f64).
fn _row<T: Float>(s: &[T], k: usize, tau: f64, out: &mut [T]) {
    let v: Vec<f64> = s.iter().map(|x| x.to_f64().unwrap()).collect();
    let (lo, hi) = v.iter().fold((f64::INFINITY, f64::NEG_INFINITY), |(a, b), &x| (a.min(x), b.max(x)));
    let (mut lo, mut hi) = (lo - 40.0 * tau, hi + 40.0 * tau);
    let total = |t: f64| v.iter().map(|&x| _sigmoid((x - t) / tau)).sum::<f64>();
    for _ in 0..100 {
        let mid = 0.5 * (lo + hi);
        if total(mid) > k as f64 {
            lo = mid;
        } else {
            hi = mid;
        }
    }
    let t = 0.5 * (lo + hi);
    for (o, &x) in out.iter_mut().zip(&v) {
        *o = T::from(_sigmoid((x - t) / tau)).unwrap();
    }
}

impl Kernel<1> for SoftTopk {
    const NAME: &'static str = "soft-topk";

    fn cpu<T: Real>(&self, [x]: [Input<'_, T>; 1]) -> candle_core::Result<(Vec<T>, Shape)> {
        let c = x.shape.dims2()?.1;
        let mut out = vec![T::zero(); x.len()];
        out.par_chunks_mut(c).zip(x.par_chunks(c)).for_each(|(o, r)| _row(r, self.k, self.tau, o));
        Ok((out, x.shape.clone()))
    }

    #[cfg(feature = "cuda")]
    fn cuda(&self, dev: &candle_core::cuda::CudaDevice, [x]: [CudaInput<'_>; 1]) -> candle_core::Result<Option<CudaOutput>> {
        let (n, c) = x.shape.dims2()?;
        let (n32, c32, k) = (cuda::u32_arg(n, Self::NAME)?, cuda::u32_arg(c, Self::NAME)?, self.k as f64);
        let mut out = cuda::alloc(dev, n * c)?; // [N, C]
        launch!(dev, "soft_topk", cuda::per_item(n, Self::NAME)?, &x.data, &mut out, &n32, &c32, &k, &self.tau);
        Ok(Some((out, x.shape.clone())))
    }

    fn bwd(&self, _s: [&Tensor; 1], res: &Tensor, grad: &Tensor) -> candle_core::Result<[Option<Tensor>; 1]> {
        Ok([Some(res.apply_op2_no_bwd(&grad.contiguous()?, &Op(SoftTopkGrad { tau: self.tau }))?)])
    }
}

/// Backward of [`SoftTopk`] from its output weights and the output gradient.
struct SoftTopkGrad {
    tau: f64,
}

impl Kernel<2> for SoftTopkGrad {
    const NAME: &'static str = "soft-topk-grad";

    fn cpu<T: Real>(&self, [w, g]: [Input<'_, T>; 2]) -> candle_core::Result<(Vec<T>, Shape)> {
        let c = w.shape.dims2()?.1;
        let inv_tau = T::from(1.0 / self.tau).unwrap();
        let mut out = vec![T::zero(); w.len()];
        out.par_chunks_mut(c).enumerate().for_each(|(r, o)| {
            let (wr, gr) = (&w[r * c..(r + 1) * c], &g[r * c..(r + 1) * c]);
            let d: Vec<T> = wr.iter().map(|&x| x * (T::one() - x)).collect();
            let dsum = d.iter().fold(T::zero(), |a, &x| a + x);
            let mean = if dsum > T::zero() { d.iter().zip(gr).fold(T::zero(), |a, (&x, &y)| a + x * y) / dsum } else { T::zero() };
            for j in 0..c {
                o[j] = d[j] * inv_tau * (gr[j] - mean);
            }
        });
        Ok((out, w.shape.clone()))
    }

    #[cfg(feature = "cuda")]
    fn cuda(&self, dev: &candle_core::cuda::CudaDevice, [w, g]: [CudaInput<'_>; 2]) -> candle_core::Result<Option<CudaOutput>> {
        let (n, c) = w.shape.dims2()?;
        let (n32, c32, inv_tau) = (cuda::u32_arg(n, Self::NAME)?, cuda::u32_arg(c, Self::NAME)?, (1.0 / self.tau) as f32);
        let mut out = cuda::alloc(dev, n * c)?; // [N, C]
        launch!(dev, "soft_topk_grad", cuda::per_item(n, Self::NAME)?, &w.data, &g.data, &mut out, &n32, &c32, &inv_tau);
        Ok(Some((out, w.shape.clone())))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::{finite_difference_check, seeded_tensor};

    #[test]
    fn rows_sum_to_k_and_keep_the_order() {
        let s = seeded_tensor(1, &[5, 8]);
        let w = soft_topk(&s, 3, 0.1).unwrap().to_vec2::<f64>().unwrap();
        let sv = s.to_vec2::<f64>().unwrap();
        for (r, row) in w.iter().enumerate() {
            assert!((row.iter().sum::<f64>() - 3.0).abs() < 1e-9, "row {r}");
            for a in 0..8 {
                for b in 0..8 {
                    if sv[r][a] > sv[r][b] {
                        assert!(row[a] >= row[b], "row {r}: a larger score gets a larger weight");
                    }
                }
            }
        }
        // A small temperature approaches the hard top-k.
        let hard = soft_topk(&s, 3, 1e-4).unwrap().to_vec2::<f64>().unwrap();
        let mut order: Vec<usize> = (0..8).collect();
        order.sort_by(|&a, &b| sv[0][b].partial_cmp(&sv[0][a]).unwrap());
        for (rank, &j) in order.iter().enumerate() {
            assert!((hard[0][j] - if rank < 3 { 1.0 } else { 0.0 }).abs() < 1e-3, "rank {rank}");
        }
    }

    #[test]
    fn backward_matches_finite_differences() {
        let probe = seeded_tensor(3, &[4, 6]);
        finite_difference_check(&[seeded_tensor(2, &[4, 6])], move |t| (soft_topk(&t[0], 2, 0.5)? * &probe)?.sum_all());
    }

    #[test]
    fn bad_budgets_are_errors() {
        assert!(soft_topk(&seeded_tensor(1, &[2, 3]), 3, 0.1).is_err());
        assert!(soft_topk(&seeded_tensor(1, &[2, 3]), 1, 0.0).is_err());
    }
}
