//! The fusion domain of the C ABI: a handle holds a fusion model ([`FusionTrainer`]); the random
//! forest is a stateless request of the same domain.
//!
//! - `_new` `{"kind": "new", "config", "seed", "crystals": S, "atoms": A, "feature_dim": F,
//!   "slots": M, "descriptor_dim": D, "tasks": T, "angles"?, "device"?}` (`device`: `cpu` by default,
//!   `cuda`, `cuda:N`); data packs atom features `f32[A·F]`, atom
//!   offsets `u32[S+1]`, neighbours `u32[A·M]`, distances `f32[A·M]`, descriptors `f32[S·D]`,
//!   targets `f32[S·T]` (NaN = missing), split `u8[S]`, and with `"angles": true` the bond-angle
//!   cosines `f32[A·M·M]` (the `alignn` mode's line graph). Payload `{"parameters", "config", "device"}`.
//! - `_call` `{"kind": "step", "epoch", "weights"?, "lr"?}`, `{"kind": "keep_best"}`,
//!   `{"kind": "predict", "best"?, "split"?, "zero_descriptors"?, "permute_embeddings"?}`,
//!   `{"kind": "save", "path"}` (the best snapshot, else the current parameters) or
//!   `{"kind": "load", "path"}`; payload = JSON result.
//! - `_call` `{"kind": "forest", "config", "seed", "rows", "width", "train_rows", "save"?}` with a
//!   null handle; data packs features `f32[rows·width]` then targets `f32[train_rows]` of the first
//!   rows. Payload `{"predictions": [rows], "importances": [width], "config"}`; with `save` the
//!   forest is also written to that safetensors file.
//! - `_call` `{"kind": "forest_predict", "path", "rows", "width"}` with a null handle: the forest
//!   saved in `path` predicts the features `f32[rows·width]` in the data; payload `{"predictions"}`.
//! - `_call` `{"kind": "resolve_config", "text", "file"}` with a null handle: a `keiro fuse`
//!   config file resolved ([`FusionFileConfig`]); payload = the resolved file.

use std::path::PathBuf;

use serde::Deserialize;
use serde_json::{json, Value};

use super::{exports, json_payload, Blob, DeviceField, Domain, Slot};
use crate::config_json::parse_config;
use crate::error::{Error, Result};
use crate::fusion::config::FusionFileConfig;
use crate::fusion::crystal_set::CrystalSet;
use crate::fusion::random_forest::{ForestConfig, RandomForest};
use crate::fusion::trainer::{FusionData, FusionTrainer, PredictOptions};
use crate::te::dataset::Dataset;

/// A `keiro_fusion_new` request.
#[derive(Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case", deny_unknown_fields)]
pub enum FusionNew {
    /// A freshly initialised model on the crystals packed in the data.
    New {
        /// The model config (every key optional).
        config: Value,
        /// Seed of the initialisation, shuffling and dropout.
        seed: u64,
        /// Crystal count `S`.
        crystals: usize,
        /// Atom count `A` over all crystals.
        atoms: usize,
        /// Atom feature width `F`.
        feature_dim: usize,
        /// Neighbour slots per atom `M`.
        slots: usize,
        /// Descriptor width `D` (0 = none).
        descriptor_dim: usize,
        /// Task count `T`.
        tasks: usize,
        /// Whether the data ends with the bond-angle cosines `f32[A·M·M]`.
        #[serde(default)]
        angles: bool,
        /// The device.
        #[serde(default)]
        device: DeviceField,
    },
}

/// A `keiro_fusion_call` request.
#[derive(Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case", deny_unknown_fields)]
pub enum FusionCall {
    /// Train one epoch.
    Step {
        /// Epoch number.
        epoch: usize,
        /// Task weights (None: all 1, or learned).
        #[serde(default)]
        weights: Option<Vec<f64>>,
        /// Learning rate (None: the config's).
        #[serde(default)]
        lr: Option<f64>,
    },
    /// Snapshot the parameters and batch-norm statistics as the best.
    KeepBest,
    /// Predictions for some crystals, with optional importance probes.
    Predict(PredictOptions),
    /// Fit a random forest and predict every row (stateless).
    Forest {
        /// The forest config (every key optional).
        config: Value,
        /// Seed of the bootstrap draws and feature subsets.
        seed: u64,
        /// Rows of the features.
        rows: usize,
        /// Features per row.
        width: usize,
        /// Leading rows with a target.
        train_rows: usize,
        /// Also write the fitted forest to this safetensors file.
        #[serde(default)]
        save: Option<PathBuf>,
    },
    /// Predict with a saved forest (stateless).
    ForestPredict {
        /// The forest's safetensors file.
        path: PathBuf,
        /// Rows of the features.
        rows: usize,
        /// Features per row.
        width: usize,
    },
    /// Save the parameters and batch-norm statistics as safetensors.
    Save {
        /// Output file.
        path: PathBuf,
    },
    /// Load parameters saved by `save`.
    Load {
        /// Input file.
        path: PathBuf,
    },
    /// Resolve a `keiro fuse` config file (stateless).
    ResolveConfig {
        /// The file's JSON text.
        text: String,
        /// The file that errors name.
        file: String,
    },
}

