//! Custom op: log-softmax over the valid neighbour slots of each row.
//!
//! For logits `z` `[T, D]` and a mask `m` `[T, D]` (true = valid):
//!
//! ```text
//! out[t, d] = z[t, d] − max_v − log Σ_{d' valid} exp(z[t, d'] − max_v)   if m[t, d]
//! out[t, d] = −1e9                                                    otherwise
//! ∂L/∂z[t, d] = m[t, d] · (G[t, d] − p[t, d] · Σ_{d' valid} G[t, d'])
//! ```
//!
//! Masked slots get a finite −1e9, so `exp(out) = 0` and `exp(out)·out = 0` (entropy stays finite).
//! Every row needs at least one valid slot. Rows run in parallel (rayon).

use std::sync::Arc;

use candle_core::{Shape, Tensor};
use num_traits::Float;
use rayon::prelude::*;

use crate::ops::backend::Op;
#[cfg(feature = "cuda")]
use crate::ops::cuda::{self, launch, CudaInput, CudaOutput};
use crate::ops::kernel::{Input, Kernel, Real};

/// The value written into masked slots.
pub const MASKED: f64 = -1e9;

/// `masked_log_softmax(z, mask)` with `z` `[T, D]` and `mask` `T·D` booleans, row-major.
pub fn masked_log_softmax(z: &Tensor, mask: Arc<Vec<bool>>) -> candle_core::Result<Tensor> {
    let (t, d) = z.dims2()?;
    if mask.len() != t * d {
        candle_core::bail!("masked_log_softmax: mask has {} entries for [{t}, {d}] logits", mask.len());
    }
    z.contiguous()?.apply_op1(Op(MaskedLogSoftmax { mask }))
}

struct MaskedLogSoftmax {
    mask: Arc<Vec<bool>>,
}

/// The mask on `dev` as bytes (1 = valid) `[T·D]`.
#[cfg(feature = "cuda")]
fn _mask_on(dev: &candle_core::cuda::CudaDevice, mask: &[bool]) -> candle_core::Result<candle_core::cuda::cudarc::driver::CudaSlice<u8>> {
    let bytes: Vec<u8> = mask.iter().map(|&m| m as u8).collect();
    dev.clone_htod(if bytes.is_empty() { &[0u8][..] } else { &bytes[..] })
}

fn _forward<T: Float + Send + Sync>(z: &[T], mask: &[bool], d: usize) -> candle_core::Result<Vec<T>> {
    let masked = T::from(MASKED).unwrap();
    let mut out = vec![masked; z.len()];
    out.par_chunks_mut(d).enumerate().try_for_each(|(t, o)| {
        let (zr, mr) = (&z[t * d..(t + 1) * d], &mask[t * d..(t + 1) * d]);
        let max = zr.iter().zip(mr).filter(|(_, &m)| m).map(|(&v, _)| v).fold(T::neg_infinity(), T::max);
        if max == T::neg_infinity() {
            candle_core::bail!("masked_log_softmax: row {t} has no valid slot");
        }
        let lse = zr.iter().zip(mr).filter(|(_, &m)| m).fold(T::zero(), |a, (&v, _)| a + (v - max).exp()).ln() + max;
        for k in 0..d {
            if mr[k] {
                o[k] = zr[k] - lse;
            }
        }
        Ok(())
    })?;
    Ok(out)
}

impl Kernel<1> for MaskedLogSoftmax {
    const NAME: &'static str = "masked-log-softmax";

