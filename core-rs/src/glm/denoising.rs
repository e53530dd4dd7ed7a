//! Self-supervision of the learned graph by feature denoising (SLAPS, Fatemi et al. 2021): a
//! second GCN sees the features with some entries masked and reconstructs them over the same
//! graph, so that edges far from any labelled node still get a gradient.
//!
//! ```text
//! M ~ Bernoulli: a non-zero entry with p = 1/ratio, a zero entry with p = zeros · nnz / (ratio · #zeros)
//! X̃ = X ⊙ (1 − M)
//! Y = GCN₂(dropout(ReLU(GCN₁(X̃, A))), A)                                  [N, F]
//! L_dae = Σ M ⊙ ℓ(Y, X) / Σ M,   ℓ = BCE with logits (features in [0, 1]) else squared error
//! ```
//!
//! The classifier's loss becomes `L_main + β·L_reg + dae·L_dae`.

use candle_core::Tensor;

use crate::error::Result;
use crate::glm::config::{GlmConfig, LayerKind};
use crate::glm::model::ReadyGraph;
use crate::nn::gcn_layer::GcnLayer;
use crate::nn::node_features::NodeFeatures;
use crate::nn::param_store::{ParamStore, Weights};
use crate::ops::softplus::softplus;
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
        let dev = x.dense.device();
        let mut values = x.dense.flatten_all()?.to_vec1::<f32>()?; // [N·F]
        let probability = in_unit_interval(&values);
        let masked = _mask(&values, cfg.glm.dae_ratio, cfg.glm.dae_zeros, rng);
        let target: Vec<f32> = masked.iter().map(|&i| std::mem::take(&mut values[i as usize])).collect();
        let (k, target) = (masked.len(), Tensor::from_vec(target, masked.len(), dev)?); // [K]
        let noisy = NodeFeatures::new(Tensor::from_vec(values, x.dense.shape(), dev)?)?; // X ⊙ (1 − M)

        // [E, 1] GCN weights: the classifier's own unless its layers are GAT (raw weights)
        let norm = match cfg.layer {
            LayerKind::Gcn | LayerKind::Appnp => g.layer_weights.clone(),
            LayerKind::Gat => g.graph.gcn_normalised()?,
        };
        let graph = Some((&g.graph, &norm));
        let h = NodeFeatures::dense(self.layers[0].forward(w, &noisy, graph)?.relu()?).dropout(cfg.dropout, rng)?;
        let y = self.layers[1].forward(w, &h, graph)?.flatten_all()?.index_select(&Tensor::from_vec(masked, k, dev)?, 0)?; // [K]
        let per_entry = if probability {
            // BCE with logits: softplus(y) − t·y
            (softplus(&y)? - (&target * &y)?)?
        } else {
            (&y - &target)?.sqr()?
        };
        Ok((per_entry.sum_all()? / k.max(1) as f64)?)
    }
}

/// Whether every value lies in [0, 1] (bag-of-words, binary or row-normalised): then the
/// reconstruction is a binary cross-entropy with these values as target probabilities.
pub fn in_unit_interval(values: &[f32]) -> bool {
    values.iter().all(|&v| (0.0..=1.0).contains(&v))
}

/// The flat indices of the masked entries of `values`: each non-zero with probability `1/ratio`,
/// each zero with the probability that masks `zeros` zeros per masked non-zero on average.
fn _mask(values: &[f32], ratio: f64, zeros: f64, rng: &mut Rng) -> Vec<u32> {
    let nnz = values.iter().filter(|&&v| v != 0.0).count();
    let p_one = 1.0 / ratio;
    let p_zero = if nnz < values.len() { (zeros * nnz as f64 * p_one / (values.len() - nnz) as f64).min(1.0) } else { 0.0 };
    (0..values.len() as u32).filter(|&i| rng.unit() < if values[i as usize] != 0.0 { p_one } else { p_zero }).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_mask_hits_one_in_ratio_non_zeros_and_zeros_in_proportion() {
        // 2% non-zero, like bag-of-words rows.
        let values: Vec<f32> = (0..200_000).map(|i| if i % 50 == 0 { 1.0 } else { 0.0 }).collect();
        let m = _mask(&values, 10.0, 5.0, &mut Rng::new(1));
        let ones = m.iter().filter(|&&i| values[i as usize] != 0.0).count();
        let zeros = m.len() - ones;
        assert!((ones as f64 - 400.0).abs() < 60.0, "{ones} of 4000 non-zeros masked, want ~400");
        assert!((zeros as f64 - 2000.0).abs() < 150.0, "{zeros} zeros masked, want ~2000");
        assert_eq!(m, _mask(&values, 10.0, 5.0, &mut Rng::new(1)), "seeded");
        assert!(in_unit_interval(&values) && in_unit_interval(&[0.0, 0.5]) && !in_unit_interval(&[0.0, 1.5]));
    }
}
