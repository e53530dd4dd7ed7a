//! Seeded synthetic speech-like clips and their noisy mixtures.
//!
//! Clean: a sequence of segments separated by short silences. A voiced segment (70 %) is a harmonic
//! series on a gliding pitch contour with vibrato, f0 in 90 – 220 Hz, harmonic amplitudes shaped by
//! three formant-like resonances and a 1/k tilt, under a raised-cosine envelope. An unvoiced segment
//! is a burst of high-passed noise. Noise: low-passed white noise (a random one-pole filter) plus one
//! to three louder noise bursts, scaled to an SNR drawn from `snr_db`. With `reverb`, the input is the
//! clean clip convolved with a decaying-noise impulse response (RT60 0.15 – 0.4 s) before the noise
//! is added; the target stays the dry clip (denoising and dereverberation).

use std::f64::consts::PI;

use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};
use crate::rng::Rng;

/// How clips are drawn.
#[derive(Clone, Debug, Deserialize, Serialize)]
#[serde(deny_unknown_fields, default)]
pub struct SpeechConfig {
    /// Samples per second.
    pub sample_rate: usize,
    /// Clip length, s.
    pub seconds: f64,
    /// SNR range of the mixture, dB `[low, high]`.
    pub snr_db: [f64; 2],
    /// Convolve the input with a synthetic room impulse response.
    pub reverb: bool,
}

impl Default for SpeechConfig {
    fn default() -> Self {
        SpeechConfig { sample_rate: 8000, seconds: 0.5, snr_db: [-5.0, 5.0], reverb: false }
    }
}

impl SpeechConfig {
    /// Checks the ranges.
    pub fn check(&self) -> Result<()> {
        if !(2000..=48_000).contains(&self.sample_rate) || !(0.1..=10.0).contains(&self.seconds) {
            return Err(Error::Usage("speech: sample_rate must be in 2000..48000 and seconds in 0.1..10".into()));
        }
        if !(self.snr_db[0].is_finite() && self.snr_db[1].is_finite() && self.snr_db[0] <= self.snr_db[1]) {
            return Err(Error::Usage("speech: snr_db must be [low, high] with low ≤ high".into()));
        }
        Ok(())
    }
}

/// One clip: the target and the input the enhancer sees.
pub struct Clip {
    /// The clean (dry) signal.
    pub clean: Vec<f32>,
    /// Clean (reverberant with `reverb`) plus noise.
    pub noisy: Vec<f32>,
}

fn _uniform(r: &mut Rng, lo: f64, hi: f64) -> f64 {
    lo + (hi - lo) * r.unit()
}

/// A standard normal draw (Box–Muller).
fn _normal(r: &mut Rng) -> f64 {
    let u = 1.0 - r.unit();
    (-2.0 * u.ln()).sqrt() * (2.0 * PI * r.unit()).cos()
}

/// Raised-cosine fade over `ramp` samples at both ends of a segment of `len`.
fn _envelope(i: usize, len: usize, ramp: usize) -> f64 {
    let e = i.min(len - 1 - i);
    if e >= ramp {
        1.0
    } else {
        0.5 - 0.5 * (PI * e as f64 / ramp as f64).cos()
    }
}

fn _voiced(r: &mut Rng, out: &mut [f64], sr: f64) {
    let n = out.len();
    let f0 = _uniform(r, 90.0, 220.0);
    let glide = _uniform(r, 0.8, 1.25);
    let formants: Vec<(f64, f64)> = [(300.0, 800.0), (900.0, 2200.0), (2300.0, 3200.0)]
        .iter()
        .map(|&(lo, hi)| (_uniform(r, lo, hi), _uniform(r, 120.0, 250.0)))
        .collect();
    let gain = _uniform(r, 0.3, 1.0);
    let mut phase = vec![0.0f64; 64];
    for (i, o) in out.iter_mut().enumerate() {
        let t = i as f64 / n as f64;
        let f = f0 * (1.0 + (glide - 1.0) * t) * (1.0 + 0.02 * (2.0 * PI * 5.0 * i as f64 / sr).sin());
        let mut v = 0.0;
        for (k, p) in phase.iter_mut().enumerate() {
            let fk = f * (k + 1) as f64;
            if fk >= 0.45 * sr {
                break;
            }
            *p += 2.0 * PI * fk / sr;
            let shape: f64 = formants.iter().map(|&(c, b)| (-0.5 * ((fk - c) / b).powi(2)).exp()).sum();
            v += (0.05 + shape) / (k + 1) as f64 * p.sin();
        }
        *o = gain * v * _envelope(i, n, (0.01 * sr) as usize);
    }
}

