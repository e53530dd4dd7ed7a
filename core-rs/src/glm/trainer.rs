//! Full-batch, transductive training of a [`GlmModel`] on one node-classification dataset: one
//! call per epoch (the front end drives epochs and early stopping), best-parameter snapshots,
//! evaluation and graph export.
//!
//! Loss: `CE(train nodes) + β·L_reg + weight_decay/2 · ‖W_first‖²`, Adam (no decoupled decay).

use std::path::Path;
use std::sync::Arc;
use std::time::Instant;

use candle_core::{Device, Tensor};
use serde_json::{json, Value};

use crate::error::{Error, Result};
use crate::glm::config::GlmConfig;
use crate::glm::graph_context::graph_context;
use crate::glm::graph_learner::Candidates;
use crate::glm::model::{GlmModel, GraphContext};
use crate::nn::adam::Adam;
use crate::nn::node_features::NodeFeatures;
use crate::nn::weighted_graph::{GraphPart, WeightedLink};
use crate::on_pool::on_pool;
use crate::ops::masked_log_softmax::masked_log_softmax;
use crate::rng::Rng;

/// Split codes of the node `split` array.
const TRAIN: u8 = 1;
const VAL: u8 = 2;
const TEST: u8 = 3;

/// The saved model's tensor with the learned graph's candidate columns ([`Candidates::columns`]) of
/// the saved snapshot, and the one with the [`_fingerprint`] of the data they were selected on: loaded
/// on the same data, the model sees the graph it was validated with.
const CANDIDATE_COLUMNS: &str = "candidates.columns";
const CANDIDATES_OF: &str = "candidates.features";

/// FNV-1a of the dataset's shape, feature bits and input edges (what candidate selection reads), as
/// two `u32` halves (a safetensors-friendly dtype).
fn _fingerprint(d: &NodeData) -> [u32; 2] {
    let shape = [d.features.len() as u64, d.num_features as u64, d.edges.len() as u64];
    let features = d.features.iter().map(|v| v.to_bits() as u64);
    let edges = d.edges.iter().flat_map(|&(a, b)| [a as u64, b as u64]);
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for word in shape.into_iter().chain(features).chain(edges) {
        for byte in word.to_le_bytes() {
            h = (h ^ byte as u64).wrapping_mul(0x0100_0000_01b3);
        }
    }
    [h as u32, (h >> 32) as u32]
}

/// A node-classification dataset as the C ABI passes it.
pub struct NodeData {
    /// `[N·F]` row-major features.
    pub features: Vec<f32>,
    /// Feature width `F`.
    pub num_features: usize,
    /// Label per node, −1 = none.
    pub labels: Vec<i32>,
    /// Split per node: 0 none, 1 train, 2 val, 3 test.
    pub split: Vec<u8>,
    /// Undirected input edges.
    pub edges: Vec<(usize, usize)>,
    /// Class count `C` (labels lie in `0..C`): the model's output width, also when no node is
    /// labelled (prediction with a saved model).
    pub classes: usize,
}

/// A model, its optimiser and its data.
pub struct GlmTrainer {
    model: GlmModel,
    adam: Adam,
    x: NodeFeatures,
    labels: Vec<i32>,
    split: Vec<u8>,
    classes: usize,
    train_target: Tensor,
    val_target: Tensor,
    all_valid: Arc<Vec<bool>>,
    ctx: GraphContext,
    cand: Option<Candidates>,
    best: Option<(Vec<Tensor>, Option<Candidates>)>,
    rng: Rng,
    fingerprint: [u32; 2],
}

