//! The GLM domain of the C ABI: a handle holds a node classifier with an optional graph learning
//! module ([`GlmTrainer`]).
//!
//! - `_new` `{"kind": "new", "config", "seed", "nodes": n, "features": f, "edges": m, "classes": c,
//!   "device"?}` (`device`: `cpu` by default, `cuda`, `cuda:N`); data packs
//!   features `f32[n·f]`, labels `i32[n]` (−1 = none), split `u8[n]` (0 none, 1 train, 2 val,
//!   3 test), undirected edges `u32[2·m]`. Payload `{"parameters", "classes", "config", "device"}`
//!   (the resolved config, the device's name).
//! - `_call` `{"kind": "step", "epoch"}`, `{"kind": "keep_best"}`, `{"kind": "evaluate", "best"?,
//!   "epoch"?}`, `{"kind": "graph", "best"?, "epoch"?}`, `{"kind": "predict", "best"?, "epoch"?}`
//!   (`{"classes", "probabilities"}`), `{"kind": "save", "path"}` (the best snapshot, else the
//!   current parameters) or `{"kind": "load", "path"}`; payload = JSON result.
//! - `_call` `{"kind": "resolve_config", "text", "file"}` with null handles: a GLM config resolved
//!   ([`GlmConfig`]), or a usage error naming the file and the key.
//! - `_call` `{"kind": "enhance", "config", "seed", "device"?}` with null handles: a
//!   speech-enhancement run ([`run_enhance`]); payload = its JSON result.

use std::path::PathBuf;

use serde::Deserialize;
use serde_json::{json, Value};

use super::{exports, json_payload, Blob, DeviceField, Domain, Slot};
use crate::error::Result;
use crate::glm::config::GlmConfig;
use crate::glm::speech::enhancer::run_enhance;
use crate::glm::trainer::{GlmTrainer, NodeData};
use crate::te::dataset::Dataset;

/// A `keiro_glm_new` request.
#[derive(Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case", deny_unknown_fields)]
pub enum GlmNew {
    /// A freshly initialised model on the nodes packed in the data.
    New {
        /// The user's config keys (the core fills the defaults).
        config: Value,
        /// Seed of the initialisation, dropout and sampling.
        seed: u64,
        /// Node count `n`.
        nodes: usize,
        /// Feature width `f`.
        features: usize,
        /// Undirected edge count `m`.
        edges: usize,
        /// Class count (labels lie in `0..classes`).
        classes: usize,
        /// The device.
        #[serde(default)]
        device: DeviceField,
    },
}

/// A `keiro_glm_call` request.
#[derive(Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case", deny_unknown_fields)]
pub enum GlmCall {
    /// Train one epoch and evaluate.
    Step {
        /// Epoch number, from 1.
        epoch: usize,
    },
    /// Snapshot the parameters as the best.
    KeepBest,
    /// Evaluate the current (or best) parameters.
    Evaluate {
        /// Use the best snapshot.
        #[serde(default)]
        best: bool,
        /// Epoch of the schedules.
        #[serde(default)]
        epoch: usize,
    },
    /// Resolve a config (stateless: null handles).
    ResolveConfig {
        /// The config's JSON text.
        text: String,
        /// The file that errors name.
        file: String,
    },
    /// The graph the GNN sees.
    Graph {
        /// Use the best snapshot.
        #[serde(default)]
        best: bool,
        /// Epoch of the schedules.
        #[serde(default)]
        epoch: usize,
    },
    /// Class probabilities of every node.
    Predict {
        /// Use the best snapshot.
        #[serde(default)]
        best: bool,
        /// Epoch of the schedules.
        #[serde(default)]
        epoch: usize,
    },
    /// Train and score a speech-enhancement mask estimator (stateless: null handles).
    Enhance {
        /// The run config ([`EnhanceConfig`](crate::glm::speech::enhancer::EnhanceConfig)).
        config: Value,
        /// Seed of the clips, the initialisation and the dropout.
        seed: u64,
        /// The device.
        #[serde(default)]
        device: DeviceField,
    },
    /// Save the parameters as safetensors.
    Save {
        /// Output file.
        path: PathBuf,
    },
    /// Load parameters saved by `save`.
    Load {
        /// Input file.
        path: PathBuf,
    },
}

impl Domain for GlmTrainer {
    const NAME: &'static str = "glm";
    type New = GlmNew;
    type Call = GlmCall;

    fn create(
        GlmNew::New { config, seed, nodes: n, features: f, edges: m, classes, device }: GlmNew,
        data: &[u8],
    ) -> Result<(GlmTrainer, Vec<u8>)> {
        let mut b = Blob::new(data);
        let features = b.f32s(n * f, "features")?;
        let labels = b.i32s(n, "labels")?;
        let split = b.u8s(n, "split")?;
        let pairs = b.u32s(2 * m, "edges")?;
        b.done()?;
        let edges = pairs.chunks(2).map(|p| (p[0] as usize, p[1] as usize)).collect();
        let t = GlmTrainer::new(
            &config.to_string(),
            NodeData { features, num_features: f, labels, split, edges, classes },
            seed,
            &device.open()?,
        )?;
        let payload =
            json_payload(&json!({"parameters": t.num_parameters(), "classes": t.classes(), "config": t.config(), "device": t.device()}))?;
        Ok((t, payload))
    }

    fn call(this: Slot<'_, GlmTrainer>, _with: Slot<'_, Dataset>, req: GlmCall, _data: &[u8]) -> Result<Vec<u8>> {
        let out = match req {
            GlmCall::Step { epoch } => this.write()?.step(epoch)?,
            GlmCall::KeepBest => {
                this.write()?.keep_best()?;
                json!({})
            }
            GlmCall::Evaluate { best, epoch } => this.write()?.evaluate(best, epoch)?,
            GlmCall::Graph { best, epoch } => this.write()?.graph(best, epoch)?,
            GlmCall::Predict { best, epoch } => this.write()?.predict(best, epoch)?,
            GlmCall::Save { path } => {
                this.write()?.save(&path)?;
                json!({})
            }
            GlmCall::Load { path } => {
                this.write()?.load(&path)?;
                json!({})
            }
            GlmCall::ResolveConfig { text, file } => GlmConfig::resolve(&text, &file)?.to_json(),
            GlmCall::Enhance { config, seed, device } => run_enhance(&config.to_string(), seed, &device.open()?)?,
        };
        json_payload(&out)
    }
}

exports!(GlmTrainer, keiro_glm_new, keiro_glm_call, keiro_glm_free);
