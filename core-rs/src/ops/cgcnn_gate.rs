//! Custom op: the gated neighbour sum of a CGCNN convolution (Xie & Grossman 2018, eq. 5),
//! fused and multi-threaded over atoms.
//!
//! `z` `[N, M, 2H]` holds, per atom `i` and neighbour slot `m`, the pre-activations
//! `z = W [vᵢ ‖ v_j ‖ u_ij] + b` already batch-normalised; its first half is the filter `f`, its
//! second half the core `c`:
//! ```text
//! yᵢ = Σ_m σ(f_im) ⊙ softplus(c_im)                               [N, H]
//! ∂f_im = ∂yᵢ ⊙ softplus(c_im) ⊙ σ(f_im)(1 − σ(f_im))
//! ∂c_im = ∂yᵢ ⊙ σ(f_im) ⊙ σ(c_im)
//! ```

use candle_core::{Shape, Tensor};
use num_traits::Float;
use rayon::prelude::*;

use crate::ops::backend::Op;
#[cfg(feature = "cuda")]
use crate::ops::cuda::{self, launch, CudaInput, CudaOutput};
use crate::ops::fast_math::FastMath;
use crate::ops::kernel::{Input, Kernel, Real};

/// `Σ_m σ(z[:, m, :H]) ⊙ softplus(z[:, m, H:])` for `z` `[N, M, 2H]` → `[N, H]`.
pub fn cgcnn_gate(z: &Tensor) -> candle_core::Result<Tensor> {
    let (_, _, h2) = z.dims3()?;
    if h2 % 2 != 0 {
        candle_core::bail!("cgcnn_gate: last dimension {h2} is odd (filter and core halves)");
    }
    z.contiguous()?.apply_op1(Op(CgcnnGate))
}

/// `(σ(x), softplus(x))` from one exponential: with `e = e^(−|x|)`, `σ = 1/(1+e)` or `e/(1+e)`,
/// `softplus = max(x, 0) + ln(1 + e)` (`ln`, not `ln_1p`: `1 + e ∈ (1, 2]`), branch-free and with
/// [`FastMath`] so the loops vectorise.
#[inline(always)]
fn _sigmoid_softplus<T: FastMath>(x: T) -> (T, T) {
    let e = (-x.abs()).fast_exp();
    let r = T::one() / (T::one() + e);
    let s = if x >= T::zero() { r } else { e * r };
    (s, Float::max(x, T::zero()) + (T::one() + e).fast_ln())
}

struct CgcnnGate;

impl Kernel<1> for CgcnnGate {
    const NAME: &'static str = "cgcnn-gate";

