//! Named trainable parameters of a model, their seeded initialisation, and safetensors checkpoints.
//!
//! Layers keep parameter *ids*; a forward pass reads the tensors from a [`Weights`] snapshot that is
//! either tracked (gradients flow into the `Var`s) or detached (inference, no autograd graph).
//!
//! A store lives on one device. Initial values are drawn on the host and then moved there, and
//! checkpoints are read and written through the host, so a seed gives the same initial weights on
//! every device and a checkpoint trained on the GPU loads on the CPU (and back).

use crate::allocator::keep_freed_pages;
use std::collections::HashMap;
use std::path::Path;

use candle_core::{DType, Device, Tensor, Var};

use crate::error::{Error, Result};
use crate::rng::Rng;

/// Parameters (`Var`s).
pub struct ParamStore {
    device: Device,
    names: Vec<String>,
    vars: Vec<Var>,
    inits: Vec<Init>,
    rng: Rng,
}

/// How a parameter was initialised (so that it can be drawn again).
enum Init {
    Uniform(f64),
    Constant(Tensor),
}

/// The tensors of all parameters for one forward pass.
pub struct Weights(Vec<Tensor>);

impl Weights {
    /// Tensor of parameter `id`.
    pub fn get(&self, id: usize) -> &Tensor {
        &self.0[id]
    }
}

impl ParamStore {
    /// An empty store on `device` whose initialisations draw from `seed`. Models are built on one,
    /// so this is also where the allocator gets its setting for training ([`keep_freed_pages`]).
    pub fn new(seed: u64, device: &Device) -> ParamStore {
        keep_freed_pages();
        ParamStore { device: device.clone(), names: Vec::new(), vars: Vec::new(), inits: Vec::new(), rng: Rng::new(seed) }
    }

    /// The device the parameters live on.
    pub fn device(&self) -> &Device {
        &self.device
    }

    /// Adds a parameter initialised uniformly in `[-bound, bound)`; returns its id.
    pub fn uniform(&mut self, name: &str, shape: &[usize], bound: f64) -> Result<usize> {
        let t = self._draw(shape, bound)?;
        self._push(name, t, Init::Uniform(bound))
    }

    /// Adds a parameter with the given initial value (moved to the store's device); returns its id.
    pub fn constant(&mut self, name: &str, t: Tensor) -> Result<usize> {
        let t = t.to_device(&self.device)?;
        self._push(name, t.clone(), Init::Constant(t))
    }

    fn _draw(&mut self, shape: &[usize], bound: f64) -> Result<Tensor> {
        let n: usize = shape.iter().product();
        let v: Vec<f32> = (0..n).map(|_| ((2.0 * self.rng.unit() - 1.0) * bound) as f32).collect();
        Ok(Tensor::from_vec(v, shape, &Device::Cpu)?.to_device(&self.device)?)
    }

    fn _push(&mut self, name: &str, t: Tensor, init: Init) -> Result<usize> {
        self.names.push(name.to_string());
        self.vars.push(Var::from_tensor(&t)?);
        self.inits.push(init);
        Ok(self.vars.len() - 1)
    }

    /// Draws the parameters whose names start with `prefix` again, as at creation; returns their ids.
    pub fn reinitialise(&mut self, prefix: &str) -> Result<Vec<usize>> {
        let ids: Vec<usize> = (0..self.names.len()).filter(|&i| self.names[i].starts_with(prefix)).collect();
        for &i in &ids {
            let t = match &self.inits[i] {
                Init::Uniform(bound) => {
                    let dims = self.vars[i].dims().to_vec();
                    self._draw(&dims, *bound)?
                }
                Init::Constant(t) => t.clone(),
            };
            self.vars[i].set(&t)?;
        }
        Ok(ids)
    }

    /// A snapshot of the parameters: tracked for training, detached for inference.
    pub fn weights(&self, track: bool) -> Weights {
        Weights(self.vars.iter().map(|v| if track { v.as_tensor().clone() } else { v.as_tensor().detach() }).collect())
    }

    /// The trainable variables.
    pub fn vars(&self) -> &[Var] {
        &self.vars
    }

    /// Copies of every parameter's current value (a best-parameters snapshot).
    pub fn snapshot(&self) -> Result<Vec<Tensor>> {
        Ok(self.vars.iter().map(|v| v.as_tensor().copy()).collect::<candle_core::Result<_>>()?)
    }

    /// Sets every parameter to the values of a [`ParamStore::snapshot`].
    pub fn restore(&self, snap: &[Tensor]) -> Result<()> {
        self.vars.iter().zip(snap).try_for_each(|(v, t)| v.set(t))?;
        Ok(())
    }

    /// Parameter names, in id order.
    pub fn names(&self) -> &[String] {
        &self.names
    }

    /// Number of trainable scalars.
    pub fn num_parameters(&self) -> usize {
        self.vars.iter().map(|v| v.elem_count()).sum()
    }

    /// Writes every parameter to a safetensors file (from the host: the file is device-independent).
    pub fn save(&self, path: &Path) -> Result<()> {
        self.save_with(path, Vec::new())
    }

    /// As [`ParamStore::save`], with the tensors `extra` (state that is not a parameter, such as
    /// running statistics) in the same file; [`ParamStore::load`] skips them.
    pub fn save_with(&self, path: &Path, extra: Vec<(String, Tensor)>) -> Result<()> {
        let mut host: HashMap<String, Tensor> = extra.into_iter().collect();
        for (name, v) in self.names.iter().zip(&self.vars) {
            host.insert(name.clone(), v.as_tensor().to_device(&Device::Cpu)?);
        }
        candle_core::safetensors::save(&host, path)?;
        Ok(())
    }

    /// Loads every parameter from a safetensors file (names and shapes must match).
    pub fn load(&mut self, path: &Path) -> Result<()> {
        let m = candle_core::safetensors::load(path, &Device::Cpu)?;
        let get = |name: &str, dims: &[usize]| -> Result<Tensor> {
            let t = m.get(name).ok_or_else(|| Error::Usage(format!("checkpoint {} has no tensor {name}", path.display())))?;
            if t.dims() != dims {
                return Err(Error::Usage(format!(
                    "checkpoint {}: {name} has shape {:?}, the model expects {dims:?} (was it trained with another config?)",
                    path.display(),
                    t.dims()
                )));
            }
            Ok(t.to_dtype(DType::F32)?.to_device(&self.device)?)
        };
        for (name, var) in self.names.iter().zip(&self.vars) {
            var.set(&get(name, var.dims())?)?;
        }
        Ok(())
    }
}