fn _check(d: &NodeData) -> Result<usize> {
    let n = d.labels.len();
    if d.num_features == 0 || d.features.len() != n * d.num_features || d.split.len() != n {
        return Err(Error::Usage(format!(
            "glm data: {} features for {n} nodes × {} columns, {} split codes",
            d.features.len(),
            d.num_features,
            d.split.len()
        )));
    }
    if let Some(i) = d.features.iter().position(|v| !v.is_finite()) {
        return Err(Error::input(0, format!("features[{}][{}]", i / d.num_features, i % d.num_features), "is not finite"));
    }
    for (i, (&y, &s)) in d.labels.iter().zip(&d.split).enumerate() {
        if y < -1 || y >= d.classes as i32 || s > TEST || (s != 0 && y < 0) {
            return Err(Error::input(
                0,
                format!("nodes[{i}]"),
                format!("has label {y} and split {s} (labels lie in -1..{}, a split node needs a label ≥ 0)", d.classes),
            ));
        }
    }
    if let Some((e, &(a, b))) = d.edges.iter().enumerate().find(|(_, &(a, b))| a >= n || b >= n) {
        return Err(Error::input(0, format!("edges[{e}]"), format!("({a}, {b}) is outside 0..{n}")));
    }
    if d.classes == 0 {
        return Err(Error::Usage("glm data: classes must be at least 1".into()));
    }
    Ok(n)
}

/// `[N, C]` on `device` with `1/count` at the label of every node of `split`.
fn _target(labels: &[i32], split: &[u8], which: u8, c: usize, device: &Device) -> Result<Tensor> {
    let count = split.iter().filter(|&&s| s == which).count().max(1) as f32;
    let mut t = vec![0f32; labels.len() * c];
    for (i, (&y, &s)) in labels.iter().zip(split).enumerate() {
        if s == which {
            t[i * c + y as usize] = 1.0 / count;
        }
    }
    Ok(Tensor::from_vec(t, (labels.len(), c), device)?)
}

impl GlmTrainer {
    /// A trainer on `device` for `data` with the JSON config `config`, initialised from `seed`.
    pub fn new(config: &str, data: NodeData, seed: u64, device: &Device) -> Result<GlmTrainer> {
        let cfg = GlmConfig::parse(config)?;
        let n = _check(&data)?;
        let classes = data.classes;
        let model = GlmModel::new(&cfg, data.num_features, classes, seed, device)?;
        let fingerprint = _fingerprint(&data);
        let x = Tensor::from_vec(data.features, (n, data.num_features), device)?;
        let input = if data.edges.is_empty() { None } else { Some(GraphPart::undirected(&data.edges, device)?) };
        let ctx = graph_context(&model, &x, input)?;
        let adam = model.adam()?;
        Ok(GlmTrainer {
            train_target: _target(&data.labels, &data.split, TRAIN, classes, device)?,
            val_target: _target(&data.labels, &data.split, VAL, classes, device)?,
            all_valid: Arc::new(vec![true; n * classes]),
            labels: data.labels,
            split: data.split,
            classes,
            model,
            adam,
            x: NodeFeatures::new(x)?,
            ctx,
            cand: None,
            best: None,
            rng: Rng::new(seed ^ 0x9e37_79b9_7f4a_7c15),
            fingerprint,
        })
    }

    /// The resolved config.
    pub fn config(&self) -> Value {
        self.model.cfg.to_json()
    }

    /// Number of trainable scalars.
    pub fn num_parameters(&self) -> usize {
        self.model.params.num_parameters()
    }

    /// The device it trains on (`cpu`, `cuda:N`).
    pub fn device(&self) -> String {
        crate::device::name(self.model.params.device())
    }

    /// Number of classes.
    pub fn classes(&self) -> usize {
        self.classes
    }

    /// One epoch: (re)select candidates when due, a training pass and an Adam update, then an
    /// evaluation pass. Returns the epoch's metrics.
    pub fn step(&mut self, epoch: usize) -> Result<Value> {
        on_pool(|| self._step(epoch))
    }

