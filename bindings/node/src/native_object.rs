//! The JavaScript class around a native object.

use napi::bindgen_prelude::AsyncTask;
use napi_derive::napi;

use crate::object::Object;
use crate::tasks::{Call, Open, PanicTest};

/// A native object (a TE dataset or a hybrid model). `close()` frees it; so does the garbage
/// collector's finalizer when JavaScript drops it unclosed.
#[napi]
pub struct NativeObject {
    pub(crate) object: Object,
}

#[napi]
impl NativeObject {
    /// `keiro_<domain>_call(this, null, req, data)` on the thread pool.
    #[napi]
    pub fn call(&self, req: String, data: String) -> AsyncTask<Call> {
        AsyncTask::new(Call { object: Ok(self.object.clone()), with: None, req, data })
    }

    /// `keiro_<domain>_call(this, with, req, data)` on the thread pool; `with` is a dataset.
    #[napi]
    pub fn call_with(&self, with: &NativeObject, req: String, data: String) -> AsyncTask<Call> {
        AsyncTask::new(Call { object: Ok(self.object.clone()), with: Some(with.object.clone()), req, data })
    }

    /// Frees the object (after the calls in flight on it); later calls are "… handle is closed"
    /// usage errors.
    #[napi]
    pub fn close(&mut self) {
        self.object.close();
    }
}

/// `keiro_<domain>_new(req, data)` on the thread pool; the reply carries the new object.
#[napi]
pub fn open(domain: String, req: String, data: String) -> AsyncTask<Open> {
    AsyncTask::new(Open { domain, req, data })
}

/// A stateless `keiro_<domain>_call(null, null, req, data)` on the thread pool (TE `generate`).
#[napi]
pub fn request(domain: String, req: String, data: String) -> AsyncTask<Call> {
    AsyncTask::new(Call { object: Object::null(&domain), with: None, req, data })
}

/// Panics with `message` on the thread pool inside the core's guard: the reply is status 4 (the
/// proof, for the tests, that a panic never reaches JavaScript).
#[napi]
pub fn panic_for_test(message: String) -> AsyncTask<PanicTest> {
    AsyncTask::new(PanicTest { message })
}
