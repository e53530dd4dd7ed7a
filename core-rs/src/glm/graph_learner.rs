//! The graph learning module (GLM): a sparse graph learned end to end from node representations.
//!
//! ```text
//! Q = Z W_q, K = Z W_k               [N, H·d]   (or Z diag(w), d = F; rows L2-normalised per head)
//! S = mean_h LeakyReLU(c · Q_h K_hᵀ)  only on C candidates per row, chosen blockwise (block_topk)
//! A = sparsify(S)                    topk: ReLU(S) on the k best; soft_topk: σ((S − t)/τ), Σ = k, with a
//!                                    straight-through hard top-k; gumbel: hard-concrete around the
//!                                    row's k-th score, straight-through
//! L_reg = edge_l1·Σw/N + edge_l0·E[‖A‖₀]/N + smoothness·tr(XᵀLX)/N² + degree_barrier·(−Σ log deg)/N
//! ```
//!
//! Candidates are selected without gradient every `update_every` epochs; the scores of the selected
//! links are recomputed with gradient on every pass ([`crate::ops::edge_scores`]).

use std::sync::Arc;

use candle_core::{DType, Device, Tensor};

use crate::error::{Error, Result};
use crate::glm::block_topk::block_topk;
use crate::glm::config::{LearnerConfig, Projection, Sparsify};
use crate::nn::node_features::NodeFeatures;
use crate::nn::param_store::{ParamStore, Weights};
use crate::nn::sigmoid::sigmoid;
use crate::nn::weighted_graph::GraphPart;
use crate::ops::edge_scores::{edge_scores, ScoreSpec};
use crate::ops::link_index::LinkIndex;
use crate::ops::soft_topk::soft_topk;
use crate::ops::sparse_dot::sparse_dot;
use crate::ops::spmm::spmm;
use crate::rng::Rng;

/// Hard-concrete stretch interval `(γ, ζ)` (Louizos et al. 2018).
const GAMMA: f64 = -0.1;
const ZETA: f64 = 1.1;

/// The learner's parameters and settings.
#[derive(Clone, Debug)]
pub struct GraphLearner {
    cfg: LearnerConfig,
    wq: usize,
    wk: usize,
    dim: usize,
}

/// The candidate links of every row, best first at selection time.
#[derive(Clone)]
pub struct Candidates {
    /// `N·C` links `(row, candidate)`, row-major.
    pub index: Arc<LinkIndex>,
    /// Candidates per row.
    pub per_row: usize,
    /// `‖x_row − x_candidate‖²` of the node features per link `[N·C, 1]` (for the smoothness term).
    pub dist: Option<Tensor>,
}

impl Candidates {
    /// The candidate column of every link, row-major `[N·C]` (what [`GraphLearner::candidates_at`]
    /// takes back).
    pub fn columns(&self) -> Vec<u32> {
        self.index.dst.iter().map(|&d| d as u32).collect()
    }
}

/// A learned graph part and its regulariser.
pub struct Learned {
    /// Learned links with weights `[N·C, 1]` (zero-weight links keep straight-through gradients).
    pub part: GraphPart,
    /// `β · L_reg` (scalar).
    pub reg: Tensor,
}

/// Each row's `k` best columns, best first, ties to the lower column: the hard mask of soft_topk
/// and the threshold of gumbel (current scores, as candidates may be stale when `update_every > 1`).
fn _best_k(rows: &[Vec<f32>], k: usize) -> Vec<Vec<usize>> {
    rows.iter()
        .map(|row| {
            let mut order: Vec<usize> = (0..row.len()).collect();
            order.sort_by(|&a, &b| row[b].total_cmp(&row[a]).then(a.cmp(&b)));
            order.truncate(k);
            order
        })
        .collect()
}

impl GraphLearner {
    /// Registers `glm.wq` and `glm.wk` for inputs of width `input_dim`.
    pub fn new(ps: &mut ParamStore, cfg: &LearnerConfig, input_dim: usize) -> Result<GraphLearner> {
        let (wq, wk, dim) = match cfg.projection {
            Projection::Linear => {
                let wq = ps.uniform("glm.wq", &[input_dim, cfg.heads * cfg.dim], 1.0 / (input_dim as f64).sqrt())?;
                let start = ps.weights(false).get(wq).copy()?;
                (wq, ps.constant("glm.wk", start)?, cfg.dim)
            }
            Projection::Diagonal => {
                let ones = Tensor::ones((1, input_dim), DType::F32, &Device::Cpu)?;
                (ps.constant("glm.wq", ones.clone())?, ps.constant("glm.wk", ones)?, input_dim)
            }
        };
        Ok(GraphLearner { cfg: cfg.clone(), wq, wk, dim })
    }

