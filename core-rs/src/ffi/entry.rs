//! The contract's safe Rust entry: the requests of [`crate::ffi`] served without raw pointers, for
//! the C functions and for other bindings (the Node.js addon). Errors and panics come back as
//! [`Error`]; [`super::error_payload`] turns one into the C ABI's status and JSON payload.

use std::panic::{catch_unwind, AssertUnwindSafe};
use std::sync::{Once, RwLock};

use serde::de::DeserializeOwned;

use super::{text, Domain, Slot};
use crate::error::{Error, Result};
use crate::te::dataset::Dataset;

/// Runs `f`, turning a panic into [`Error::Panic`] with its message (the default panic hook,
/// which would print to stderr, is replaced by a silent one on first use).
pub fn guarded<T>(f: impl FnOnce() -> Result<T>) -> Result<T> {
    static QUIET: Once = Once::new();
    QUIET.call_once(|| std::panic::set_hook(Box::new(|_| {})));
    catch_unwind(AssertUnwindSafe(f)).unwrap_or_else(|p| {
        let msg = p.downcast_ref::<&str>().map(|s| s.to_string()).or_else(|| p.downcast_ref::<String>().cloned());
        Err(Error::Panic(msg.unwrap_or_else(|| "unknown panic".into())))
    })
}

fn _request<T: DeserializeOwned>(req: &[u8]) -> Result<T> {
    serde_json::from_str(text(req)?).map_err(|e| Error::Usage(format!("invalid request: {e}")))
}

/// `_new` of domain `D`: the object behind the lock a handle points to, and the result payload.
pub fn new_object<D: Domain>(req: &[u8], data: &[u8]) -> Result<(RwLock<D>, Vec<u8>)> {
    guarded(|| {
        let (object, payload) = D::create(_request(req)?, data)?;
        Ok((RwLock::new(object), payload))
    })
}

/// `_call` of domain `D` on `this` with the second handle `with` (`None` = a null handle).
pub fn call_object<D: Domain>(this: Option<&RwLock<D>>, with: Option<&RwLock<Dataset>>, req: &[u8], data: &[u8]) -> Result<Vec<u8>> {
    guarded(|| D::call(Slot(this), Slot(with), _request(req)?, data))
}
