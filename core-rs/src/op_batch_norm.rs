//! Custom op: batch normalisation over the rows of `x` `[R, H]` with a fused, multi-threaded
//! forward and backward (candle's reductions over the row dimension are single-threaded and
//! strided, and were the largest cost of a training step).
//!
//! ```text
//! train: μ, σ² = batch mean and (biased) variance of each column;  inference: running μ, σ²
//! y    = γ ⊙ x̂ + β,   x̂ = (x − μ) / √(σ² + ε)
//! ∂β   = Σ_r ∂y,   ∂γ = Σ_r ∂y ⊙ x̂
//! ∂x   = γ/√(σ²+ε) ⊙ (∂y − (Σ_r ∂y)/R − x̂ ⊙ (Σ_r ∂y ⊙ x̂)/R)     (train)
//! ∂x   = γ/√(σ²+ε) ⊙ ∂y                                          (inference)
//! ```

use std::sync::{Arc, Mutex};

use candle_core::{CpuStorage, CustomOp3, Layout, Shape, Tensor};
use rayon::prelude::*;

/// `ε` added to the variance.
pub const EPS: f64 = 1e-5;

/// Column means and variances.
pub type Moments = (Vec<f32>, Vec<f32>);

/// Column statistics: the batch's when training, the running ones at inference.
#[derive(Clone, Debug)]
pub enum Stats {
    /// Use (and report) the batch statistics; the op writes `(mean, var)` here.
    Batch(Arc<Mutex<Option<Moments>>>),
    /// Fixed statistics `(mean, var)`.
    Fixed(Arc<Moments>),
}

/// `y = γ ⊙ (x − μ)/√(σ² + ε) + β` for `x` `[R, H]`, `γ`, `β` `[H]` (f32).
pub fn batch_norm(x: &Tensor, gamma: &Tensor, beta: &Tensor, stats: Stats) -> candle_core::Result<Tensor> {
    x.contiguous()?.apply_op3(gamma, beta, BatchNormOp { stats })
}

struct BatchNormOp {
    stats: Stats,
}

const CHUNK: usize = 64;

fn _slice<'a>(s: &'a CpuStorage, l: &Layout) -> candle_core::Result<&'a [f32]> {
    match l.contiguous_offsets() {
        Some((a, b)) => Ok(&s.as_slice::<f32>()?[a..b]),
        None => candle_core::bail!("batch_norm needs contiguous f32 inputs"),
    }
}

/// Column sums of `f(row, col)` over rows, in parallel over row chunks.
fn _colsum(r: usize, h: usize, f: impl Fn(usize, usize) -> f64 + Sync) -> Vec<f64> {
    (0..r.div_ceil(CHUNK))
        .into_par_iter()
        .map(|c| {
            let mut acc = vec![0.0f64; h];
            for i in c * CHUNK..((c + 1) * CHUNK).min(r) {
                for (j, a) in acc.iter_mut().enumerate() {
                    *a += f(i, j);
                }
            }
            acc
        })
        .reduce(|| vec![0.0f64; h], |a, b| a.iter().zip(&b).map(|(x, y)| x + y).collect())
}

/// Mean and biased variance of the columns of `x` `[r, h]`.
fn _moments(x: &[f32], r: usize, h: usize) -> Moments {
    let mean: Vec<f64> = _colsum(r, h, |i, j| x[i * h + j] as f64).into_iter().map(|s| s / r as f64).collect();
    let var = _colsum(r, h, |i, j| (x[i * h + j] as f64 - mean[j]).powi(2)).into_iter().map(|s| (s / r as f64) as f32).collect();
    (mean.into_iter().map(|m| m as f32).collect(), var)
}

impl BatchNormOp {
    fn _stats(&self, x: &[f32], r: usize, h: usize) -> Moments {
        match &self.stats {
            Stats::Batch(_) => _moments(x, r, h),
            Stats::Fixed(s) => (s.0.clone(), s.1.clone()),
        }
    }
}

