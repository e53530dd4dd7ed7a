//! The native core's JSON configs: empty text means every default, and a parse error (an unknown key,
//! a wrong type) is a usage error that names the config.

use serde::de::DeserializeOwned;

use crate::error::{Error, Result};

/// Parses the config `what` (`"glm"`, `"fusion"`, …) from `text`; `""` gives `T`'s defaults.
pub fn parse_config<T: DeserializeOwned>(text: &str, what: &str) -> Result<T> {
    let text = if text.trim().is_empty() { "{}" } else { text };
    serde_json::from_str(text).map_err(|e| Error::Usage(format!("invalid {what} config: {e}")))
}