    fn _spec(&self) -> ScoreSpec {
        let scale = if self.cfg.scale { 1.0 / (self.dim as f64).sqrt() } else { 1.0 };
        ScoreSpec { heads: self.cfg.heads, scale, slope: self.cfg.negative_slope }
    }

    /// Queries and keys `[N, H·d]` of the input rows `z` `[N, F]`.
    fn _project(&self, w: &Weights, z: &NodeFeatures) -> Result<(Tensor, Tensor)> {
        let proj = |id: usize| -> Result<Tensor> {
            let p = match self.cfg.projection {
                Projection::Linear => z.matmul(w.get(id))?,                // [N, H·d]
                Projection::Diagonal => z.dense.broadcast_mul(w.get(id))?, // [N, F]
            };
            if !self.cfg.normalize {
                return Ok(p);
            }
            let (n, hd) = p.dims2()?;
            let p3 = p.reshape((n, self.cfg.heads, hd / self.cfg.heads))?; // [N, H, d]
            let norm = (p3.sqr()?.sum_keepdim(2)? + 1e-12)?.sqrt()?; // [N, H, 1]
            Ok(p3.broadcast_div(&norm)?.reshape((n, hd))?)
        };
        Ok((proj(self.wq)?, proj(self.wk)?))
    }

    /// The diagonal projection's scores on sparse features, never densifying `X diag(w)`: the
    /// projected values live on the non-zeros of `X` (`[nnz, 1]`), row norms come from `spmm`.
    fn _sparse_diagonal_scores(&self, w: &Weights, ix: &Arc<LinkIndex>, vals: &Tensor, cand: &Candidates) -> Result<Tensor> {
        let (cols, rows) = (ix.dst_ids()?.to_device(vals.device())?, ix.src_ids()?.to_device(vals.device())?); // [nnz]
        let side = |id: usize| -> Result<Tensor> {
            let v = (vals * w.get(id).flatten_all()?.index_select(&cols, 0)?.unsqueeze(1)?)?; // [nnz, 1]
            if !self.cfg.normalize {
                return Ok(v);
            }
            let ones = Tensor::ones((ix.num_cols, 1), DType::F32, vals.device())?;
            let inv = (spmm(&v.sqr()?, &ones, ix)? + 1e-12)?.sqrt()?.recip()?.flatten_all()?; // [N]
            Ok((v * inv.index_select(&rows, 0)?.unsqueeze(1)?)?)
        };
        let spec = self._spec();
        let s = (sparse_dot(&side(self.wq)?, &side(self.wk)?, ix, &cand.index)? * spec.scale)?; // [E, 1]
        Ok(s.maximum(&(&s * spec.slope)?)?)
    }

    /// How many candidates each row keeps.
    fn _per_row(&self) -> usize {
        if self.cfg.sparsify == Sparsify::Topk {
            self.cfg.k
        } else {
            self.cfg.candidates
        }
    }

    /// Selects the candidates of every row from `z` with detached weights `w` (no gradient); `features` `[N, F]` feed the
    /// smoothness distances when that term is on.
    pub fn candidates(&self, w: &Weights, z: &NodeFeatures, features: &Tensor, group: Option<usize>) -> Result<Candidates> {
        let (q, k) = self._project(w, z)?;
        let cols = block_topk(&q, &k, self._spec(), self._per_row(), self.cfg.block_rows, group)?;
        self.candidates_at(&cols, features)
    }

    /// The candidates whose columns are `cols` (`[N·C]`, row-major, as [`Candidates::columns`]
    /// returns them) over `features` `[N, F]`.
    pub fn candidates_at(&self, cols: &[u32], features: &Tensor) -> Result<Candidates> {
        let (n, c) = (features.dim(0)?, self._per_row());
        if cols.len() != n * c {
            return Err(Error::Usage(format!("{} candidate columns for {n} nodes × {c} per node", cols.len())));
        }
        let pairs: Vec<(usize, usize)> = cols.iter().enumerate().map(|(i, &j)| (i / c, j as usize)).collect();
        let index = Arc::new(LinkIndex::new(n, &pairs)?);
        let dist = if self.cfg.smoothness > 0.0 {
            let diff = (features.index_select(&index.src_ids()?, 0)? - features.index_select(&index.dst_ids()?, 0)?)?;
            Some(diff.sqr()?.sum_keepdim(1)?) // [N·C, 1]
        } else {
            None
        };
        Ok(Candidates { index, per_row: c, dist })
    }

