//! Mini-batch training of a [`FusionModel`] on crystals with descriptors and z-scored targets:
//! one call per epoch (the front end drives epochs, early stopping and the task weights), best
//! snapshots, and predictions with the importance probes.
//!
//! Per target `t` (missing values, NaN, are masked out of the means):
//! ```text
//! L_t = mean_b |ŷ_bt − y_bt|   (l1)   or   mean_b (ŷ_bt − y_bt)²   (mse)
//! L   = Σ_t λ_t L_t                     λ from the caller (equal, fixed, inverse, DWA)
//! L   = Σ_t exp(−s_t) L_t + s_t         with `kendall` (s_t = log σ²_t learned)
//! ```

use std::path::Path;
use std::time::Instant;

use candle_core::{Device, Tensor};
use serde::Deserialize;
use serde_json::{json, Value};

use crate::error::{Error, Result};
use crate::fusion::config::{FusionConfig, FusionMode};
use crate::fusion::crystal_set::{CrystalSet, Expanded};
use crate::fusion::model::FusionModel;
use crate::nn::adam::Adam;
use crate::nn::checkpoint::{load_checkpoint, save_checkpoint};
use crate::nn::param_store::Weights;
use crate::nn::task_loss::combine_task_losses;
use crate::on_pool::on_pool;
use crate::rng::Rng;

/// Split codes of the `split` array.
const TRAIN: u8 = 1;
const VAL: u8 = 2;

/// Crystals evaluated per forward pass at inference.
const EVAL_CHUNK: usize = 512;

/// A dataset as the C ABI passes it.
pub struct FusionData {
    /// The crystal graphs.
    pub crystals: CrystalSet,
    /// `[S, D]` descriptors (z-scored by the caller), `D` may be 0.
    pub descriptors: Vec<f32>,
    /// Descriptor width `D`.
    pub descriptor_dim: usize,
    /// `[S, T]` z-scored targets, NaN = missing.
    pub targets: Vec<f32>,
    /// Target count `T`.
    pub tasks: usize,
    /// Per crystal: 0 unused, 1 train, 2 val, 3 test.
    pub split: Vec<u8>,
}

/// Which crystals [`FusionTrainer::predict`] covers and how it probes the model (JSON from the
/// C ABI: every key optional, unknown keys rejected).
#[derive(Clone, Copy, Debug, Default, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct PredictOptions {
    /// Use the best snapshot.
    pub best: bool,
    /// Only crystals of this split code (None = all).
    pub split: Option<u8>,
    /// Replace the descriptors by zeros (importance of the descriptors).
    pub zero_descriptors: bool,
    /// Permute the pooled GNN embeddings across the predicted crystals with this seed
    /// (importance of the structure).
    pub permute_embeddings: Option<u64>,
}

type Snapshot = (Vec<Tensor>, Vec<(Vec<f32>, Vec<f32>)>);

/// A model, its optimiser and its data.
pub struct FusionTrainer {
    model: FusionModel,
    adam: Adam,
    data: FusionData,
    edges: Expanded,
    rng: Rng,
    best: Option<Snapshot>,
}

fn _check(d: &FusionData) -> Result<()> {
    d.crystals.validate()?;
    let s = d.crystals.len();
    if d.split.len() != s || d.targets.len() != s * d.tasks || d.descriptors.len() != s * d.descriptor_dim {
        return Err(Error::Usage(format!(
            "fusion data: {s} crystals with {} split codes, {} target values (× {}), {} descriptor values (× {})",
            d.split.len(),
            d.targets.len(),
            d.tasks,
            d.descriptors.len(),
            d.descriptor_dim
        )));
    }
    if let Some(i) = d.descriptors.iter().position(|v| !v.is_finite()) {
        return Err(Error::input(0, format!("descriptors[{}][{}]", i / d.descriptor_dim, i % d.descriptor_dim), "is not finite"));
    }
    if let Some(i) = d.targets.iter().position(|v| v.is_infinite()) {
        return Err(Error::input(0, format!("targets[{}][{}]", i / d.tasks, i % d.tasks), "is infinite"));
    }
    if let Some(i) = d.split.iter().position(|&c| c > 3) {
        return Err(Error::input(0, format!("split[{i}]"), "must be 0, 1, 2 or 3"));
    }
    Ok(())
}

