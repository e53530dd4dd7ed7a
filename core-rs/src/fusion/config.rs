//! The typed config of a fusion model ([`crate::fusion::model`]): the CGCNN encoder, the fusion
//! mode and its heads, the loss and the optimiser; and the config file of `keiro fuse`
//! ([`FusionFileConfig`]), which adds the training length, the schedule and the random forest.
//! Unknown keys are rejected; keys starting with `_` (the seeds' `_comment` style) are ignored.
//! docs/fusion.md documents each key.

use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use crate::config_json::{
    check_keys, config_object, count_problem, parse_config, serde_names, unknown_key, Check, MAX_BATCH, MAX_EPOCHS, MAX_LAYERS, MAX_WIDTH,
};
use crate::error::{Error, Result};
use crate::fusion::random_forest::ForestConfig;
pub use crate::nn::task_loss::LossKind;

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
    /// ALIGNN-style: convolutions alternate between the line graph (bonds as nodes, bond angles on
    /// its edges) and the atom graph (the updated bonds on its edges); `[descriptors ‖ embedding]`
    /// → MLP → targets.
    Alignn,
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
#[serde(deny_unknown_fields, default)]
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
        }
    }
}

impl FusionConfig {
    /// Parses and validates a JSON config (empty text = all defaults).
    pub fn parse(text: &str) -> Result<FusionConfig> {
        let c: FusionConfig = parse_config(text, "fusion")?;
        let bad = |m: &str| Err(Error::Usage(format!("invalid fusion config: {m}")));
        if let Some(p) = count_problem(&[
            ("hidden", c.hidden, Check::IntIn(1, MAX_WIDTH)),
            ("conv_layers", c.conv_layers, Check::IntIn(1, MAX_LAYERS)),
            ("fc_hidden", c.fc_hidden, Check::IntIn(2, MAX_WIDTH)),
            ("batch_size", c.batch_size, Check::IntIn(1, MAX_BATCH)),
        ]) {
            return bad(&p);
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
        let centres = (g.dmax - g.dmin) / g.step + 1.0;
        if centres > MAX_WIDTH as f64 {
            return bad(&format!(
                "gaussian gives {centres:.0} centres ((dmax − dmin) / step + 1), more than {MAX_WIDTH}; raise gaussian.step"
            ));
        }
        Ok(c)
    }

    /// The resolved config as JSON.
    pub fn to_json(&self) -> serde_json::Value {
        serde_json::to_value(self).expect("config serialises")
    }
}

/// The learning-rate schedule of a neural run.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Schedule {
    /// Cosine annealing from `lr` to 0 over `epochs`.
    Cosine,
    /// `lr` throughout.
    Constant,
}

/// The keys of a `keiro fuse` config file besides the model's.
#[derive(Clone, Debug, Deserialize, Serialize)]
#[serde(deny_unknown_fields, default)]
pub struct FusionRunConfig {
    /// Maximum epochs of a neural run (`--epochs` overrides it).
    pub epochs: usize,
    /// Stop a neural run after this many epochs without a better validation MAE (`--patience`
    /// overrides it).
    pub patience: usize,
    /// Learning-rate schedule of the neural runs.
    pub schedule: Schedule,
    /// The random forest of modes rf and late: [`ForestConfig`] keys, as given (the forest fills in
    /// the others).
    pub forest: Map<String, Value>,
}

impl Default for FusionRunConfig {
    fn default() -> Self {
        FusionRunConfig { epochs: 60, patience: 15, schedule: Schedule::Cosine, forest: Map::new() }
    }
}

impl FusionRunConfig {
    fn check(key: &str) -> Option<Check> {
        match key {
            "epochs" | "patience" => Some(Check::IntIn(1, MAX_EPOCHS)),
            "schedule" => Some(Check::OneOf(serde_names::<Schedule>())),
            "forest" => Some(Check::Custom(Value::is_object, "a JSON object")),
            _ => None,
        }
    }
}

/// Model keys a `keiro fuse` run sets itself (`--mode`, `--weighting kendall`).
const _PER_RUN: [&str; 2] = ["mode", "kendall"];

/// A resolved `keiro fuse` config file (`--config`): the run keys with their defaults, and the
/// model keys of [`FusionConfig`] but [`_PER_RUN`]'s, as given (the model fills in the others).
#[derive(Clone, Debug, Serialize)]
pub struct FusionFileConfig {
    /// The model keys.
    pub native: Map<String, Value>,
    /// The run keys.
    #[serde(flatten)]
    pub run: FusionRunConfig,
}

impl FusionFileConfig {
    /// Resolves the text of the config file `source`: drops `_` keys, rejects unknown keys (also
    /// inside `gaussian` and `forest`) with a suggestion, checks the run keys, the model's values
    /// and the forest's types, and fills in the run keys' defaults. Errors name `source` and the key.
    pub fn resolve(text: &str, source: &str) -> Result<FusionFileConfig> {
        let model_keys: Vec<&str> = serde_names::<FusionConfig>().iter().copied().filter(|k| !_PER_RUN.contains(k)).collect();
        let (mut native, mut run) = (Map::new(), Map::new());
        for (key, value) in config_object(text, source)? {
            if _PER_RUN.contains(&key.as_str()) {
                return Err(Error::Usage(format!("{source}: unknown config key \"{key}\" (it is set per run by --mode and --weighting)")));
            }
            if model_keys.contains(&key.as_str()) { &mut native } else { &mut run }.insert(key, value);
        }
        let known = [model_keys.as_slice(), serde_names::<FusionRunConfig>()].concat();
        let run = check_keys(run, &known, FusionRunConfig::check, source)?;
        _check_inner::<GaussianConfig>(&native, "gaussian", source)?;
        _check_inner::<ForestConfig>(&run, "forest", source)?;
        let named = |e: Error| Error::Usage(format!("{source}: {e}"));
        FusionConfig::parse(&Value::Object(native.clone()).to_string()).map_err(named)?;
        if let Some(forest) = run.get("forest") {
            parse_config::<ForestConfig>(&forest.to_string(), "forest").and_then(|f| f.check()).map_err(named)?;
        }
        let run = serde_json::from_value(Value::Object(run)).map_err(|e| Error::Usage(format!("{source}: {e}")))?;
        Ok(FusionFileConfig { native, run })
    }
}

