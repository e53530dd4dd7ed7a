//! Custom op: per-link sums of a link row and both end nodes' rows, in one multi-threaded pass —
//! the edge pre-activations of the gated GCN (`A e + B h_src + C h_dst`) and of CGCNN
//! (`W_edge u + W_self vᵢ + W_nbr v_j`). Replaces two `index_select`s and two adds, whose backward
//! passes (`index_add`, element-wise) run on one thread.
//!
//! For links `l = (src(l), dst(l))` of a [`LinkIndex`]:
//! ```text
//! z[l, :] = e[l, :] + a[src(l), :] + b[dst(l), :]      e [M, C], a [N, C], b [N_cols, C] → [M, C]
//! ∂e      = ∂z
//! ∂a[v]   = Σ_{l: src(l) = v} ∂z[l]                    (each node's contiguous out-links)
//! ∂b[u]   = Σ_{l: dst(l) = u} ∂z[l]                    (each node's incoming links: no atomics)
//! ```

use std::sync::Arc;

use candle_core::{Shape, Tensor};
use rayon::prelude::*;

use crate::ops::backend::Op;
#[cfg(feature = "cuda")]
use crate::ops::cuda::{self, launch, CudaInput, CudaOutput};
use crate::ops::kernel::{Input, Kernel, Real};
use crate::ops::link_index::LinkIndex;

/// `e[l] + a[src(l)] + b[dst(l)]` for every link `l` of `index` (see the module doc).
///
/// The inputs are read as the row-major `[M, C]`, `[N, C]` and `[N_cols, C]` they hold, whatever
/// their shapes (`[M·k, C/k]` is `[M, C]`), and the result has `e`'s shape: the gated GCN passes
/// `[rows·Cs, H]` tensors without reshaping them (a reshape costs candle's backward two passes).
pub fn link_sum(e: &Tensor, a: &Tensor, b: &Tensor, index: &Arc<LinkIndex>) -> candle_core::Result<Tensor> {
    let (m, n, nb) = (index.num_links(), index.num_nodes, index.num_cols);
    let c = _width(e.elem_count(), m).or(_width(a.elem_count(), n)).unwrap_or(0);
    if e.elem_count() != m * c || a.elem_count() != n * c || b.elem_count() != nb * c {
        candle_core::bail!("link_sum: e {:?}, a {:?}, b {:?} do not fit {m} links over [{n}, {nb}]", e.shape(), a.shape(), b.shape());
    }
    e.contiguous()?.apply_op3(&a.contiguous()?, &b.contiguous()?, Op(LinkSum { index: index.clone(), c }))
}

/// The row width of `count` values over `rows` rows (`None` without rows).
fn _width(count: usize, rows: usize) -> Option<usize> {
    (rows > 0).then(|| count / rows)
}

struct LinkSum {
    index: Arc<LinkIndex>,
    /// Row width `C`.
    c: usize,
}

impl Kernel<3> for LinkSum {
    const NAME: &'static str = "link-sum";