impl FusionTrainer {
    /// A trainer on `device` for `data` with the JSON config `config`, initialised from `seed`.
    pub fn new(config: &str, data: FusionData, seed: u64, device: &Device) -> Result<FusionTrainer> {
        let cfg = FusionConfig::parse(config)?;
        _check(&data)?;
        if (cfg.mode == FusionMode::Alignn) == data.crystals.cosines.is_empty() {
            return Err(Error::Usage("fusion: the bond-angle cosines go with mode alignn, and only with it".into()));
        }
        let model = FusionModel::new(cfg, data.crystals.feature_dim, data.descriptor_dim, data.tasks, seed, device)?;
        let adam = Adam::new(model.params.vars())?;
        let edges = data.crystals.expand(&model.cfg.gaussian);
        Ok(FusionTrainer { model, adam, edges, data, rng: Rng::new(seed ^ 0x9e37_79b9_7f4a_7c15), best: None })
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
        crate::device::name(self._dev())
    }

    fn _dev(&self) -> &Device {
        self.model.params.device()
    }

    fn _ids(&self, split: Option<u8>) -> Vec<usize> {
        (0..self.data.split.len()).filter(|&i| split.is_none_or(|c| self.data.split[i] == c)).collect()
    }

    /// `[B, D]` descriptors of `ids` (None without descriptors).
    fn _descriptors(&self, ids: &[usize], zero: bool) -> Result<Option<Tensor>> {
        let d = self.data.descriptor_dim;
        if d == 0 {
            return Ok(None);
        }
        let v: Vec<f32> = if zero {
            vec![0.0; ids.len() * d]
        } else {
            ids.iter().flat_map(|&i| self.data.descriptors[i * d..(i + 1) * d].iter().copied()).collect()
        };
        Ok(Some(Tensor::from_vec(v, (ids.len(), d), self._dev())?))
    }

    /// `[B, T]` targets with NaN replaced by 0, and the `[B, T]` mask of present ones.
    fn _targets(&self, ids: &[usize]) -> Result<(Tensor, Tensor)> {
        let t = self.data.tasks;
        let raw: Vec<f32> = ids.iter().flat_map(|&i| self.data.targets[i * t..(i + 1) * t].iter().copied()).collect();
        let mask: Vec<f32> = raw.iter().map(|v| if v.is_nan() { 0.0 } else { 1.0 }).collect();
        let y: Vec<f32> = raw.iter().map(|v| if v.is_nan() { 0.0 } else { *v }).collect();
        Ok((Tensor::from_vec(y, (ids.len(), t), self._dev())?, Tensor::from_vec(mask, (ids.len(), t), self._dev())?))
    }

    /// Per-target losses `[T]` of predictions against targets, missing ones masked.
    fn _losses(&self, pred: &Tensor, y: &Tensor, mask: &Tensor) -> Result<Tensor> {
        let diff = ((pred - y)? * mask)?;
        let e = self.model.cfg.loss.of(&diff)?;
        let count = mask.sum(0)?.clamp(1.0, f64::INFINITY)?; // [T]
        Ok((e.sum(0)? / count)?)
    }

    /// One epoch over the training crystals in shuffled mini-batches with task weights `weights`
    /// (None = all 1; ignored with `kendall`) and learning rate `lr` (None = the config's; the
    /// front end's schedule), then a validation pass. Returns the epoch's metrics: per-task mean
    /// training losses, validation losses and MAEs (z-scored units).
    pub fn step(&mut self, epoch: usize, weights: Option<Vec<f64>>, lr: Option<f64>) -> Result<Value> {
        if !self.data.split.contains(&TRAIN) {
            return Err(Error::Usage("fusion data: no training crystals".into()));
        }
        on_pool(|| self._step(epoch, weights, lr))
    }