    fn _step(&mut self, epoch: usize) -> Result<Value> {
        if !self.split.contains(&TRAIN) {
            return Err(Error::Usage("glm data: no training nodes".into()));
        }
        let t0 = Instant::now();
        if self.model.cfg.learns_graph() && (self.cand.is_none() || epoch.is_multiple_of(self.model.cfg.glm.update_every)) {
            self.cand = self.model.candidates(&self.x, &self.ctx)?;
        }
        let w = self.model.params.weights(true);
        let f = self.model.forward(&w, &self.x, &self.ctx, self.cand.as_ref(), epoch, Some(&mut self.rng))?;
        let lp = masked_log_softmax(&f.logits, self.all_valid.clone())?; // [N, C]
        let ce = (lp * &self.train_target)?.sum_all()?.neg()?;
        // glm.dae_warmup: epochs 1..=dae_warmup train the learner on the denoising loss alone
        let warmup = self.model.cfg.glm.dae_warmup;
        let main = if warmup > 0 && epoch <= warmup { 0.0 } else { 1.0 };
        let l2 = (w.get(self.model.first_weight()).sqr()?.sum_all()? * (0.5 * self.model.cfg.weight_decay))?;
        let loss = ((((&ce + l2)? * main)? + &f.reg)? + (&f.dae * self.model.cfg.glm.dae)?)?;
        let grads = loss.backward()?;
        self.adam.step(self.model.params.vars(), &grads, self.model.cfg.lr, 0.0, 0.0)?;
        let mut m = self._evaluate(epoch)?;
        let o = m.as_object_mut().expect("metrics object");
        o.insert("epoch".into(), json!(epoch));
        o.insert("loss".into(), json!(loss.to_scalar::<f32>()?));
        o.insert("ce".into(), json!(ce.to_scalar::<f32>()?));
        o.insert("reg".into(), json!(f.reg.to_scalar::<f32>()?));
        o.insert("dae".into(), json!(f.dae.to_scalar::<f32>()?));
        o.insert("ms".into(), json!(t0.elapsed().as_secs_f64() * 1e3));
        Ok(m)
    }

    /// An evaluation pass: the logits and the links the layers saw (self loops left out; none for
    /// an MLP, or for a learner that has no candidates yet).
    fn _eval_pass(&self, epoch: usize) -> Result<(Tensor, Vec<WeightedLink>)> {
        let w = self.model.params.weights(false);
        let f = self.model.forward(&w, &self.x, &self.ctx, self.cand.as_ref(), epoch, None)?;
        let edges = match (&f.graph, &self.ctx.fixed) {
            (Some(g), _) => g.export()?,
            (None, Some(r)) if !self.model.cfg.learns_graph() => r.graph.export()?,
            _ => Vec::new(),
        };
        Ok((f.logits, edges))
    }

    fn _evaluate(&self, epoch: usize) -> Result<Value> {
        let (logits, edges) = self._eval_pass(epoch)?;
        let lp = masked_log_softmax(&logits, self.all_valid.clone())?;
        let val_loss = (&lp * &self.val_target)?.sum_all()?.neg()?.to_scalar::<f32>()?;
        let pred = logits.argmax(1)?.to_vec1::<u32>()?;
        let acc = |which: u8| {
            let (mut hit, mut all) = (0usize, 0usize);
            for ((&p, &s), &y) in pred.iter().zip(&self.split).zip(&self.labels) {
                if s == which {
                    all += 1;
                    hit += (p as i32 == y) as usize;
                }
            }
            if all == 0 {
                Value::Null
            } else {
                json!(hit as f64 / all as f64)
            }
        };
        Ok(json!({"train_acc": acc(TRAIN), "val_acc": acc(VAL), "val_loss": val_loss, "test_acc": acc(TEST), "edges": edges.len()}))
    }

    /// Remembers the current parameters (and candidates) as the best.
    pub fn keep_best(&mut self) -> Result<()> {
        self.best = Some((self.model.params.snapshot()?, self.cand.clone()));
        Ok(())
    }

