//! Custom op: the 3×3 patches (stride 1, zero padding 1) of channels-last images as rows, in one
//! multi-threaded pass — the im2col of a 3×3 convolution, whose backward (col2im) gathers each
//! pixel's nine contributions without atomics. Replaces pad + nine narrows + cat, whose backward
//! pads and adds nine full-size gradients.
//!
//! ```text
//! cols[(b, y, x), (dy, dx, c)] = x[b, y + dy − 1, x + dx − 1, c]   (0 outside)   x [B, H, W, C] → [B·H·W, 9·C]
//! ∂x[b, y, x, c] = Σ_{dy, dx} ∂cols[(b, y − dy + 1, x − dx + 1), (dy, dx, c)]    (positions inside)
//! ```

use candle_core::{Shape, Tensor};
use rayon::prelude::*;

use crate::ops::backend::Op;
use crate::ops::kernel::{Input, Kernel, Real};

/// The 3×3 patches of `x` `[B, H, W, C]` as `[B·H·W, 9·C]` rows (see the module doc).
pub fn im2col3x3(x: &Tensor) -> candle_core::Result<Tensor> {
    let (b, h, w, c) = x.dims4()?;
    x.contiguous()?.apply_op1(Op(Im2col { b, h, w, c }))
}

/// Image sizes `[B, H, W, C]`.
#[derive(Clone, Copy)]
struct Im2col {
    b: usize,
    h: usize,
    w: usize,
    c: usize,
}

impl Im2col {
    /// Calls `f(row of (b, y, x), column block k = 3·dy + dx, pixel row of the neighbour)` for every
    /// neighbour inside the image, rows in parallel over `out`'s chunks of `width` values.
    fn _rows<T: Send>(&self, out: &mut [T], width: usize, f: impl Fn(&mut [T], usize, usize) + Sync) {
        let Im2col { h, w, .. } = *self;
        out.par_chunks_mut(width.max(1)).enumerate().for_each(|(row, o)| {
            let (b, y, x) = (row / (h * w), row / w % h, row % w);
            for dy in 0..3 {
                for dx in 0..3 {
                    let (yy, xx) = ((y + dy).wrapping_sub(1), (x + dx).wrapping_sub(1));
                    if yy < h && xx < w {
                        f(o, 3 * dy + dx, (b * h + yy) * w + xx);
                    }
                }
            }
        });
    }
}

impl Kernel<1> for Im2col {
    const NAME: &'static str = "im2col3x3";

    fn cpu<T: Real>(&self, [x]: [Input<'_, T>; 1]) -> candle_core::Result<(Vec<T>, Shape)> {
        let (c, rows) = (self.c, self.b * self.h * self.w);
        let mut out = vec![T::zero(); rows * 9 * c];
        self._rows(&mut out, 9 * c, |o, k, p| o[k * c..(k + 1) * c].copy_from_slice(&x[p * c..(p + 1) * c]));
        Ok((out, Shape::from((rows, 9 * c))))
    }

    fn bwd(&self, [x]: [&Tensor; 1], _res: &Tensor, grad: &Tensor) -> candle_core::Result<[Option<Tensor>; 1]> {
        Ok([Some(grad.contiguous()?.apply_op1_no_bwd(&Op(Col2im(*self)))?.reshape(x.shape())?)])
    }
}

/// Backward of [`Im2col`]: `∂x` `[B, H, W, C]` from `∂cols` `[B·H·W, 9·C]`. The neighbour relation
/// is symmetric: pixel p's block k of its own row receives from the neighbour at offset k, so p's
/// gradient gathers block 8 − k of the neighbour at offset k.
struct Col2im(Im2col);

impl Kernel<1> for Col2im {
    const NAME: &'static str = "col2im3x3";

    fn cpu<T: Real>(&self, [g]: [Input<'_, T>; 1]) -> candle_core::Result<(Vec<T>, Shape)> {
        let s = self.0;
        let c = s.c;
        let mut out = vec![T::zero(); s.b * s.h * s.w * c];
        s._rows(&mut out, c, |o, k, p| {
            let from = &g[p * 9 * c + (8 - k) * c..p * 9 * c + (9 - k) * c];
            o.iter_mut().zip(from).for_each(|(o, &v)| *o += v);
        });
        Ok((out, Shape::from((s.b, s.h, s.w, c))))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::{finite_difference_check, seeded_tensor};

    #[test]
    fn forward_matches_padded_narrows() {
        let x = seeded_tensor(1, &[2, 3, 4, 5]);
        let p = x.pad_with_zeros(1, 1, 1).unwrap().pad_with_zeros(2, 1, 1).unwrap();
        let parts: Vec<Tensor> = (0..9).map(|k| p.narrow(1, k / 3, 3).unwrap().narrow(2, k % 3, 4).unwrap()).collect();
        let want = Tensor::cat(&parts, 3).unwrap().reshape((24, 45)).unwrap();
        let diff = (im2col3x3(&x).unwrap() - want).unwrap().abs().unwrap().max_all().unwrap().to_scalar::<f64>().unwrap();
        assert_eq!(diff, 0.0);
    }

    #[test]
    fn backward_matches_finite_differences() {
        let r = seeded_tensor(3, &[12, 18]);
        finite_difference_check(&[seeded_tensor(2, &[2, 3, 2, 2])], |a| (im2col3x3(&a[0])? * &r)?.sum_all());
    }
}