/// Rejects the keys of the object `obj[key]` (when present) that `T` does not know, named
/// `key.inner`.
fn _check_inner<T: DeserializeOwned>(obj: &Map<String, Value>, key: &str, source: &str) -> Result<()> {
    let Some(value) = obj.get(key) else { return Ok(()) };
    let inner = value.as_object().ok_or_else(|| Error::Usage(format!("{source}: {key} must be a JSON object, got {value}")))?;
    let names = serde_names::<T>();
    match inner.keys().find(|k| !names.contains(&k.as_str())) {
        Some(k) => {
            let known: Vec<String> = names.iter().map(|n| format!("{key}.{n}")).collect();
            Err(unknown_key(&format!("{key}.{k}"), &known.iter().map(String::as_str).collect::<Vec<_>>(), source))
        }
        None => Ok(()),
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

    fn file(text: &str) -> Result<Value> {
        FusionFileConfig::resolve(text, "c.json").map(|c| serde_json::to_value(c).unwrap())
    }

    fn file_err(text: &str) -> String {
        file(text).unwrap_err().to_string()
    }

    #[test]
    fn a_file_splits_model_and_run_keys_fills_run_defaults_and_drops_comments() {
        let text = r#"{"_comment": "tiny", "hidden": 8, "conv_layers": 1, "gaussian": {"step": 0.5, "_why": "coarse"},
            "epochs": 5, "patience": 2, "forest": {"trees": 10, "_note": 1}}"#;
        assert_eq!(
            file(text).unwrap(),
            serde_json::json!({"native": {"hidden": 8, "conv_layers": 1, "gaussian": {"step": 0.5}},
                "epochs": 5, "patience": 2, "schedule": "cosine", "forest": {"trees": 10}})
        );
        assert_eq!(
            file("{}").unwrap(),
            serde_json::json!({"native": {}, "epochs": 60, "patience": 15, "schedule": "cosine", "forest": {}})
        );
    }

    #[test]
    fn a_file_names_unknown_keys_per_run_keys_and_bad_values() {
        let hint = |k: &str, near: &str| {
            format!(r#"c.json: unknown config key "{k}" (keys starting with _ are comments); did you mean "{near}"?"#)
        };
        assert_eq!(file_err(r#"{"hiden": 8}"#), hint("hiden", "hidden"));
        assert_eq!(file_err(r#"{"epoch": 8}"#), hint("epoch", "epochs"));
        assert_eq!(file_err(r#"{"forest": {"tres": 8}}"#), hint("forest.tres", "forest.trees"));
        assert_eq!(file_err(r#"{"gaussian": {"stepp": 1}}"#), hint("gaussian.stepp", "gaussian.step"));
        assert_eq!(file_err(r#"{"mode": "gnn"}"#), r#"c.json: unknown config key "mode" (it is set per run by --mode and --weighting)"#);
        assert_eq!(file_err(r#"{"epochs": 0}"#), "c.json: epochs must be an integer in [1, 100000], got 0");
        assert_eq!(file_err(r#"{"epochs": 1e12}"#), "c.json: epochs must be an integer in [1, 100000], got 1000000000000.0");
        assert_eq!(file_err(r#"{"patience": 1.5}"#), "c.json: patience must be an integer in [1, 100000], got 1.5");
        assert_eq!(
            file_err(r#"{"hidden": 1000000}"#),
            "c.json: invalid fusion config: hidden must be an integer in [1, 8192], got 1000000"
        );
        assert_eq!(file_err(r#"{"batch_size": 0}"#), "c.json: invalid fusion config: batch_size must be an integer in [1, 65536], got 0");
        assert_eq!(
            file_err(r#"{"gaussian": {"step": 1e-9}}"#),
            "c.json: invalid fusion config: gaussian gives 8000000001 centres ((dmax − dmin) / step + 1), more than 8192; raise gaussian.step"
        );
        assert_eq!(
            file_err(r#"{"forest": {"trees": 1000000000}}"#),
            "c.json: forest: trees 1000000000 must be in [1, 100000], max_features 0.3333333333333333 in (0, 1], min_samples_leaf 1 ≥ 1"
        );
        assert_eq!(file_err(r#"{"schedule": "x"}"#), r#"c.json: schedule must be one of "cosine", "constant", got "x""#);
        assert_eq!(file_err(r#"{"forest": 3}"#), "c.json: forest must be a JSON object, got 3");
        assert_eq!(file_err(r#"{"gaussian": 3}"#), "c.json: gaussian must be a JSON object, got 3");
        assert!(file_err(r#"{"dropout": 1.0}"#).starts_with("c.json: invalid fusion config: dropout must be in [0, 1)"));
        assert_eq!(
            file_err(r#"{"forest": {"trees": "many"}}"#),
            r#"c.json: invalid forest config: trees: expected a non-negative integer, got the string "many""#
        );
        assert_eq!(
            file_err(r#"{"hidden": "16"}"#),
            r#"c.json: invalid fusion config: hidden: expected a non-negative integer, got the string "16""#
        );
        assert_eq!(file_err("[1]"), "c.json: a config must be a JSON object");
        assert!(file_err("{").starts_with("c.json: not valid JSON: "));
    }
}
