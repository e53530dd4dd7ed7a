//! Scale-invariant signal-to-distortion ratio (Le Roux et al., 2019), in dB:
//! ```text
//! s, ŝ zero-mean;  s_t = (⟨ŝ, s⟩ / ‖s‖²) s;  e = ŝ − s_t;  SI-SDR = 10 log₁₀(‖s_t‖² / ‖e‖²)
//! ```

/// SI-SDR of the estimate `est` against the reference `reference` (same length), dB.
pub fn si_sdr(est: &[f32], reference: &[f32]) -> f64 {
    let n = est.len().min(reference.len()).max(1) as f64;
    let me = est.iter().map(|&v| v as f64).sum::<f64>() / n;
    let mr = reference.iter().map(|&v| v as f64).sum::<f64>() / n;
    let (mut dot, mut rr) = (0.0, 0.0);
    for (&e, &r) in est.iter().zip(reference) {
        let (e, r) = (e as f64 - me, r as f64 - mr);
        dot += e * r;
        rr += r * r;
    }
    let a = dot / rr.max(1e-20);
    let (mut t, mut err) = (0.0, 0.0);
    for (&e, &r) in est.iter().zip(reference) {
        let st = a * (r as f64 - mr);
        t += st * st;
        err += (e as f64 - me - st).powi(2);
    }
    10.0 * (t.max(1e-20) / err.max(1e-20)).log10()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn is_scale_invariant_and_measures_the_noise() {
        let s: Vec<f32> = (0..1000).map(|i| (i as f32 * 0.05).sin()).collect();
        assert!(si_sdr(&s.iter().map(|v| 3.0 * v + 0.5).collect::<Vec<_>>(), &s) > 100.0, "a scaled, shifted copy");
        // Zero-mean noise orthogonal to the zero-mean s, at a tenth of its power: +10 dB.
        let centre = |x: &[f64]| -> Vec<f64> {
            let m = x.iter().sum::<f64>() / x.len() as f64;
            x.iter().map(|v| v - m).collect()
        };
        let s0 = centre(&s.iter().map(|&v| v as f64).collect::<Vec<_>>());
        let c = centre(&(0..1000).map(|i| (i as f64 * 0.05).cos()).collect::<Vec<_>>());
        let dot = |a: &[f64], b: &[f64]| a.iter().zip(b).map(|(x, y)| x * y).sum::<f64>();
        let k = dot(&c, &s0) / dot(&s0, &s0);
        let o: Vec<f64> = c.iter().zip(&s0).map(|(a, b)| a - k * b).collect();
        let g = (dot(&s0, &s0) / (10.0 * dot(&o, &o))).sqrt();
        let est: Vec<f32> = s.iter().zip(&o).map(|(a, b)| a + (g * b) as f32).collect();
        assert!((si_sdr(&est, &s) - 10.0).abs() < 1e-3, "{}", si_sdr(&est, &s));
    }
}
