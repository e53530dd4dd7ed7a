//! The C ABI: thin wrappers that convert pointers, forward to the pure core and package the result.
//!
//! Every call returns a heap buffer `[status u32][reserved u32][len u64][handle u64][payload]`
//! that the caller frees with `keiro_buffer_free`. Status 0 = ok (payload = data), otherwise the
//! payload is a JSON error `{"kind", "message", "line"?, "field"?}`: 1 input, 2 usage, 3 solver,
//! 4 panic. Panics never unwind across the boundary.

use std::panic::{catch_unwind, AssertUnwindSafe};
use std::path::PathBuf;
use std::sync::{Mutex, Once};

use serde_json::{json, Value};

use crate::config_json::parse_config;
use crate::error::{Error, Result};
use crate::fusion::crystal_set::CrystalSet;
use crate::fusion::random_forest::{ForestConfig, RandomForest};
use crate::fusion::regression_tree::Samples;
use crate::fusion::trainer::{FusionData, FusionTrainer, PredictOptions};
use crate::glm::trainer::{GlmTrainer, NodeData};
use crate::hybrid::trainer::{RlRequest, RouteRequest, SupervisedRequest, Trainer};
use crate::te::evaluate::evaluate;
use crate::te::generate::GenOptions;
use crate::te::instance::Instance;
use crate::te::solution::routing_of;
use crate::te::solve::{solve_batch, SolveOptions};

mod config;

/// Bumped whenever an exported signature or the buffer layout changes.
pub const ABI_VERSION: u32 = 4;
const HEADER: usize = 24;

