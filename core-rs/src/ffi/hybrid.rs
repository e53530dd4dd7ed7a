//! The hybrid domain of the C ABI: a handle holds a model with its optimiser ([`Trainer`]).
//!
//! - `_new` `{"kind": "new", "config", "seed", "device"?}`: a fresh model from a JSON model config.
//! - `_new` `{"kind": "load", "config", "weights", "optimizer"?, "device"?}`: a model from a
//!   checkpoint (written on any device). `device` is `cpu` (default), `cuda` or `cuda:N`. Both
//!   payloads are `{"parameters": N, "device": "cpu" | "cuda:N"}`.
//! - `_call` `{"kind": "save", "weights", "optimizer"?}`; payload `{}`.
//! - `_call` `{"kind": "supervised", ...SupervisedRequest}` / `{"kind": "rl", ...RlRequest}` with
//!   `with` = the TE dataset: one training step; payload = its metrics.
//! - `_call` `{"kind": "route", ...RouteRequest}` with `with` = the TE dataset; payload = a JSON
//!   array of [`RouteRecord`](crate::hybrid::trainer::RouteRecord)s.
//! - `_call` `{"kind": "resolve_config", "text", "file", "base"?}` (a training config over `base`)
//!   or `{"kind": "resolve_supervised_config", "text", "file", "base"}` (a `supervised_config` file
//!   over the resolved config `base`), stateless (null handles); payload `{"config", "model",
//!   "warnings"}` or the resolved overrides ([`HybridConfig`]).
//! - `_call` `{"kind": "limits"}`, stateless: payload = the bounds of the command-line flags that
//!   set no config key (`{"max_items", "max_epochs", "max_width", "max_threads", "max_runs",
//!   "max_samples", "max_local_search", "min_temperature"}`; docs/limits.md).

use std::path::PathBuf;

use serde::Deserialize;
use serde_json::{json, Map, Value};

use super::{exports, json_payload, DeviceField, Domain, Slot};
use crate::config_json::{MAX_EPOCHS, MAX_ITEMS, MAX_RUNS, MAX_THREADS, MAX_WIDTH};
use crate::error::Result;
use crate::hybrid::config::{HybridConfig, MAX_LOCAL_SEARCH, MAX_SAMPLES, MIN_TEMPERATURE};
use crate::hybrid::trainer::{RlRequest, RouteRequest, SupervisedRequest, Trainer};
use crate::te::dataset::Dataset;

/// A `keiro_hybrid_new` request.
#[derive(Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case", deny_unknown_fields)]
pub enum HybridNew {
    /// A freshly initialised model.
    New {
        /// The model config (docs/hybrid.md).
        config: Value,
        /// Seed of the initialisation.
        seed: u64,
        /// The device.
        #[serde(default)]
        device: DeviceField,
    },
    /// A model from a checkpoint.
    Load {
        /// The model config.
        config: Value,
        /// The weights file.
        weights: PathBuf,
        /// The optimiser state file, if restored.
        #[serde(default)]
        optimizer: Option<PathBuf>,
        /// The device.
        #[serde(default)]
        device: DeviceField,
    },
}

/// A `keiro_hybrid_call` request.
#[derive(Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case", deny_unknown_fields)]
pub enum HybridCall {
    /// Save the weights (and the optimiser state).
    Save {
        /// The weights file.
        weights: PathBuf,
        /// The optimiser state file, if saved.
        #[serde(default)]
        optimizer: Option<PathBuf>,
    },
    /// A supervised step on the `with` dataset.
    Supervised(SupervisedRequest),
    /// An RL step on the `with` dataset.
    Rl(RlRequest),
    /// Route instances of the `with` dataset.
    Route(RouteRequest),
    /// Resolve a training config (stateless).
    ResolveConfig {
        /// The config's JSON text.
        text: String,
        /// The file that errors name.
        file: String,
        /// Keys under the config's (those of an earlier config), if any.
        #[serde(default)]
        base: Option<Map<String, Value>>,
    },
    /// Resolve a `supervised_config` file over a resolved config (stateless).
    ResolveSupervisedConfig {
        /// The file's JSON text.
        text: String,
        /// The file that errors name.
        file: String,
        /// The resolved config the file overrides.
        base: Map<String, Value>,
    },
    /// The bounds of the command-line flags that set no config key (stateless).
    Limits,
}

impl Domain for Trainer {
    const NAME: &'static str = "model";
    type New = HybridNew;
    type Call = HybridCall;

    fn create(req: HybridNew, _data: &[u8]) -> Result<(Trainer, Vec<u8>)> {
        let t = match req {
            HybridNew::New { config, seed, device } => Trainer::new(&config.to_string(), seed, &device.open()?)?,
            HybridNew::Load { config, weights, optimizer, device } => {
                Trainer::load(&config.to_string(), &weights, optimizer.as_deref(), &device.open()?)?
            }
        };
        let ps = &t.model.params;
        let payload = json_payload(&json!({"parameters": ps.num_parameters(), "device": crate::device::name(ps.device())}))?;
        Ok((t, payload))
    }

    fn call(this: Slot<'_, Trainer>, with: Slot<'_, Dataset>, req: HybridCall, _data: &[u8]) -> Result<Vec<u8>> {
        match req {
            HybridCall::Save { weights, optimizer } => {
                this.read()?.save(&weights, optimizer.as_deref())?;
                Ok(b"{}".to_vec())
            }
            HybridCall::Supervised(r) => json_payload(&this.write()?.supervised(&with.read()?.instances, &r)?),
            HybridCall::Rl(r) => json_payload(&this.write()?.reinforce(&with.read()?.instances, &r)?),
            HybridCall::Route(r) => json_payload(&this.write()?.route(&with.read()?.instances, &r)?),
            HybridCall::ResolveConfig { text, file, base } => json_payload(&HybridConfig::resolve(&text, &file, base.as_ref())?),
            HybridCall::ResolveSupervisedConfig { text, file, base } => {
                json_payload(&HybridConfig::resolve_supervised(&text, &file, &base)?)
            }
            HybridCall::Limits => json_payload(&json!({
                "max_items": MAX_ITEMS,
                "max_epochs": MAX_EPOCHS,
                "max_width": MAX_WIDTH,
                "max_threads": MAX_THREADS,
                "max_runs": MAX_RUNS,
                "max_samples": MAX_SAMPLES,
                "max_local_search": MAX_LOCAL_SEARCH,
                "min_temperature": MIN_TEMPERATURE,
            })),
        }
    }
}

exports!(Trainer, keiro_hybrid_new, keiro_hybrid_call, keiro_hybrid_free);

#[cfg(test)]
mod tests {
    use super::super::tests::read;
    use super::*;

    #[test]
    fn limits_are_the_constants_without_a_handle() {
        let req = r#"{"kind":"limits"}"#;
        let (this, with) = (std::ptr::null(), std::ptr::null());
        // SAFETY: null handles; the slices outlive the call.
        let (status, _, text) = read(unsafe { keiro_hybrid_call(this, with, req.as_ptr(), req.len(), req.as_ptr(), 0) });
        assert_eq!(status, 0, "{text}");
        let v: Value = serde_json::from_str(&text).unwrap();
        assert_eq!(v["max_threads"], MAX_THREADS);
        assert_eq!(v["max_runs"], MAX_RUNS);
        assert_eq!(v["max_samples"], MAX_SAMPLES);
        assert_eq!(v["max_local_search"], MAX_LOCAL_SEARCH);
        assert_eq!(v["min_temperature"], MIN_TEMPERATURE);
        assert_eq!(v.as_object().unwrap().len(), 8);
    }
}
