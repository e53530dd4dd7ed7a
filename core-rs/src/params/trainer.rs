//! Mini-batch training of an [`ImageCnn`] on images and their encoded targets: one call per epoch
//! (the front end drives epochs, early stopping and the task weights), best snapshots,
//! predictions of new images, and checkpoints.
//!
//! Per target `t` with output columns `c(t)` (1 for a count or real, 2 for an angle's (cos, sin)):
//! ```text
//! L_t = mean_{b, c ∈ c(t)} ℓ(ŷ_bc − y_bc)      ℓ = |·| (l1) or (·)² (mse)
//! L   = Σ_t λ_t L_t                           λ from the caller (equal, inverse, DWA)
//! L   = Σ_t exp(−s_t) L_t + s_t               with `kendall` (s_t = log σ²_t learned)
//! ```

use std::path::Path;
use std::time::Instant;

use candle_core::{Device, Tensor};
use serde_json::{json, Value};

use crate::error::{Error, Result};
use crate::nn::adam::Adam;
use crate::nn::checkpoint::{load_checkpoint, save_checkpoint};
use crate::nn::task_loss::combine_task_losses;
use crate::on_pool::on_pool;
use crate::params::config::ParamsConfig;
use crate::params::image_cnn::ImageCnn;
use crate::rng::Rng;

/// Split codes of the `split` array.
const TRAIN: u8 = 1;
const VAL: u8 = 2;

/// Images evaluated per forward pass at inference.
const EVAL_CHUNK: usize = 256;

/// Images as the C ABI passes them.
pub struct ImageData {
    /// `[N, H, W, 3]` RGB bytes.
    pub pixels: Vec<u8>,
    /// Image count `N`.
    pub count: usize,
    /// Image height `H`.
    pub height: usize,
    /// Image width `W`.
    pub width: usize,
}

impl ImageData {
    /// `[B, H, W, 3]` values in [0, 1] of the images `ids` (channels-last, as the CNN takes them).
    fn batch(&self, ids: &[usize], dev: &Device) -> Result<Tensor> {
        let px = self.height * self.width * 3;
        let v: Vec<f32> = ids.iter().flat_map(|&i| self.pixels[i * px..(i + 1) * px].iter().map(|&b| b as f32 / 255.0)).collect();
        Ok(Tensor::from_vec(v, (ids.len(), self.height, self.width, 3), dev)?)
    }
}

type Snapshot = (Vec<Tensor>, Vec<(Vec<f32>, Vec<f32>)>);

/// A model, its optimiser, its training images (possibly none, for prediction only) and targets.
pub struct ParamsTrainer {
    model: ImageCnn,
    adam: Adam,
    images: ImageData,
    /// `[N, K]` encoded targets.
    targets: Vec<f32>,
    /// Per image: 0 unused, 1 train, 2 val.
    split: Vec<u8>,
    /// `[K, T]`: column c of head t gets 1/k_t (averages each head's columns).
    columns: Tensor,
    rng: Rng,
    best: Option<Snapshot>,
}