/// A parsed, validated dataset held across calls.
pub struct Dataset {
    instances: Vec<Instance>,
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

fn _error_payload(e: &Error) -> (u32, Vec<u8>) {
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
    static QUIET: Once = Once::new();
    QUIET.call_once(|| std::panic::set_hook(Box::new(|_| {})));
    let outcome = catch_unwind(AssertUnwindSafe(f)).unwrap_or_else(|p| {
        let msg = p.downcast_ref::<&str>().map(|s| s.to_string()).or_else(|| p.downcast_ref::<String>().cloned());
        Err(Error::Panic(msg.unwrap_or_else(|| "unknown panic".into())))
    });
    match outcome {
        Ok((handle, payload)) => _buffer(0, handle, &payload),
        Err(e) => {
            let (status, payload) = _error_payload(&e);
            _buffer(status, 0, &payload)
        }
    }
}

unsafe fn _str<'a>(ptr: *const u8, len: usize) -> Result<&'a str> {
    if len == 0 {
        return Ok("");
    }
    if ptr.is_null() {
        return Err(Error::Usage("null pointer".into()));
    }
    std::str::from_utf8(std::slice::from_raw_parts(ptr, len)).map_err(|e| Error::input(0, "input", format!("is not UTF-8: {e}")))
}

fn _options<T: serde::de::DeserializeOwned>(text: &str) -> Result<T> {
    serde_json::from_str(text).map_err(|e| Error::Usage(format!("invalid options: {e}")))
}

unsafe fn _dataset<'a>(h: *const Dataset) -> Result<&'a Dataset> {
    h.as_ref().ok_or_else(|| Error::Usage("dataset handle is closed".into()))
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

/// Parses and validates JSONL instances; the buffer's handle is the dataset, its payload the count.
///
/// # Safety
/// `text` must point to `len` readable bytes.
#[no_mangle]
pub unsafe extern "C" fn keiro_dataset_parse(text: *const u8, len: usize, first_line: u64) -> *mut u8 {
    _guard(|| {
        let instances = Instance::parse_jsonl(_str(text, len)?, first_line as usize)?;
        let count = instances.len().to_string().into_bytes();
        Ok((Box::into_raw(Box::new(Dataset { instances })) as u64, count))
    })
}

/// Frees a dataset.
///
/// # Safety
/// `h` must be a dataset handle, freed once.
#[no_mangle]
pub unsafe extern "C" fn keiro_dataset_free(h: *mut Dataset) {
    if !h.is_null() {
        drop(Box::from_raw(h));
    }
}

/// Solves instances `[start, end)` of a dataset; payload = JSONL solutions.
///
/// # Safety
/// `h` must be a live dataset handle and `opts` point to `opts_len` bytes.
#[no_mangle]
pub unsafe extern "C" fn keiro_solve(h: *const Dataset, start: u64, end: u64, opts: *const u8, opts_len: usize) -> *mut u8 {
    _guard(|| {
        let ds = _dataset(h)?;
        let o: SolveOptions = _options(_str(opts, opts_len)?)?;
        let range = ds.instances.get(start as usize..end as usize).ok_or_else(|| Error::Usage("range out of bounds".into()))?;
        let mut out = String::new();
        for s in solve_batch(range, &o)? {
            out.push_str(&s.to_string());
            out.push('\n');
        }
        Ok((0, out.into_bytes()))
    })
}

/// Scores JSONL solutions (record i ↔ instance i); payload = JSONL evaluations
/// `{id, method, mlu, complete, problems, verified, edge_loads?, time_ms}` (`verified` is false
/// for an LP record that carries only its optimal value). Options: `{"edge_loads": bool}`.
///
/// # Safety
/// `h` must be a live dataset handle; `text`/`opts` point to their byte counts.
#[no_mangle]
pub unsafe extern "C" fn keiro_evaluate(
    h: *const Dataset,
    text: *const u8,
    len: usize,
    first_line: u64,
    opts: *const u8,
    opts_len: usize,
) -> *mut u8 {
    _guard(|| {
        let ds = _dataset(h)?;
        let o: Value = _options(_str(opts, opts_len)?)?;
        let loads = o.get("edge_loads").and_then(Value::as_bool).unwrap_or(false);
        let mut out = String::new();
        let mut k = 0;
        for (j, raw) in _str(text, len)?.lines().enumerate() {
            let line = first_line as usize + j;
            if raw.trim().is_empty() {
                continue;
            }
            let inst = ds
                .instances
                .get(k)
                .ok_or_else(|| Error::input(line, "solution", format!("has no instance: only {} instances", ds.instances.len())))?;
            k += 1;
            let v: Value = serde_json::from_str(raw).map_err(|e| Error::input(line, "solution", format!("is not valid JSON: {e}")))?;
            if let (Some(a), Some(b)) = (v.get("id"), inst.id.as_ref()) {
                if a != b {
                    return Err(Error::input(line, "id", format!("is {a} but instance {k} has id {b}")));
                }
            }
            let mut r = match routing_of(&v, inst, line)? {
                Some(routing) => {
                    let ev = evaluate(inst, &inst.graph(), &routing);
                    let mut r = json!({"id": inst.id, "method": v.get("method"), "mlu": ev.mlu, "complete": ev.complete, "problems": ev.problems, "verified": true});
                    if loads {
                        r["edge_loads"] = json!(ev.edge_loads);
                    }
                    r
                }
                None => json!({"id": inst.id, "method": "lp", "mlu": v["mlu"], "complete": true, "problems": [], "verified": false}),
            };
            r["time_ms"] = v.get("time_ms").cloned().unwrap_or(Value::Null);
            out.push_str(&r.to_string());
            out.push('\n');
        }
        if k != ds.instances.len() {
            return Err(Error::input(0, "solutions", format!("has {k} records for {} instances", ds.instances.len())));
        }
        Ok((0, out.into_bytes()))
    })
}

/// Generates instances; payload = JSONL.
///
/// # Safety
/// `opts` must point to `opts_len` bytes.
#[no_mangle]
pub unsafe extern "C" fn keiro_generate(opts: *const u8, opts_len: usize) -> *mut u8 {
    _guard(|| {
        let o: GenOptions = _options(_str(opts, opts_len)?)?;
        Ok((0, o.generate_jsonl()?.into_bytes()))
    })
}

/// A model handle: the trainer behind a lock, so overlapping calls queue instead of racing.
pub struct Model(Mutex<Trainer>);

unsafe fn _model<'a>(h: *const Model) -> Result<std::sync::MutexGuard<'a, Trainer>> {
    let m = h.as_ref().ok_or_else(|| Error::Usage("model handle is closed".into()))?;
    Ok(m.0.lock().unwrap_or_else(|e| e.into_inner()))
}

fn _model_handle(t: Trainer) -> Result<(u64, Vec<u8>)> {
    let payload = json!({"parameters": t.model.params.num_parameters()}).to_string().into_bytes();
    Ok((Box::into_raw(Box::new(Model(Mutex::new(t)))) as u64, payload))
}

#[derive(serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct _Files {
    #[serde(default)]
    config: Option<Value>,
    weights: PathBuf,
    #[serde(default)]
    optimizer: Option<PathBuf>,
}

/// Creates a model from a JSON model config (docs/hybrid.md); payload `{"parameters": N}`.
///
/// # Safety
/// `config` must point to `len` readable bytes.
#[no_mangle]
pub unsafe extern "C" fn keiro_model_new(config: *const u8, len: usize, seed: u64) -> *mut u8 {
    _guard(|| _model_handle(Trainer::new(_str(config, len)?, seed)?))
}

/// Loads a model: `{"config": {...}, "weights": path, "optimizer": path | null}`.
///
/// # Safety
/// `req` must point to `len` readable bytes.
#[no_mangle]
pub unsafe extern "C" fn keiro_model_load(req: *const u8, len: usize) -> *mut u8 {
    _guard(|| {
        let f: _Files = _options(_str(req, len)?)?;
        let config = f.config.ok_or_else(|| Error::Usage("model_load needs a config".into()))?;
        _model_handle(Trainer::load(&config.to_string(), &f.weights, f.optimizer.as_deref())?)
    })
}

/// Saves a model: `{"weights": path, "optimizer": path | null}`.
///
/// # Safety
/// `h` must be a live model handle and `req` point to `len` bytes.
#[no_mangle]
pub unsafe extern "C" fn keiro_model_save(h: *const Model, req: *const u8, len: usize) -> *mut u8 {
    _guard(|| {
        let f: _Files = _options(_str(req, len)?)?;
        _model(h)?.save(&f.weights, f.optimizer.as_deref())?;
        Ok((0, b"{}".to_vec()))
    })
}

/// Frees a model.
///
/// # Safety
/// `h` must be a model handle, freed once.
#[no_mangle]
pub unsafe extern "C" fn keiro_model_free(h: *mut Model) {
    if !h.is_null() {
        drop(Box::from_raw(h));
    }
}

/// One training step (`{"kind": "supervised" | "rl", ...}`); payload = metrics JSON.
///
/// # Safety
/// `h`, `d` must be live handles and `req` point to `len` bytes.
#[no_mangle]
pub unsafe extern "C" fn keiro_model_step(h: *const Model, d: *const Dataset, req: *const u8, len: usize) -> *mut u8 {
    _guard(|| {
        let ds = _dataset(d)?;
        let mut v: Value = _options(_str(req, len)?)?;
        let kind = v.as_object_mut().and_then(|o| o.remove("kind")).and_then(|k| k.as_str().map(str::to_string));
        let mut t = _model(h)?;
        let metrics = match kind.as_deref() {
            Some("supervised") => t.supervised(&ds.instances, &_parse_request::<SupervisedRequest>(v)?)?,
            Some("rl") => t.reinforce(&ds.instances, &_parse_request::<RlRequest>(v)?)?,
            other => return Err(Error::Usage(format!("step kind must be supervised or rl, got {other:?}"))),
        };
        Ok((0, metrics.to_string().into_bytes()))
    })
}

fn _parse_request<T: serde::de::DeserializeOwned>(v: Value) -> Result<T> {
    serde_json::from_value(v).map_err(|e| Error::Usage(format!("invalid request: {e}")))
}

/// Routes instances with a model; payload = JSON array of `{id, mlu, complete, paths, time_ms}`.
///
/// # Safety
/// `h`, `d` must be live handles and `req` point to `len` bytes.
#[no_mangle]
pub unsafe extern "C" fn keiro_model_route(h: *const Model, d: *const Dataset, req: *const u8, len: usize) -> *mut u8 {
    _guard(|| {
        let ds = _dataset(d)?;
        let r: RouteRequest = _options(_str(req, len)?)?;
        let out = _model(h)?.route(&ds.instances, &r)?;
        Ok((0, Value::from(out).to_string().into_bytes()))
    })
}

/// A node classifier with an optional graph learning module, behind a lock.
pub struct Glm(Mutex<GlmTrainer>);

unsafe fn _slice<'a, T>(ptr: *const u8, count: usize, what: &str) -> Result<&'a [T]> {
    if count == 0 {
        return Ok(&[]);
    }
    if ptr.is_null() || !(ptr as usize).is_multiple_of(std::mem::align_of::<T>()) {
        return Err(Error::Usage(format!("{what}: null or misaligned buffer")));
    }
    Ok(std::slice::from_raw_parts(ptr as *const T, count))
}

/// Creates a node classifier: config JSON, features `f32[n·f]`, labels `i32[n]` (−1 = none),
/// split `u8[n]` (0 none, 1 train, 2 val, 3 test), undirected edges `u32[2·num_edges]`.
/// Payload `{"parameters", "classes", "config"}` (the resolved config).
///
/// # Safety
/// Every pointer must point to the number of elements its length arguments say.
#[no_mangle]
#[allow(clippy::too_many_arguments)]
pub unsafe extern "C" fn keiro_glm_new(
    config: *const u8,
    config_len: usize,
    features: *const u8,
    n: u64,
    f: u64,
    labels: *const u8,
    split: *const u8,
    edges: *const u8,
    num_edges: u64,
    seed: u64,
) -> *mut u8 {
    _guard(|| {
        let (n, f) = (n as usize, f as usize);
        let pairs = _slice::<u32>(edges, 2 * num_edges as usize, "edges")?;
        let data = NodeData {
            features: _slice::<f32>(features, n * f, "features")?.to_vec(),
            num_features: f,
            labels: _slice::<i32>(labels, n, "labels")?.to_vec(),
            split: _slice::<u8>(split, n, "split")?.to_vec(),
            edges: pairs.chunks(2).map(|p| (p[0] as usize, p[1] as usize)).collect(),
        };
        let t = GlmTrainer::new(_str(config, config_len)?, data, seed)?;
        let payload = json!({"parameters": t.num_parameters(), "classes": t.classes(), "config": t.config()});
        Ok((Box::into_raw(Box::new(Glm(Mutex::new(t)))) as u64, payload.to_string().into_bytes()))
    })
}

#[derive(serde::Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case", deny_unknown_fields)]
enum _GlmRequest {
    Step {
        epoch: usize,
    },
    KeepBest,
    Evaluate {
        #[serde(default)]
        best: bool,
        #[serde(default)]
        epoch: usize,
    },
    Graph {
        #[serde(default)]
        best: bool,
        #[serde(default)]
        epoch: usize,
    },
}

/// One request to a node classifier: `{"kind": "step", "epoch"}`, `{"kind": "keep_best"}`,
/// `{"kind": "evaluate", "best"}` or `{"kind": "graph", "best"}`; payload = JSON result.
///
/// # Safety
/// `h` must be a live handle and `req` point to `len` bytes.
#[no_mangle]
pub unsafe extern "C" fn keiro_glm_call(h: *const Glm, req: *const u8, len: usize) -> *mut u8 {
    _guard(|| {
        let g = h.as_ref().ok_or_else(|| Error::Usage("glm handle is closed".into()))?;
        let mut t = g.0.lock().unwrap_or_else(|e| e.into_inner());
        let out = match _options::<_GlmRequest>(_str(req, len)?)? {
            _GlmRequest::Step { epoch } => t.step(epoch)?,
            _GlmRequest::KeepBest => {
                t.keep_best()?;
                json!({})
            }
            _GlmRequest::Evaluate { best, epoch } => t.evaluate(best, epoch)?,
            _GlmRequest::Graph { best, epoch } => t.graph(best, epoch)?,
        };
        Ok((0, out.to_string().into_bytes()))
    })
}

/// Frees a node classifier.
///
/// # Safety
/// `h` must be a glm handle, freed once.
#[no_mangle]
pub unsafe extern "C" fn keiro_glm_free(h: *mut Glm) {
    if !h.is_null() {
        drop(Box::from_raw(h));
    }
}

/// Little-endian arrays packed one after another in one buffer, read in order.
struct _Blob<'a> {
    bytes: &'a [u8],
    at: usize,
}

