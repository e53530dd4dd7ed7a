//! Custom op: `softplus(x) = log(1 + eˣ)`, element-wise, multi-threaded and overflow-free.
//!
//! ```text
//! y  = max(x, 0) + log1p(e^(−|x|))
//! ∂x = ∂y ⊙ σ(x) = ∂y ⊙ (1 − e^(−y))        (from the output alone)
//! ```

use candle_core::{Shape, Tensor};
use num_traits::Float;
use rayon::prelude::*;

use crate::ops::backend::Op;
#[cfg(feature = "cuda")]
use crate::ops::cuda::{self, launch, CudaInput, CudaOutput};
use crate::ops::kernel::{Input, Kernel, Real};

/// `softplus(x)` of a tensor of any shape (f32 or f64).
pub fn softplus(x: &Tensor) -> candle_core::Result<Tensor> {
    x.contiguous()?.apply_op1(Op(Softplus))
}

struct Softplus;

impl Kernel<1> for Softplus {
    const NAME: &'static str = "softplus";

    fn cpu<T: Real>(&self, [x]: [Input<'_, T>; 1]) -> candle_core::Result<(Vec<T>, Shape)> {
        let out: Vec<T> = x.data.par_iter().map(|&v| Float::max(v, T::zero()) + (-v.abs()).exp().ln_1p()).collect();
        Ok((out, x.shape.clone()))
    }

    #[cfg(feature = "cuda")]
    fn cuda(&self, dev: &candle_core::cuda::CudaDevice, [x]: [CudaInput<'_>; 1]) -> candle_core::Result<Option<CudaOutput>> {
        let (n, n32) = (x.data.len(), cuda::u32_arg(x.data.len(), Self::NAME)?);
        let mut y = cuda::alloc(dev, n)?; // like x
        launch!(dev, "softplus", cuda::per_item(n, Self::NAME)?, &x.data, &mut y, &n32);
        Ok(Some((y, x.shape.clone())))
    }

    fn bwd(&self, _x: [&Tensor; 1], res: &Tensor, grad: &Tensor) -> candle_core::Result<[Option<Tensor>; 1]> {
        let sigma = (1.0 - res.detach().neg()?.exp()?)?;
        Ok([Some((grad * sigma)?)])
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::{finite_difference_check, seeded_tensor};
    use candle_core::Device;

    #[test]
    fn forward_matches_the_definition_and_never_overflows() {
        let x = Tensor::new(&[-800.0f64, -3.0, 0.0, 2.5, 800.0], &Device::Cpu).unwrap();
        let y = softplus(&x).unwrap().to_vec1::<f64>().unwrap();
        let want = [0.0, (1.0 + (-3.0f64).exp()).ln(), 2f64.ln(), (1.0 + 2.5f64.exp()).ln(), 800.0];
        for (a, b) in y.iter().zip(want) {
            assert!((a - b).abs() < 1e-12, "{a} vs {b}");
        }
    }

    #[test]
    fn backward_matches_finite_differences() {
        let x = (seeded_tensor(3, &[4, 5]) * 4.0).unwrap();
        let w = seeded_tensor(4, &[4, 5]);
        finite_difference_check(&[x], |t| (softplus(&t[0])? * &w)?.sum_all());
    }
}
