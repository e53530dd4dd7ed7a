//! Custom op: the tail of a residual GCN layer, `y = r + m ⊙ ReLU(BN(x))` (batch normalisation over
//! the rows of `x` `[R, H]`, ReLU, an optional dropout mask `m`, and the residual `r`), and plain
//! `y = BN(x)` ([`batch_norm`]), with a fused, multi-threaded forward and backward (candle's reductions over the row dimension are
//! single-threaded and strided, and the separate element-wise passes dominated a training step).
//!
//! The statistics are those of all rows, or of each group of consecutive rows (`groups`: row
//! offsets `0 = o_0 < o_1 < … < o_G = R`), e.g. the rows of one episode, so that an episode's
//! output does not depend on the other episodes of its batch. Within group `g` (`R_g` rows):
//!
//! ```text
//! μ, σ² = mean and (biased) variance of each column over the group's rows
//! z    = γ ⊙ x̂ + β,   x̂ = (x − μ) / √(σ² + ε),   y = r + m ⊙ max(z, 0)   (plain: y = z)
//! ∂r   = ∂y,   δ = ∂y ⊙ m ⊙ [z > 0]   (plain: δ = ∂y),   ∂β = Σ_g Σ_{r∈g} δ,   ∂γ = Σ_g Σ_{r∈g} δ ⊙ x̂
//! ∂x   = γ/√(σ²+ε) ⊙ (δ − (Σ_{r∈g} δ)/R_g − x̂ ⊙ (Σ_{r∈g} δ ⊙ x̂)/R_g)
//! ```
//! `γ` and `β` travel as one `[2, H]` tensor.

use std::sync::{Arc, OnceLock};

use candle_core::{Shape, Tensor};
use rayon::prelude::*;

use crate::ops::backend::Op;
#[cfg(feature = "cuda")]
use crate::ops::cuda::{self, launch, CudaInput, CudaOutput};
use crate::ops::kernel::{f32_only, Input, Kernel, Real};
use crate::ops::par_rows::par_rows;

/// `ε` added to the variance.
pub const EPS: f64 = 1e-5;

/// Column means and variances.
pub type Moments = (Vec<f32>, Vec<f32>);

/// `y = r + m ⊙ ReLU(γ ⊙ (x − μ)/√(σ² + ε) + β)` for `x`, `r` `[R, H]`, `γβ` `[2, H]` (f32); `mask`
/// holds the dropout factors (`0` or `1/(1 − p)`, row-major) or is `None`; `groups` the row offsets
/// of the groups normalised separately (`None`: all rows together).
pub fn residual_batch_norm(
    x: &Tensor,
    gamma_beta: &Tensor,
    r: &Tensor,
    mask: Option<Arc<Vec<f32>>>,
    groups: Option<Arc<Vec<usize>>>,
) -> candle_core::Result<Tensor> {
    x.contiguous()?.apply_op3(
        &gamma_beta.contiguous()?,
        &r.contiguous()?,
        Op(BatchNormOp(Arc::new(_Norm { mask, relu: true, groups, stats: OnceLock::new() }))),
    )
}

/// `y = γ ⊙ (x − μ)/√(σ² + ε) + β` for `x` `[R, H]`, `γβ` `[2, H]` (f32), with the batch's statistics.
pub fn batch_norm(x: &Tensor, gamma_beta: &Tensor) -> candle_core::Result<Tensor> {
    let zero = x.zeros_like()?;
    x.contiguous()?.apply_op3(
        &gamma_beta.contiguous()?,
        &zero,
        Op(BatchNormOp(Arc::new(_Norm { mask: None, relu: false, groups: None, stats: OnceLock::new() }))),
    )
}

/// Column means and biased variances of `x` `[R, H]` (f32), as [`batch_norm`] computes them.
pub fn column_moments(x: &Tensor) -> candle_core::Result<Moments> {
    let (r, h) = x.dims2()?;
    Ok(_moments(&x.contiguous()?.flatten_all()?.to_vec1::<f32>()?, r, h))
}

/// What the forward and the backward of one normalisation share.
struct _Norm {
    mask: Option<Arc<Vec<f32>>>,
    relu: bool,
    groups: Option<Arc<Vec<usize>>>,
    /// The forward's statistics (CPU), kept for the backward.
    stats: OnceLock<_Groups>,
}

