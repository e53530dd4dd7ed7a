//! A native object of one domain and the dispatch of the contract's requests to it.

use std::sync::{Arc, RwLock};

use keiro_core::ffi::{call_object, new_object};
use keiro_core::hybrid::trainer::Trainer;
use keiro_core::te::dataset::Dataset;
use keiro_core::{Error, Result};

/// A native object of one domain (`None` = a null handle: closed, or a stateless request), shared
/// with the calls in flight on it, so that closing it while a call runs frees it after the call.
#[derive(Clone)]
pub enum Object {
    /// A TE dataset (`te`).
    Te(Option<Arc<RwLock<Dataset>>>),
    /// A hybrid model (`hybrid`).
    Hybrid(Option<Arc<RwLock<Trainer>>>),
}

impl Object {
    /// The null handle of `domain` (a usage error for a domain the addon does not serve).
    pub fn null(domain: &str) -> Result<Object> {
        match domain {
            "te" => Ok(Object::Te(None)),
            "hybrid" => Ok(Object::Hybrid(None)),
            _ => Err(Error::Usage(format!("unknown domain {domain:?} (the addon serves te and hybrid)"))),
        }
    }

    /// `keiro_<domain>_new`: the object and the result payload.
    pub fn create(domain: &str, req: &[u8], data: &[u8]) -> Result<(Object, Vec<u8>)> {
        Ok(match Object::null(domain)? {
            Object::Te(_) => new_object::<Dataset>(req, data).map(|(o, p)| (Object::Te(Some(Arc::new(o))), p))?,
            Object::Hybrid(_) => new_object::<Trainer>(req, data).map(|(o, p)| (Object::Hybrid(Some(Arc::new(o))), p))?,
        })
    }

    /// `keiro_<domain>_call` on this object with the second handle `with` (a dataset, if any).
    pub fn call(&self, with: Option<&Object>, req: &[u8], data: &[u8]) -> Result<Vec<u8>> {
        let with = match with {
            None => None,
            Some(Object::Te(ds)) => ds.as_deref(),
            Some(_) => return Err(Error::Usage("the second handle must be a dataset".into())),
        };
        match self {
            Object::Te(o) => call_object(o.as_deref(), with, req, data),
            Object::Hybrid(o) => call_object(o.as_deref(), with, req, data),
        }
    }

    /// Drops this reference (the object is freed once no call in flight holds it).
    pub fn close(&mut self) {
        match self {
            Object::Te(o) => *o = None,
            Object::Hybrid(o) => *o = None,
        }
    }
}
