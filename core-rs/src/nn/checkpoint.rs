//! A model on disk: its parameters and the running statistics of its batch norms in one
//! safetensors file (`bn{i}.running_mean`, `bn{i}.running_var` beside the parameters' names), as
//! the params and fusion trainers save and load them.

use std::path::Path;

use candle_core::{Device, Tensor};

use crate::error::{Error, Result};
use crate::nn::param_store::ParamStore;

/// Running mean and variance of one batch norm.
pub type BnState = (Vec<f32>, Vec<f32>);

/// Writes `params` and the statistics `bn` to the safetensors file `path`.
pub fn save_checkpoint(params: &ParamStore, bn: &[BnState], path: &Path) -> Result<()> {
    let mut extra = Vec::new();
    for (i, (mean, var)) in bn.iter().enumerate() {
        extra.push((format!("bn{i}.running_mean"), Tensor::from_slice(mean, mean.len(), &Device::Cpu)?));
        extra.push((format!("bn{i}.running_var"), Tensor::from_slice(var, var.len(), &Device::Cpu)?));
    }
    params.save_with(path, extra)
}

/// Loads the parameters of a file written by [`save_checkpoint`] into `params` (names and shapes
/// must match) and returns its `count` batch-norm statistics.
pub fn load_checkpoint(params: &mut ParamStore, count: usize, path: &Path) -> Result<Vec<BnState>> {
    params.load(path)?;
    let m = candle_core::safetensors::load(path, &Device::Cpu)?;
    let stat = |name: String| -> Result<Vec<f32>> {
        let t = m.get(&name).ok_or_else(|| Error::Usage(format!("checkpoint {} has no tensor {name}", path.display())))?;
        Ok(t.to_vec1::<f32>()?)
    };
    (0..count).map(|i| Ok((stat(format!("bn{i}.running_mean"))?, stat(format!("bn{i}.running_var"))?))).collect()
}
