//! Custom op: dot products between rows of two sparse matrices that share one sparsity pattern,
//! evaluated on given links — the diagonal graph learner's scores on sparse features without
//! densifying `X diag(w)`.
//!
//! For values `q`, `k` `[nnz, 1]` on the pattern `P` (rows sorted by column) and links `L`:
//!
//! ```text
//! s[l]        = Σ_f Q[src(l), f] · K[dst(l), f]          (a merge of two sorted rows)
//! ∂L/∂q[e]    = Σ_{l: src(l)=row(e)} G[l] · K[dst(l), col(e)]
//! ∂L/∂k[e]    = Σ_{l: dst(l)=row(e)} G[l] · Q[src(l), col(e)]
//! ```
//!
//! Links run in parallel for the forward, pattern rows in parallel for the backward.

use std::sync::Arc;

use candle_core::{Shape, Tensor};
use rayon::prelude::*;

use crate::ops::backend::Op;
#[cfg(feature = "cuda")]
use crate::ops::cuda::{self, launch, CudaInput, CudaOutput};
use crate::ops::kernel::{Input, Kernel, Real};
use crate::ops::link_index::LinkIndex;

/// `sparse_dot(q, k)`: `q`, `k` `[nnz, 1]` values on `pattern` → `[E, 1]` scores of `links`.
pub fn sparse_dot(q: &Tensor, k: &Tensor, pattern: &Arc<LinkIndex>, links: &Arc<LinkIndex>) -> candle_core::Result<Tensor> {
    let nnz = pattern.num_links();
    if q.dims2()? != (nnz, 1) || k.dims2()? != (nnz, 1) || links.num_nodes != pattern.num_nodes || links.num_cols != pattern.num_nodes {
        candle_core::bail!("sparse_dot: values {:?}, {:?} do not fit {nnz} non-zeros on {} rows", q.dims(), k.dims(), pattern.num_nodes);
    }
    q.contiguous()?.apply_op2(&k.contiguous()?, Op(SparseDot { pattern: pattern.clone(), links: links.clone() }))
}

struct SparseDot {
    pattern: Arc<LinkIndex>,
    links: Arc<LinkIndex>,
}

/// Calls `f(e_a, e_b)` for every column the pattern rows `a` and `b` share.
fn _merge(p: &LinkIndex, a: usize, b: usize, mut f: impl FnMut(usize, usize)) {
    let (mut i, mut j) = (p.out_start[a], p.out_start[b]);
    let (ie, je) = (p.out_start[a + 1], p.out_start[b + 1]);
    while i < ie && j < je {
        match p.dst[i].cmp(&p.dst[j]) {
            std::cmp::Ordering::Less => i += 1,
            std::cmp::Ordering::Greater => j += 1,
            std::cmp::Ordering::Equal => {
                f(i, j);
                i += 1;
                j += 1;
            }
        }
    }
}

impl Kernel<2> for SparseDot {
    const NAME: &'static str = "sparse-dot";

