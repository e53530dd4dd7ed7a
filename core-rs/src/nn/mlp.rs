//! Linear layers and multi-layer perceptrons over row matrices.
//!
//! `Linear`: `y = x Wᵀ + b`, `x` `[R, in]` → `[R, out]`, PyTorch's default initialisation
//! (uniform in `±1/√in` for weight and bias). `Mlp`: hidden layers with ReLU or softplus (and
//! optional dropout), then a linear output.

use candle_core::Tensor;

use crate::error::Result;
use crate::nn::dropout::dropout_mask;
use crate::nn::param_store::{ParamStore, Weights};
use crate::ops::linear::linear;
use crate::ops::softplus::softplus;
use crate::rng::Rng;

/// A fully connected layer (parameter ids into a [`ParamStore`]).
#[derive(Clone, Debug)]
pub struct Linear {
    w: usize,
    b: usize,
}

impl Linear {
    /// Registers `name.weight` `[out, inp]` and `name.bias` `[out]`.
    pub fn new(ps: &mut ParamStore, name: &str, inp: usize, out: usize) -> Result<Linear> {
        Linear::new_bounded(ps, name, inp, out, 1.0 / (inp as f64).sqrt())
    }

    /// As [`Linear::new`] with weight and bias uniform in `±bound`.
    pub fn new_bounded(ps: &mut ParamStore, name: &str, inp: usize, out: usize, bound: f64) -> Result<Linear> {
        Ok(Linear { w: ps.uniform(&format!("{name}.weight"), &[out, inp], bound)?, b: ps.uniform(&format!("{name}.bias"), &[out], bound)? })
    }

    /// `[R, in]` → `[R, out]` (one fused op, [`linear`]).
    pub fn forward(&self, w: &Weights, x: &Tensor) -> Result<Tensor> {
        Ok(linear(x, w.get(self.w), w.get(self.b))?)
    }

    /// Outputs `start..start + len` only: `[R, in]` → `[R, len]`. Cheaper than narrowing the full
    /// output, whose backward pads each part's gradient back to `[R, out]` with zeros.
    pub fn forward_outputs(&self, w: &Weights, x: &Tensor, start: usize, len: usize) -> Result<Tensor> {
        Ok(linear(x, &w.get(self.w).narrow(0, start, len)?, &w.get(self.b).narrow(0, start, len)?)?)
    }
}

/// The activation between hidden layers.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Activation {
    /// `max(x, 0)`.
    Relu,
    /// `log(1 + eˣ)` (CGCNN's heads).
    Softplus,
}

/// Hidden layers with an activation (and optional dropout) and a linear output.
#[derive(Clone, Debug)]
pub struct Mlp {
    layers: Vec<Linear>,
    act: Activation,
}

impl Mlp {
    /// `inp` → (`hidden` × `layers`, ReLU) → `out`.
    pub fn new(ps: &mut ParamStore, name: &str, inp: usize, hidden: usize, layers: usize, out: usize) -> Result<Mlp> {
        let mut dims = vec![inp];
        dims.extend(std::iter::repeat_n(hidden, layers));
        dims.push(out);
        Mlp::from_dims(ps, name, &dims, Activation::Relu)
    }

    /// Layers `dims[0] → dims[1] → … → dims[last]` with `act` between them.
    pub fn from_dims(ps: &mut ParamStore, name: &str, dims: &[usize], act: Activation) -> Result<Mlp> {
        let layers =
            dims.windows(2).enumerate().map(|(i, d)| Linear::new(ps, &format!("{name}.{i}"), d[0], d[1])).collect::<Result<_>>()?;
        Ok(Mlp { layers, act })
    }

    /// `[R, inp]` → `[R, out]`.
    pub fn forward(&self, w: &Weights, x: &Tensor) -> Result<Tensor> {
        self.forward_dropout(w, x, 0.0, None)
    }

    /// `[R, inp]` → `[R, out]` with inverted dropout `p` after each hidden activation (when `rng` is given).
    pub fn forward_dropout(&self, w: &Weights, x: &Tensor, p: f64, mut rng: Option<&mut Rng>) -> Result<Tensor> {
        let mut h = x.clone();
        for (i, l) in self.layers.iter().enumerate() {
            h = l.forward(w, &h)?;
            if i + 1 < self.layers.len() {
                h = match self.act {
                    Activation::Relu => h.relu()?,
                    Activation::Softplus => softplus(&h)?,
                };
                if let Some(m) = rng.as_deref_mut().and_then(|r| dropout_mask(h.elem_count(), p, r)) {
                    let mask = Tensor::from_vec(m.to_vec(), h.shape(), h.device())?;
                    h = (h * mask)?;
                }
            }
        }
        Ok(h)
    }
}