    fn cpu<T: Real>(&self, [e, a, b]: [Input<'_, T>; 3]) -> candle_core::Result<(Vec<T>, Shape)> {
        let (ix, c): (&LinkIndex, _) = (&self.index, self.c);
        let mut out = vec![T::zero(); e.len()];
        out.par_chunks_mut(c.max(1)).zip(e.par_chunks(c.max(1))).enumerate().for_each(|(l, (o, e))| {
            let (i, j) = (ix.src[l], ix.dst[l]);
            for (((o, &e), &a), &b) in o.iter_mut().zip(e).zip(&a[i * c..(i + 1) * c]).zip(&b[j * c..(j + 1) * c]) {
                *o = e + a + b;
            }
        });
        Ok((out, e.shape.clone()))
    }

    #[cfg(feature = "cuda")]
    fn cuda(&self, dev: &candle_core::cuda::CudaDevice, [e, a, b]: [CudaInput<'_>; 3]) -> candle_core::Result<Option<CudaOutput>> {
        let ix = self.index.on_cuda(dev)?;
        let (m, c) = (self.index.num_links(), cuda::u32_arg(self.c, Self::NAME)?);
        let mut out = cuda::alloc(dev, m * self.c)?; // [M, C]
        launch!(dev, "link_sum", cuda::per_row(m, Self::NAME)?, &e.data, &a.data, &b.data, &ix.src, &ix.dst, &mut out, &c);
        Ok(Some((out, e.shape.clone())))
    }

    fn bwd(&self, [_e, a, b]: [&Tensor; 3], _res: &Tensor, grad: &Tensor) -> candle_core::Result<[Option<Tensor>; 3]> {
        let (n, nb) = (self.index.num_nodes, self.index.num_cols);
        let both = grad.contiguous()?.apply_op1_no_bwd(&Op(LinkSumGrad { index: self.index.clone(), c: self.c }))?; // [N + N_cols, C]
        Ok([Some(grad.clone()), Some(both.narrow(0, 0, n)?.reshape(a.shape())?), Some(both.narrow(0, n, nb)?.reshape(b.shape())?)])
    }
}

/// Backward of [`LinkSum`]: `[∂a; ∂b]` `[N + N_cols, C]` from `∂z` `[M, C]`.
struct LinkSumGrad {
    index: Arc<LinkIndex>,
    c: usize,
}

impl Kernel<1> for LinkSumGrad {
    const NAME: &'static str = "link-sum-grad";

    fn cpu<T: Real>(&self, [g]: [Input<'_, T>; 1]) -> candle_core::Result<(Vec<T>, Shape)> {
        let (ix, c): (&LinkIndex, _) = (&self.index, self.c);
        let n = ix.num_nodes;
        let mut out = vec![T::zero(); (n + ix.num_cols) * c];
        let add = |o: &mut [T], link: usize| o.iter_mut().zip(&g[link * c..(link + 1) * c]).for_each(|(o, &v)| *o += v);
        out.par_chunks_mut(c.max(1)).enumerate().for_each(|(k, o)| {
            if k < n {
                (ix.out_start[k]..ix.out_start[k + 1]).for_each(|link| add(o, link));
            } else {
                ix.inc[k - n].iter().for_each(|&link| add(o, link));
            }
        });
        Ok((out, Shape::from(((n + ix.num_cols), c))))
    }

    #[cfg(feature = "cuda")]
    fn cuda(&self, dev: &candle_core::cuda::CudaDevice, [g]: [CudaInput<'_>; 1]) -> candle_core::Result<Option<CudaOutput>> {
        let ix = self.index.on_cuda(dev)?;
        let rows = self.index.num_nodes + self.index.num_cols;
        let (c, n) = (cuda::u32_arg(self.c, Self::NAME)?, cuda::u32_arg(self.index.num_nodes, Self::NAME)?);
        let mut out = cuda::alloc(dev, rows * self.c)?; // [N + N_cols, C]
        let cfg = cuda::per_row(rows, Self::NAME)?;
        launch!(dev, "link_sum_grad", cfg, &g.data, &ix.out_start, &ix.inc_start, &ix.inc, &mut out, &c, &n);
        Ok(Some((out, Shape::from((rows, self.c)))))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::{finite_difference_check, seeded_tensor};

    /// Three nodes, six links; node 1 has no out-links, node 2 three in-links.
    fn _index() -> Arc<LinkIndex> {
        Arc::new(LinkIndex::new(3, &[(0, 2), (0, 0), (2, 2), (2, 2), (2, 0), (2, 1)]).unwrap())
    }

    #[test]
    fn forward_matches_index_select_and_adds() {
        let (e, a, b) = (seeded_tensor(3, &[6, 4]), seeded_tensor(1, &[3, 4]), seeded_tensor(2, &[3, 4]));
        let ix = _index();
        let got = link_sum(&e, &a, &b, &ix).unwrap();
        let want = ((&e + a.index_select(&ix.src_ids().unwrap(), 0).unwrap()).unwrap()
            + b.index_select(&ix.dst_ids().unwrap(), 0).unwrap())
        .unwrap();
        let diff = (got - want).unwrap().abs().unwrap().max_all().unwrap().to_scalar::<f64>().unwrap();
        assert!(diff < 1e-12, "{diff}");
    }

    #[test]
    fn reads_rows_whatever_the_shape() {
        let (e, a, b) = (seeded_tensor(3, &[6, 4]), seeded_tensor(1, &[3, 4]), seeded_tensor(2, &[3, 4]));
        let ix = _index();
        let want = link_sum(&e, &a, &b, &ix).unwrap();
        let split = |t: &Tensor| t.reshape((t.dim(0).unwrap() * 2, 2)).unwrap();
        let got = link_sum(&split(&e), &split(&a), &split(&b), &ix).unwrap();
        assert_eq!(got.dims(), [12, 2]);
        assert_eq!(got.flatten_all().unwrap().to_vec1::<f64>().unwrap(), want.flatten_all().unwrap().to_vec1::<f64>().unwrap());
        let w = seeded_tensor(4, &[12, 2]);
        let inputs = [split(&e), split(&a), split(&b)];
        finite_difference_check(&inputs, |t| (link_sum(&t[0], &t[1], &t[2], &ix)?.sqr()? * &w)?.sum_all());
    }

    #[test]
    fn backward_matches_finite_differences() {
        let w = seeded_tensor(4, &[6, 4]);
        let ix = _index();
        let inputs = [seeded_tensor(3, &[6, 4]), seeded_tensor(1, &[3, 4]), seeded_tensor(2, &[3, 4])];
        finite_difference_check(&inputs, |t| (link_sum(&t[0], &t[1], &t[2], &ix)?.sqr()? * &w)?.sum_all());
    }

    #[test]
    fn shapes_that_do_not_fit_the_index_are_refused() {
        let (e, a, b) = (seeded_tensor(3, &[6, 4]), seeded_tensor(1, &[3, 4]), seeded_tensor(2, &[3, 4]));
        let ix = _index();
        assert!(link_sum(&seeded_tensor(3, &[5, 4]), &a, &b, &ix).is_err(), "5 rows for 6 links");
        assert!(link_sum(&e, &seeded_tensor(1, &[2, 4]), &b, &ix).is_err(), "2 source rows for 3 nodes");
        assert!(link_sum(&e, &a, &seeded_tensor(2, &[3, 5]), &ix).is_err(), "width 5 ≠ 4");
    }
}