    /// Runs `f` with the best parameters swapped in (or the current ones).
    fn _with<T>(&mut self, best: bool, f: impl FnOnce(&Self) -> Result<T>) -> Result<T> {
        if !best {
            return f(self);
        }
        let Some((snap, cand)) = self.best.clone() else {
            return Err(Error::Usage("no best parameters kept yet (call keep_best first)".into()));
        };
        let now = self.model.params.snapshot()?;
        let now_cand = std::mem::replace(&mut self.cand, cand);
        self.model.params.restore(&snap)?;
        let out = f(self);
        self.model.params.restore(&now)?;
        self.cand = now_cand;
        out
    }

    /// Metrics of the best (or current) parameters.
    pub fn evaluate(&mut self, best: bool, epoch: usize) -> Result<Value> {
        self._with(best, |t| t._evaluate(epoch))
    }

    /// Class probabilities of every node with the best (or current) parameters, without dropout:
    /// `{"classes": [argmax per node], "probabilities": [[C values] per node]}`.
    pub fn predict(&mut self, best: bool, epoch: usize) -> Result<Value> {
        self._with(best, |t| {
            let (logits, _) = t._eval_pass(epoch)?;
            let p = masked_log_softmax(&logits, t.all_valid.clone())?.exp()?; // [N, C]
            Ok(json!({"classes": logits.argmax(1)?.to_vec1::<u32>()?, "probabilities": p.to_vec2::<f32>()?}))
        })
    }

    /// Saves the best parameters (the current ones before any [`GlmTrainer::keep_best`]) as
    /// safetensors, with the learned graph's candidates of that snapshot.
    pub fn save(&mut self, path: &Path) -> Result<()> {
        self._with(self.best.is_some(), |t| {
            let extra = match &t.cand {
                Some(c) => {
                    let cols = c.columns();
                    vec![
                        (CANDIDATE_COLUMNS.to_string(), Tensor::from_vec(cols.clone(), cols.len(), &Device::Cpu)?),
                        (CANDIDATES_OF.to_string(), Tensor::new(&t.fingerprint, &Device::Cpu)?),
                    ]
                }
                None => Vec::new(),
            };
            t.model.params.save_with(path, extra)
        })
    }

    /// Loads parameters saved by [`GlmTrainer::save`] (same config, feature width and classes);
    /// forgets the best snapshot. A learned graph keeps the saved candidates on the data it was
    /// trained on (so the model predicts what its best snapshot predicted) and selects them from the
    /// loaded parameters on other data (new nodes).
    pub fn load(&mut self, path: &Path) -> Result<()> {
        self.model.params.load(path)?;
        self.best = None;
        self.cand = match self._saved_columns(path)? {
            Some(cols) => self
                .model
                .candidates_at(&cols, &self.x)
                .map_err(|e| Error::Usage(format!("checkpoint {}: {CANDIDATE_COLUMNS}: {e}", path.display())))?,
            None if self.model.cfg.learns_graph() => self.model.candidates(&self.x, &self.ctx)?,
            None => None,
        };
        Ok(())
    }

    /// The candidate columns saved in `path` when they were selected on this trainer's data.
    fn _saved_columns(&self, path: &Path) -> Result<Option<Vec<u32>>> {
        if !self.model.cfg.learns_graph() {
            return Ok(None);
        }
        let saved = candle_core::safetensors::load(path, &Device::Cpu)?;
        let same = saved.get(CANDIDATES_OF).and_then(|t| t.to_vec1::<u32>().ok()).is_some_and(|f| f == self.fingerprint);
        match saved.get(CANDIDATE_COLUMNS) {
            Some(cols) if same => Ok(Some(cols.to_vec1::<u32>()?)),
            _ => Ok(None),
        }
    }