impl<'a> _Blob<'a> {
    unsafe fn new(ptr: *const u8, len: usize) -> Result<_Blob<'a>> {
        Ok(_Blob { bytes: _slice::<u8>(ptr, len, "data")?, at: 0 })
    }

    fn take<const W: usize, T>(&mut self, n: usize, what: &str, f: impl Fn([u8; W]) -> T) -> Result<Vec<T>> {
        let end = self.at + n * W;
        let b = self.bytes.get(self.at..end).ok_or_else(|| Error::Usage(format!("data buffer ends before {what} ({n} values)")))?;
        self.at = end;
        Ok(b.chunks_exact(W).map(|c| f(c.try_into().expect("chunk width"))).collect())
    }

    fn f32s(&mut self, n: usize, what: &str) -> Result<Vec<f32>> {
        self.take(n, what, f32::from_le_bytes)
    }

    fn u32s(&mut self, n: usize, what: &str) -> Result<Vec<u32>> {
        self.take(n, what, u32::from_le_bytes)
    }

    fn done(&self) -> Result<()> {
        if self.at != self.bytes.len() {
            return Err(Error::Usage(format!("data buffer has {} bytes left over", self.bytes.len() - self.at)));
        }
        Ok(())
    }
}

#[derive(serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct _FusionHeader {
    crystals: usize,
    atoms: usize,
    feature_dim: usize,
    slots: usize,
    descriptor_dim: usize,
    tasks: usize,
}

