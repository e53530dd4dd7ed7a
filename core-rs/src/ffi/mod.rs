//! The C ABI: one contract for every domain, thin wrappers that convert and forward.
//!
//! # The contract
//!
//! Each domain `<d>` (`te`, `hybrid`, `glm`, `fusion`, `params`) exports three functions:
//!
//! - `keiro_<d>_new(req, req_len, data, data_len) -> *mut u8` builds a native object; the result
//!   buffer's handle field is its handle.
//! - `keiro_<d>_call(handle, with, req, req_len, data, data_len) -> *mut u8` serves one request.
//!   `with` is an optional second handle, always a TE dataset (the instances a hybrid model steps
//!   or routes on). A stateless request (TE `generate`, fusion `forest`) takes null for both.
//! - `keiro_<d>_free(handle)` frees the object (null is ignored).
//!
//! `req` is UTF-8 JSON tagged by `"kind"`, parsed into the domain's request enum (unknown kinds and
//! keys are usage errors); `data` holds the request's bytes, if any: JSONL text, or little-endian
//! arrays packed one after another (`f32`, `i32`, `u32`, `u8`, in the order the request documents).
//! Adding a request is adding a variant to a domain's enum and a match arm; adding a domain is a
//! [`Domain`] impl and an [`exports!`] line.
//!
//! Besides, `keiro_abi_version()` returns [`ABI_VERSION`] and `keiro_buffer_free(buf)` frees a
//! result buffer.
//!
//! Other bindings (the Node.js addon, `bindings/node`) serve the same requests through the safe
//! entry [`new_object`] / [`call_object`] (errors and caught panics as [`Error`], their payload by
//! [`error_payload`]); the C functions wrap it.
//!
//! # Result buffers
//!
//! Every `_new` and `_call` returns a heap buffer `[status u32][reserved u32][len u64][handle u64]
//! [payload]` that the caller frees with `keiro_buffer_free`. Status 0 = ok (payload = the result,
//! JSON or JSONL), otherwise the payload is a JSON error `{"kind", "message", "line"?, "field"?}`:
//! 1 input, 2 usage, 3 solver, 4 panic. Panics never unwind across the boundary.
//!
//! # Handles
//!
//! A handle is a boxed read-write lock around the domain's object: overlapping calls that change it
//! queue, calls that only read a `Sync` object (TE solves and evaluations) run side by side. A
//! null handle given to a request that needs one is the usage error "`<name>` handle is closed".

use std::sync::{RwLock, RwLockReadGuard, RwLockWriteGuard};

use serde::de::DeserializeOwned;
use serde::Serialize;
use serde_json::{json, Value};

use crate::error::{Error, Result};
use crate::te::dataset::Dataset;

mod entry;
mod fusion;
mod glm;
mod hybrid;
mod params;
mod te;

pub use entry::{call_object, guarded, new_object};

pub use fusion::{keiro_fusion_call, keiro_fusion_free, keiro_fusion_new};
pub use glm::{keiro_glm_call, keiro_glm_free, keiro_glm_new};
pub use hybrid::{keiro_hybrid_call, keiro_hybrid_free, keiro_hybrid_new};
pub use params::{keiro_params_call, keiro_params_free, keiro_params_new};
pub use te::{keiro_te_call, keiro_te_free, keiro_te_new};

/// Bumped whenever an exported signature, a request or the buffer layout changes.
pub const ABI_VERSION: u32 = 7;
const HEADER: usize = 24;

/// A domain of the C ABI: the object its handle holds, its requests, and how it serves them.
pub trait Domain: Sized + Send + 'static {
    /// The handle's name in the "handle is closed" error.
    const NAME: &'static str;
    /// The `_new` request (a `kind`-tagged enum).
    type New: DeserializeOwned;
    /// The `_call` request (a `kind`-tagged enum).
    type Call: DeserializeOwned;

    /// Builds the object from a `_new` request and its data; returns it with the result payload.
    fn create(req: Self::New, data: &[u8]) -> Result<(Self, Vec<u8>)>;

    /// Serves a `_call` request; `this` and `with` are opened only by the requests that use them.
    fn call(this: Slot<'_, Self>, with: Slot<'_, Dataset>, req: Self::Call, data: &[u8]) -> Result<Vec<u8>>;
}

