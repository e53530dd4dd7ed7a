//! Inverted dropout masks drawn from keiro's seeded generator (candle's CPU dropout cannot be
//! seeded); the mask is applied inside the fused residual op (`ops::batch_norm`).

use std::sync::Arc;

use crate::rng::Rng;

/// `n` factors, each `0` with probability `p` and `1/(1 − p)` otherwise; `None` when `p = 0`.
pub fn dropout_mask(n: usize, p: f64, rng: &mut Rng) -> Option<Arc<Vec<f32>>> {
    if p <= 0.0 {
        return None;
    }
    let keep = (1.0 / (1.0 - p)) as f32;
    Some(Arc::new((0..n).map(|_| if rng.unit() < p { 0.0 } else { keep }).collect()))
}