    /// The graph the GNN sees (best or current parameters), self loops left out:
    /// `{"nodes": N, "edges": [[row, column, weight], ...]}`.
    pub fn graph(&mut self, best: bool, epoch: usize) -> Result<Value> {
        let n = self.labels.len();
        self._with(best, |t| {
            let (_, edges) = t._eval_pass(epoch)?;
            Ok(json!({"nodes": n, "edges": edges.iter().map(|&(a, b, w)| json!([a, b, w])).collect::<Vec<_>>()}))
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// 30 nodes, 4 features, 3 classes: 9 train, 6 val, 15 test.
    fn _data() -> NodeData {
        let mut r = Rng::new(7);
        let labels: Vec<i32> = (0..30).map(|i| i % 3).collect();
        let features = (0..120).map(|k| (if k % 4 == (k / 4) % 3 { 2.0 } else { 0.0 }) + r.unit() as f32).collect();
        let split = (0..30)
            .map(|i| {
                if i < 9 {
                    TRAIN
                } else if i < 15 {
                    VAL
                } else {
                    TEST
                }
            })
            .collect();
        NodeData { features, num_features: 4, labels, split, edges: vec![], classes: 3 }
    }

    fn _values(t: &GlmTrainer, ids: impl Iterator<Item = usize>) -> Vec<f32> {
        let w = t.model.params.weights(false);
        ids.flat_map(|i| w.get(i).flatten_all().unwrap().to_vec1::<f32>().unwrap()).collect()
    }

    #[test]
    fn the_dae_warmup_trains_the_learner_and_denoiser_alone() {
        let cfg = r#"{"graph": "learned", "glm": {"k": 3, "dae": 1.0, "dae_hidden": 8, "dae_warmup": 2}}"#;
        let mut t = GlmTrainer::new(cfg, _data(), 0, &Device::Cpu).unwrap();
        let first = |t: &GlmTrainer| _values(t, [t.model.first_weight()].into_iter());
        let all = |t: &GlmTrainer| _values(t, 0..t.model.params.vars().len());
        let (w0, a0) = (first(&t), all(&t));
        for epoch in 1..=2 {
            t.step(epoch).unwrap();
        }
        assert_eq!(first(&t), w0, "the classifier does not train during the warm-up");
        assert_ne!(all(&t), a0, "the learner and the denoiser do");
        t.step(3).unwrap();
        assert_ne!(first(&t), w0, "after it the classifier trains");
        let e = GlmTrainer::new(r#"{"graph": "learned", "glm": {"dae_warmup": 5}}"#, _data(), 0, &Device::Cpu).err().unwrap();
        assert!(e.to_string().contains("glm.dae_warmup trains on the denoising loss alone"), "{e}");
    }

    #[test]
    fn glm_lr_sets_the_learner_and_denoiser_rate_apart_from_the_classifier() {
        let moved = |glm_lr: f64| {
            let cfg = format!(r#"{{"graph": "learned", "glm": {{"k": 3, "dae": 1.0, "dae_hidden": 8, "lr": {glm_lr}}}}}"#);
            let mut t = GlmTrainer::new(&cfg, _data(), 0, &Device::Cpu).unwrap();
            let names = t.model.params.names().to_vec();
            let ids = |p: &str| (0..names.len()).filter(|&i| names[i].starts_with(p)).collect::<Vec<_>>();
            let (graph, classifier) = ([ids("glm."), ids("dae")].concat(), ids("layer"));
            let (g0, c0) = (_values(&t, graph.iter().copied()), _values(&t, classifier.iter().copied()));
            t.step(1).unwrap();
            let dist = |a: &[f32], b: &[f32]| a.iter().zip(b).map(|(x, y)| (x - y).abs()).fold(0f32, f32::max);
            (dist(&g0, &_values(&t, graph.into_iter())), dist(&c0, &_values(&t, classifier.into_iter())))
        };
        let (g_same, c_same) = moved(0.01);
        let (g_slow, c_slow) = moved(0.001);
        // Adam's first step moves a parameter by at most its lr (up to ε)
        assert!(g_same > 0.005 && g_same <= 0.0101, "at lr 0.01 the learner moves by up to 0.01: {g_same}");
        assert!(g_slow > 0.0005 && g_slow <= 0.00101, "at glm.lr 0.001 by up to 0.001: {g_slow}");
        assert_eq!(c_same, c_slow, "the classifier's rate is lr either way");
    }
}