    fn cpu<T: Real>(&self, [q, k]: [Input<'_, T>; 2]) -> candle_core::Result<(Vec<T>, Shape)> {
        let (p, ls) = (&self.pattern, &self.links);
        let s: Vec<T> = (0..ls.num_links())
            .into_par_iter()
            .map(|l| {
                let mut acc = T::zero();
                _merge(p, ls.src[l], ls.dst[l], |i, j| acc += q[i] * k[j]);
                acc
            })
            .collect();
        Ok((s, Shape::from((ls.num_links(), 1))))
    }

    #[cfg(feature = "cuda")]
    fn cuda(&self, dev: &candle_core::cuda::CudaDevice, [q, k]: [CudaInput<'_>; 2]) -> candle_core::Result<Option<CudaOutput>> {
        let (p, ls) = (self.pattern.on_cuda(dev)?, self.links.on_cuda(dev)?);
        let e = self.links.num_links();
        let e32 = cuda::u32_arg(e, Self::NAME)?;
        let mut s = cuda::alloc(dev, e)?; // [E]
        let cfg = cuda::per_item(e, Self::NAME)?;
        launch!(dev, "sparse_dot", cfg, &q.data, &k.data, &p.out_start, &p.dst, &ls.src, &ls.dst, &mut s, &e32);
        Ok(Some((s, Shape::from((e, 1)))))
    }

    fn bwd(&self, [q, k]: [&Tensor; 2], _res: &Tensor, grad: &Tensor) -> candle_core::Result<[Option<Tensor>; 2]> {
        let g = grad.contiguous()?;
        let op = |wrt_q| Op(SparseDotGrad { pattern: self.pattern.clone(), links: self.links.clone(), wrt_q });
        Ok([Some(q.apply_op3_no_bwd(k, &g, &op(true))?), Some(q.apply_op3_no_bwd(k, &g, &op(false))?)])
    }
}

/// Backward of [`SparseDot`] from `(q, k, G)`: `∂q` or `∂k`.
struct SparseDotGrad {
    pattern: Arc<LinkIndex>,
    links: Arc<LinkIndex>,
    wrt_q: bool,
}

impl Kernel<3> for SparseDotGrad {
    const NAME: &'static str = "sparse-dot-grad";

    fn cpu<T: Real>(&self, [q, k, g]: [Input<'_, T>; 3]) -> candle_core::Result<(Vec<T>, Shape)> {
        let (p, ls) = (&self.pattern, &self.links);
        // Per pattern row v: the links touching v on our side, merged with the other row.
        let rows: Vec<Vec<(usize, T)>> = (0..p.num_nodes)
            .into_par_iter()
            .map(|v| {
                let mut out = Vec::new();
                let links: Vec<(usize, usize)> = if self.wrt_q {
                    (ls.out_start[v]..ls.out_start[v + 1]).map(|l| (l, ls.dst[l])).collect()
                } else {
                    ls.inc[v].iter().map(|&l| (l, ls.src[l])).collect()
                };
                for (l, u) in links {
                    let other = if self.wrt_q { k.data } else { q.data };
                    _merge(p, v, u, |i, j| out.push((i, g[l] * other[j])));
                }
                out
            })
            .collect();
        let mut d = vec![T::zero(); q.len()];
        for (e, v) in rows.into_iter().flatten() {
            d[e] += v;
        }
        Ok((d, q.shape.clone()))
    }

    #[cfg(feature = "cuda")]
    fn cuda(&self, dev: &candle_core::cuda::CudaDevice, [q, k, g]: [CudaInput<'_>; 3]) -> candle_core::Result<Option<CudaOutput>> {
        let (p, ls) = (self.pattern.on_cuda(dev)?, self.links.on_cuda(dev)?);
        let n = self.pattern.num_nodes;
        let (n32, wrt_q) = (cuda::u32_arg(n, Self::NAME)?, self.wrt_q as i32);
        let mut d = cuda::alloc(dev, self.pattern.num_links())?; // [nnz]
        let cfg = cuda::per_item(n, Self::NAME)?;
        launch!(
            dev,
            "sparse_dot_grad",
            cfg,
            &q.data,
            &k.data,
            &g.data,
            &p.out_start,
            &p.dst,
            &ls.src,
            &ls.dst,
            &ls.out_start,
            &ls.inc_start,
            &ls.inc,
            &mut d,
            &n32,
            &wrt_q
        );
        Ok(Some((d, q.shape.clone())))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::{finite_difference_check, seeded_tensor};

    fn _pattern() -> Arc<LinkIndex> {
        // 3 rows × 4 columns: row 0 {0, 2, 3}, row 1 {1, 2}, row 2 {0, 3}.
        Arc::new(LinkIndex::rectangular(3, 4, &[(0, 0), (0, 2), (0, 3), (1, 1), (1, 2), (2, 0), (2, 3)]).unwrap())
    }

    fn _links() -> Arc<LinkIndex> {
        Arc::new(LinkIndex::new(3, &[(0, 1), (0, 2), (1, 0), (2, 0), (2, 1)]).unwrap())
    }

    #[test]
    fn forward_matches_dense_dot_products() {
        let (p, ls) = (_pattern(), _links());
        let (q, k) = (seeded_tensor(1, &[7, 1]), seeded_tensor(2, &[7, 1]));
        let s = sparse_dot(&q, &k, &p, &ls).unwrap().flatten_all().unwrap().to_vec1::<f64>().unwrap();
        let dense = |t: &Tensor| {
            let v = t.flatten_all().unwrap().to_vec1::<f64>().unwrap();
            let mut d = [[0.0f64; 4]; 3];
            (0..7).for_each(|e| d[p.src[e]][p.dst[e]] = v[e]);
            d
        };
        let (dq, dk) = (dense(&q), dense(&k));
        for l in 0..5 {
            let want: f64 = (0..4).map(|f| dq[ls.src[l]][f] * dk[ls.dst[l]][f]).sum();
            assert!((s[l] - want).abs() < 1e-12, "link {l}");
        }
    }

    #[test]
    fn backward_matches_finite_differences() {
        let (p, ls) = (_pattern(), _links());
        let probe = seeded_tensor(3, &[5, 1]);
        finite_difference_check(&[seeded_tensor(1, &[7, 1]), seeded_tensor(2, &[7, 1])], move |t| {
            let s = sparse_dot(&t[0], &t[1], &p, &ls)?;
            (&s * &probe)?.sum_all()? + s.sqr()?.sum_all()?
        });
    }
}