fn _unvoiced(r: &mut Rng, out: &mut [f64], sr: f64) {
    let n = out.len();
    let gain = _uniform(r, 0.05, 0.2);
    let mut prev = 0.0;
    for (i, o) in out.iter_mut().enumerate() {
        let w = _normal(r);
        *o = gain * (w - prev) * _envelope(i, n, (0.005 * sr) as usize); // a first difference: high-passed
        prev = w;
    }
}

fn _power(x: &[f64]) -> f64 {
    x.iter().map(|v| v * v).sum::<f64>() / x.len().max(1) as f64
}

/// Draws one clip from `r`.
pub fn synth_clip(r: &mut Rng, cfg: &SpeechConfig) -> Clip {
    let sr = cfg.sample_rate as f64;
    let n = (cfg.seconds * sr) as usize;
    let mut clean = vec![0.0f64; n];
    let mut at = (_uniform(r, 0.0, 0.05) * sr) as usize;
    while at < n {
        let voiced = r.unit() < 0.7;
        let len = (if voiced { _uniform(r, 0.08, 0.2) } else { _uniform(r, 0.04, 0.12) } * sr) as usize;
        let end = (at + len).min(n);
        if end > at + 2 {
            if voiced {
                _voiced(r, &mut clean[at..end], sr);
            } else {
                _unvoiced(r, &mut clean[at..end], sr);
            }
        }
        at = end + (_uniform(r, 0.03, 0.1) * sr) as usize;
    }
    let heard = if cfg.reverb {
        let rt60 = _uniform(r, 0.15, 0.4);
        let ir: Vec<f64> =
            (0..(0.3 * sr) as usize).map(|i| if i == 0 { 1.0 } else { 0.3 * _normal(r) * (-6.9 * i as f64 / (rt60 * sr)).exp() }).collect();
        let mut y = vec![0.0; n];
        for (i, &c) in clean.iter().enumerate().filter(|(_, c)| **c != 0.0) {
            for (j, &h) in ir.iter().enumerate().take(n - i) {
                y[i + j] += c * h;
            }
        }
        y
    } else {
        clean.clone()
    };
    // Coloured background noise and bursts.
    let a = _uniform(r, 0.0, 0.9);
    let mut noise = vec![0.0f64; n];
    let mut s = 0.0;
    for v in noise.iter_mut() {
        s = a * s + (1.0 - a) * _normal(r);
        *v = s;
    }
    for _ in 0..1 + r.below(3) {
        let len = (_uniform(r, 0.05, 0.15) * sr) as usize;
        let start = r.below((n - len.min(n - 1)) as u64) as usize;
        let g = _uniform(r, 1.0, 3.0);
        for i in 0..len.min(n - start) {
            noise[start + i] += g * _normal(r) * _envelope(i, len, (0.005 * sr) as usize);
        }
    }
    let snr = _uniform(r, cfg.snr_db[0], cfg.snr_db[1]);
    let scale = (_power(&heard) / (_power(&noise) * 10f64.powf(snr / 10.0))).sqrt();
    let noisy: Vec<f64> = heard.iter().zip(&noise).map(|(c, v)| c + scale * v).collect();
    let peak = noisy.iter().fold(1e-9f64, |m, v| m.max(v.abs()));
    let g = 0.9 / peak;
    Clip { clean: clean.iter().map(|v| (g * v) as f32).collect(), noisy: noisy.iter().map(|v| (g * v) as f32).collect() }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn clips_are_seeded_and_have_the_drawn_snr() {
        let cfg = SpeechConfig { snr_db: [3.0, 3.0], ..SpeechConfig::default() };
        let a = synth_clip(&mut Rng::new(5), &cfg);
        let b = synth_clip(&mut Rng::new(5), &cfg);
        assert_eq!(a.clean, b.clean);
        assert_eq!(a.noisy, b.noisy);
        assert_ne!(a.clean, synth_clip(&mut Rng::new(6), &cfg).clean);
        assert_eq!(a.clean.len(), 4000);
        let p = |x: &[f32]| x.iter().map(|v| (*v as f64).powi(2)).sum::<f64>();
        let noise: Vec<f32> = a.noisy.iter().zip(&a.clean).map(|(n, c)| n - c).collect();
        let snr = 10.0 * (p(&a.clean) / p(&noise)).log10();
        assert!((snr - 3.0).abs() < 1e-3, "snr {snr}");
        assert!(a.noisy.iter().all(|v| v.abs() <= 0.9 + 1e-6));
    }
}