/// The forward op: `x`, `γβ`, `r` → `y` `[R, H]`.
struct BatchNormOp(Arc<_Norm>);

/// The backward op: `x`, `γβ`, `∂y` → `[R + 2, H]`: `∂x` in the first `R` rows, then `∂γ` and `∂β`.
struct BatchNormGrad(Arc<_Norm>);

impl std::ops::Deref for BatchNormOp {
    type Target = _Norm;

    fn deref(&self) -> &_Norm {
        &self.0
    }
}

impl std::ops::Deref for BatchNormGrad {
    type Target = _Norm;

    fn deref(&self) -> &_Norm {
        &self.0
    }
}

/// Row groups and their statistics: `mean` and `inv` = `1/√(σ² + ε)` are `[G·H]`, `of[i]` is row
/// `i`'s group; `grouped` is false when all rows form the one group.
struct _Groups {
    offsets: Vec<usize>,
    of: Vec<usize>,
    grouped: bool,
    mean: Vec<f32>,
    inv: Vec<f32>,
}

impl _Groups {
    /// Rows of group `g`.
    fn rows(&self, g: usize) -> f64 {
        (self.offsets[g + 1] - self.offsets[g]) as f64
    }

    /// Row `i`'s group's `μ` and `1/√(σ² + ε)`, `[h]` each.
    fn of_row(&self, i: usize, h: usize) -> (&[f32], &[f32]) {
        let o = self.of[i] * h;
        (&self.mean[o..o + h], &self.inv[o..o + h])
    }

    /// Per-group column sums `[G·h]` of `f(i, acc)`: over all rows in parallel chunks when the rows
    /// are not grouped, else each group on one thread in row order, so that a group's sums do not
    /// depend on the rows around it.
    fn sums(&self, h: usize, f: impl Fn(usize, &mut [f64]) + Sync) -> Vec<f64> {
        if !self.grouped {
            return _colsum(self.of.len(), h, f);
        }
        let per: Vec<Vec<f64>> = self
            .offsets
            .par_windows(2)
            .map(|w| {
                let mut acc = vec![0.0f64; h];
                (w[0]..w[1]).for_each(|i| f(i, &mut acc));
                acc
            })
            .collect();
        per.concat()
    }
}

impl _Norm {
    /// The statistics of `x` `[r, h]`: the forward's when it ran, else computed now.
    fn _stats(&self, x: &[f32], r: usize, h: usize) -> candle_core::Result<&_Groups> {
        if let Some(gs) = self.stats.get() {
            return Ok(gs);
        }
        let gs = self._groups(x, r, h)?;
        Ok(self.stats.get_or_init(|| gs))
    }

    /// The group offsets `[G + 1]` of `r` rows, checked, and each row's group `[r]`.
    fn _offsets(&self, r: usize) -> candle_core::Result<(Vec<usize>, Vec<usize>)> {
        let offsets = self.groups.as_ref().map_or_else(|| vec![0, r], |g| g.to_vec());
        if offsets.len() < 2 || offsets[0] != 0 || offsets[offsets.len() - 1] != r || offsets.windows(2).any(|w| w[1] <= w[0]) {
            candle_core::bail!("batch_norm: group offsets {offsets:?} do not split {r} rows into non-empty groups");
        }
        let mut of = vec![0; r];
        for (g, w) in offsets.windows(2).enumerate() {
            of[w[0]..w[1]].fill(g);
        }
        Ok((offsets, of))
    }

    /// The groups of `x` `[r, h]` with their moments; checks the offsets.
    fn _groups(&self, x: &[f32], r: usize, h: usize) -> candle_core::Result<_Groups> {
        let (offsets, of) = self._offsets(r)?;
        let mut gs = _Groups { offsets, of, grouped: self.groups.is_some(), mean: Vec::new(), inv: Vec::new() };
        let row = |i: usize| &x[i * h..(i + 1) * h];
        let mean: Vec<f64> = gs
            .sums(h, |i, acc| acc.iter_mut().zip(row(i)).for_each(|(a, &v)| *a += v as f64))
            .into_iter()
            .enumerate()
            .map(|(k, s)| s / gs.rows(k / h))
            .collect();
        let var = gs.sums(h, |i, acc| {
            let m = &mean[gs.of[i] * h..(gs.of[i] + 1) * h];
            acc.iter_mut().zip(row(i)).zip(m).for_each(|((a, &v), &m)| *a += (v as f64 - m).powi(2))
        });
        gs.inv = var.iter().enumerate().map(|(k, s)| 1.0 / ((s / gs.rows(k / h)) as f32 + EPS as f32).sqrt()).collect();
        gs.mean = mean.into_iter().map(|m| m as f32).collect();
        Ok(gs)
    }
}

