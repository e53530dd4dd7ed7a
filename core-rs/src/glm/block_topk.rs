//! Candidate selection for the graph learner and the kNN baseline: the `c` highest-scoring columns
//! of every row of `S = mean_h LeakyReLU(c·Q_h K_hᵀ)`, computed `block` rows at a time so that at most
//! `block × N` scores exist at once (a 20,000-node graph with `block = 256` holds 20 MB of scores).
//!
//! No gradient flows through the selection; the selected links' scores are recomputed
//! differentiably by [`crate::ops::edge_scores::edge_scores`].

use candle_core::{DType, Tensor};
use rayon::prelude::*;

use crate::error::{Error, Result};
use crate::ops::edge_scores::ScoreSpec;

/// The most candidates per row the CUDA selection (`topk_rows` in `kernels/keiro.cu`) keeps;
/// more select on the host.
pub const KERNEL_CANDIDATES: usize = 128;

/// For each row of `q` `[N, H·d]` against `k` `[N, H·d]`: the `c` best columns (self excluded), best
/// first, ties broken by the lower column. With `group = Some(g)` a row only sees the columns of its
/// own group of `g` consecutive rows (one graph of a batch). Returns `[N·c]` column ids.
///
/// On a CUDA device (f32, `c` ≤ [`KERNEL_CANDIDATES`]) the scores stay on the device and the
/// `topk_rows` kernel selects them (one thread per row); elsewhere the scores are copied to the host
/// and selected there, rows in parallel ([`select_rows`], the kernel's CPU reference).
pub fn block_topk(q: &Tensor, k: &Tensor, spec: ScoreSpec, c: usize, block: usize, group: Option<usize>) -> Result<Vec<u32>> {
    let (n, _) = q.dims2()?;
    let pool = group.unwrap_or(n);
    if c == 0 || c >= pool || n % pool != 0 {
        return Err(Error::Usage(format!("cannot select {c} neighbours per node among {pool} nodes (need 0 < k < N)")));
    }
    let (q, k) = (q.detach(), k.detach());
    let mut out = vec![0u32; n * c];
    for start in (0..n).step_by(block.max(1)) {
        let b = block.max(1).min(n - start);
        let scores = block_scores(&q, &k, spec, start, b)?; // [b, N]
        let o = &mut out[start * c..(start + b) * c];
        #[cfg(feature = "cuda")]
        if let candle_core::Device::Cuda(dev) = scores.device() {
            if scores.dtype() == DType::F32 && c <= KERNEL_CANDIDATES {
                o.copy_from_slice(&_select_cuda(dev, &scores, start, pool, c)?);
                continue;
            }
        }
        let rows = scores.to_dtype(DType::F32)?.flatten_all()?.to_vec1::<f32>()?;
        select_rows(&rows, n, start, pool, c, o);
    }
    Ok(out)
}

/// Scores of rows `start..start + b` against every row: `mean_h LeakyReLU(c·Q_h K_hᵀ)` summed over
/// heads, `[b, N]`.
pub fn block_scores(q: &Tensor, k: &Tensor, spec: ScoreSpec, start: usize, b: usize) -> Result<Tensor> {
    let (n, hd) = q.dims2()?;
    let d = hd / spec.heads;
    let mut scores = Tensor::zeros((b, n), q.dtype(), q.device())?; // [b, N]
    for h in 0..spec.heads {
        let qh = q.narrow(0, start, b)?.narrow(1, h * d, d)?; // [b, d]
        let kh = k.narrow(1, h * d, d)?; // [N, d]
        let x = (qh.matmul(&kh.t()?)? * spec.scale)?; // [b, N]
        let leaky = x.maximum(&(&x * spec.slope)?)?;
        scores = (scores + leaky)?;
    }
    Ok(scores)
}

