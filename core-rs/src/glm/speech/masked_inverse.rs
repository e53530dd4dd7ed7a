//! The inverse STFT of a masked spectrum as a differentiable function of the mask: what lets the
//! enhancer train on SI-SDR. [`Stft::inverse`] is its reference.
//!
//! ```text
//! Y = m ⊙ X                                                  [T, F]  (X fixed, m the mask)
//! frame_t = Re(Y_t) C + Im(Y_t) S,  C[k, i] = c_k cos(2πki/n)/n,  S[k, i] = −c_k sin(2πki/n)/n
//!           c_k = 1 for k ∈ {0, n/2}, else 2 (the Hermitian half)               [T, n]
//! ŝ[t·hop + i − n/2] += w[i] · frame_t[i],  then ŝ ⊘ Σ_t w²                       [L]
//! ```
//! With hop `n/2`, chunk `c` of the output (samples `c·hop ..`) is the second half of frame `c`
//! plus the first half of frame `c + 1`, so the overlap-add is two `narrow`s and an add.

use std::f32::consts::PI;

use candle_core::{Device, Tensor};

use crate::error::Result;
use crate::glm::speech::stft::{Spectrum, Stft};

/// The fixed parts of one clip's inverse: its spectrum, the bases and the window normalisation.
pub struct MaskedInverse {
    /// `[T, F]` real and imaginary parts of the spectrum.
    re: Tensor,
    im: Tensor,
    /// `[F, n]` bases, window applied.
    c: Tensor,
    s: Tensor,
    /// `[L]` `1 / Σ_t w²` (0 where the window sum vanishes).
    inv_norm: Tensor,
    len: usize,
}

impl MaskedInverse {
    /// The inverse of `spec` (from `stft.forward` of a `len`-sample signal) on `device`.
    pub fn new(stft: &Stft, spec: &Spectrum, len: usize, device: &Device) -> Result<MaskedInverse> {
        let (n, f, t) = (stft.n_fft(), spec.bins, spec.frames);
        let w = stft.window();
        let basis = |trig: fn(f32) -> f32, sign: f32| -> Result<Tensor> {
            let v: Vec<f32> = (0..f)
                .flat_map(|k| {
                    let ck = if k == 0 || k == n / 2 { 1.0 } else { 2.0 };
                    (0..n).map(move |i| sign * ck * trig(2.0 * PI * (k * i) as f32 / n as f32) * w[i] / n as f32)
                })
                .collect();
            Ok(Tensor::from_vec(v, (f, n), device)?)
        };
        let inv_norm: Vec<f32> = stft.window_sum(t, len).iter().map(|&v| if v > 1e-6 { 1.0 / v } else { 0.0 }).collect();
        Ok(MaskedInverse {
            re: Tensor::from_vec(spec.values.iter().map(|v| v.re).collect(), (t, f), device)?,
            im: Tensor::from_vec(spec.values.iter().map(|v| v.im).collect(), (t, f), device)?,
            c: basis(f32::cos, 1.0)?,
            s: basis(f32::sin, -1.0)?,
            inv_norm: Tensor::from_vec(inv_norm, len, device)?,
            len,
        })
    }

    /// `mask` `[T·F, 1]` (row `t·F + f`) → the signal `[L]`.
    pub fn forward(&self, mask: &Tensor) -> Result<Tensor> {
        let (t, f) = self.re.dims2()?;
        let m = mask.reshape((t, f))?; // [T, F]
        let frames = ((&m * &self.re)?.matmul(&self.c)? + (&m * &self.im)?.matmul(&self.s)?)?; // [T, n]
        let hop = frames.dim(1)? / 2;
        let (first, second) = (frames.narrow(1, 0, hop)?, frames.narrow(1, hop, hop)?); // [T, hop] each
        let mut chunks = vec![(second.narrow(0, 0, t - 1)? + first.narrow(0, 1, t - 1)?)?]; // [T − 1, hop]
        chunks.push(second.narrow(0, t - 1, 1)?); // the last frame's second half
        let out = Tensor::cat(&chunks, 0)?.flatten_all()?; // [T·hop]
        Ok((out.narrow(0, 0, self.len)? * &self.inv_norm)?)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rng::Rng;

    #[test]
    fn matches_the_inverse_stft_of_the_masked_spectrum() {
        let mut r = Rng::new(4);
        for len in [1000, 1017] {
            let x: Vec<f32> = (0..len).map(|_| r.unit() as f32 - 0.5).collect();
            let st = Stft::new(64).unwrap();
            let spec = st.forward(&x);
            let mask: Vec<f32> = (0..spec.values.len()).map(|_| r.unit() as f32).collect();
            let reference = st.inverse(&Spectrum { values: spec.values.iter().zip(&mask).map(|(v, m)| v * m).collect(), ..spec }, len);
            let spec = st.forward(&x);
            let inv = MaskedInverse::new(&st, &spec, len, &Device::Cpu).unwrap();
            let m = Tensor::from_vec(mask.clone(), (mask.len(), 1), &Device::Cpu).unwrap();
            let y = inv.forward(&m).unwrap().to_vec1::<f32>().unwrap();
            let err = y.iter().zip(&reference).map(|(a, b)| (a - b).abs()).fold(0.0f32, f32::max);
            assert!(err < 1e-4, "len {len}: max |difference| {err}");
            // mask 1 restores the signal
            let ones = inv.forward(&Tensor::ones((mask.len(), 1), candle_core::DType::F32, &Device::Cpu).unwrap()).unwrap();
            let back = ones.to_vec1::<f32>().unwrap();
            let err = back.iter().zip(&x).map(|(a, b)| (a - b).abs()).fold(0.0f32, f32::max);
            assert!(err < 1e-4, "len {len}: reconstruction {err}");
        }
    }
}
