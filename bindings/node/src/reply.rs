//! The outcome of a request as JavaScript sees it: the C ABI's result buffer as an object.

use keiro_core::ffi::error_payload;
use keiro_core::Result;
use napi_derive::napi;

use crate::native_object::NativeObject;

/// Status 0 with the result payload (and the new object of an `open`), otherwise the error status
/// (1 input, 2 usage, 3 solver, 4 panic) and its JSON payload `{kind, message, line?, field?}`.
#[napi(object, object_from_js = false)]
pub struct Reply {
    /// 0 = ok; otherwise the error's status.
    pub status: u32,
    /// The result (JSON or JSONL) or the error (JSON).
    pub payload: String,
    /// The object an `open` built.
    pub object: Option<NativeObject>,
}

impl Reply {
    /// The reply of `outcome`, whose `object` is set on success.
    pub fn new(outcome: Result<(Option<NativeObject>, Vec<u8>)>) -> Reply {
        let text = |p: Vec<u8>| String::from_utf8(p).unwrap_or_else(|e| String::from_utf8_lossy(e.as_bytes()).into_owned());
        match outcome {
            Ok((object, payload)) => Reply { status: 0, payload: text(payload), object },
            Err(e) => {
                let (status, payload) = error_payload(&e);
                Reply { status, payload: text(payload), object: None }
            }
        }
    }
}