    fn _step(&mut self, epoch: usize, weights: Option<Vec<f64>>, lr: Option<f64>) -> Result<Value> {
        let lr = lr.unwrap_or(self.model.cfg.lr);
        if !(lr.is_finite() && lr > 0.0) {
            return Err(Error::Usage(format!("fusion: learning rate {lr} must be positive")));
        }
        let t0 = Instant::now();
        let tasks = self.model.tasks;
        let lambda = weights.unwrap_or_else(|| vec![1.0; tasks]);
        if lambda.len() != tasks || lambda.iter().any(|w| !(w.is_finite() && *w >= 0.0)) {
            return Err(Error::Usage(format!(
                "fusion: {} task weights for {tasks} targets (each finite and ≥ 0): {lambda:?}",
                lambda.len()
            )));
        }
        let lambda_t = Tensor::from_vec(lambda.iter().map(|&w| w as f32).collect::<Vec<_>>(), tasks, self._dev())?;
        let mut ids = self._ids(Some(TRAIN));
        self.rng.shuffle(&mut ids);
        let (mut sums, mut batches, mut total) = (vec![0.0f64; tasks], 0usize, 0.0f64);
        for chunk in ids.chunks(self.model.cfg.batch_size) {
            // A batch of one crystal has no batch statistics (PyTorch refuses it too).
            if chunk.len() < 2 {
                continue;
            }
            let b = self.data.crystals.batch(chunk, &self.edges, self._dev())?;
            let w = self.model.params.weights(true);
            let e = self.model.embed(&w, &b, true)?;
            let d = self._descriptors(chunk, false)?;
            let out = self.model.head(&w, &e, d.as_ref(), Some(&mut self.rng))?;
            let (y, mask) = self._targets(chunk)?;
            let per = self._losses(&out.pred, &y, &mask)?; // [T]
            let loss = combine_task_losses(&per, self.model.log_vars.map(|id| w.get(id)), &lambda_t)?;
            let grads = loss.backward()?;
            self.adam.step(self.model.params.vars(), &grads, lr, self.model.cfg.weight_decay, 0.0)?;
            per.to_vec1::<f32>()?.iter().zip(sums.iter_mut()).for_each(|(v, s)| *s += *v as f64);
            total += loss.to_scalar::<f32>()? as f64;
            batches += 1;
        }
        let n = batches.max(1) as f64;
        let (val_loss, val_mae) = self._val_metrics()?;
        let log_vars = match self.model.log_vars {
            Some(id) => json!(self.model.params.vars()[id].as_tensor().to_vec1::<f32>()?),
            None => Value::Null,
        };
        Ok(json!({
            "epoch": epoch,
            "loss": total / n,
            "train_loss": sums.iter().map(|s| s / n).collect::<Vec<_>>(),
            "val_loss": val_loss,
            "val_mae": val_mae,
            "log_vars": log_vars,
            "lr": lr,
            "ms": t0.elapsed().as_secs_f64() * 1e3,
        }))
    }

    /// Per-task validation losses and MAEs (z-scored units; null without validation crystals).
    fn _val_metrics(&self) -> Result<(Value, Value)> {
        let ids = self._ids(Some(VAL));
        if ids.is_empty() {
            return Ok((Value::Null, Value::Null));
        }
        let (pred, _, _) = self._forward_eval(&self.model.params.weights(false), &ids, PredictOptions::default())?;
        let (y, mask) = self._targets(&ids)?;
        let diff = ((pred - y)? * &mask)?;
        let count = mask.sum(0)?.clamp(1.0, f64::INFINITY)?;
        let mae = (diff.abs()?.sum(0)? / &count)?.to_vec1::<f32>()?;
        let loss = (self.model.cfg.loss.of(&diff)?.sum(0)? / &count)?.to_vec1::<f32>()?;
        Ok((json!(loss), json!(mae)))
    }

