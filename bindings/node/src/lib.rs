//! keiro's Node.js addon: the native contract of keiro-core ([`keiro_core::ffi`]) over N-API.
//!
//! The addon has no logic of its own: `open(domain, req, data)` is `keiro_<domain>_new`,
//! `NativeObject.call(req, data)` / `callWith(dataset, req, data)` is `keiro_<domain>_call`,
//! `request(domain, req, data)` is a stateless `_call`, and `close()` is `_free` (a finalizer frees
//! an object JavaScript forgot). Requests are the same `kind`-tagged JSON the Deno front end sends.
//! Every call runs on libuv's thread pool and resolves to a [`Reply`]: the status and payload of
//! the C ABI's result buffer (`index.js` turns an error status into a JavaScript error). Panics are
//! caught by the core's guard and never reach JavaScript.

// Public so that the items JavaScript reaches (registered by napi-derive, unseen by rustc's dead-code
// analysis in test builds) count as used.
pub mod native_object;
pub mod object;
pub mod reply;
pub mod tasks;