/// The `device` field of a `_new` request: `cpu` (the default), `cuda` or `cuda:N`.
#[derive(serde::Deserialize)]
#[serde(transparent)]
pub struct DeviceField(String);

impl Default for DeviceField {
    fn default() -> Self {
        DeviceField("cpu".into())
    }
}

impl DeviceField {
    /// The device it names, opened (a usage error when this build or machine has none).
    pub(crate) fn open(&self) -> Result<candle_core::Device> {
        crate::device::device(&self.0)
    }
}

/// A possibly null handle, opened on demand.
pub struct Slot<'a, T>(Option<&'a RwLock<T>>);

impl<'a, T: Domain> Slot<'a, T> {
    fn _open(&self) -> Result<&'a RwLock<T>> {
        self.0.ok_or_else(|| Error::Usage(format!("{} handle is closed", T::NAME)))
    }

    /// Exclusive access (waits for every other call on the handle). An object that is not `Sync` is
    /// only ever reached this way, so the lock serves it as a mutex would.
    pub fn write(&self) -> Result<RwLockWriteGuard<'a, T>> {
        Ok(self._open()?.write().unwrap_or_else(|e| e.into_inner()))
    }
}

impl<'a, T: Domain + Sync> Slot<'a, T> {
    /// Shared access (waits for a writer).
    pub fn read(&self) -> Result<RwLockReadGuard<'a, T>> {
        Ok(self._open()?.read().unwrap_or_else(|e| e.into_inner()))
    }
}

/// The JSON bytes of a result payload.
pub(crate) fn json_payload(v: &impl Serialize) -> Result<Vec<u8>> {
    serde_json::to_vec(v).map_err(|e| Error::Usage(format!("result is not JSON: {e}")))
}

fn _buffer(status: u32, handle: u64, payload: &[u8]) -> *mut u8 {
    let mut v = Vec::with_capacity(HEADER + payload.len());
    v.extend_from_slice(&status.to_le_bytes());
    v.extend_from_slice(&0u32.to_le_bytes());
    v.extend_from_slice(&(payload.len() as u64).to_le_bytes());
    v.extend_from_slice(&handle.to_le_bytes());
    v.extend_from_slice(payload);
    Box::into_raw(v.into_boxed_slice()) as *mut u8
}

/// The status and JSON payload `{"kind", "message", "line"?, "field"?}` of an error: 1 input,
/// 2 usage, 3 solver (and tensor), 4 panic.
pub fn error_payload(e: &Error) -> (u32, Vec<u8>) {
    let (status, extra) = match e {
        Error::Input { line, field, .. } => (1, json!({"kind": "input", "line": line, "field": field})),
        Error::Usage(_) => (2, json!({"kind": "usage"})),
        Error::Solver(_) => (3, json!({"kind": "solver"})),
        Error::Tensor(_) => (3, json!({"kind": "tensor"})),
        Error::Panic(_) => (4, json!({"kind": "panic"})),
    };
    let mut v = extra;
    v["message"] = Value::from(e.to_string());
    (status, v.to_string().into_bytes())
}

/// Runs `f`, catching errors and panics, and packages the outcome.
fn _guard(f: impl FnOnce() -> Result<(u64, Vec<u8>)>) -> *mut u8 {
    match guarded(f) {
        Ok((handle, payload)) => _buffer(0, handle, &payload),
        Err(e) => {
            let (status, payload) = error_payload(&e);
            _buffer(status, 0, &payload)
        }
    }
}

unsafe fn _bytes<'a>(ptr: *const u8, len: usize) -> Result<&'a [u8]> {
    if len == 0 {
        return Ok(&[]);
    }
    if ptr.is_null() {
        return Err(Error::Usage("null pointer".into()));
    }
    Ok(std::slice::from_raw_parts(ptr, len))
}

/// UTF-8 text of a data buffer (JSONL); errors are input errors.
pub(crate) fn text(data: &[u8]) -> Result<&str> {
    std::str::from_utf8(data).map_err(|e| Error::input(0, "input", format!("is not UTF-8: {e}")))
}