    /// Inference over `ids` in chunks: `[n, T]` predictions, `[n, 2]` attention weights (if any)
    /// and `[n, H]` embeddings.
    fn _forward_eval(&self, w: &Weights, ids: &[usize], o: PredictOptions) -> Result<(Tensor, Option<Tensor>, Tensor)> {
        let emb = ids
            .chunks(EVAL_CHUNK)
            .map(|c| self.model.embed(w, &self.data.crystals.batch(c, &self.edges, self._dev())?, false))
            .collect::<Result<Vec<_>>>()?;
        let mut emb = Tensor::cat(&emb, 0)?; // [n, H]
        if let Some(seed) = o.permute_embeddings {
            let mut perm: Vec<u32> = (0..ids.len() as u32).collect();
            Rng::new(seed).shuffle(&mut perm);
            emb = emb.index_select(&Tensor::from_vec(perm, ids.len(), self._dev())?, 0)?;
        }
        let (mut preds, mut attn) = (Vec::new(), Vec::new());
        for (k, c) in ids.chunks(EVAL_CHUNK).enumerate() {
            let e = emb.narrow(0, k * EVAL_CHUNK, c.len())?;
            let out = self.model.head(w, &e, self._descriptors(c, o.zero_descriptors)?.as_ref(), None)?;
            preds.push(out.pred);
            attn.extend(out.attention);
        }
        let attn = if attn.is_empty() { None } else { Some(Tensor::cat(&attn, 0)?) };
        Ok((Tensor::cat(&preds, 0)?, attn, emb))
    }

    /// Remembers the current parameters and batch-norm statistics as the best.
    pub fn keep_best(&mut self) -> Result<()> {
        self.best = Some((self.model.params.snapshot()?, self.model.bn_states()));
        Ok(())
    }

    /// Writes the best snapshot (the current parameters before any [`FusionTrainer::keep_best`])
    /// with its batch-norm statistics to the safetensors file `path`.
    pub fn save(&self, path: &Path) -> Result<()> {
        match &self.best {
            Some((snap, bn)) => {
                let now = self.model.params.snapshot()?;
                self.model.params.restore(snap)?;
                let out = save_checkpoint(&self.model.params, bn, path);
                self.model.params.restore(&now)?;
                out
            }
            None => save_checkpoint(&self.model.params, &self.model.bn_states(), path),
        }
    }

    /// Loads parameters and statistics saved by [`FusionTrainer::save`] (same config, feature,
    /// descriptor and target widths); forgets the best snapshot.
    pub fn load(&mut self, path: &Path) -> Result<()> {
        let count = self.model.bn_states().len();
        let bn = load_checkpoint(&mut self.model.params, count, path)?;
        self.model.set_bn_states(&bn);
        self.best = None;
        Ok(())
    }

    /// Predictions (z-scored units) for the crystals `o.split`:
    /// `{"ids": [...], "predictions": [[T values], ...], "attention": [w_descriptors, w_gnn] | null}`
    /// (attention = the mean weights over the predicted crystals).
    pub fn predict(&mut self, o: PredictOptions) -> Result<Value> {
        on_pool(|| self._predict(o))
    }

    fn _predict(&mut self, o: PredictOptions) -> Result<Value> {
        let ids = self._ids(o.split);
        if ids.is_empty() {
            return Ok(json!({"ids": [], "predictions": [], "attention": null}));
        }
        let run = |t: &Self| -> Result<Value> {
            let (pred, attn, _) = t._forward_eval(&t.model.params.weights(false), &ids, o)?;
            let attention = match attn {
                Some(a) => json!(a.mean(0)?.to_vec1::<f32>()?),
                None => Value::Null,
            };
            Ok(json!({"ids": ids, "predictions": pred.to_vec2::<f32>()?, "attention": attention}))
        };
        if !o.best {
            return run(self);
        }
        let Some((snap, bn)) = self.best.clone() else {
            return Err(Error::Usage("no best parameters kept yet (call keep_best first)".into()));
        };
        let now = self.model.params.snapshot()?;
        let now_bn = self.model.bn_states();
        self.model.params.restore(&snap)?;
        self.model.set_bn_states(&bn);
        let out = run(self);
        self.model.params.restore(&now)?;
        self.model.set_bn_states(&now_bn);
        out
    }
}
