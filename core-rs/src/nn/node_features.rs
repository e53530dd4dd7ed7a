//! Node feature rows that may be sparse: bag-of-words features (Cora 1.3% non-zero) are kept as a
//! sparse `[N, F]` matrix so that `X W` costs `nnz · H` instead of `N · F · H`, and dropout acts on
//! the non-zeros (Kipf & Welling's sparse dropout).

use std::sync::Arc;

use candle_core::Tensor;

use crate::error::Result;
use crate::nn::dropout::dropout_mask;
use crate::ops::link_index::LinkIndex;
use crate::ops::spmm::spmm;
use crate::rng::Rng;

/// Densities below this are stored sparse.
const SPARSE_BELOW: f64 = 0.2;

/// Rows `[N, F]`, dense, plus a sparse copy when that pays.
#[derive(Clone)]
pub struct NodeFeatures {
    /// `[N, F]`
    pub dense: Tensor,
    /// The non-zeros as a rectangular link index and `[nnz, 1]` values.
    sparse: Option<(Arc<LinkIndex>, Tensor)>,
}

impl NodeFeatures {
    /// Dense rows only (hidden layers).
    pub fn dense(t: Tensor) -> NodeFeatures {
        NodeFeatures { dense: t, sparse: None }
    }

    /// Rows `x` `[N, F]`, with a sparse copy when under 20% of the entries are non-zero.
    pub fn new(x: Tensor) -> Result<NodeFeatures> {
        let (n, f) = x.dims2()?;
        let v = x.flatten_all()?.to_vec1::<f32>()?;
        let nnz = v.iter().filter(|&&a| a != 0.0).count();
        if (nnz as f64) >= SPARSE_BELOW * (n * f) as f64 {
            return Ok(NodeFeatures::dense(x));
        }
        let (mut pairs, mut vals) = (Vec::with_capacity(nnz), Vec::with_capacity(nnz));
        for (i, &a) in v.iter().enumerate() {
            if a != 0.0 {
                pairs.push((i / f, i % f));
                vals.push(a);
            }
        }
        let index = Arc::new(LinkIndex::rectangular(n, f, &pairs)?);
        let vals = Tensor::from_vec(vals, (nnz, 1), x.device())?; // [nnz, 1]
        Ok(NodeFeatures { dense: x, sparse: Some((index, vals)) })
    }

    /// Inverted dropout with rate `p` (on the non-zeros when sparse).
    pub fn dropout(&self, p: f64, rng: &mut Rng) -> Result<NodeFeatures> {
        let scale = |t: &Tensor, rng: &mut Rng| -> Result<Tensor> {
            match dropout_mask(t.elem_count(), p, rng) {
                Some(m) => Ok((t * Tensor::from_vec(Arc::unwrap_or_clone(m), t.shape(), t.device())?)?),
                None => Ok(t.clone()),
            }
        };
        Ok(match &self.sparse {
            Some((ix, vals)) => NodeFeatures { dense: self.dense.clone(), sparse: Some((ix.clone(), scale(vals, rng)?)) },
            None => NodeFeatures::dense(scale(&self.dense, rng)?),
        })
    }

    /// `X W` for `w` `[F, H]` → `[N, H]`.
    pub fn matmul(&self, w: &Tensor) -> Result<Tensor> {
        Ok(match &self.sparse {
            Some((ix, vals)) => spmm(vals, w, ix)?,
            None => self.dense.matmul(w)?,
        })
    }

    /// The sparse copy: pattern and `[nnz, 1]` values.
    pub fn sparse(&self) -> Option<&(Arc<LinkIndex>, Tensor)> {
        self.sparse.as_ref()
    }

    /// Number of rows.
    pub fn rows(&self) -> Result<usize> {
        Ok(self.dense.dim(0)?)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::seeded_tensor;

    #[test]
    fn sparse_and_dense_products_agree_and_dropout_keeps_zeros() {
        let mut v = vec![0f32; 40 * 30];
        let mut rng = Rng::new(3);
        for _ in 0..60 {
            v[rng.below(1200) as usize] = rng.unit() as f32;
        }
        let x = Tensor::from_vec(v, (40, 30), &candle_core::Device::Cpu).unwrap();
        let nf = NodeFeatures::new(x.clone()).unwrap();
        assert!(nf.sparse.is_some(), "5% dense rows are stored sparse");
        let w = seeded_tensor(1, &[30, 4]).to_dtype(candle_core::DType::F32).unwrap();
        let diff = (nf.matmul(&w).unwrap() - x.matmul(&w).unwrap()).unwrap().abs().unwrap().max_all().unwrap();
        assert!(diff.to_scalar::<f32>().unwrap() < 1e-5);
        let dropped = nf.dropout(0.5, &mut rng).unwrap();
        let (_, vals) = dropped.sparse.as_ref().unwrap();
        let kept = vals.flatten_all().unwrap().to_vec1::<f32>().unwrap().iter().filter(|&&a| a != 0.0).count();
        assert!(kept > 10 && kept < 50, "about half of the 60 non-zeros survive, got {kept}");
    }
}
