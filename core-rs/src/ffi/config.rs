//! Config resolution across the C ABI: one call that forwards a request to its domain's config.

use serde_json::{Map, Value};

use super::{_guard, _options, _str};
use crate::fusion::config::FusionFileConfig;
use crate::hybrid::config::HybridConfig;

/// A config to resolve: its domain, its JSON `text` and the `file` that errors name.
#[derive(serde::Deserialize)]
#[serde(tag = "domain", rename_all = "snake_case", deny_unknown_fields)]
enum _Request {
    Hybrid { text: String, file: String, base: Option<Map<String, Value>> },
    HybridSupervised { text: String, file: String, base: Map<String, Value> },
    Fusion { text: String, file: String },
}

/// Resolves a config. `req` is JSON `{"domain": "hybrid", "text", "file", "base"?}` (a training
/// config, over `base`), `{"domain": "hybrid_supervised", "text", "file", "base"}` (a
/// `supervised_config` file over the config `base`) or `{"domain": "fusion", "text", "file"}`
/// (a `keiro fuse` config file). Payload: hybrid `{"config", "model", "warnings"}`, fusion the
/// resolved file; a bad config is a usage error.
///
/// # Safety
/// `req` must point to `len` readable bytes.
#[no_mangle]
pub unsafe extern "C" fn keiro_config_resolve(req: *const u8, len: usize) -> *mut u8 {
    _guard(|| {
        let resolved = match _options::<_Request>(_str(req, len)?)? {
            _Request::Hybrid { text, file, base } => serde_json::to_vec(&HybridConfig::resolve(&text, &file, base.as_ref())?),
            _Request::HybridSupervised { text, file, base } => serde_json::to_vec(&HybridConfig::resolve_supervised(&text, &file, &base)?),
            _Request::Fusion { text, file } => serde_json::to_vec(&FusionFileConfig::resolve(&text, &file)?),
        };
        Ok((0, resolved.expect("a resolved config serialises")))
    })
}
