//! The logistic function on tensors, `σ(x) = 1 / (1 + e^(−x))`, with its argument clamped to
//! [−30, 30] first: beyond that σ is 0 or 1 in f32 anyway, while e^(−x) would overflow to ∞ and
//! make the gradient 0·∞ = NaN (a hard-concrete learner with a low temperature got there).

use candle_core::Tensor;

use crate::error::Result;

/// `σ(x)` element-wise; the gradient is σ(1 − σ) inside [−30, 30] and 0 outside.
pub fn sigmoid(x: &Tensor) -> Result<Tensor> {
    Ok((x.clamp(-30f32, 30f32)?.neg()?.exp()? + 1.0)?.recip()?)
}

#[cfg(test)]
mod tests {
    use candle_core::{Device, Var};

    use super::*;

    #[test]
    fn values_and_gradients_stay_finite_far_out() {
        let x = Var::from_vec(vec![-1000f32, -2.0, 0.0, 3.0, 1000.0], 5, &Device::Cpu).unwrap();
        let y = sigmoid(x.as_tensor()).unwrap();
        let v = y.to_vec1::<f32>().unwrap();
        let g = y.sum_all().unwrap().backward().unwrap().get(x.as_tensor()).unwrap().to_vec1::<f32>().unwrap();
        for (i, &xi) in [-1000f32, -2.0, 0.0, 3.0, 1000.0].iter().enumerate() {
            let s = 1.0 / (1.0 + (-(xi as f64)).exp());
            assert!((v[i] as f64 - s).abs() < 1e-6, "σ({xi}) = {}", v[i]);
            let ds = if xi.abs() > 30.0 { 0.0 } else { s * (1.0 - s) };
            assert!(g[i].is_finite() && (g[i] as f64 - ds).abs() < 1e-6, "σ'({xi}) = {}", g[i]);
        }
    }
}