const CHUNK: usize = 64;

/// Column sums over rows: `f(i, acc)` adds row `i`'s terms to `acc` `[h]` (row slices, so the loops
/// vectorise); in parallel over row chunks, accumulated in f64.
fn _colsum(r: usize, h: usize, f: impl Fn(usize, &mut [f64]) + Sync) -> Vec<f64> {
    (0..r.div_ceil(CHUNK))
        .into_par_iter()
        .map(|c| {
            let mut acc = vec![0.0f64; h];
            for i in c * CHUNK..((c + 1) * CHUNK).min(r) {
                f(i, &mut acc);
            }
            acc
        })
        .reduce(|| vec![0.0f64; h], |a, b| a.iter().zip(&b).map(|(x, y)| x + y).collect())
}

/// Column sums of `x` `[r, h]`.
fn _column_sums(x: &[f32], r: usize, h: usize) -> Vec<f64> {
    _colsum(r, h, |i, acc| acc.iter_mut().zip(&x[i * h..(i + 1) * h]).for_each(|(a, &v)| *a += v as f64))
}

/// Mean and biased variance of the columns of `x` `[r, h]`.
fn _moments(x: &[f32], r: usize, h: usize) -> Moments {
    let mean: Vec<f64> = _column_sums(x, r, h).into_iter().map(|s| s / r as f64).collect();
    let var = _colsum(r, h, |i, acc| {
        acc.iter_mut().zip(&x[i * h..(i + 1) * h]).zip(&mean).for_each(|((a, &v), &m)| *a += (v as f64 - m).powi(2))
    })
    .into_iter()
    .map(|s| (s / r as f64) as f32)
    .collect();
    (mean.into_iter().map(|m| m as f32).collect(), var)
}

impl Kernel<3> for BatchNormOp {
    const NAME: &'static str = "batch-norm";