    /// The hard-concrete temperature at `epoch`.
    pub fn temperature(&self, epoch: usize) -> f64 {
        let f = (epoch as f64 / self.cfg.anneal_epochs.max(1) as f64).min(1.0);
        self.cfg.temperature_start * (self.cfg.temperature_end / self.cfg.temperature_start).powf(f)
    }

    /// The learned graph on `cand` from `z` `[N, F]`; `rng` draws the gumbel noise when training.
    pub fn forward(&self, w: &Weights, z: &NodeFeatures, cand: &Candidates, epoch: usize, rng: Option<&mut Rng>) -> Result<Learned> {
        let (n, c) = (z.rows()?, cand.per_row);
        let s = match (self.cfg.projection, z.sparse()) {
            (Projection::Diagonal, Some((ix, vals))) => self._sparse_diagonal_scores(w, ix, vals, cand)?,
            _ => {
                let (q, k) = self._project(w, z)?;
                edge_scores(&q, &k, &cand.index, self._spec())?
            }
        }
        .reshape((n, c))?; // [N, C]
        let kk = self.cfg.k;
        let mut l0 = None;
        let weights = match self.cfg.sparsify {
            Sparsify::Topk => s.relu()?,
            Sparsify::SoftTopk => {
                let soft = soft_topk(&s, kk, self.cfg.tau)?;
                let mut m = vec![0f32; n * c];
                for (r, order) in _best_k(&s.to_vec2::<f32>()?, kk).iter().enumerate() {
                    order.iter().for_each(|&j| m[r * c + j] = 1.0);
                }
                (Tensor::from_vec(m, (n, c), s.device())? + (&soft - soft.detach())?)?
            }
            Sparsify::Gumbel => {
                // Logits centred on each row's k-th largest score: the k best start above 0.
                let sv = s.to_vec2::<f32>()?;
                let thr: Vec<f32> = sv.iter().zip(_best_k(&sv, kk)).map(|(row, order)| row[order[kk - 1]]).collect();
                let logit = (s.broadcast_sub(&Tensor::from_vec(thr, (n, 1), s.device())?)? / self.cfg.tau)?; // [N, C]
                let beta = self.temperature(epoch);
                let y = match rng {
                    Some(rng) => {
                        let noise: Vec<f32> = (0..n * c)
                            .map(|_| {
                                let u = rng.unit().clamp(1e-6, 1.0 - 1e-6);
                                (u.ln() - (1.0 - u).ln()) as f32
                            })
                            .collect();
                        sigmoid(&((logit.clone() + Tensor::from_vec(noise, (n, c), logit.device())?)? / beta)?)?
                    }
                    None => sigmoid(&logit)?,
                };
                let zc = ((y * (ZETA - GAMMA))? + GAMMA)?.clamp(0f32, 1f32)?;
                let hard = zc.detach().ge(0.5)?.to_dtype(DType::F32)?;
                l0 = Some((sigmoid(&(logit - beta * (-GAMMA / ZETA).ln())?)?.sum_all()? / n as f64)?);
                (hard + (&zc - zc.detach())?)?
            }
        }; // [N, C]
        let cfg = &self.cfg;
        let zero = Tensor::zeros((), DType::F32, weights.device())?;
        let mut reg = zero.clone();
        if cfg.edge_l1 > 0.0 {
            reg = (reg + (weights.abs()?.sum_all()? * (cfg.edge_l1 / n as f64))?)?;
        }
        if let (Some(l0), true) = (l0, cfg.edge_l0 > 0.0) {
            reg = (reg + (l0 * cfg.edge_l0)?)?;
        }
        if let (Some(d), true) = (&cand.dist, cfg.smoothness > 0.0) {
            let tr = (weights.reshape((n * c, 1))? * d)?.sum_all()?; // Σ w‖xᵢ − xⱼ‖² = 2 tr(XᵀLX) for (A + Aᵀ)/2
            reg = (reg + (tr * (cfg.smoothness / (2.0 * (n * n) as f64)))?)?;
        }
        if cfg.degree_barrier > 0.0 {
            let deg = (weights.relu()?.sum_keepdim(1)? + 1e-6)?; // [N, 1]
            reg = (reg - (deg.log()?.sum_all()? * (cfg.degree_barrier / n as f64))?)?;
        }
        let pairs: Vec<(usize, usize)> = (0..n * c).map(|l| (cand.index.src[l], cand.index.dst[l])).collect();
        let part = GraphPart { pairs, weights: weights.reshape((n * c, 1))? };
        let part = if cfg.symmetric { part.symmetrised()? } else { part };
        Ok(Learned { part, reg: (reg * cfg.beta)? })
    }
}