/// The `c` best columns of each row of `rows` `[b, n]` (rows `start..start + b` of the whole), self
/// excluded, within each row's pool of `pool` consecutive columns, best first, the lower column first
/// on ties, into `out` `[b·c]`.
pub fn select_rows(rows: &[f32], n: usize, start: usize, pool: usize, c: usize, out: &mut [u32]) {
    out.par_chunks_mut(c).zip(rows.par_chunks(n)).enumerate().for_each(|(r, (o, row))| {
        let me = start + r;
        let lo = me / pool * pool;
        let mut cand: Vec<(f32, u32)> = (lo..lo + pool).filter(|&j| j != me).map(|j| (row[j], j as u32)).collect();
        let better = |a: &(f32, u32), b: &(f32, u32)| b.0.total_cmp(&a.0).then(a.1.cmp(&b.1));
        cand.select_nth_unstable_by(c - 1, better);
        cand[..c].sort_by(better);
        o.iter_mut().zip(&cand[..c]).for_each(|(o, &(_, j))| *o = j);
    });
}

/// Runs `topk_rows` on the device scores `[b, N]`: `[b·c]` column ids.
#[cfg(feature = "cuda")]
fn _select_cuda(
    dev: &candle_core::cuda::CudaDevice,
    scores: &Tensor,
    start: usize,
    pool: usize,
    c: usize,
) -> candle_core::Result<Vec<u32>> {
    use crate::ops::cuda::{launch, per_item, u32_arg, with_view};
    const OP: &str = "block_topk";
    let (b, n) = scores.dims2()?;
    let mut out = dev.alloc_zeros::<u32>(b * c)?; // [b, c]
    let (b32, n32, start32, pool32, c32) = (u32_arg(b, OP)?, u32_arg(n, OP)?, u32_arg(start, OP)?, u32_arg(pool, OP)?, u32_arg(c, OP)?);
    with_view::<f32, _>(scores, OP, |s| {
        launch!(dev, "topk_rows", per_item(b, OP)?, &s, &mut out, &b32, &n32, &start32, &pool32, &c32);
        Ok(())
    })?;
    dev.clone_dtoh(&out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::seeded_tensor;

    #[test]
    fn matches_a_full_sort_for_any_block_size() {
        let (q, k) = (seeded_tensor(1, &[23, 6]), seeded_tensor(2, &[23, 6]));
        let spec = ScoreSpec { heads: 2, scale: 0.5, slope: 0.2 };
        let (qv, kv) = (q.to_vec2::<f64>().unwrap(), k.to_vec2::<f64>().unwrap());
        let score = |i: usize, j: usize| -> f64 {
            (0..2)
                .map(|h| {
                    let x = 0.5 * (0..3).map(|t| qv[i][h * 3 + t] * kv[j][h * 3 + t]).sum::<f64>();
                    if x >= 0.0 {
                        x
                    } else {
                        0.2 * x
                    }
                })
                .sum()
        };
        let full = block_topk(&q, &k, spec, 5, 1000, None).unwrap();
        for block in [1, 4, 7] {
            assert_eq!(block_topk(&q, &k, spec, 5, block, None).unwrap(), full, "block {block}");
        }
        let (q2, k2) = (q.narrow(0, 0, 22).unwrap(), k.narrow(0, 0, 22).unwrap());
        let grouped = block_topk(&q2, &k2, spec, 3, 5, Some(11)).unwrap();
        assert!(grouped.iter().enumerate().all(|(i, &j)| (i / 3) / 11 == j as usize / 11), "neighbours stay in their group");
        for i in 0..23 {
            let mut all: Vec<usize> = (0..23).filter(|&j| j != i).collect();
            all.sort_by(|&a, &b| score(i, b).partial_cmp(&score(i, a)).unwrap());
            let got: Vec<usize> = full[i * 5..(i + 1) * 5].iter().map(|&j| j as usize).collect();
            assert_eq!(got, all[..5].to_vec(), "row {i}");
        }
    }

    #[test]
    fn too_many_neighbours_is_a_usage_error() {
        let q = seeded_tensor(1, &[4, 2]);
        assert!(matches!(block_topk(&q, &q, ScoreSpec { heads: 1, scale: 1.0, slope: 0.2 }, 4, 8, None), Err(Error::Usage(_))));
    }
}
