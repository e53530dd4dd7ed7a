//! A small CNN that regresses an image's parameters, one head per target:
//!
//! ```text
//! blocks  x⁰ = image / 255                                     [B, H, W, 3]
//!         xᵏ = maxpool₂(ReLU(BN(conv3×3(xᵏ⁻¹))))               [B, H/2ᵏ, W/2ᵏ, Cₖ]
//! shared  h  = ReLU(W_h flatten_chw(x^L) + b_h)                [B, F]
//! heads   ŷ_t = MLP_t,[F, head_hidden, k_t](h)                 [B, k_t], k_t = 1 (count, real) or 2 (angle)
//!         ŷ  = [ŷ_1 ‖ … ‖ ŷ_T]                                 [B, K]
//! ```
//! The blocks run channels-last (`[B, H, W, C]`): the convolution is [`conv3x3_rows`] (im2col and
//! one GEMM), whose `[B·H·W, C]` rows are what [`RunningBatchNorm`] normalises, and the pooling two
//! of candle's max reductions (its autograd differentiates both). The last block's output goes back
//! to `[B, C, H, W]` before the flatten. With `kendall`, the model also holds one learned log σ²_t
//! per target.

use candle_core::{DType, Device, Tensor};

use crate::error::{Error, Result};
use crate::nn::conv3x3::conv3x3_rows;
use crate::nn::mlp::{Activation, Linear, Mlp};
use crate::nn::param_store::{ParamStore, Weights};
use crate::nn::running_batch_norm::RunningBatchNorm;
use crate::params::config::ParamsConfig;

/// One conv → batch norm → ReLU → max pool block.
struct _Block {
    kernel: usize,
    bias: usize,
    bn: RunningBatchNorm,
}

impl _Block {
    /// `[B, H, W, Cᵢ]` → `[B, H/2, W/2, Cₒ]`.
    fn forward(&self, w: &Weights, x: &Tensor, train: bool) -> Result<Tensor> {
        let (b, h, wd, _) = x.dims4()?;
        let rows = conv3x3_rows(x, w.get(self.kernel), w.get(self.bias))?; // [B·H·W, Cₒ]
        let c = rows.dim(1)?;
        let z = self.bn.forward(w, &rows, train)?.relu()?.reshape((b, h, wd, c))?; // [B, H, W, Cₒ]
        _max_pool2(&z)
    }
}

/// 2×2 max pooling with stride 2, `[B, H, W, C]` → `[B, H/2, W/2, C]`, as two max reductions. Not
/// candle's `max_pool2d`: its backward (candle-core 0.9.2) divides the gradient by the window size
/// (4 here), which the finite-difference test below caught; the reductions' backward is exact.
fn _max_pool2(x: &Tensor) -> Result<Tensor> {
    let (b, h, w, c) = x.dims4()?;
    Ok(x.reshape((b, h / 2, 2, w / 2, 2, c))?.max(4)?.max(2)?)
}

/// The blocks, the shared layer, the heads and their parameters.
pub struct ImageCnn {
    /// Resolved config.
    pub cfg: ParamsConfig,
    /// Trainable parameters.
    pub params: ParamStore,
    blocks: Vec<_Block>,
    shared: Linear,
    heads: Vec<Mlp>,
    /// Output columns of each head, `k_t`.
    pub head_widths: Vec<usize>,
    /// Kendall log σ² `[T]` parameter id.
    pub log_vars: Option<usize>,
}

