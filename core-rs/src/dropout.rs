//! Inverted dropout with keiro's seeded generator (candle's CPU dropout cannot be seeded).

use candle_core::Tensor;

use crate::error::Result;
use crate::rng::Rng;

/// Zeroes each entry with probability `p` and scales the rest by `1/(1 − p)`; identity when `p = 0`.
pub fn dropout(x: &Tensor, p: f64, rng: &mut Rng) -> Result<Tensor> {
    if p <= 0.0 {
        return Ok(x.clone());
    }
    let keep = (1.0 / (1.0 - p)) as f32;
    let mask: Vec<f32> = (0..x.elem_count()).map(|_| if rng.unit() < p { 0.0 } else { keep }).collect();
    Ok((x * Tensor::from_vec(mask, x.shape(), x.device())?)?)
}
