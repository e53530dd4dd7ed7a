//! Self-supervision of the learned graph by feature denoising (SLAPS, Fatemi et al. 2021): a
//! second GCN sees the features with some entries masked and reconstructs them over the same
//! graph, so that edges far from any labelled node still get a gradient.
//!
//! ```text
//! M ~ Bernoulli: a non-zero entry with p = 1/ratio, a zero entry with p = zeros · nnz / (ratio · #zeros)
//! X̃ = X ⊙ (1 − M)
//! Y = GCN₂(dropout(ReLU(GCN₁(X̃, A))), A)                                  [N, F]
//! L_dae = Σ M ⊙ ℓ(Y, X) / Σ M,   ℓ = BCE with logits (0/1 features) else squared error
//! ```
//!
//! The classifier's loss becomes `L_main + β·L_reg + dae·L_dae`.

use candle_core::Tensor;

use crate::error::Result;
use crate::glm::config::GlmConfig;
use crate::glm::model::ReadyGraph;
use crate::nn::gcn_layer::GcnLayer;
use crate::nn::node_features::NodeFeatures;
use crate::nn::param_store::{ParamStore, Weights};
use crate::rng::Rng;

/// The denoising GCN (`dae0.*`, `dae1.*`).
pub struct DenoisingHead {
    layers: [GcnLayer; 2],
}

impl DenoisingHead {
    /// Registers a two-layer GCN `F → hidden → F`.
    pub fn new(ps: &mut ParamStore, features: usize, hidden: usize) -> Result<DenoisingHead> {
        Ok(DenoisingHead { layers: [GcnLayer::new(ps, "dae0", features, hidden)?, GcnLayer::new(ps, "dae1", hidden, features)?] })
    }

    /// `L_dae` of one draw of the mask over `g`'s graph (scalar): `cfg.glm.dae_ratio` and
    /// `dae_zeros` as in the module doc, the classifier's dropout on the hidden layer.
    pub fn loss(&self, w: &Weights, x: &NodeFeatures, g: &ReadyGraph, cfg: &GlmConfig, rng: &mut Rng) -> Result<Tensor> {
        let values = x.dense.flatten_all()?.to_vec1::<f32>()?; // [N·F]
        let mask = _mask(&values, cfg.glm.dae_ratio, cfg.glm.dae_zeros, rng);
        let masked_count = mask.iter().sum::<f32>().max(1.0);
        let m = Tensor::from_vec(mask, x.dense.shape(), x.dense.device())?; // [N, F]
        let noisy = NodeFeatures::new((&x.dense * (1.0 - &m)?)?)?;
        let norm = g.graph.gcn_normalised()?; // [E, 1], whatever the classifier's layer
        let graph = Some((&g.graph, &norm));
        let h = NodeFeatures::dense(self.layers[0].forward(w, &noisy, graph)?.relu()?).dropout(cfg.dropout, rng)?;
        let y = self.layers[1].forward(w, &h, graph)?; // [N, F]
        let per_entry = if is_binary(&values) {
            // softplus(y) − x·y, computed as ReLU(y) + ln(1 + e^(−|y|)) − x·y
            ((y.relu()? + (y.abs()?.neg()?.exp()? + 1.0)?.log()?)? - (&x.dense * &y)?)?
        } else {
            (&y - &x.dense)?.sqr()?
        };
        Ok(((per_entry * m)?.sum_all()? / masked_count as f64)?)
    }
}

/// Whether every value is 0 or 1 (bag-of-words features).
pub fn is_binary(values: &[f32]) -> bool {
    values.iter().all(|&v| v == 0.0 || v == 1.0)
}

/// The mask `M` (1 = masked) over `values`: each non-zero with probability `1/ratio`, each zero
/// with the probability that masks `zeros` zeros per masked non-zero on average.
fn _mask(values: &[f32], ratio: f64, zeros: f64, rng: &mut Rng) -> Vec<f32> {
    let nnz = values.iter().filter(|&&v| v != 0.0).count();
    let p_one = 1.0 / ratio;
    let p_zero = if nnz < values.len() { (zeros * nnz as f64 * p_one / (values.len() - nnz) as f64).min(1.0) } else { 0.0 };
    values.iter().map(|&v| if rng.unit() < if v != 0.0 { p_one } else { p_zero } { 1.0 } else { 0.0 }).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_mask_hits_one_in_ratio_non_zeros_and_zeros_in_proportion() {
        // 2% non-zero, like bag-of-words rows.
        let values: Vec<f32> = (0..200_000).map(|i| if i % 50 == 0 { 1.0 } else { 0.0 }).collect();
        let m = _mask(&values, 10.0, 5.0, &mut Rng::new(1));
        let ones = values.iter().zip(&m).filter(|(&v, &k)| v != 0.0 && k == 1.0).count();
        let zeros = values.iter().zip(&m).filter(|(&v, &k)| v == 0.0 && k == 1.0).count();
        assert!((ones as f64 - 400.0).abs() < 60.0, "{ones} of 4000 non-zeros masked, want ~400");
        assert!((zeros as f64 - 2000.0).abs() < 150.0, "{zeros} zeros masked, want ~2000");
        assert_eq!(m, _mask(&values, 10.0, 5.0, &mut Rng::new(1)), "seeded");
        assert!(is_binary(&values) && !is_binary(&[0.0, 0.5]));
    }
}