impl ImageCnn {
    /// A model on `device` for `height`×`width` RGB images and heads of `head_widths` outputs,
    /// initialised from `seed`.
    ///
    /// # Errors
    /// A usage error when there is no head, a head is not 1 or 2 wide, or a side is not a
    /// multiple of 2^blocks.
    pub fn new(cfg: ParamsConfig, height: usize, width: usize, head_widths: Vec<usize>, seed: u64, device: &Device) -> Result<ImageCnn> {
        if head_widths.is_empty() || head_widths.iter().any(|&k| k != 1 && k != 2) {
            return Err(Error::Usage(format!("params: heads must be 1 or 2 outputs wide, at least one, got {head_widths:?}")));
        }
        let scale = 1usize << cfg.channels.len();
        if height == 0 || width == 0 || !height.is_multiple_of(scale) || !width.is_multiple_of(scale) {
            return Err(Error::Usage(format!(
                "params: {height}×{width} px images: each side must be a positive multiple of {scale} (2 to the number of blocks, {})",
                cfg.channels.len()
            )));
        }
        let mut ps = ParamStore::new(seed, device);
        let mut blocks = Vec::new();
        let mut c_in = 3;
        for (i, &c) in cfg.channels.iter().enumerate() {
            let bound = 1.0 / ((c_in * 9) as f64).sqrt();
            blocks.push(_Block {
                kernel: ps.uniform(&format!("block{i}.conv.weight"), &[c, c_in, 3, 3], bound)?,
                bias: ps.uniform(&format!("block{i}.conv.bias"), &[c], bound)?,
                bn: RunningBatchNorm::new(&mut ps, &format!("block{i}.bn"), c, cfg.bn_momentum)?,
            });
            c_in = c;
        }
        let flat = c_in * (height / scale) * (width / scale);
        let shared = Linear::new(&mut ps, "shared", flat, cfg.hidden)?;
        let heads = head_widths
            .iter()
            .enumerate()
            .map(|(t, &k)| Mlp::from_dims(&mut ps, &format!("head{t}"), &[cfg.hidden, cfg.head_hidden, k], Activation::Relu))
            .collect::<Result<_>>()?;
        let log_vars = if cfg.kendall {
            Some(ps.constant("kendall.log_var", Tensor::zeros(head_widths.len(), DType::F32, &Device::Cpu)?)?)
        } else {
            None
        };
        Ok(ImageCnn { cfg, params: ps, blocks, shared, heads, head_widths, log_vars })
    }

    /// Predictions `[B, K]` of channels-last images `x` `[B, H, W, 3]` (values in [0, 1]).
    pub fn forward(&self, w: &Weights, x: &Tensor, train: bool) -> Result<Tensor> {
        let mut h = x.clone();
        for b in &self.blocks {
            h = b.forward(w, &h, train)?;
        }
        let h = h.permute((0, 3, 1, 2))?.flatten_from(1)?; // [B, C·H'·W'] in (c, y, x) order
        let h = self.shared.forward(w, &h)?.relu()?; // [B, F]
        let cols = self.heads.iter().map(|m| m.forward(w, &h)).collect::<Result<Vec<_>>>()?;
        Ok(Tensor::cat(&cols, 1)?)
    }

    /// Running batch-norm statistics of every block (for snapshots and checkpoints).
    pub fn bn_states(&self) -> Vec<(Vec<f32>, Vec<f32>)> {
        self.blocks.iter().map(|b| b.bn.state()).collect()
    }

    /// Restores statistics saved by [`ImageCnn::bn_states`].
    pub fn set_bn_states(&self, s: &[(Vec<f32>, Vec<f32>)]) {
        self.blocks.iter().zip(s).for_each(|(b, v)| b.bn.set_state(v.clone()));
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::{finite_difference_check, seeded_tensor};

    #[test]
    fn conv_relu_pool_backward_matches_finite_differences() {
        // The path of one block (without batch norm, which has its own tests): the convolution
        // and the pooling's max reductions, channels-last, differentiated by candle's autograd.
        let x = seeded_tensor(1, &[2, 4, 4, 2]);
        let k = seeded_tensor(2, &[3, 2, 3, 3]);
        let bias = seeded_tensor(4, &[3]);
        let r = seeded_tensor(3, &[2, 2, 2, 3]);
        finite_difference_check(&[x, k, bias], |a| {
            let f = || -> Result<Tensor> { _max_pool2(&conv3x3_rows(&a[0], &a[1], &a[2])?.relu()?.reshape((2, 4, 4, 3))?) };
            (f().map_err(|e| candle_core::Error::Msg(e.to_string()))? * &r)?.sum_all()
        });
    }

    #[test]
    fn one_output_column_per_count_two_per_angle_and_sides_must_divide() {
        let cfg = ParamsConfig { channels: vec![4, 4], hidden: 8, head_hidden: 4, ..ParamsConfig::default() };
        let m = ImageCnn::new(cfg.clone(), 8, 12, vec![1, 2, 1], 0, &Device::Cpu).unwrap();
        let x = Tensor::zeros((5, 8, 12, 3), DType::F32, &Device::Cpu).unwrap();
        assert_eq!(m.forward(&m.params.weights(false), &x, true).unwrap().dims(), &[5, 4]);
        let e = ImageCnn::new(cfg.clone(), 10, 12, vec![1], 0, &Device::Cpu).err().unwrap().to_string();
        assert!(e.contains("multiple of 4"), "{e}");
        assert!(ImageCnn::new(cfg, 8, 8, vec![3], 0, &Device::Cpu).is_err());
    }
}
