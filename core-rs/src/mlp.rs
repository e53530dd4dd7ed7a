//! Linear layers and multi-layer perceptrons over row matrices.
//!
//! `Linear`: `y = x Wᵀ + b`, `x` `[R, in]` → `[R, out]`, PyTorch's default initialisation
//! (uniform in `±1/√in` for weight and bias). `Mlp`: `layers` hidden layers of width `hidden` with
//! ReLU, then a linear output.

use candle_core::Tensor;

use crate::error::Result;
use crate::param_store::{ParamStore, Weights};

/// A fully connected layer (parameter ids into a [`ParamStore`]).
#[derive(Clone, Debug)]
pub struct Linear {
    w: usize,
    b: usize,
}

impl Linear {
    /// Registers `name.weight` `[out, inp]` and `name.bias` `[out]`.
    pub fn new(ps: &mut ParamStore, name: &str, inp: usize, out: usize) -> Result<Linear> {
        let bound = 1.0 / (inp as f64).sqrt();
        Ok(Linear { w: ps.uniform(&format!("{name}.weight"), &[out, inp], bound)?, b: ps.uniform(&format!("{name}.bias"), &[out], bound)? })
    }

    /// `[R, in]` → `[R, out]`.
    ///
    /// The bias enters as the outer product `1_R bᵀ` so that its gradient is a matrix product
    /// (candle's backward of a row broadcast is a slow, single-threaded reduction).
    pub fn forward(&self, w: &Weights, x: &Tensor) -> Result<Tensor> {
        let ones = Tensor::ones((x.dim(0)?, 1), x.dtype(), x.device())?; // [R, 1]
        Ok((x.matmul(&w.get(self.w).t()?)? + ones.matmul(&w.get(self.b).unsqueeze(0)?)?)?)
    }
}

/// Hidden layers with ReLU and a linear output.
#[derive(Clone, Debug)]
pub struct Mlp {
    layers: Vec<Linear>,
}

impl Mlp {
    /// `inp` → (`hidden` × `layers`, ReLU) → `out`.
    pub fn new(ps: &mut ParamStore, name: &str, inp: usize, hidden: usize, layers: usize, out: usize) -> Result<Mlp> {
        let mut dims = vec![inp];
        dims.extend(std::iter::repeat_n(hidden, layers));
        dims.push(out);
        let layers =
            dims.windows(2).enumerate().map(|(i, d)| Linear::new(ps, &format!("{name}.{i}"), d[0], d[1])).collect::<Result<_>>()?;
        Ok(Mlp { layers })
    }

    /// `[R, inp]` → `[R, out]`.
    pub fn forward(&self, w: &Weights, x: &Tensor) -> Result<Tensor> {
        let mut h = x.clone();
        for (i, l) in self.layers.iter().enumerate() {
            h = l.forward(w, &h)?;
            if i + 1 < self.layers.len() {
                h = h.relu()?;
            }
        }
        Ok(h)
    }
}