/// A fusion model handle.
pub struct Fusion(Mutex<FusionTrainer>);

/// Creates a fusion model. `header` JSON `{"crystals": S, "atoms": A, "feature_dim": F, "slots": M,
/// "descriptor_dim": D, "tasks": T}`; `data` packs, little-endian and in this order: atom features
/// `f32[A·F]`, atom offsets `u32[S+1]`, neighbours `u32[A·M]`, distances `f32[A·M]`, descriptors
/// `f32[S·D]`, targets `f32[S·T]` (NaN = missing), split `u8[S]`. Payload `{"parameters", "config"}`.
///
/// # Safety
/// Each pointer must point to the number of bytes its length says.
#[no_mangle]
pub unsafe extern "C" fn keiro_fusion_new(
    config: *const u8,
    config_len: usize,
    header: *const u8,
    header_len: usize,
    data: *const u8,
    data_len: usize,
    seed: u64,
) -> *mut u8 {
    _guard(|| {
        let h: _FusionHeader = _options(_str(header, header_len)?)?;
        let mut b = _Blob::new(data, data_len)?;
        let crystals = CrystalSet {
            atom_features: b.f32s(h.atoms * h.feature_dim, "atom features")?,
            feature_dim: h.feature_dim,
            offsets: b.u32s(h.crystals + 1, "offsets")?,
            neighbours: b.u32s(h.atoms * h.slots, "neighbours")?,
            distances: b.f32s(h.atoms * h.slots, "distances")?,
            slots: h.slots,
        };
        let fd = FusionData {
            crystals,
            descriptors: b.f32s(h.crystals * h.descriptor_dim, "descriptors")?,
            descriptor_dim: h.descriptor_dim,
            targets: b.f32s(h.crystals * h.tasks, "targets")?,
            tasks: h.tasks,
            split: b.take(h.crystals, "split", u8::from_le_bytes)?,
        };
        b.done()?;
        let t = FusionTrainer::new(_str(config, config_len)?, fd, seed)?;
        let payload = json!({"parameters": t.num_parameters(), "config": t.config()});
        Ok((Box::into_raw(Box::new(Fusion(Mutex::new(t)))) as u64, payload.to_string().into_bytes()))
    })
}