    fn cpu<T: Real>(&self, [z]: [Input<'_, T>; 1]) -> candle_core::Result<(Vec<T>, Shape)> {
        let (n, m, h2) = z.shape.dims3()?;
        let h = h2 / 2;
        let mut out = vec![T::zero(); n * h];
        out.par_chunks_mut(h.max(1)).enumerate().for_each(|(i, o)| {
            for row in z[i * m * h2..(i + 1) * m * h2].chunks(h2) {
                let (f, c) = row.split_at(h);
                for ((o, &f), &c) in o.iter_mut().zip(f).zip(c) {
                    *o += _sigmoid_softplus(f).0 * _sigmoid_softplus(c).1;
                }
            }
        });
        Ok((out, Shape::from((n, h))))
    }

    #[cfg(feature = "cuda")]
    fn cuda(&self, dev: &candle_core::cuda::CudaDevice, [z]: [CudaInput<'_>; 1]) -> candle_core::Result<Option<CudaOutput>> {
        let (n, m, h2) = z.shape.dims3()?;
        let h = h2 / 2;
        let mut y = cuda::alloc(dev, n * h)?; // [N, H]
        let (n32, m32, h32) = (cuda::u32_arg(n, Self::NAME)?, cuda::u32_arg(m, Self::NAME)?, cuda::u32_arg(h, Self::NAME)?);
        launch!(dev, "cgcnn_gate", cuda::per_item(n * h, Self::NAME)?, &z.data, &mut y, &n32, &m32, &h32);
        Ok(Some((y, Shape::from((n, h)))))
    }

    fn bwd(&self, [z]: [&Tensor; 1], _res: &Tensor, grad: &Tensor) -> candle_core::Result<[Option<Tensor>; 1]> {
        Ok([Some(z.apply_op2_no_bwd(&grad.contiguous()?, &Op(CgcnnGateGrad))?)])
    }
}

/// Backward of [`CgcnnGate`] from its input and the output gradient.
struct CgcnnGateGrad;

impl Kernel<2> for CgcnnGateGrad {
    const NAME: &'static str = "cgcnn-gate-grad";

    fn cpu<T: Real>(&self, [z, g]: [Input<'_, T>; 2]) -> candle_core::Result<(Vec<T>, Shape)> {
        let (_, m, h2) = z.shape.dims3()?;
        let h = h2 / 2;
        let mut out = vec![T::zero(); z.len()];
        out.par_chunks_mut(h2).enumerate().for_each(|(r, o)| {
            let ((zf, zc), gr) = (z[r * h2..(r + 1) * h2].split_at(h), &g[(r / m) * h..(r / m + 1) * h]);
            let (of, oc) = o.split_at_mut(h);
            for ((((of, oc), &f), &c), &g) in of.iter_mut().zip(oc).zip(zf).zip(zc).zip(gr) {
                let (sf, _) = _sigmoid_softplus(f);
                let (sc, pc) = _sigmoid_softplus(c);
                *of = g * pc * sf * (T::one() - sf);
                *oc = g * sf * sc;
            }
        });
        Ok((out, z.shape.clone()))
    }

    #[cfg(feature = "cuda")]
    fn cuda(&self, dev: &candle_core::cuda::CudaDevice, [z, g]: [CudaInput<'_>; 2]) -> candle_core::Result<Option<CudaOutput>> {
        let (n, m, h2) = z.shape.dims3()?;
        let h = h2 / 2;
        let mut out = cuda::alloc(dev, n * m * h2)?; // [N, M, 2H]
        let (rows, m32, h32) = (cuda::u32_arg(n * m, Self::NAME)?, cuda::u32_arg(m, Self::NAME)?, cuda::u32_arg(h, Self::NAME)?);
        launch!(dev, "cgcnn_gate_grad", cuda::per_item(n * m * h, Self::NAME)?, &z.data, &g.data, &mut out, &rows, &m32, &h32);
        Ok(Some((out, z.shape.clone())))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::{finite_difference_check, seeded_tensor};
    use candle_core::Device;

    #[test]
    fn forward_sums_gated_softplus_over_neighbours() {
        // One atom, two neighbours, H = 1: σ(0)·softplus(0) + σ(2)·softplus(−1).
        let z = Tensor::new(&[[[0.0f64, 0.0], [2.0, -1.0]]], &Device::Cpu).unwrap();
        let y = cgcnn_gate(&z).unwrap().to_vec2::<f64>().unwrap();
        let sig = |x: f64| 1.0 / (1.0 + (-x).exp());
        let sp = |x: f64| (1.0 + x.exp()).ln();
        assert!((y[0][0] - (0.5 * sp(0.0) + sig(2.0) * sp(-1.0))).abs() < 1e-12);
    }

    #[test]
    fn backward_matches_finite_differences() {
        let z = (seeded_tensor(5, &[3, 4, 6]) * 3.0).unwrap();
        let w = seeded_tensor(6, &[3, 3]);
        finite_difference_check(&[z], |t| (cgcnn_gate(&t[0])? * &w)?.sum_all());
    }

    #[test]
    fn an_odd_width_is_refused() {
        assert!(cgcnn_gate(&Tensor::zeros((2, 2, 3), candle_core::DType::F32, &Device::Cpu).unwrap()).is_err());
    }
}
