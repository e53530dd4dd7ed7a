//! The addon's requests as thread-pool tasks: `compute` runs the core off the JavaScript thread,
//! `resolve` builds the [`Reply`] on it.

use keiro_core::ffi::guarded;
use keiro_core::Result;
use napi::{Env, Task};

use crate::native_object::NativeObject;
use crate::object::Object;
use crate::reply::Reply;

/// `keiro_<domain>_new`.
pub struct Open {
    pub(crate) domain: String,
    pub(crate) req: String,
    pub(crate) data: String,
}

impl Task for Open {
    type Output = Result<(Object, Vec<u8>)>;
    type JsValue = Reply;

    fn compute(&mut self) -> napi::Result<Self::Output> {
        Ok(Object::create(&self.domain, self.req.as_bytes(), self.data.as_bytes()))
    }

    fn resolve(&mut self, _env: Env, out: Self::Output) -> napi::Result<Reply> {
        Ok(Reply::new(out.map(|(object, payload)| (Some(NativeObject { object }), payload))))
    }
}

/// `keiro_<domain>_call` (the object is an error for an unknown domain).
pub struct Call {
    pub(crate) object: Result<Object>,
    pub(crate) with: Option<Object>,
    pub(crate) req: String,
    pub(crate) data: String,
}

impl Task for Call {
    type Output = Result<Vec<u8>>;
    type JsValue = Reply;

    fn compute(&mut self) -> napi::Result<Self::Output> {
        let object = std::mem::replace(&mut self.object, Ok(Object::Te(None)));
        Ok(object.and_then(|o| o.call(self.with.as_ref(), self.req.as_bytes(), self.data.as_bytes())))
    }

    fn resolve(&mut self, _env: Env, out: Self::Output) -> napi::Result<Reply> {
        Ok(Reply::new(out.map(|payload| (None, payload))))
    }
}

/// A panic inside the core's guard.
pub struct PanicTest {
    pub(crate) message: String,
}

impl Task for PanicTest {
    type Output = Result<Vec<u8>>;
    type JsValue = Reply;

    fn compute(&mut self) -> napi::Result<Self::Output> {
        let message = self.message.clone();
        Ok(guarded(move || -> Result<Vec<u8>> { panic!("{message}") }))
    }

    fn resolve(&mut self, _env: Env, out: Self::Output) -> napi::Result<Reply> {
        Ok(Reply::new(out.map(|payload| (None, payload))))
    }
}