#[derive(serde::Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case", deny_unknown_fields)]
enum _FusionRequest {
    Step {
        epoch: usize,
        #[serde(default)]
        weights: Option<Vec<f64>>,
        #[serde(default)]
        lr: Option<f64>,
    },
    KeepBest,
    Predict {
        #[serde(default)]
        best: bool,
        #[serde(default)]
        split: Option<u8>,
        #[serde(default)]
        zero_descriptors: bool,
        #[serde(default)]
        permute_embeddings: Option<u64>,
    },
}

/// One request to a fusion model: `{"kind": "step", "epoch", "weights"?, "lr"?}`, `{"kind": "keep_best"}`
/// or `{"kind": "predict", "best"?, "split"?, "zero_descriptors"?, "permute_embeddings"?}`;
/// payload = JSON result.
///
/// # Safety
/// `h` must be a live handle and `req` point to `len` bytes.
#[no_mangle]
pub unsafe extern "C" fn keiro_fusion_call(h: *const Fusion, req: *const u8, len: usize) -> *mut u8 {
    _guard(|| {
        let f = h.as_ref().ok_or_else(|| Error::Usage("fusion handle is closed".into()))?;
        let mut t = f.0.lock().unwrap_or_else(|e| e.into_inner());
        let out = match _options::<_FusionRequest>(_str(req, len)?)? {
            _FusionRequest::Step { epoch, weights, lr } => t.step(epoch, weights, lr)?,
            _FusionRequest::KeepBest => {
                t.keep_best()?;
                json!({})
            }
            _FusionRequest::Predict { best, split, zero_descriptors, permute_embeddings } => {
                t.predict(PredictOptions { best, split, zero_descriptors, permute_embeddings })?
            }
        };
        Ok((0, out.to_string().into_bytes()))
    })
}

