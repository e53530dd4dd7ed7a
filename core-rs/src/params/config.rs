//! The typed config of an image CNN ([`crate::params::image_cnn`]) and its training, and the config
//! file of `keiro params train` ([`ParamsFileConfig`]), which adds the training length and the
//! validation share. Unknown keys are rejected; keys starting with `_` are comments. docs/params.md
//! documents each key.

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use crate::config_json::{check_keys, config_object, count_problem, parse_config, serde_names, Check, MAX_BATCH, MAX_EPOCHS, MAX_WIDTH};
use crate::error::{Error, Result};
use crate::nn::task_loss::LossKind;

/// The most convolution blocks (each halves the image side).
pub const MAX_BLOCKS: usize = 8;

/// An image CNN and its optimiser.
#[derive(Clone, Debug, Deserialize, Serialize)]
#[serde(deny_unknown_fields, default)]
pub struct ParamsConfig {
    /// Output channels of each 3×3 convolution block (conv → batch norm → ReLU → 2×2 max pool).
    pub channels: Vec<usize>,
    /// Width of the shared fully connected layer after the last block.
    pub hidden: usize,
    /// Width of the hidden layer of each target's head.
    pub head_hidden: usize,
    /// Adam learning rate.
    pub lr: f64,
    /// Decoupled weight decay (AdamW).
    pub weight_decay: f64,
    /// Images per mini-batch.
    pub batch_size: usize,
    /// Per-target loss (on z-scored or (cos, sin) targets).
    pub loss: LossKind,
    /// Learn the task weights as Kendall et al.'s log σ² (otherwise the caller gives them).
    pub kendall: bool,
    /// Momentum of the batch-norm running statistics.
    pub bn_momentum: f64,
}

impl Default for ParamsConfig {
    fn default() -> Self {
        ParamsConfig {
            channels: vec![12, 24, 48],
            hidden: 128,
            head_hidden: 64,
            lr: 0.002,
            weight_decay: 0.0,
            batch_size: 32,
            loss: LossKind::Mse,
            kendall: false,
            bn_momentum: 0.1,
        }
    }
}

impl ParamsConfig {
    /// Parses and validates a JSON config (empty text = all defaults).
    pub fn parse(text: &str) -> Result<ParamsConfig> {
        let c: ParamsConfig = parse_config(text, "params")?;
        let bad = |m: &str| Err(Error::Usage(format!("invalid params config: {m}")));
        if c.channels.is_empty() || c.channels.len() > MAX_BLOCKS {
            return bad(&format!("channels must list 1 to {MAX_BLOCKS} block widths, got {}", c.channels.len()));
        }
        let mut counts = vec![
            ("hidden", c.hidden, Check::IntIn(1, MAX_WIDTH)),
            ("head_hidden", c.head_hidden, Check::IntIn(1, MAX_WIDTH)),
            ("batch_size", c.batch_size, Check::IntIn(2, MAX_BATCH)),
        ];
        counts.extend(c.channels.iter().map(|&w| ("channels[i]", w, Check::IntIn(1, MAX_WIDTH))));
        if let Some(p) = count_problem(&counts) {
            return bad(&p);
        }
        if !(c.lr > 0.0 && c.lr.is_finite()) || c.weight_decay.is_nan() || c.weight_decay < 0.0 || !(0.0..=1.0).contains(&c.bn_momentum) {
            return bad("lr must be positive, weight_decay ≥ 0 and bn_momentum in [0, 1]");
        }
        Ok(c)
    }

    /// The resolved config as JSON.
    pub fn to_json(&self) -> Value {
        serde_json::to_value(self).expect("config serialises")
    }
}

/// The keys of a `keiro params train` config file besides the model's.
#[derive(Clone, Debug, Deserialize, Serialize)]
#[serde(deny_unknown_fields, default)]
pub struct ParamsRunConfig {
    /// Maximum epochs (`--epochs` overrides it).
    pub epochs: usize,
    /// Stop after this many epochs without a better validation loss.
    pub patience: usize,
    /// Share of the images held out for validation (early stopping, `val_losses.json`).
    pub val_fraction: f64,
}