impl CustomOp3 for BatchNormOp {
    fn name(&self) -> &'static str {
        "batch-norm"
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
        let (r, h) = l1.shape().dims2()?;
        let (x, gamma, beta) = (_slice(s1, l1)?, _slice(s2, l2)?, _slice(s3, l3)?);
        if gamma.len() != h || beta.len() != h || r == 0 {
            candle_core::bail!("batch_norm: x [{r}, {h}] with γ [{}] and β [{}]", gamma.len(), beta.len());
        }
        let (mean, var) = self._stats(x, r, h);
        let inv: Vec<f32> = var.iter().map(|v| 1.0 / (v + EPS as f32).sqrt()).collect();
        let mut y = vec![0f32; r * h];
        y.par_chunks_mut(h).enumerate().for_each(|(i, row)| {
            for j in 0..h {
                row[j] = gamma[j] * (x[i * h + j] - mean[j]) * inv[j] + beta[j];
            }
        });
        if let Stats::Batch(out) = &self.stats {
            *out.lock().unwrap_or_else(|e| e.into_inner()) = Some((mean, var));
        }
        Ok((CpuStorage::F32(y), l1.shape().clone()))
    }

    fn bwd(
        &self,
        x: &Tensor,
        gamma: &Tensor,
        _beta: &Tensor,
        _res: &Tensor,
        grad: &Tensor,
    ) -> candle_core::Result<(Option<Tensor>, Option<Tensor>, Option<Tensor>)> {
        let (r, h) = x.dims2()?;
        let xs = x.flatten_all()?.to_vec1::<f32>()?;
        let g = gamma.to_vec1::<f32>()?;
        let dy = grad.contiguous()?.flatten_all()?.to_vec1::<f32>()?;
        let (mean, var) = self._stats(&xs, r, h);
        let inv: Vec<f32> = var.iter().map(|v| 1.0 / (v + EPS as f32).sqrt()).collect();
        let xhat = |i: usize, j: usize| (xs[i * h + j] - mean[j]) * inv[j];
        let dbeta = _colsum(r, h, |i, j| dy[i * h + j] as f64);
        let dgamma = _colsum(r, h, |i, j| (dy[i * h + j] * xhat(i, j)) as f64);
        let train = matches!(self.stats, Stats::Batch(_));
        let mut dx = vec![0f32; r * h];
        dx.par_chunks_mut(h).enumerate().for_each(|(i, row)| {
            for j in 0..h {
                let scale = g[j] * inv[j];
                row[j] = if train {
                    scale * (dy[i * h + j] - (dbeta[j] / r as f64) as f32 - xhat(i, j) * (dgamma[j] / r as f64) as f32)
                } else {
                    scale * dy[i * h + j]
                };
            }
        });
        let dev = x.device();
        let to = |v: Vec<f64>| Tensor::from_vec(v.into_iter().map(|a| a as f32).collect::<Vec<_>>(), h, dev);
        Ok((Some(Tensor::from_vec(dx, (r, h), dev)?), Some(to(dgamma)?), Some(to(dbeta)?)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::seeded_tensor;
    use candle_core::{DType, Var};

    /// The op against the same formula written with plain candle ops (f64 autograd).
    #[test]
    fn forward_and_backward_match_the_plain_op_version() {
        let x = seeded_tensor(1, &[37, 5]);
        let gamma = (seeded_tensor(2, &[5]) + 1.5).unwrap();
        let beta = seeded_tensor(3, &[5]);
        let w = seeded_tensor(4, &[37, 5]);
        for train in [true, false] {
            let fixed = Arc::new((vec![0.1f32, -0.2, 0.0, 0.3, 0.05], vec![0.5f32, 1.5, 1.0, 0.8, 2.0]));
            let vars: Vec<Var> = [&x, &gamma, &beta].iter().map(|t| Var::from_tensor(&t.to_dtype(DType::F32).unwrap()).unwrap()).collect();
            let stats = if train { Stats::Batch(Arc::new(Mutex::new(None))) } else { Stats::Fixed(fixed.clone()) };
            let y = batch_norm(vars[0].as_tensor(), vars[1].as_tensor(), vars[2].as_tensor(), stats).unwrap();
            let wf = w.to_dtype(DType::F32).unwrap();
            let grads = (&y * &wf).unwrap().sum_all().unwrap().backward().unwrap();
            // Reference in f64 with plain ops.
            let rv: Vec<Var> = [&x, &gamma, &beta].iter().map(|t| Var::from_tensor(t).unwrap()).collect();
            let (xr, gr, br) = (rv[0].as_tensor(), rv[1].as_tensor(), rv[2].as_tensor());
            let (mean, var) = if train {
                let m = xr.mean_keepdim(0).unwrap();
                let v = xr.broadcast_sub(&m).unwrap().sqr().unwrap().mean_keepdim(0).unwrap();
                (m, v)
            } else {
                let m = Tensor::from_vec(fixed.0.iter().map(|&a| a as f64).collect::<Vec<_>>(), (1, 5), &candle_core::Device::Cpu).unwrap();
                let v = Tensor::from_vec(fixed.1.iter().map(|&a| a as f64).collect::<Vec<_>>(), (1, 5), &candle_core::Device::Cpu).unwrap();
                (m, v)
            };
            let yr = xr
                .broadcast_sub(&mean)
                .unwrap()
                .broadcast_div(&(var + EPS).unwrap().sqrt().unwrap())
                .unwrap()
                .broadcast_mul(gr)
                .unwrap()
                .broadcast_add(br)
                .unwrap();
            let gref = (&yr * &w).unwrap().sum_all().unwrap().backward().unwrap();
            let close = |a: &Tensor, b: &Tensor, what: &str| {
                let d = (a.to_dtype(DType::F64).unwrap() - b).unwrap().abs().unwrap().max_all().unwrap().to_scalar::<f64>().unwrap();
                assert!(d < 2e-4, "train={train} {what}: max difference {d}");
            };
            close(&y, &yr, "y");
            for k in 0..3 {
                close(grads.get(&vars[k]).unwrap(), gref.get(&rv[k]).unwrap(), &format!("grad {k}"));
            }
        }
    }
}