impl ParamsTrainer {
    /// A trainer on `device` with the JSON config `config`, heads `head_widths`, images, targets
    /// `[N, K]` and split codes, initialised from `seed`.
    pub fn new(
        config: &str,
        head_widths: Vec<usize>,
        images: ImageData,
        targets: Vec<f32>,
        split: Vec<u8>,
        seed: u64,
        device: &Device,
    ) -> Result<ParamsTrainer> {
        let cfg = ParamsConfig::parse(config)?;
        let model = ImageCnn::new(cfg, images.height, images.width, head_widths, seed, device)?;
        let k: usize = model.head_widths.iter().sum();
        let n = images.count;
        if images.pixels.len() != n * images.height * images.width * 3 || targets.len() != n * k || split.len() != n {
            return Err(Error::Usage(format!(
                "params data: {n} images with {} bytes, {} target values (× {k}), {} split codes",
                images.pixels.len(),
                targets.len(),
                split.len()
            )));
        }
        if let Some(i) = targets.iter().position(|v| !v.is_finite()) {
            return Err(Error::input(0, format!("targets[{}][{}]", i / k, i % k), "is not finite"));
        }
        if let Some(i) = split.iter().position(|&c| c > VAL) {
            return Err(Error::input(0, format!("split[{i}]"), "must be 0, 1 or 2"));
        }
        let t = model.head_widths.len();
        let mut g = vec![0f32; k * t];
        let mut c = 0;
        for (head, &w) in model.head_widths.iter().enumerate() {
            for _ in 0..w {
                g[c * t + head] = 1.0 / w as f32;
                c += 1;
            }
        }
        let columns = Tensor::from_vec(g, (k, t), device)?;
        let adam = Adam::new(model.params.vars())?;
        Ok(ParamsTrainer { model, adam, images, targets, split, columns, rng: Rng::new(seed ^ 0x9e37_79b9_7f4a_7c15), best: None })
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

    /// The image height and width the model takes.
    pub fn image_size(&self) -> (usize, usize) {
        (self.images.height, self.images.width)
    }

    fn _dev(&self) -> &Device {
        self.model.params.device()
    }

    fn _ids(&self, code: u8) -> Vec<usize> {
        (0..self.split.len()).filter(|&i| self.split[i] == code).collect()
    }

    /// `[B, K]` targets of `ids`.
    fn _targets(&self, ids: &[usize]) -> Result<Tensor> {
        let k = self.columns.dim(0)?;
        let v: Vec<f32> = ids.iter().flat_map(|&i| self.targets[i * k..(i + 1) * k].iter().copied()).collect();
        Ok(Tensor::from_vec(v, (ids.len(), k), self._dev())?)
    }

    /// Per-target losses `[T]` of predictions `[B, K]` against targets `[B, K]`.
    fn _losses(&self, pred: &Tensor, y: &Tensor) -> Result<Tensor> {
        let per_column = self.model.cfg.loss.of(&(pred - y)?)?.mean(0)?; // [K]
        Ok(per_column.unsqueeze(0)?.matmul(&self.columns)?.squeeze(0)?) // [T]
    }

    /// One epoch over the training images in shuffled mini-batches with task weights `weights`
    /// (None = all 1; ignored with `kendall`) and learning rate `lr` (None = the config's), then a
    /// validation pass. Returns the epoch's metrics: the weighted loss, per-task mean training
    /// and validation losses, the Kendall log variances, the learning rate, the wall time and the
    /// training images per second of it (validation pass included).
    pub fn step(&mut self, epoch: usize, weights: Option<Vec<f64>>, lr: Option<f64>) -> Result<Value> {
        on_pool(|| self._step(epoch, weights, lr))
    }

    fn _step(&mut self, epoch: usize, weights: Option<Vec<f64>>, lr: Option<f64>) -> Result<Value> {
        let lr = lr.unwrap_or(self.model.cfg.lr);
        if !(lr.is_finite() && lr > 0.0) {
            return Err(Error::Usage(format!("params: learning rate {lr} must be positive")));
        }
        let t0 = Instant::now();
        let tasks = self.model.head_widths.len();
        let lambda = weights.unwrap_or_else(|| vec![1.0; tasks]);
        if lambda.len() != tasks || lambda.iter().any(|w| !(w.is_finite() && *w >= 0.0)) {
            return Err(Error::Usage(format!(
                "params: {} task weights for {tasks} targets (each finite and ≥ 0): {lambda:?}",
                lambda.len()
            )));
        }
        let lambda_t = Tensor::from_vec(lambda.iter().map(|&w| w as f32).collect::<Vec<_>>(), tasks, self._dev())?;
        let mut ids = self._ids(TRAIN);
        if ids.len() < 2 {
            return Err(Error::Usage(format!("params: {} training images; at least 2 are needed", ids.len())));
        }
        self.rng.shuffle(&mut ids);
        let (mut sums, mut batches, mut total) = (vec![0.0f64; tasks], 0usize, 0.0f64);
        for chunk in ids.chunks(self.model.cfg.batch_size) {
            // A batch of one image has no batch statistics.
            if chunk.len() < 2 {
                continue;
            }
            let x = self.images.batch(chunk, self._dev())?; // [B, H, W, 3]
            let w = self.model.params.weights(true);
            let pred = self.model.forward(&w, &x, true)?; // [B, K]
            let per = self._losses(&pred, &self._targets(chunk)?)?; // [T]
            let loss = combine_task_losses(&per, self.model.log_vars.map(|id| w.get(id)), &lambda_t)?;
            let grads = loss.backward()?;
            self.adam.step(self.model.params.vars(), &grads, lr, self.model.cfg.weight_decay, 0.0)?;
            per.to_vec1::<f32>()?.iter().zip(sums.iter_mut()).for_each(|(v, s)| *s += *v as f64);
            total += loss.to_scalar::<f32>()? as f64;
            batches += 1;
        }
        let n = batches.max(1) as f64;
        let val = self._ids(VAL);
        let val_loss = if val.is_empty() {
            Value::Null
        } else {
            let pred = self._forward_eval(&self.images, &val)?;
            json!(self._losses(&pred, &self._targets(&val)?)?.to_vec1::<f32>()?)
        };
        let log_vars = match self.model.log_vars {
            Some(id) => json!(self.model.params.vars()[id].as_tensor().to_vec1::<f32>()?),
            None => Value::Null,
        };
        Ok(json!({
            "epoch": epoch,
            "loss": total / n,
            "train_loss": sums.iter().map(|s| s / n).collect::<Vec<_>>(),
            "val_loss": val_loss,
            "log_vars": log_vars,
            "lr": lr,
            "ms": t0.elapsed().as_secs_f64() * 1e3,
            "images_per_s": ids.len() as f64 / t0.elapsed().as_secs_f64(),
        }))
    }

    /// `[n, K]` predictions of the images `ids` of `images`, in chunks, without autograd.
    fn _forward_eval(&self, images: &ImageData, ids: &[usize]) -> Result<Tensor> {
        let w = self.model.params.weights(false);
        let parts =
            ids.chunks(EVAL_CHUNK).map(|c| self.model.forward(&w, &images.batch(c, self._dev())?, false)).collect::<Result<Vec<_>>>()?;
        Ok(Tensor::cat(&parts, 0)?)
    }

    /// Remembers the current parameters and batch-norm statistics as the best.
    pub fn keep_best(&mut self) -> Result<()> {
        self.best = Some((self.model.params.snapshot()?, self.model.bn_states()));
        Ok(())
    }

    /// Runs `f` with the best snapshot in place (when `best` and one was kept), then puts the
    /// current parameters back.
    fn _with_best<R>(&mut self, best: bool, f: impl FnOnce(&Self) -> Result<R>) -> Result<R> {
        let Some((snap, bn)) = self.best.clone().filter(|_| best) else { return f(self) };
        let (now, now_bn) = (self.model.params.snapshot()?, self.model.bn_states());
        self.model.params.restore(&snap)?;
        self.model.set_bn_states(&bn);
        let out = f(self);
        self.model.params.restore(&now)?;
        self.model.set_bn_states(&now_bn);
        out
    }

    /// Predictions `[n][K]` (encoded units) of `images` (of [`ParamsTrainer::image_size`]), with
    /// the best snapshot when `best`.
    pub fn predict(&mut self, images: &ImageData, best: bool) -> Result<Value> {
        let ids: Vec<usize> = (0..images.count).collect();
        let out = on_pool(|| self._with_best(best, |t| Ok(t._forward_eval(images, &ids)?.to_vec2::<f32>()?)))?;
        Ok(json!({"predictions": out}))
    }

    /// Writes the best snapshot (or the current parameters when none was kept) with the running
    /// statistics to the safetensors file `path`.
    pub fn save(&mut self, path: &Path) -> Result<()> {
        self._with_best(true, |t| save_checkpoint(&t.model.params, &t.model.bn_states(), path))
    }

    /// Loads parameters and running statistics saved by [`ParamsTrainer::save`] (same config and heads).
    pub fn load(&mut self, path: &Path) -> Result<()> {
        let count = self.model.bn_states().len();
        let states = load_checkpoint(&mut self.model.params, count, path)?;
        self.model.set_bn_states(&states);
        self.best = None;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const SIDE: usize = 8;

    /// `n` images of one flat colour: the red channel is `count / 4`, the green one `(cos θ + 1)/2`
    /// and the blue one `(sin θ + 1)/2`; targets: the count (z-scored by hand) and (cos θ, sin θ).
    fn flat_images(n: usize) -> (ImageData, Vec<f32>) {
        let (mut pixels, mut targets) = (Vec::new(), Vec::new());
        for i in 0..n {
            let count = (i % 4) as f32;
            let theta = i as f32 * 0.7;
            let rgb = [count / 4.0, (theta.cos() + 1.0) / 2.0, (theta.sin() + 1.0) / 2.0].map(|v| (v * 255.0).round() as u8);
            pixels.extend((0..SIDE * SIDE).flat_map(|_| rgb));
            targets.extend([count - 1.5, theta.cos(), theta.sin()]);
        }
        (ImageData { pixels, count: n, height: SIDE, width: SIDE }, targets)
    }

    fn trainer(n: usize, split: Vec<u8>) -> ParamsTrainer {
        let (images, targets) = flat_images(n);
        let cfg = r#"{"channels": [4], "hidden": 16, "head_hidden": 8, "batch_size": 8, "lr": 0.01}"#;
        ParamsTrainer::new(cfg, vec![1, 2], images, targets, split, 3, &Device::Cpu).unwrap()
    }

    #[test]
    fn an_angle_head_loss_is_the_mean_of_its_two_columns() {
        let t = trainer(4, vec![1; 4]);
        let pred = Tensor::new(&[[1.0f32, 0.0, 0.0], [1.0, 0.0, 0.0]], &Device::Cpu).unwrap();
        let y = Tensor::new(&[[0.0f32, 2.0, 0.0], [2.0, 0.0, 2.0]], &Device::Cpu).unwrap();
        // count: (1 + 1)/2 = 1; angle: (4 + 0 + 0 + 4)/4 = 2.
        assert_eq!(t._losses(&pred, &y).unwrap().to_vec1::<f32>().unwrap(), vec![1.0, 2.0]);
    }

    #[test]
    fn training_lowers_the_validation_loss_and_a_checkpoint_predicts_the_same() {
        let split: Vec<u8> = (0..64).map(|i| if i % 4 == 3 { VAL } else { TRAIN }).collect();
        let mut t = trainer(64, split);
        let val = |m: &Value| m["val_loss"].as_array().unwrap().iter().map(|v| v.as_f64().unwrap()).sum::<f64>();
        let first = val(&t.step(1, None, None).unwrap());
        let mut last = first;
        for e in 2..=30 {
            last = val(&t.step(e, Some(vec![1.0, 2.0]), None).unwrap());
        }
        assert!(last < 0.3 * first, "validation loss {first} → {last}");
        t.keep_best().unwrap();
        let (images, _) = flat_images(6);
        let before = t.predict(&images, true).unwrap();
        let path = std::env::temp_dir().join(format!("keiro-params-{}.safetensors", std::process::id()));
        t.save(&path).unwrap();
        let mut fresh = trainer(4, vec![1; 4]);
        assert_ne!(fresh.predict(&images, false).unwrap(), before);
        fresh.load(&path).unwrap();
        std::fs::remove_file(&path).unwrap();
        assert_eq!(fresh.predict(&images, false).unwrap(), before, "weights and batch-norm statistics restored");
    }
}