impl Default for ParamsRunConfig {
    fn default() -> Self {
        ParamsRunConfig { epochs: 30, patience: 10, val_fraction: 0.2 }
    }
}

impl ParamsRunConfig {
    fn check(key: &str) -> Option<Check> {
        match key {
            "epochs" | "patience" => Some(Check::IntIn(1, MAX_EPOCHS)),
            "val_fraction" => Some(Check::Custom(|v| v.as_f64().is_some_and(|f| f > 0.0 && f < 1.0), "a number in (0, 1)")),
            _ => None,
        }
    }
}

/// A resolved `keiro params train` config file: the model keys as given (the model fills in the
/// others) and the run keys with their defaults. `kendall` is set per run by `--weighting`.
#[derive(Clone, Debug, Serialize)]
pub struct ParamsFileConfig {
    /// The model keys.
    pub native: Map<String, Value>,
    /// The run keys.
    #[serde(flatten)]
    pub run: ParamsRunConfig,
}

impl ParamsFileConfig {
    /// Resolves the text of the config file `source`: drops `_` keys, rejects unknown keys with a
    /// suggestion, checks the run keys and the model's values. Errors name `source` and the key.
    pub fn resolve(text: &str, source: &str) -> Result<ParamsFileConfig> {
        let model_keys: Vec<&str> = serde_names::<ParamsConfig>().iter().copied().filter(|k| *k != "kendall").collect();
        let (mut native, mut run) = (Map::new(), Map::new());
        for (key, value) in config_object(text, source)? {
            if key == "kendall" {
                return Err(Error::Usage(format!("{source}: unknown config key \"kendall\" (it is set per run by --weighting)")));
            }
            if model_keys.contains(&key.as_str()) { &mut native } else { &mut run }.insert(key, value);
        }
        let known = [model_keys.as_slice(), serde_names::<ParamsRunConfig>()].concat();
        let run = check_keys(run, &known, ParamsRunConfig::check, source)?;
        ParamsConfig::parse(&Value::Object(native.clone()).to_string()).map_err(|e| Error::Usage(format!("{source}: {e}")))?;
        let run = serde_json::from_value(Value::Object(run)).map_err(|e| Error::Usage(format!("{source}: {e}")))?;
        Ok(ParamsFileConfig { native, run })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn file_err(text: &str) -> String {
        ParamsFileConfig::resolve(text, "p.json").unwrap_err().to_string()
    }

    #[test]
    fn a_file_splits_model_and_run_keys_and_names_bad_ones() {
        let c = ParamsFileConfig::resolve(r#"{"_c": 1, "channels": [8, 8], "epochs": 5}"#, "p.json").unwrap();
        assert_eq!(
            serde_json::to_value(c).unwrap(),
            serde_json::json!({"native": {"channels": [8, 8]}, "epochs": 5, "patience": 10, "val_fraction": 0.2})
        );
        assert!(file_err(r#"{"chanels": [8]}"#).contains(r#"did you mean "channels""#), "{}", file_err(r#"{"chanels": [8]}"#));
        assert!(file_err(r#"{"kendall": true}"#).contains("--weighting"));
        assert_eq!(file_err(r#"{"val_fraction": 1}"#), "p.json: val_fraction must be a number in (0, 1), got 1");
        assert_eq!(file_err(r#"{"channels": []}"#), "p.json: invalid params config: channels must list 1 to 8 block widths, got 0");
        assert_eq!(
            file_err(r#"{"channels": [8, 0]}"#),
            "p.json: invalid params config: channels[i] must be an integer in [1, 8192], got 0"
        );
        assert!(file_err(r#"{"batch_size": 1}"#).contains("batch_size must be an integer in [2, 65536]"));
    }
}