/// `keiro_<d>_new` of domain `D`.
///
/// # Safety
/// `req` and `data` must point to `req_len` and `data_len` readable bytes.
pub(crate) unsafe fn new_handle<D: Domain>(req: *const u8, req_len: usize, data: *const u8, data_len: usize) -> *mut u8 {
    _guard(|| {
        let object = new_object::<D>(_bytes(req, req_len)?, _bytes(data, data_len)?)?;
        Ok((Box::into_raw(Box::new(object.0)) as u64, object.1))
    })
}

/// `keiro_<d>_call` of domain `D`.
///
/// # Safety
/// `h` and `with` must be null or live handles of their domains; `req` and `data` must point to
/// `req_len` and `data_len` readable bytes.
pub(crate) unsafe fn call_handle<D: Domain>(
    h: *const RwLock<D>,
    with: *const RwLock<Dataset>,
    req: *const u8,
    req_len: usize,
    data: *const u8,
    data_len: usize,
) -> *mut u8 {
    _guard(|| Ok((0, call_object(h.as_ref(), with.as_ref(), _bytes(req, req_len)?, _bytes(data, data_len)?)?)))
}

/// `keiro_<d>_free` of domain `D`.
///
/// # Safety
/// `h` must be null or a handle of domain `D`, freed once.
pub(crate) unsafe fn free_handle<D: Domain>(h: *mut RwLock<D>) {
    if !h.is_null() {
        drop(Box::from_raw(h));
    }
}

/// Exports `keiro_<d>_new`, `keiro_<d>_call` and `keiro_<d>_free` for a [`Domain`] type.
macro_rules! exports {
    ($domain:ty, $new:ident, $call:ident, $free:ident) => {
        /// Builds a native object (see the contract in [`crate::ffi`]).
        ///
        /// # Safety
        /// `req` and `data` must point to `req_len` and `data_len` readable bytes.
        #[no_mangle]
        pub unsafe extern "C" fn $new(req: *const u8, req_len: usize, data: *const u8, data_len: usize) -> *mut u8 {
            $crate::ffi::new_handle::<$domain>(req, req_len, data, data_len)
        }

        /// Serves one request (see the contract in [`crate::ffi`]).
        ///
        /// # Safety
        /// `h` and `with` must be null or live handles; `req` and `data` must point to `req_len`
        /// and `data_len` readable bytes.
        #[no_mangle]
        pub unsafe extern "C" fn $call(
            h: *const std::sync::RwLock<$domain>,
            with: *const std::sync::RwLock<$crate::te::dataset::Dataset>,
            req: *const u8,
            req_len: usize,
            data: *const u8,
            data_len: usize,
        ) -> *mut u8 {
            $crate::ffi::call_handle::<$domain>(h, with, req, req_len, data, data_len)
        }

        /// Frees a native object.
        ///
        /// # Safety
        /// `h` must be null or a handle of this domain, freed once.
        #[no_mangle]
        pub unsafe extern "C" fn $free(h: *mut std::sync::RwLock<$domain>) {
            $crate::ffi::free_handle::<$domain>(h)
        }
    };
}
use exports;

/// Little-endian arrays packed one after another in a data buffer, read in order.
pub(crate) struct Blob<'a> {
    bytes: &'a [u8],
    at: usize,
}

