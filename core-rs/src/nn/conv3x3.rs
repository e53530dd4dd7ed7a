//! A 3×3 convolution with stride 1 and zero padding 1 on channels-last images, as im2col
//! ([`im2col3x3`]) and one matrix product, so that the forward and both gradients are GEMMs
//! (candle 0.9.2's CPU conv2d is a direct loop and its input gradient a direct transposed
//! convolution; the params CNN trains about 5× faster this way):
//!
//! ```text
//! cols[b, y, x, (dy, dx, c)] = x_pad[b, y + dy, x + dx, c]     [B·H·W, 9·Cᵢ]   dy, dx ∈ {0, 1, 2}
//! out = cols · K' + bias                                       [B·H·W, Cₒ]
//! K'[(dy, dx, c), o] = K[o, c, dy, dx]                         [9·Cᵢ, Cₒ]      K as conv2d's [Cₒ, Cᵢ, 3, 3]
//! ```
//! Rows come out in `(b, y, x)` order, the layout batch norm over channels wants. Tests: equal to
//! candle's conv2d forward and backward, and finite differences.

use candle_core::Tensor;

use crate::error::Result;
use crate::ops::im2col3x3::im2col3x3;

/// `x` `[B, H, W, Cᵢ]`, `kernel` `[Cₒ, Cᵢ, 3, 3]`, `bias` `[Cₒ]` → `[B·H·W, Cₒ]`.
pub fn conv3x3_rows(x: &Tensor, kernel: &Tensor, bias: &Tensor) -> Result<Tensor> {
    let ci = x.dim(3)?;
    let co = kernel.dim(0)?;
    let cols = im2col3x3(x)?; // [B·H·W, 9·Cᵢ]
    let k = kernel.permute((2, 3, 1, 0))?.reshape((9 * ci, co))?; // [9·Cᵢ, Cₒ]
    Ok(cols.matmul(&k)?.broadcast_add(&bias.unsqueeze(0)?)?)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::{finite_difference_check, seeded_tensor};
    use candle_core::Var;

    #[test]
    fn equals_candle_conv2d_forward_and_backward() {
        let (x, k, bias) = (seeded_tensor(1, &[2, 3, 5, 4]), seeded_tensor(2, &[4, 3, 3, 3]), seeded_tensor(3, &[4]));
        let (xv, kv, bv) = (Var::from_tensor(&x).unwrap(), Var::from_tensor(&k).unwrap(), Var::from_tensor(&bias).unwrap());
        let r = seeded_tensor(4, &[2 * 5 * 4, 4]);
        // Reference: conv2d on [B, C, H, W], rows in (b, y, x) order.
        let want = xv.conv2d(&kv, 1, 1, 1, 1).unwrap().broadcast_add(&bv.reshape((1, 4, 1, 1)).unwrap()).unwrap();
        let want = want.permute((0, 2, 3, 1)).unwrap().reshape((40, 4)).unwrap();
        let got = conv3x3_rows(&xv.permute((0, 2, 3, 1)).unwrap(), &kv, &bv).unwrap();
        let close = |a: &Tensor, b: &Tensor| {
            let d = (a - b).unwrap().abs().unwrap().max_all().unwrap().to_scalar::<f64>().unwrap();
            assert!(d < 1e-12, "max difference {d}");
        };
        close(&got, &want);
        let (gw, gg) =
            ((want * &r).unwrap().sum_all().unwrap().backward().unwrap(), (got * &r).unwrap().sum_all().unwrap().backward().unwrap());
        for v in [&xv, &kv, &bv] {
            close(gg.get(v).unwrap(), gw.get(v).unwrap());
        }
    }

    #[test]
    fn backward_matches_finite_differences() {
        let (x, k, bias) = (seeded_tensor(5, &[1, 3, 3, 2]), seeded_tensor(6, &[2, 2, 3, 3]), seeded_tensor(7, &[2]));
        let r = seeded_tensor(8, &[9, 2]);
        finite_difference_check(&[x, k, bias], |a| {
            let y = conv3x3_rows(&a[0], &a[1], &a[2]).map_err(|e| candle_core::Error::Msg(e.to_string()))?;
            (y * &r)?.sum_all()
        });
    }
}
