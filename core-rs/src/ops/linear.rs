//! Custom op: the fully connected layer `y = x Wᵀ + b` as one matrix product.
//!
//! ```text
//! y  = 1 bᵀ + x Wᵀ          x: [R, in], W: [out, in], b: [out], y: [R, out]
//! ∂x = ∂y W,   ∂W = ∂yᵀ x,   ∂b = ∂yᵀ 1
//! ```
//!
//! The forward writes the bias rows into a fresh buffer and lets `gemm` accumulate `x Wᵀ` on top
//! of them. Built from candle ops, the same layer took a zero-filled product, an outer product for
//! the bias (a broadcast add's backward is a single-threaded reduction) and an element-wise sum:
//! three allocations and passes over `[R, out]`, and five autograd nodes whose gradients candle
//! accumulates into zero-filled buffers.

use candle_core::{Shape, Tensor};
use gemm::{gemm, Parallelism};

use crate::ops::backend::Op;
use crate::ops::kernel::{Input, Kernel, Real};

/// `x Wᵀ + b` for `x` `[R, in]`, `W` `[out, in]`, `b` `[out]` (f32 or f64, same type).
///
/// On a CUDA device the layer is candle's own ops (a cuBLAS product and a broadcast add): the
/// fused op exists for the CPU's `gemm`, and its host round trip would cost more than it saves.
pub fn linear(x: &Tensor, w: &Tensor, b: &Tensor) -> candle_core::Result<Tensor> {
    if x.device().is_cuda() {
        return x.matmul(&w.t()?)?.broadcast_add(b);
    }
    x.contiguous()?.apply_op3(&w.contiguous()?, &b.contiguous()?, Op(Linear))
}

struct Linear;

impl Kernel<3> for Linear {
    const NAME: &'static str = "linear";

    fn cpu<T: Real>(&self, [x, w, b]: [Input<'_, T>; 3]) -> candle_core::Result<(Vec<T>, Shape)> {
        let (r, inp) = x.shape.dims2()?;
        let (out, w_in) = w.shape.dims2()?;
        if w_in != inp || b.shape.dims() != [out] {
            candle_core::bail!("linear: x {:?}, W {:?}, b {:?}", x.shape, w.shape, b.shape);
        }
        let mut y: Vec<T> = Vec::with_capacity(r * out); // [R, out]
        for _ in 0..r {
            y.extend_from_slice(&b);
        }
        if r > 0 && out > 0 && inp > 0 {
            let threads = candle_core::utils::get_num_threads();
            let par = if threads > 1 { Parallelism::Rayon(threads) } else { Parallelism::None };
            // SAFETY: `y` is [r, out], `x` [r, inp] and `W` [out, inp] (read as Wᵀ [inp, out]
            // through its strides), all contiguous row-major with the lengths checked above.
            unsafe {
                gemm(
                    r,
                    out,
                    inp,
                    y.as_mut_ptr(),
                    1,
                    out as isize,
                    true,
                    x.as_ptr(),
                    1,
                    inp as isize,
                    w.as_ptr(),
                    inp as isize,
                    1,
                    T::one(),
                    T::one(),
                    false,
                    false,
                    false,
                    par,
                );
            }
        }
        Ok((y, Shape::from((r, out))))
    }

    fn bwd(&self, [x, w, _b]: [&Tensor; 3], _y: &Tensor, grad: &Tensor) -> candle_core::Result<[Option<Tensor>; 3]> {
        let dx = grad.matmul(w)?; // [R, in]
        let dw = grad.t()?.matmul(x)?; // [out, in]
        let ones = Tensor::ones((1, x.dim(0)?), grad.dtype(), grad.device())?; // [1, R]
        let db = ones.matmul(grad)?.squeeze(0)?; // [out]
        Ok([Some(dx), Some(dw), Some(db)])
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::{finite_difference_check, seeded_tensor};

    #[test]
    fn forward_matches_candle_ops() {
        for (r, inp, out) in [(37, 5, 9), (1, 3, 2), (200, 64, 256), (0, 4, 3)] {
            let x = seeded_tensor(1, &[r, inp]).to_dtype(candle_core::DType::F32).unwrap();
            let w = seeded_tensor(2, &[out, inp]).to_dtype(candle_core::DType::F32).unwrap();
            let b = seeded_tensor(3, &[out]).to_dtype(candle_core::DType::F32).unwrap();
            let want = x.matmul(&w.t().unwrap()).unwrap().broadcast_add(&b).unwrap();
            let got = linear(&x, &w, &b).unwrap();
            assert_eq!(got.dims(), [r, out]);
            let diff = (got - want).unwrap().abs().unwrap().flatten_all().unwrap().max(0);
            if r > 0 {
                let diff = diff.unwrap().to_scalar::<f32>().unwrap();
                assert!(diff < 1e-4, "[{r}, {inp}] × [{inp}, {out}]: max difference {diff}");
            }
        }
    }

    #[test]
    fn backward_matches_finite_differences() {
        let (x, w, b) = (seeded_tensor(4, &[6, 4]), seeded_tensor(5, &[3, 4]), seeded_tensor(6, &[3]));
        let probe = seeded_tensor(7, &[6, 3]);
        finite_difference_check(&[x, w, b], |t| (linear(&t[0], &t[1], &t[2])? * &probe)?.sum_all());
    }

    #[test]
    fn rejects_mismatched_shapes() {
        let err = linear(&seeded_tensor(1, &[2, 3]), &seeded_tensor(2, &[4, 5]), &seeded_tensor(3, &[4])).unwrap_err();
        assert!(err.to_string().contains("linear"), "{err}");
    }
}