/// Frees a fusion model.
///
/// # Safety
/// `h` must be a fusion handle, freed once.
#[no_mangle]
pub unsafe extern "C" fn keiro_fusion_free(h: *mut Fusion) {
    if !h.is_null() {
        drop(Box::from_raw(h));
    }
}

#[derive(serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct _ForestHeader {
    rows: usize,
    width: usize,
    train_rows: usize,
}

/// Fits a random forest on the first `train_rows` rows and predicts every row. `header` JSON
/// `{"rows", "width", "train_rows"}`; `data` packs `f32[rows·width]` features then
/// `f32[train_rows]` targets. Payload `{"predictions": [rows], "importances": [width], "config"}`.
///
/// # Safety
/// Each pointer must point to the number of bytes its length says.
#[no_mangle]
pub unsafe extern "C" fn keiro_forest(
    config: *const u8,
    config_len: usize,
    header: *const u8,
    header_len: usize,
    data: *const u8,
    data_len: usize,
    seed: u64,
) -> *mut u8 {
    _guard(|| {
        let h: _ForestHeader = _options(_str(header, header_len)?)?;
        let cfg: ForestConfig = parse_config(_str(config, config_len)?, "forest")?;
        let mut b = _Blob::new(data, data_len)?;
        let x = b.f32s(h.rows * h.width, "features")?;
        let y: Vec<f64> = b.f32s(h.train_rows, "targets")?.into_iter().map(f64::from).collect();
        b.done()?;
        if h.train_rows > h.rows {
            return Err(Error::Usage(format!("forest: {} training rows of {}", h.train_rows, h.rows)));
        }
        let f = RandomForest::fit(Samples { x: &x[..h.train_rows * h.width], width: h.width, y: &y }, &cfg, seed)?;
        let payload = json!({"predictions": f.predict(&x)?, "importances": f.importances, "config": cfg});
        Ok((0, payload.to_string().into_bytes()))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read(buf: *mut u8) -> (u32, String) {
        // SAFETY: `buf` comes from `_guard` and is freed exactly once here.
        unsafe {
            let status = u32::from_le_bytes(std::slice::from_raw_parts(buf, 4).try_into().unwrap());
            let len = u64::from_le_bytes(std::slice::from_raw_parts(buf.add(8), 8).try_into().unwrap()) as usize;
            let text = String::from_utf8(std::slice::from_raw_parts(buf.add(HEADER), len).to_vec()).unwrap();
            keiro_buffer_free(buf);
            (status, text)
        }
    }

    #[test]
    fn panics_become_status_4_with_the_message() {
        let (status, text) = read(_guard(|| panic!("boom {}", 42)));
        assert_eq!(status, 4);
        let v: Value = serde_json::from_str(&text).unwrap();
        assert_eq!(v["kind"], "panic");
        assert_eq!(v["message"], "internal error (panic): boom 42");
    }

    #[test]
    fn errors_carry_kind_line_and_field() {
        let (status, text) = read(_guard(|| Err(Error::input(3, "edges[0].capacity", "must be positive"))));
        assert_eq!(status, 1);
        let v: Value = serde_json::from_str(&text).unwrap();
        assert_eq!((v["line"].as_u64(), v["field"].as_str()), (Some(3), Some("edges[0].capacity")));
        assert_eq!(v["message"], "line 3: edges[0].capacity must be positive");
        let bad = b"{\"method\":\"sp\",\"nope\":1}";
        // SAFETY: a null dataset handle is reported, not dereferenced; `bad` outlives the call.
        let (status, text) = read(unsafe { keiro_solve(std::ptr::null(), 0, 0, bad.as_ptr(), bad.len()) });
        assert_eq!(status, 2, "{text}");
    }
}