    fn cpu<T: Real>(&self, [z]: [Input<'_, T>; 1]) -> candle_core::Result<(Vec<T>, Shape)> {
        let (_, d) = z.shape.dims2()?;
        Ok((_forward(&z, &self.mask, d)?, z.shape.clone()))
    }

    #[cfg(feature = "cuda")]
    fn cuda(&self, dev: &candle_core::cuda::CudaDevice, [z]: [CudaInput<'_>; 1]) -> candle_core::Result<Option<CudaOutput>> {
        let (t, d) = z.shape.dims2()?;
        if let Some(row) = (0..t).find(|&r| !self.mask[r * d..(r + 1) * d].contains(&true)) {
            candle_core::bail!("masked_log_softmax: row {row} has no valid slot");
        }
        let mask = _mask_on(dev, &self.mask)?;
        let mut out = cuda::alloc(dev, t * d)?; // [T, D]
        let (t32, d32) = (cuda::u32_arg(t, Self::NAME)?, cuda::u32_arg(d, Self::NAME)?);
        launch!(dev, "masked_log_softmax", cuda::per_item(t, Self::NAME)?, &z.data, &mask, &mut out, &t32, &d32);
        Ok(Some((out, z.shape.clone())))
    }

    fn bwd(&self, _z: [&Tensor; 1], res: &Tensor, grad: &Tensor) -> candle_core::Result<[Option<Tensor>; 1]> {
        let g = res.apply_op2_no_bwd(&grad.contiguous()?, &Op(MaskedLogSoftmaxGrad { mask: self.mask.clone() }))?;
        Ok([Some(g)])
    }
}

/// Backward of [`MaskedLogSoftmax`] from its output (log-probabilities) and the output gradient.
struct MaskedLogSoftmaxGrad {
    mask: Arc<Vec<bool>>,
}

impl Kernel<2> for MaskedLogSoftmaxGrad {
    const NAME: &'static str = "masked-log-softmax-grad";

    fn cpu<T: Real>(&self, [lp, g]: [Input<'_, T>; 2]) -> candle_core::Result<(Vec<T>, Shape)> {
        let (_, d) = lp.shape.dims2()?;
        let mut out = vec![T::zero(); lp.len()];
        out.par_chunks_mut(d).enumerate().for_each(|(t, o)| {
            let r = t * d..(t + 1) * d;
            let (lr, gr, mr) = (&lp[r.clone()], &g[r.clone()], &self.mask[r]);
            let total = gr.iter().zip(mr).filter(|(_, &m)| m).fold(T::zero(), |a, (&v, _)| a + v);
            for k in 0..d {
                if mr[k] {
                    o[k] = gr[k] - lr[k].exp() * total;
                }
            }
        });
        Ok((out, lp.shape.clone()))
    }

    #[cfg(feature = "cuda")]
    fn cuda(&self, dev: &candle_core::cuda::CudaDevice, [lp, g]: [CudaInput<'_>; 2]) -> candle_core::Result<Option<CudaOutput>> {
        let (t, d) = lp.shape.dims2()?;
        let mask = _mask_on(dev, &self.mask)?;
        let mut out = cuda::alloc(dev, t * d)?; // [T, D]
        let (t32, d32) = (cuda::u32_arg(t, Self::NAME)?, cuda::u32_arg(d, Self::NAME)?);
        launch!(dev, "masked_log_softmax_grad", cuda::per_item(t, Self::NAME)?, &lp.data, &g.data, &mask, &mut out, &t32, &d32);
        Ok(Some((out, lp.shape.clone())))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::{finite_difference_check, seeded_tensor};
    use candle_core::Device;

    fn _mask() -> Arc<Vec<bool>> {
        Arc::new(vec![true, false, true, true, false, true, false, false, true, true, true, true])
    }

    #[test]
    fn forward_is_a_log_distribution_over_valid_slots() {
        let z = Tensor::new(&[[1.0f64, 50.0, 2.0, 3.0], [0.0, -1.0, 1e3, 7.0], [1.0, 2.0, 3.0, 4.0]], &Device::Cpu).unwrap();
        let out = masked_log_softmax(&z, _mask()).unwrap().to_vec2::<f64>().unwrap();
        let m = _mask();
        for (t, row) in out.iter().enumerate() {
            let total: f64 = row.iter().map(|v| v.exp()).sum();
            assert!((total - 1.0).abs() < 1e-12, "row {t} sums to {total}");
            for (k, &v) in row.iter().enumerate() {
                assert_eq!(v == MASKED, !m[t * 4 + k], "row {t} slot {k}");
            }
        }
        // Row 0: softmax over {1, 2, 3}.
        let want = 1.0 - (1f64.exp() + 2f64.exp() + 3f64.exp()).ln();
        assert!((out[0][0] - want).abs() < 1e-12);
    }

    #[test]
    fn a_row_without_valid_slots_is_an_error() {
        let z = Tensor::zeros((1, 2), candle_core::DType::F64, &Device::Cpu).unwrap();
        assert!(masked_log_softmax(&z, Arc::new(vec![false, false])).is_err());
    }

    #[test]
    fn backward_matches_finite_differences() {
        let z = seeded_tensor(3, &[3, 4]);
        let mask = _mask();
        // Weights only on valid slots: masked slots hold −1e9, which would swamp the differences.
        let keep: Vec<f64> = mask.iter().map(|&m| if m { 1.0 } else { 0.0 }).collect();
        let w = (seeded_tensor(4, &[3, 4]) * Tensor::from_vec(keep, (3, 4), &Device::Cpu).unwrap()).unwrap();
        finite_difference_check(&[z], move |t| {
            let lp = masked_log_softmax(&t[0], mask.clone())?;
            // A loss that uses both the log-probabilities and the probabilities (entropy-like).
            (&lp * &w)?.sum_all()? + (lp.exp()? * &lp)?.sum_all()?
        });
    }
}