impl Domain for FusionTrainer {
    const NAME: &'static str = "fusion";
    type New = FusionNew;
    type Call = FusionCall;

    fn create(
        FusionNew::New { config, seed, crystals: s, atoms, feature_dim, slots, descriptor_dim, tasks, angles, device }: FusionNew,
        data: &[u8],
    ) -> Result<(FusionTrainer, Vec<u8>)> {
        let mut b = Blob::new(data);
        let mut crystals = CrystalSet {
            atom_features: b.f32s(atoms * feature_dim, "atom features")?,
            feature_dim,
            offsets: b.u32s(s + 1, "offsets")?,
            neighbours: b.u32s(atoms * slots, "neighbours")?,
            distances: b.f32s(atoms * slots, "distances")?,
            slots,
            cosines: Vec::new(),
        };
        let descriptors = b.f32s(s * descriptor_dim, "descriptors")?;
        let targets = b.f32s(s * tasks, "targets")?;
        let split = b.u8s(s, "split")?;
        if angles {
            crystals.cosines = b.f32s(atoms * slots * slots, "cosines")?;
        }
        let fd = FusionData { crystals, descriptors, descriptor_dim, targets, tasks, split };
        b.done()?;
        let t = FusionTrainer::new(&config.to_string(), fd, seed, &device.open()?)?;
        let payload = json_payload(&json!({"parameters": t.num_parameters(), "config": t.config(), "device": t.device()}))?;
        Ok((t, payload))
    }

    fn call(this: Slot<'_, FusionTrainer>, _with: Slot<'_, Dataset>, req: FusionCall, data: &[u8]) -> Result<Vec<u8>> {
        let out = match req {
            FusionCall::Step { epoch, weights, lr } => this.write()?.step(epoch, weights, lr)?,
            FusionCall::KeepBest => {
                this.write()?.keep_best()?;
                json!({})
            }
            FusionCall::Predict(o) => this.write()?.predict(o)?,
            FusionCall::Forest { config, seed, rows, width, train_rows, save } => {
                let cfg: ForestConfig = parse_config(&config.to_string(), "forest")?;
                let mut b = Blob::new(data);
                let x = b.f32s(rows * width, "features")?;
                let y: Vec<f64> = b.f32s(train_rows, "targets")?.into_iter().map(f64::from).collect();
                b.done()?;
                let (f, predictions) = RandomForest::fit_predict(&x, rows, width, &y, &cfg, seed)?;
                if let Some(path) = save {
                    f.save(&path)?;
                }
                json!({"predictions": predictions, "importances": f.importances, "config": cfg})
            }
            FusionCall::ForestPredict { path, rows, width } => {
                let forest = RandomForest::load(&path)?;
                let mut b = Blob::new(data);
                let x = b.f32s(rows * width, "features")?;
                b.done()?;
                if width != forest.importances.len() {
                    return Err(Error::Usage(format!(
                        "forest {}: {width} features per row, the forest takes {}",
                        path.display(),
                        forest.importances.len()
                    )));
                }
                json!({"predictions": forest.predict(&x)?})
            }
            FusionCall::Save { path } => {
                this.write()?.save(&path)?;
                json!({})
            }
            FusionCall::Load { path } => {
                this.write()?.load(&path)?;
                json!({})
            }
            FusionCall::ResolveConfig { text, file } => return json_payload(&FusionFileConfig::resolve(&text, &file)?),
        };
        json_payload(&out)
    }
}

exports!(FusionTrainer, keiro_fusion_new, keiro_fusion_call, keiro_fusion_free);
