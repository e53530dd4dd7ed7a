//! Negative SI-SDR as a differentiable training loss (dB); [`si_sdr`] is its reference.
//!
//! ```text
//! ŝ, s zero-mean;  α = ⟨ŝ, s⟩ / ‖s‖²;  L = −10 log₁₀(‖α s‖² / ‖ŝ − α s‖²)        ŝ, s [L]
//! ```

use candle_core::Tensor;

use crate::error::Result;
#[cfg(doc)]
use crate::glm::speech::si_sdr::si_sdr;

/// Keeps the logarithms finite for a silent estimate or a perfect one.
const _EPS: f64 = 1e-10;

/// `−SI-SDR(est, reference)` in dB (scalar), differentiable in `est` `[L]`; `reference` `[L]` is fixed.
pub fn si_sdr_loss(est: &Tensor, reference: &Tensor) -> Result<Tensor> {
    let n = est.dim(0)? as f64;
    let e = est.broadcast_sub(&(est.sum_all()? / n)?)?; // [L]
    let r = reference.broadcast_sub(&(reference.sum_all()? / n)?)?; // [L]
    let rr = r.sqr()?.sum_all()?.to_scalar::<f32>()? as f64;
    let alpha = ((&e * &r)?.sum_all()? / rr.max(_EPS))?; // []
    let target = r.broadcast_mul(&alpha)?; // [L]
    let noise = (&e - &target)?;
    let ratio = ((target.sqr()?.sum_all()? + _EPS)?.log()? - (noise.sqr()?.sum_all()? + _EPS)?.log()?)?;
    Ok((ratio * (-10.0 / std::f64::consts::LN_10))?)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::glm::speech::si_sdr::si_sdr;
    use crate::rng::Rng;
    use candle_core::{Device, Var};

    #[test]
    fn equals_minus_the_metric_and_its_gradient_matches_finite_differences() {
        let mut r = Rng::new(9);
        let s: Vec<f32> = (0..200).map(|i| (i as f32 * 0.1).sin()).collect();
        let est: Vec<f32> = s.iter().map(|v| 0.7 * v + 0.3 * (r.unit() as f32 - 0.5)).collect();
        let dev = Device::Cpu;
        let reference = Tensor::from_vec(s.clone(), 200, &dev).unwrap();
        let v = Var::from_tensor(&Tensor::from_vec(est.clone(), 200, &dev).unwrap()).unwrap();
        let loss = si_sdr_loss(v.as_tensor(), &reference).unwrap();
        let l = loss.to_scalar::<f32>().unwrap() as f64;
        assert!((l + si_sdr(&est, &s)).abs() < 1e-3, "{l} vs −{}", si_sdr(&est, &s));
        let grad = loss.backward().unwrap().get(v.as_tensor()).unwrap().to_vec1::<f32>().unwrap();
        let f = |x: &[f32]| -si_sdr(x, &s);
        for i in [0, 17, 99, 150] {
            let h = 1e-3;
            let (mut up, mut down) = (est.clone(), est.clone());
            up[i] += h;
            down[i] -= h;
            let fd = (f(&up) - f(&down)) / (2.0 * h as f64);
            assert!((fd - grad[i] as f64).abs() < 1e-2 * fd.abs().max(1.0), "sample {i}: {} vs {fd}", grad[i]);
        }
    }
}