    fn cpu<T: Real>(&self, inputs: [Input<'_, T>; 3]) -> candle_core::Result<(Vec<T>, Shape)> {
        f32_only(Self::NAME, inputs, |[x, gb, res]| {
            let (r, h) = x.shape.dims2()?;
            if gb.len() != 2 * h || res.len() != r * h || r == 0 || self.mask.as_ref().is_some_and(|m| m.len() != r * h) {
                candle_core::bail!("residual_batch_norm: x [{r}, {h}] with γβ of {} and r of {} values", gb.len(), res.len());
            }
            let (gamma, beta) = gb.split_at(h);
            let gs = self._stats(&x, r, h)?;
            let (relu, mask) = (self.relu, self.mask.as_deref());
            let y = par_rows(r, h, |i| {
                let (mean, inv) = gs.of_row(i, h);
                let (x, res, m) = (&x[i * h..(i + 1) * h], &res[i * h..(i + 1) * h], mask.map(|m| &m[i * h..(i + 1) * h]));
                move |j| {
                    let z = gamma[j] * (x[j] - mean[j]) * inv[j] + beta[j];
                    let z = if relu { z.max(0.0) } else { z };
                    res[j] + m.map_or(z, |m| m[j] * z)
                }
            });
            Ok((y, x.shape.clone()))
        })
    }

    /// The statistics by one thread per group and column (f64 sums in row order), then `y` by one
    /// thread per element. The forward's statistics are not kept: the backward recomputes them.
    #[cfg(feature = "cuda")]
    fn cuda(&self, dev: &candle_core::cuda::CudaDevice, [x, gb, res]: [CudaInput<'_>; 3]) -> candle_core::Result<Option<CudaOutput>> {
        let (r, h) = x.shape.dims2()?;
        if gb.data.len() != 2 * h || res.data.len() != r * h || r == 0 || self.mask.as_ref().is_some_and(|m| m.len() != r * h) {
            candle_core::bail!("residual_batch_norm: x [{r}, {h}] with γβ of {} and r of {} values", gb.data.len(), res.data.len());
        }
        let on = self._on_device(dev, &x.data, r, h)?;
        let mut y = cuda::alloc(dev, r * h)?; // [R, H]
        let m = on.mask_or(&x.data);
        launch!(
            dev,
            "batch_norm_apply",
            cuda::per_item(r * h, Self::NAME)?,
            &x.data,
            &gb.data,
            &res.data,
            &m,
            &on.of,
            &on.mean,
            &on.inv,
            &mut y,
            &on.r,
            &on.h,
            &on.relu,
            &on.has_mask
        );
        Ok(Some((y, x.shape.clone())))
    }

    fn bwd(&self, [x, gb, _r]: [&Tensor; 3], _res: &Tensor, grad: &Tensor) -> candle_core::Result<[Option<Tensor>; 3]> {
        let r = x.dim(0)?;
        let out = x.apply_op3_no_bwd(gb, &grad.contiguous()?, &Op(BatchNormGrad(self.0.clone())))?; // [R + 2, H]
        Ok([Some(out.narrow(0, 0, r)?), Some(out.narrow(0, r, 2)?), Some(grad.clone())])
    }
}

impl Kernel<3> for BatchNormGrad {
    const NAME: &'static str = "batch-norm-grad";

    fn cpu<T: Real>(&self, inputs: [Input<'_, T>; 3]) -> candle_core::Result<(Vec<T>, Shape)> {
        f32_only(Self::NAME, inputs, |[x, gb, dy]| {
            let (r, h) = x.shape.dims2()?;
            let (g, beta) = gb.split_at(h);
            let gs = self._stats(&x, r, h)?;
            let (relu, mask) = (self.relu, self.mask.as_deref());
            // δ = ∂y ⊙ m ⊙ [z > 0], [r, h]
            let delta = par_rows(r, h, |i| {
                let (mean, inv) = gs.of_row(i, h);
                let (x, dy, m) = (&x[i * h..(i + 1) * h], &dy[i * h..(i + 1) * h], mask.map(|m| &m[i * h..(i + 1) * h]));
                move |j| {
                    // The forward's expression exactly, so that the mask agrees with its ReLU.
                    let on = !relu || g[j] * (x[j] - mean[j]) * inv[j] + beta[j] > 0.0;
                    let d = if on { dy[j] } else { 0.0 };
                    m.map_or(d, |m| m[j] * d)
                }
            });
            // Per group, [G·2h]: Σ δ in the first h columns, Σ δ ⊙ x̂ in the next h.
            let sums = gs.sums(2 * h, |i, acc| {
                let (mean, inv) = gs.of_row(i, h);
                let (x, d) = (&x[i * h..(i + 1) * h], &delta[i * h..(i + 1) * h]);
                let (sd, sdx) = acc.split_at_mut(h);
                for j in 0..h {
                    sd[j] += d[j] as f64;
                    sdx[j] += (d[j] * (x[j] - mean[j]) * inv[j]) as f64;
                }
            });
            // Per group means of both sums, [G·2h].
            let per_row: Vec<f32> = sums.iter().enumerate().map(|(k, &v)| (v / gs.rows(k / (2 * h))) as f32).collect();
            let mut out = par_rows(r, h, |i| {
                let (mean, inv) = gs.of_row(i, h);
                let (x, d) = (&x[i * h..(i + 1) * h], &delta[i * h..(i + 1) * h]);
                let (md, mdx) = per_row[gs.of[i] * 2 * h..(gs.of[i] + 1) * 2 * h].split_at(h);
                move |j| {
                    let xhat = (x[j] - mean[j]) * inv[j];
                    g[j] * inv[j] * (d[j] - md[j] - xhat * mdx[j])
                }
            });
            // ∂γ, then ∂β: the groups' sums added in group order.
            for part in [1, 0] {
                let total = sums
                    .chunks(2 * h)
                    .fold(vec![0.0; h], |acc, c| acc.iter().zip(&c[part * h..(part + 1) * h]).map(|(a, b)| a + b).collect());
                out.extend(total.iter().map(|&a| a as f32));
            }
            Ok((out, Shape::from((r + 2, h))))
        })
    }

    /// The statistics as in the forward, then per group and column the sums of `δ` and `δ ⊙ x̂`
    /// (f64, row order), `∂γ` and `∂β` per column (groups in order), and `∂x` per element.
    #[cfg(feature = "cuda")]
    fn cuda(&self, dev: &candle_core::cuda::CudaDevice, [x, gb, dy]: [CudaInput<'_>; 3]) -> candle_core::Result<Option<CudaOutput>> {
        let (r, h) = x.shape.dims2()?;
        let on = self._on_device(dev, &x.data, r, h)?;
        let m = on.mask_or(&x.data);
        let g = on.g as usize;
        let mut sums = dev.alloc_zeros::<f64>(g * 2 * h)?; // [G, 2H]
        let mut per_row = cuda::alloc(dev, g * 2 * h)?; // [G, 2H]
        launch!(
            dev,
            "batch_norm_grad_sums",
            cuda::per_item(g * h, Self::NAME)?,
            &x.data,
            &gb.data,
            &m,
            &dy.data,
            &on.offsets,
            &on.mean,
            &on.inv,
            &mut sums,
            &mut per_row,
            &on.g,
            &on.h,
            &on.relu,
            &on.has_mask
        );
        let mut out = cuda::alloc(dev, (r + 2) * h)?; // [R + 2, H]
        launch!(dev, "batch_norm_grad_params", cuda::per_item(h, Self::NAME)?, &sums, &mut out, &on.r, &on.g, &on.h);
        launch!(
            dev,
            "batch_norm_grad_x",
            cuda::per_item(r * h, Self::NAME)?,
            &x.data,
            &gb.data,
            &m,
            &dy.data,
            &on.of,
            &on.mean,
            &on.inv,
            &per_row,
            &mut out,
            &on.r,
            &on.h,
            &on.relu,
            &on.has_mask
        );
        Ok(Some((out, Shape::from((r + 2, h)))))
    }
}

/// A normalisation's groups, mask and statistics on a device, for its kernels.
#[cfg(feature = "cuda")]
struct _OnDevice {
    offsets: candle_core::cuda::cudarc::driver::CudaSlice<u32>,
    of: candle_core::cuda::cudarc::driver::CudaSlice<u32>,
    mask: Option<candle_core::cuda::cudarc::driver::CudaSlice<f32>>,
    mean: candle_core::cuda::cudarc::driver::CudaSlice<f32>,
    inv: candle_core::cuda::cudarc::driver::CudaSlice<f32>,
    g: u32,
    r: u32,
    h: u32,
    relu: i32,
    has_mask: i32,
}

#[cfg(feature = "cuda")]
impl _OnDevice {
    /// The mask for a kernel's `m` parameter; without a mask the kernels never read `m`, and `x`
    /// stands in for the pointer.
    fn mask_or<'a>(
        &'a self,
        x: &'a candle_core::cuda::cudarc::driver::CudaView<'_, f32>,
    ) -> candle_core::cuda::cudarc::driver::CudaView<'a, f32> {
        self.mask.as_ref().map_or_else(|| x.slice(..), |m| m.slice(..))
    }
}

#[cfg(feature = "cuda")]
impl _Norm {
    /// Uploads the groups and the mask and computes the statistics of `x` `[r, h]` on `dev`.
    fn _on_device(
        &self,
        dev: &candle_core::cuda::CudaDevice,
        x: &candle_core::cuda::cudarc::driver::CudaView<'_, f32>,
        r: usize,
        h: usize,
    ) -> candle_core::Result<_OnDevice> {
        const OP: &str = "batch-norm";
        let (offsets, of) = self._offsets(r)?;
        let g = offsets.len() - 1;
        let (offsets, of) = (cuda::upload_u32(dev, offsets, OP)?, cuda::upload_u32(dev, of, OP)?);
        let (g32, h32) = (cuda::u32_arg(g, OP)?, cuda::u32_arg(h, OP)?);
        let (mut mean, mut inv) = (cuda::alloc(dev, g * h)?, cuda::alloc(dev, g * h)?); // [G, H] each
        let eps = EPS as f32;
        launch!(dev, "batch_norm_stats", cuda::per_item(g * h, OP)?, x, &offsets, &mut mean, &mut inv, &g32, &h32, &eps);
        let mask = self.mask.as_ref().map(|m| dev.clone_htod(&m[..])).transpose()?;
        let has_mask = mask.is_some() as i32;
        Ok(_OnDevice { offsets, of, mask, mean, inv, g: g32, r: cuda::u32_arg(r, OP)?, h: h32, relu: self.relu as i32, has_mask })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::seeded_tensor;
    use candle_core::{DType, Var};

    /// The op against the same formula written with plain candle ops (f64 autograd), over all rows
    /// and over groups of rows.
    #[test]
    fn forward_and_backward_match_the_plain_op_version() {
        let x = seeded_tensor(1, &[37, 5]);
        let gb = (seeded_tensor(2, &[2, 5]) + 0.5).unwrap();
        let res = seeded_tensor(3, &[37, 5]);
        let w = seeded_tensor(4, &[37, 5]);
        let mask: Vec<f64> = (0..37 * 5).map(|k| if k % 3 == 0 { 0.0 } else { 1.5 }).collect();
        let mask_t = Tensor::from_vec(mask.clone(), (37, 5), &candle_core::Device::Cpu).unwrap();
        for offsets in [vec![0, 37], vec![0, 9, 10, 30, 37]] {
            for (dropout, relu) in [(false, true), (true, true), (false, false)] {
                let vars: Vec<Var> = [&x, &gb, &res].iter().map(|t| Var::from_tensor(&t.to_dtype(DType::F32).unwrap()).unwrap()).collect();
                let m = dropout.then(|| Arc::new(mask.iter().map(|&v| v as f32).collect::<Vec<_>>()));
                let groups = (offsets.len() > 2).then(|| Arc::new(offsets.clone()));
                let y = if relu {
                    residual_batch_norm(vars[0].as_tensor(), vars[1].as_tensor(), vars[2].as_tensor(), m, groups).unwrap()
                } else {
                    if groups.is_some() {
                        continue; // plain batch_norm has no groups
                    }
                    (batch_norm(vars[0].as_tensor(), vars[1].as_tensor()).unwrap() + vars[2].as_tensor()).unwrap()
                };
                let grads = (&y * &w.to_dtype(DType::F32).unwrap()).unwrap().sum_all().unwrap().backward().unwrap();
                // Reference in f64 with plain ops, group by group.
                let rv: Vec<Var> = [&x, &gb, &res].iter().map(|t| Var::from_tensor(t).unwrap()).collect();
                let (xr, gbr, rr) = (rv[0].as_tensor(), rv[1].as_tensor(), rv[2].as_tensor());
                let parts: Vec<Tensor> = offsets
                    .windows(2)
                    .map(|o| {
                        let xg = xr.narrow(0, o[0], o[1] - o[0]).unwrap();
                        let mean = xg.mean_keepdim(0).unwrap();
                        let var = xg.broadcast_sub(&mean).unwrap().sqr().unwrap().mean_keepdim(0).unwrap();
                        xg.broadcast_sub(&mean)
                            .unwrap()
                            .broadcast_div(&(var + EPS).unwrap().sqrt().unwrap())
                            .unwrap()
                            .broadcast_mul(&gbr.narrow(0, 0, 1).unwrap())
                            .unwrap()
                            .broadcast_add(&gbr.narrow(0, 1, 1).unwrap())
                            .unwrap()
                    })
                    .collect();
                let z = Tensor::cat(&parts, 0).unwrap();
                let z = if relu { z.relu().unwrap() } else { z };
                let z = if dropout { (z * &mask_t).unwrap() } else { z };
                let yr = (rr + z).unwrap();
                let gref = (&yr * &w).unwrap().sum_all().unwrap().backward().unwrap();
                let close = |a: &Tensor, b: &Tensor, what: &str| {
                    let d = (a.to_dtype(DType::F64).unwrap() - b).unwrap().abs().unwrap().max_all().unwrap().to_scalar::<f64>().unwrap();
                    assert!(d < 2e-4, "groups {offsets:?} dropout={dropout} relu={relu} {what}: max difference {d}");
                };
                close(&y, &yr, "y");
                for k in 0..3 {
                    close(grads.get(&vars[k]).unwrap(), gref.get(&rv[k]).unwrap(), &format!("grad {k}"));
                }
            }
        }
    }

    #[test]
    fn bad_group_offsets_are_an_error() {
        let x = seeded_tensor(1, &[6, 2]).to_dtype(DType::F32).unwrap();
        let gb = Tensor::ones((2, 2), DType::F32, &candle_core::Device::Cpu).unwrap();
        for bad in [vec![0, 3, 3, 6], vec![0, 5], vec![1, 6]] {
            let e = residual_batch_norm(&x, &gb, &x, None, Some(Arc::new(bad.clone()))).unwrap_err().to_string();
            assert!(e.contains("group offsets"), "{bad:?}: {e}");
        }
    }
}
