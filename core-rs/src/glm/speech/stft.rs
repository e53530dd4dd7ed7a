//! Short-time Fourier transform and its inverse with rustfft: a periodic Hann window, hop
//! `n_fft / 2`, the signal zero-padded by `n_fft / 2` at both ends (frames centred on `t·hop`), bins
//! `0 ..= n_fft / 2`. The inverse is the weighted overlap-add
//! `x[n] = Σ_t w[n − t·hop] · IFFT(X_t)[n − t·hop] / Σ_t w²[n − t·hop]`, exact for an unmodified
//! spectrum wherever the window sum is non-zero.

use std::f32::consts::PI;
use std::sync::Arc;

use rustfft::num_complex::Complex32;
use rustfft::{Fft, FftPlanner};

use crate::error::{Error, Result};

/// A spectrogram: `frames × bins` complex values, row-major.
pub struct Spectrum {
    /// Frames `T`.
    pub frames: usize,
    /// Bins `F = n_fft / 2 + 1`.
    pub bins: usize,
    /// `[T·F]` values.
    pub values: Vec<Complex32>,
}

/// A planned transform of one size.
pub struct Stft {
    n_fft: usize,
    hop: usize,
    window: Vec<f32>,
    forward: Arc<dyn Fft<f32>>,
    inverse: Arc<dyn Fft<f32>>,
}

impl Stft {
    /// A transform of `n_fft` points (even, ≥ 4).
    pub fn new(n_fft: usize) -> Result<Stft> {
        if n_fft < 4 || !n_fft.is_multiple_of(2) {
            return Err(Error::Usage(format!("stft: n_fft must be even and at least 4, got {n_fft}")));
        }
        let window = (0..n_fft).map(|i| 0.5 - 0.5 * (2.0 * PI * i as f32 / n_fft as f32).cos()).collect();
        let mut planner = FftPlanner::new();
        Ok(Stft { n_fft, hop: n_fft / 2, window, forward: planner.plan_fft_forward(n_fft), inverse: planner.plan_fft_inverse(n_fft) })
    }

    /// Transform size.
    pub fn n_fft(&self) -> usize {
        self.n_fft
    }

    /// The analysis and synthesis window `[n_fft]`.
    pub fn window(&self) -> &[f32] {
        &self.window
    }

    /// Bins per frame.
    pub fn bins(&self) -> usize {
        self.n_fft / 2 + 1
    }

    /// The spectrogram of `x`.
    pub fn forward(&self, x: &[f32]) -> Spectrum {
        let (n, half) = (self.n_fft, self.n_fft / 2);
        let frames = x.len() / self.hop + 1;
        let mut values = Vec::with_capacity(frames * self.bins());
        let mut buf = vec![Complex32::new(0.0, 0.0); n];
        for t in 0..frames {
            for (i, b) in buf.iter_mut().enumerate() {
                let at = (t * self.hop + i) as isize - half as isize;
                let v = if at >= 0 && (at as usize) < x.len() { x[at as usize] } else { 0.0 };
                *b = Complex32::new(v * self.window[i], 0.0);
            }
            self.forward.process(&mut buf);
            values.extend_from_slice(&buf[..self.bins()]);
        }
        Spectrum { frames, bins: self.bins(), values }
    }

    /// The overlap-add's normaliser `Σ_t w²[n − t·hop + n_fft/2]` at each of `len` output samples of
    /// `frames` frames.
    pub fn window_sum(&self, frames: usize, len: usize) -> Vec<f32> {
        let half = self.n_fft / 2;
        let mut norm = vec![0.0f32; len];
        for t in 0..frames {
            for (i, w) in self.window.iter().enumerate() {
                let at = (t * self.hop + i) as isize - half as isize;
                if at >= 0 && (at as usize) < len {
                    norm[at as usize] += w * w;
                }
            }
        }
        norm
    }

    /// The signal of `len` samples whose spectrogram is `s` (Hermitian symmetry completes each frame).
    pub fn inverse(&self, s: &Spectrum, len: usize) -> Vec<f32> {
        let (n, half) = (self.n_fft, self.n_fft / 2);
        let mut out = vec![0.0f32; len];
        let mut buf = vec![Complex32::new(0.0, 0.0); n];
        for t in 0..s.frames {
            let row = &s.values[t * s.bins..(t + 1) * s.bins];
            for (k, b) in buf.iter_mut().enumerate() {
                *b = if k < s.bins { row[k] } else { row[n - k].conj() };
            }
            self.inverse.process(&mut buf);
            for (i, b) in buf.iter().enumerate() {
                let at = (t * self.hop + i) as isize - half as isize;
                if at >= 0 && (at as usize) < len {
                    out[at as usize] += self.window[i] * b.re / n as f32;
                }
            }
        }
        out.iter_mut().zip(&self.window_sum(s.frames, len)).for_each(|(o, &w)| *o = if w > 1e-6 { *o / w } else { 0.0 });
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rng::Rng;

    #[test]
    fn the_inverse_restores_the_signal_and_a_sine_lands_in_its_bin() {
        let mut r = Rng::new(1);
        let x: Vec<f32> = (0..1000).map(|_| r.unit() as f32 - 0.5).collect();
        let st = Stft::new(64).unwrap();
        let s = st.forward(&x);
        assert_eq!((s.frames, s.bins), (1000 / 32 + 1, 33));
        let y = st.inverse(&s, x.len());
        let err = x.iter().zip(&y).map(|(a, b)| (a - b).abs()).fold(0.0f32, f32::max);
        assert!(err < 1e-5, "reconstruction error {err}");
        // A sine of bin 8 (8 cycles per 64 samples): that bin dominates a middle frame.
        let sine: Vec<f32> = (0..1000).map(|i| (2.0 * PI * 8.0 * i as f32 / 64.0).sin()).collect();
        let s = st.forward(&sine);
        let row = &s.values[10 * 33..11 * 33];
        let peak = (0..33).max_by(|&a, &b| row[a].norm().total_cmp(&row[b].norm())).unwrap();
        assert_eq!(peak, 8);
    }
}
