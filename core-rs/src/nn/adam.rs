//! Adam with decoupled weight decay (AdamW) and global gradient-norm clipping, with its state
//! saved beside the weights so that `--resume` continues exactly.
//!
//! `m ← β₁m + (1−β₁)g`, `v ← β₂v + (1−β₂)g²`, `p ← p − lr·(m̂/(√v̂ + ε) + λp)`, with `lr` scaled per
//! variable where [`Adam::scale_lr`] says so (a module trained at its own rate).

use std::collections::HashMap;
use std::path::Path;

use candle_core::backprop::GradStore;
use candle_core::{Device, Tensor, Var};

use crate::error::{Error, Result};

const BETA1: f64 = 0.9;
const BETA2: f64 = 0.999;
const EPS: f64 = 1e-8;

/// Optimiser state for a list of variables.
pub struct Adam {
    m: Vec<Tensor>,
    v: Vec<Tensor>,
    step: u64,
    lr_scale: Vec<f64>,
}

/// What one update did.
pub struct Update {
    /// Global gradient norm before clipping.
    pub grad_norm: f64,
}

impl Adam {
    /// Zero state for `vars`.
    pub fn new(vars: &[Var]) -> Result<Adam> {
        let z = vars.iter().map(|v| v.zeros_like()).collect::<candle_core::Result<Vec<_>>>()?;
        Ok(Adam { m: z.clone(), v: z, step: 0, lr_scale: vec![1.0; vars.len()] })
    }

    /// Multiplies the learning rate (and so the decoupled decay) of the variables `ids` by `scale`
    /// in every later step.
    pub fn scale_lr(&mut self, ids: &[usize], scale: f64) {
        for &i in ids {
            self.lr_scale[i] = scale;
        }
    }

    /// Resets the state of the variables `ids` (e.g. a re-drawn critic).
    pub fn reset(&mut self, ids: &[usize]) -> Result<()> {
        for &i in ids {
            self.m[i] = self.m[i].zeros_like()?;
            self.v[i] = self.v[i].zeros_like()?;
        }
        Ok(())
    }

    /// One update of `vars` from `grads` (variables without a gradient are left alone).
    pub fn step(&mut self, vars: &[Var], grads: &GradStore, lr: f64, weight_decay: f64, clip: f64) -> Result<Update> {
        let mut sq = 0.0f64;
        for v in vars {
            if let Some(g) = grads.get(v) {
                sq += g.sqr()?.sum_all()?.to_scalar::<f32>()? as f64;
            }
        }
        let norm = sq.sqrt();
        if !norm.is_finite() {
            return Err(Error::Usage(format!("gradient norm is {norm}; lower the learning rate")));
        }
        let scale = if clip > 0.0 && norm > clip { clip / norm } else { 1.0 };
        self.step += 1;
        let (c1, c2) = (1.0 - BETA1.powi(self.step as i32), 1.0 - BETA2.powi(self.step as i32));
        for (i, var) in vars.iter().enumerate() {
            let Some(g) = grads.get(var) else { continue };
            // Detached: a leaf's gradient can carry the forward graph (candle tracks `lhsᵀ·G` when `lhs`
            // is tracked), and the moments would then chain every step's graph together.
            let g = (g.detach() * scale)?;
            self.m[i] = ((&self.m[i] * BETA1)? + (&g * (1.0 - BETA1))?)?;
            self.v[i] = ((&self.v[i] * BETA2)? + (g.sqr()? * (1.0 - BETA2))?)?;
            let mhat = (&self.m[i] / c1)?;
            let vhat = (&self.v[i] / c2)?;
            let upd = (mhat / (vhat.sqrt()? + EPS)?)?;
            let p = var.as_tensor();
            let lr = lr * self.lr_scale[i];
            let next = ((p * (1.0 - lr * weight_decay))? - (upd * lr)?)?;
            var.set(&next)?;
        }
        Ok(Update { grad_norm: norm })
    }

    /// Writes `m.<name>`, `v.<name>` and `step` to a safetensors file (from the host).
    pub fn save(&self, names: &[String], path: &Path) -> Result<()> {
        let mut t: HashMap<String, Tensor> = HashMap::new();
        for (i, n) in names.iter().enumerate() {
            t.insert(format!("m.{n}"), self.m[i].to_device(&Device::Cpu)?);
            t.insert(format!("v.{n}"), self.v[i].to_device(&Device::Cpu)?);
        }
        t.insert("step".into(), Tensor::new(&[self.step as f64], &Device::Cpu)?);
        candle_core::safetensors::save(&t, path)?;
        Ok(())
    }

    /// Reads the state written by [`Adam::save`] onto the device of the current state.
    pub fn load(&mut self, names: &[String], path: &Path) -> Result<()> {
        let t = candle_core::safetensors::load(path, &Device::Cpu)?;
        let get = |k: &str, like: &Tensor| -> Result<Tensor> {
            match t.get(k) {
                Some(x) if x.dims() == like.dims() => Ok(x.to_device(like.device())?),
                _ => Err(Error::Usage(format!("optimizer state {} has no tensor {k} of shape {:?}", path.display(), like.dims()))),
            }
        };
        for (i, n) in names.iter().enumerate() {
            self.m[i] = get(&format!("m.{n}"), &self.m[i])?;
            self.v[i] = get(&format!("v.{n}"), &self.v[i])?;
        }
        let step = t.get("step").ok_or_else(|| Error::Usage(format!("optimizer state {} has no step", path.display())))?;
        self.step = step.to_vec1::<f64>()?[0] as u64;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_scaled_variable_moves_at_its_own_rate() {
        let vars = [Var::new(&[1f32], &Device::Cpu).unwrap(), Var::new(&[1f32], &Device::Cpu).unwrap()];
        let mut adam = Adam::new(&vars).unwrap();
        adam.scale_lr(&[1], 0.1);
        let loss = (vars[0].as_tensor() + vars[1].as_tensor()).unwrap().sum_all().unwrap();
        adam.step(&vars, &loss.backward().unwrap(), 0.1, 0.0, 0.0).unwrap();
        // Adam's first step moves each variable by lr · sign(g) (up to ε)
        let at = |v: &Var| v.as_tensor().to_vec1::<f32>().unwrap()[0];
        assert!((at(&vars[0]) - 0.9).abs() < 1e-5, "{}", at(&vars[0]));
        assert!((at(&vars[1]) - 0.99).abs() < 1e-5, "{}", at(&vars[1]));
    }
}
