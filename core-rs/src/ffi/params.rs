//! The params domain of the C ABI: a handle holds an image CNN with its optimiser and training
//! images ([`ParamsTrainer`]).
//!
//! - `_new` `{"kind": "new", "config", "seed", "images": N, "height": H, "width": W, "heads":
//!   [k_t], "device"?}`; data packs pixels `u8[N·H·W·3]` (RGB, row-major), encoded targets
//!   `f32[N·K]` (K = Σ k_t) and split `u8[N]` (1 train, 2 val, 0 unused). `N` may be 0 (a model to
//!   load and predict with). Payload `{"parameters", "config", "device"}`.
//! - `_call` `{"kind": "step", "epoch", "weights"?, "lr"?}`, `{"kind": "keep_best"}`,
//!   `{"kind": "predict", "images": n, "best"?}` (data: pixels `u8[n·H·W·3]`; payload
//!   `{"predictions": [[K values], …]}`), `{"kind": "save", "path"}` (the best snapshot, else the
//!   current parameters) or `{"kind": "load", "path"}`; payload = JSON result.
//! - `_call` `{"kind": "resolve_config", "text", "file"}` with a null handle: a `keiro params
//!   train` config file resolved ([`ParamsFileConfig`]); payload = the resolved file.

use std::path::PathBuf;

use serde::Deserialize;
use serde_json::{json, Value};

use super::{exports, json_payload, Blob, DeviceField, Domain, Slot};
use crate::error::Result;
use crate::params::config::ParamsFileConfig;
use crate::params::trainer::{ImageData, ParamsTrainer};
use crate::te::dataset::Dataset;

/// A `keiro_params_new` request.
#[derive(Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case", deny_unknown_fields)]
pub enum ParamsNew {
    /// A freshly initialised model, with the images packed in the data.
    New {
        /// The model config (every key optional).
        config: Value,
        /// Seed of the initialisation and shuffling.
        seed: u64,
        /// Image count `N`.
        images: usize,
        /// Image height `H`.
        height: usize,
        /// Image width `W`.
        width: usize,
        /// Output columns of each head (1 or 2).
        heads: Vec<usize>,
        /// The device.
        #[serde(default)]
        device: DeviceField,
    },
}

/// A `keiro_params_call` request.
#[derive(Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case", deny_unknown_fields)]
pub enum ParamsCall {
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
    /// Predictions of the images packed in the data.
    Predict {
        /// Image count `n`.
        images: usize,
        /// Use the best snapshot.
        #[serde(default)]
        best: bool,
    },
    /// Write a checkpoint.
    Save {
        /// The safetensors file.
        path: PathBuf,
    },
    /// Read a checkpoint.
    Load {
        /// The safetensors file.
        path: PathBuf,
    },
    /// Resolve a `keiro params train` config file (stateless).
    ResolveConfig {
        /// The file's JSON text.
        text: String,
        /// The file that errors name.
        file: String,
    },
}

impl Domain for ParamsTrainer {
    const NAME: &'static str = "params";
    type New = ParamsNew;
    type Call = ParamsCall;

    fn create(
        ParamsNew::New { config, seed, images: n, height, width, heads, device }: ParamsNew,
        data: &[u8],
    ) -> Result<(ParamsTrainer, Vec<u8>)> {
        let k: usize = heads.iter().sum();
        let mut b = Blob::new(data);
        let images = ImageData { pixels: b.u8s(n * height * width * 3, "pixels")?, count: n, height, width };
        let targets = b.f32s(n * k, "targets")?;
        let split = b.u8s(n, "split")?;
        b.done()?;
        let t = ParamsTrainer::new(&config.to_string(), heads, images, targets, split, seed, &device.open()?)?;
        let payload = json_payload(&json!({"parameters": t.num_parameters(), "config": t.config(), "device": t.device()}))?;
        Ok((t, payload))
    }

    fn call(this: Slot<'_, ParamsTrainer>, _with: Slot<'_, Dataset>, req: ParamsCall, data: &[u8]) -> Result<Vec<u8>> {
        let out = match req {
            ParamsCall::Step { epoch, weights, lr } => this.write()?.step(epoch, weights, lr)?,
            ParamsCall::KeepBest => {
                this.write()?.keep_best()?;
                json!({})
            }
            ParamsCall::Predict { images: n, best } => {
                let mut t = this.write()?;
                let (height, width) = t.image_size();
                let mut b = Blob::new(data);
                let images = ImageData { pixels: b.u8s(n * height * width * 3, "pixels")?, count: n, height, width };
                b.done()?;
                t.predict(&images, best)?
            }
            ParamsCall::Save { path } => {
                this.write()?.save(&path)?;
                json!({})
            }
            ParamsCall::Load { path } => {
                this.write()?.load(&path)?;
                json!({})
            }
            ParamsCall::ResolveConfig { text, file } => return json_payload(&ParamsFileConfig::resolve(&text, &file)?),
        };
        json_payload(&out)
    }
}

exports!(ParamsTrainer, keiro_params_new, keiro_params_call, keiro_params_free);
