//! The typed config of a fusion model ([`crate::fusion::model`]): the CGCNN encoder, the fusion
//! mode and its heads, the loss and the optimiser. Unknown keys are rejected; keys starting with
//! `_` (the seeds' `_comment` style) are ignored. docs/fusion.md documents each key.

use serde::{Deserialize, Serialize};

use crate::config_json::parse_config;
use crate::error::{Error, Result};

/// How descriptors and the GNN embedding are combined.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum FusionMode {
    /// CGCNN alone: pooled embedding → MLP → targets.
    Gnn,
    /// `[descriptors ‖ embedding]` → MLP → targets.
    Early,
    /// Softmax-weighted sum of the projected descriptors and the embedding → MLP → targets.
    Attention,
    /// One shared CGCNN, one MLP head per target.
    Multitask,
}

/// The regression loss of each target (on z-scored targets).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum LossKind {
    /// Mean squared error.
    Mse,
    /// Mean absolute error.
    L1,
}

/// Gaussian expansion of neighbour distances: centres `dmin, dmin + step, …, dmax`, `exp(−(d − μ)²/width²)`.
#[derive(Clone, Debug, Deserialize, Serialize)]
#[serde(deny_unknown_fields, default)]
pub struct GaussianConfig {
    /// First centre, Å.
    pub dmin: f64,
    /// Last centre, Å.
    pub dmax: f64,
    /// Spacing of the centres, Å.
    pub step: f64,
    /// Width, Å.
    pub width: f64,
}

impl Default for GaussianConfig {
    fn default() -> Self {
        GaussianConfig { dmin: 0.0, dmax: 8.0, step: 0.2, width: 0.2 }
    }
}

impl GaussianConfig {
    /// The centres.
    pub fn centres(&self) -> Vec<f32> {
        let n = ((self.dmax - self.dmin) / self.step + 1e-9).floor() as usize + 1;
        (0..n).map(|i| (self.dmin + i as f64 * self.step) as f32).collect()
    }
}

/// A fusion model and its training.
#[derive(Clone, Debug, Deserialize, Serialize)]
#[serde(default)]
pub struct FusionConfig {
    /// Fusion mode.
    pub mode: FusionMode,
    /// Atom embedding width of the CGCNN (`atom_fea_len`).
    pub hidden: usize,
    /// Number of CGCNN convolutions.
    pub conv_layers: usize,
    /// Width of the first hidden layer of the heads (`h_fea_len`).
    pub fc_hidden: usize,
    /// Dropout between head layers.
    pub dropout: f64,
    /// Adam learning rate.
    pub lr: f64,
    /// Decoupled weight decay (AdamW).
    pub weight_decay: f64,
    /// Crystals per mini-batch.
    pub batch_size: usize,
    /// Per-target loss.
    pub loss: LossKind,
    /// Learn the task weights as Kendall et al.'s log σ² (otherwise the caller gives them).
    pub kendall: bool,
    /// Momentum of the batch-norm running statistics.
    pub bn_momentum: f64,
    /// Distance expansion.
    pub gaussian: GaussianConfig,
    #[serde(flatten, skip_serializing)]
    _extra: serde_json::Map<String, serde_json::Value>,
}

impl Default for FusionConfig {
    fn default() -> Self {
        FusionConfig {
            mode: FusionMode::Gnn,
            hidden: 64,
            conv_layers: 3,
            fc_hidden: 128,
            dropout: 0.0,
            lr: 0.002,
            weight_decay: 0.0,
            batch_size: 64,
            loss: LossKind::L1,
            kendall: false,
            bn_momentum: 0.1,
            gaussian: GaussianConfig::default(),
            _extra: serde_json::Map::new(),
        }
    }
}

impl FusionConfig {
    /// Parses and validates a JSON config (empty text = all defaults).
    pub fn parse(text: &str) -> Result<FusionConfig> {
        let c: FusionConfig = parse_config(text, "fusion")?;
        if let Some(k) = c._extra.keys().find(|k| !k.starts_with('_')) {
            return Err(Error::Usage(format!("invalid fusion config: unknown key `{k}`")));
        }
        let bad = |m: &str| Err(Error::Usage(format!("invalid fusion config: {m}")));
        if c.hidden == 0 || c.conv_layers == 0 || c.fc_hidden < 2 || c.batch_size == 0 {
            return bad("hidden, conv_layers and batch_size must be positive, fc_hidden ≥ 2");
        }
        if !(0.0..1.0).contains(&c.dropout) || !(0.0..=1.0).contains(&c.bn_momentum) {
            return bad("dropout must be in [0, 1) and bn_momentum in [0, 1]");
        }
        if c.lr <= 0.0 || c.weight_decay < 0.0 {
            return bad("lr must be positive and weight_decay ≥ 0");
        }
        let g = &c.gaussian;
        if g.step <= 0.0 || g.width <= 0.0 || g.dmax < g.dmin {
            return bad("gaussian.step and gaussian.width must be positive and dmax ≥ dmin");
        }
        Ok(c)
    }

    /// The resolved config as JSON.
    pub fn to_json(&self) -> serde_json::Value {
        serde_json::to_value(self).expect("config serialises")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_follow_cgcnn_and_bad_keys_are_named() {
        let c = FusionConfig::parse("").unwrap();
        assert_eq!((c.hidden, c.conv_layers, c.fc_hidden), (64, 3, 128));
        assert_eq!(c.gaussian.centres().len(), 41, "CGCNN: arange(0, 8 + 0.2, 0.2)");
        let c = FusionConfig::parse(r#"{"mode": "attention", "_comment": "ignored"}"#).unwrap();
        assert_eq!(c.mode, FusionMode::Attention);
        assert!(!c.to_json().as_object().unwrap().contains_key("_comment"));
        let e = FusionConfig::parse(r#"{"hiden": 3}"#).unwrap_err().to_string();
        assert!(e.contains("hiden"), "{e}");
        assert!(FusionConfig::parse(r#"{"gaussian": {"stepp": 1}}"#).unwrap_err().to_string().contains("stepp"));
        assert!(FusionConfig::parse(r#"{"dropout": 1.0}"#).is_err());
        assert!(FusionConfig::parse(r#"{"mode": "late"}"#).is_err());
    }
}