impl<'a> Blob<'a> {
    /// Reads `bytes` from the start.
    pub fn new(bytes: &'a [u8]) -> Blob<'a> {
        Blob { bytes, at: 0 }
    }

    fn _take<const W: usize, T>(&mut self, n: usize, what: &str, f: impl Fn([u8; W]) -> T) -> Result<Vec<T>> {
        let end = n.checked_mul(W).and_then(|b| b.checked_add(self.at));
        let b = end
            .and_then(|end| self.bytes.get(self.at..end))
            .ok_or_else(|| Error::Usage(format!("data buffer ends before {what} ({n} values)")))?;
        self.at += b.len();
        Ok(b.chunks_exact(W).map(|c| f(c.try_into().expect("chunk width"))).collect())
    }

    /// The next `n` `f32`s.
    pub fn f32s(&mut self, n: usize, what: &str) -> Result<Vec<f32>> {
        self._take(n, what, f32::from_le_bytes)
    }

    /// The next `n` `i32`s.
    pub fn i32s(&mut self, n: usize, what: &str) -> Result<Vec<i32>> {
        self._take(n, what, i32::from_le_bytes)
    }

    /// The next `n` `u32`s.
    pub fn u32s(&mut self, n: usize, what: &str) -> Result<Vec<u32>> {
        self._take(n, what, u32::from_le_bytes)
    }

    /// The next `n` bytes.
    pub fn u8s(&mut self, n: usize, what: &str) -> Result<Vec<u8>> {
        self._take(n, what, u8::from_le_bytes)
    }

    /// Fails unless every byte was read.
    pub fn done(&self) -> Result<()> {
        if self.at != self.bytes.len() {
            return Err(Error::Usage(format!("data buffer has {} bytes left over", self.bytes.len() - self.at)));
        }
        Ok(())
    }
}

/// The ABI version of this library.
#[no_mangle]
pub extern "C" fn keiro_abi_version() -> u32 {
    ABI_VERSION
}

/// Frees a buffer returned by any other call.
///
/// # Safety
/// `buf` must come from this library and be freed once.
#[no_mangle]
pub unsafe extern "C" fn keiro_buffer_free(buf: *mut u8) {
    if !buf.is_null() {
        let len = u64::from_le_bytes(std::slice::from_raw_parts(buf.add(8), 8).try_into().unwrap()) as usize;
        drop(Box::from_raw(std::ptr::slice_from_raw_parts_mut(buf, HEADER + len)));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Status, handle and payload of a result buffer, which it frees.
    pub(super) fn read(buf: *mut u8) -> (u32, u64, String) {
        // SAFETY: `buf` comes from `_guard` and is freed exactly once here.
        unsafe {
            let status = u32::from_le_bytes(std::slice::from_raw_parts(buf, 4).try_into().unwrap());
            let len = u64::from_le_bytes(std::slice::from_raw_parts(buf.add(8), 8).try_into().unwrap()) as usize;
            let handle = u64::from_le_bytes(std::slice::from_raw_parts(buf.add(16), 8).try_into().unwrap());
            let text = String::from_utf8(std::slice::from_raw_parts(buf.add(HEADER), len).to_vec()).unwrap();
            keiro_buffer_free(buf);
            (status, handle, text)
        }
    }

    #[test]
    fn panics_become_status_4_with_the_message() {
        let (status, _, text) = read(_guard(|| panic!("boom {}", 42)));
        assert_eq!(status, 4);
        let v: Value = serde_json::from_str(&text).unwrap();
        assert_eq!(v["kind"], "panic");
        assert_eq!(v["message"], "internal error (panic): boom 42");
    }

    #[test]
    fn errors_carry_kind_line_and_field() {
        let (status, _, text) = read(_guard(|| Err(Error::input(3, "edges[0].capacity", "must be positive"))));
        assert_eq!(status, 1);
        let v: Value = serde_json::from_str(&text).unwrap();
        assert_eq!((v["line"].as_u64(), v["field"].as_str()), (Some(3), Some("edges[0].capacity")));
        assert_eq!(v["message"], "line 3: edges[0].capacity must be positive");
    }

    #[test]
    fn a_blob_reads_its_arrays_in_order_and_every_byte() {
        let mut bytes = 1.5f32.to_le_bytes().to_vec();
        bytes.extend((-2i32).to_le_bytes());
        bytes.extend(7u32.to_le_bytes());
        bytes.push(9);
        let mut b = Blob::new(&bytes);
        assert_eq!(b.f32s(1, "a").unwrap(), vec![1.5]);
        assert_eq!(b.i32s(1, "b").unwrap(), vec![-2]);
        assert!(b.done().is_err());
        assert_eq!(b.u32s(1, "c").unwrap(), vec![7]);
        assert_eq!(b.u8s(2, "d").unwrap_err().to_string(), "data buffer ends before d (2 values)");
        assert_eq!(b.u8s(usize::MAX, "e").unwrap_err().to_string(), format!("data buffer ends before e ({} values)", usize::MAX));
        assert_eq!(b.u8s(1, "d").unwrap(), vec![9]);
        b.done().unwrap();
    }
}
