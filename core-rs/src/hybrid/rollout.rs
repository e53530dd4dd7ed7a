//! The batched sequential rollout engine: routes every commodity of every episode hop by hop,
//! re-encoding the network state as `gnn_update_frequency` says, and returns the paths, their
//! MLUs and (as tensors with autograd) the log-probabilities and entropies of the decisions, the
//! state values and, for forced (label) rollouts, the class-weighted edge-classification loss.
//!
//! All episodes move in lock step: commodity `k`, then its hops. Each encoding's logits drive one
//! [`walk`] (every remaining hop of the commodity, or one hop when the network is re-encoded before
//! every hop); the walk's masks (no link, self loop, visited node, and nodes from which the
//! destination cannot be reached without revisiting one) make every rollout on a feasible instance
//! complete within `V − 1` hops. On a CUDA device a policy walk is one kernel launch.

use std::sync::Arc;

use candle_core::{DType, Tensor};
use rayon::prelude::*;

use crate::error::Result;
use crate::hybrid::config::{GnnUpdate, Normalization, ValueType};
use crate::hybrid::encoder::{EncoderInput, USAGE_FEATURES};
use crate::hybrid::episode_batch::EpisodeBatch;
use crate::hybrid::model::HybridModel;
use crate::hybrid::walk::{walk, Step, WalkState};
use crate::nn::pass::Pass;
use crate::ops::masked_log_softmax::masked_log_softmax;
use crate::rng::Rng;
use crate::te::greedy::bottleneck_to;

/// How an episode picks its next hops.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Choice {
    /// Arg-max of the policy.
    Greedy,
    /// Sample (temperature, top-p) from the episode's own counter-based stream: the draw of
    /// commodity `k`, hop `t` is `counter_unit(&[stream, k, t])`, whatever the batch around it.
    Sample(u64),
}

/// The decisions of a rollout.
pub enum Decisions<'p> {
    /// Policy decisions, one choice rule per episode.
    Policy(Vec<Choice>),
    /// Follow the given paths (`paths[episode][commodity]`), e.g. MILP labels or recorded rollouts.
    Forced(&'p [Vec<Vec<usize>>]),
}

/// Rollout switches.
pub struct RolloutOptions {
    /// Logits are divided by this before the softmax.
    pub temperature: f64,
    /// Nucleus sampling threshold (1 = plain sampling).
    pub top_p: f64,
    /// Dropout probability inside the encoder.
    pub dropout: f64,
    /// Build the autograd graph (training) or not (inference).
    pub track: bool,
    /// Compute the edge-classification loss (forced rollouts only).
    pub edge_loss: bool,
}

/// What a rollout produced.
pub struct Rollout {
    /// `paths[episode][commodity]` (partial when incomplete).
    pub paths: Vec<Vec<Vec<usize>>>,
    /// Commodities that did not reach their destination, per episode.
    pub incomplete: Vec<usize>,
    /// MLU per episode.
    pub mlu: Vec<f64>,
    /// `Σ_l max(0, util_l − 1)²` per episode.
    pub overload: Vec<f64>,
    /// Log-probability of every decision, `[T]`.
    pub step_logp: Tensor,
    /// Entropy of every decision's distribution, `[T]`.
    pub step_entropy: Tensor,
    /// Episode of every decision.
    pub step_episode: Vec<u32>,
    /// State value per episode, `[B]`.
    pub value: Tensor,
    /// Mean class-weighted edge-classification loss (forced rollouts with `edge_loss`).
    pub edge_loss: Option<Tensor>,
}

struct State<'b, 'a> {
    b: &'b EpisodeBatch<'a>,
    loads: Vec<f64>,
    paths: Vec<Vec<Vec<usize>>>,
}

impl State<'_, '_> {
    /// Encoder inputs for commodities `ks` when the first `routed` commodities are routed; episodes
    /// in parallel (each writes its own rows and links).
    fn input(&self, ks: &[usize], routed: usize) -> Result<EncoderInput> {
        let (b, cs) = (self.b, ks.len());
        let parts: Vec<_> = (0..b.episodes()).into_par_iter().map(|e| self._episode_input(e, ks, routed)).collect();
        let (mut roles, mut node_x) = (Vec::with_capacity(b.rows() * cs), Vec::with_capacity(b.rows() * cs * 5));
        let mut usage_x = Vec::with_capacity(b.links() * cs * USAGE_FEATURES);
        for (r, n, u) in parts {
            roles.extend(r);
            node_x.extend(n);
            usage_x.extend(u);
        }
        let dev = &b.device;
        Ok(EncoderInput {
            cs,
            roles: Tensor::from_vec(roles, b.rows() * cs, dev)?,
            node_x: Tensor::from_vec(node_x, (b.rows() * cs, 5), dev)?,
            usage_x: Tensor::from_vec(usage_x, (b.links() * cs, USAGE_FEATURES), dev)?,
        })
    }

    /// Episode `e`'s part of [`State::input`]: roles `[V·Cs]`, node features `[V·Cs·5]` and link
    /// features `[M_e·Cs·6]`.
    fn _episode_input(&self, e: usize, ks: &[usize], routed: usize) -> (Vec<u32>, Vec<f32>, Vec<f32>) {
        let (b, v, cs) = (self.b, self.b.v, ks.len());
        let inst = b.insts[e];
        let mc = b.max_cap[e];
        let (mut out, mut inc) = (vec![0.0; v], vec![0.0; v]);
        for c in &inst.commodities[routed..] {
            out[c.src] += c.demand;
            inc[c.dst] += c.demand;
        }
        let (mut roles, mut node_x) = (Vec::with_capacity(v * cs), Vec::with_capacity(v * cs * 5));
        for u in 0..v {
            for &k in ks {
                let c = &inst.commodities[k];
                let own = k >= routed;
                roles.push(if u == c.src {
                    1u32
                } else if u == c.dst {
                    2
                } else {
                    0
                });
                let po = out[u] - if own && u == c.src { c.demand } else { 0.0 };
                let pi = inc[u] - if own && u == c.dst { c.demand } else { 0.0 };
                node_x.extend([(c.demand / mc) as f32, (po / mc) as f32, (pi / mc) as f32, b.hops[e][k][u], 0.0]);
            }
        }
        let (start, end) = (b.link_offset[e], b.link_offset.get(e + 1).copied().unwrap_or(b.links()));
        let mlu = (start..end).map(|l| self.loads[l] / b.caps[l]).fold(0.0, f64::max);
        let g = b.graphs[e];
        let after = |l: usize, k: usize| (self.loads[start + l] + inst.commodities[k].demand) / b.caps[start + l];
        // Bottleneck of the best continuation to each commodity's destination (what the greedy
        // heuristic minimises), per encoded commodity.
        let best: Vec<Vec<f64>> = ks.iter().map(|&k| bottleneck_to(g, inst.commodities[k].dst, |l| after(l, k))).collect();
        let mut usage_x = Vec::with_capacity((end - start) * cs * USAGE_FEATURES);
        for l in 0..end - start {
            for (i, &k) in ks.iter().enumerate() {
                let (now, a) = (self.loads[start + l] / b.caps[start + l], after(l, k));
                let via = a.max(best[i][g.links[l].dst]).min(_CAP);
                let from = best[i][g.links[l].src];
                let rel = if from.is_finite() { (via / from.max(1e-12)).min(_CAP) } else { _CAP };
                usage_x.extend([now as f32, a as f32, (a - mlu).max(0.0) as f32, via as f32, rel as f32, b.toward[e][k][l]]);
            }
        }
        for u in 0..v {
            for i in 0..cs {
                node_x[u * cs * 5 + i * 5 + 4] = best[i][u].min(_CAP) as f32;
            }
        }
        (roles, node_x, usage_x)
    }
}

/// Bottleneck features are capped here (unreachable destinations, huge overloads).
const _CAP: f64 = 8.0;

/// `softplus(z) = relu(z) + log(1 + exp(−|z|))`, stable.
fn _softplus(z: &Tensor) -> Result<Tensor> {
    Ok((z.relu()? + (z.abs()?.neg()?.exp()? + 1.0)?.log()?)?)
}

/// Runs a rollout of `model` over batch `b`; `rng` draws the encoder's dropout (samples come from
/// each episode's own stream, see [`Choice::Sample`]).
pub fn rollout(model: &HybridModel, b: &EpisodeBatch, decisions: &Decisions, opt: &RolloutOptions, rng: &mut Rng) -> Result<Rollout> {
    let cfg = &model.config;
    let (ne, v, c, hd) = (b.episodes(), b.v, b.c, cfg.hidden_dim);
    let weights = model.params.weights(opt.track);
    let pass = Pass { w: &weights, dropout: opt.dropout, episode_norm: cfg.normalization == Normalization::Episode };
    let dev = &b.device;
    let mut st = State { b, loads: vec![0.0; b.links()], paths: vec![Vec::with_capacity(c); ne] };
    // The first pass encodes every commodity side by side when the policy reads them all (`never`)
    // or the critic does (`global`, `mean_pool`); otherwise commodity 0 alone (its pending-demand
    // features sum every unrouted commodity), so time and memory grow linearly with `C`.
    let wide = cfg.gnn_update_frequency == GnnUpdate::Never || cfg.value_type != ValueType::Pool;
    let first: Vec<usize> = (0..if wide { c } else { 1 }).collect();
    let (h_full, e_full) = model.encoder.forward(&pass, b, &st.input(&first, 0)?, rng)?; // [N, Cs·H], [M, Cs·H]
    let value = model.value.forward(&weights, &h_full, ne)?; // [B]
    let (mut logps, mut ents, mut step_episode, mut edge_losses) = (Vec::new(), Vec::new(), Vec::new(), Vec::new());
    let mut incomplete = vec![0usize; ne];
    for k in 0..c {
        let dst_rows: Vec<u32> = (0..b.rows()).map(|n| ((n / v) * v + b.insts[n / v].commodities[k].dst) as u32).collect();
        let dst_rows = Tensor::from_vec(dst_rows, b.rows(), dev)?;
        let mut walker = WalkState::start(b, k);
        for (e, &s) in walker.cur.iter().enumerate() {
            st.paths[e].push(vec![s]);
        }
        let max_hops = cfg.max_hops(v);
        let mut hop = 0;
        // One walk per encoding: every remaining hop under this commodity's logits, or (per-step
        // updates) one hop before the network is encoded again.
        while hop < max_hops && walker.walking() {
            let fresh = match cfg.gnn_update_frequency {
                GnnUpdate::Never => true,
                GnnUpdate::PerCommodity => k == 0,
                GnnUpdate::PerStep => k == 0 && hop == 0,
            };
            let (h, e) = if fresh {
                (h_full.narrow(1, k * hd, hd)?.contiguous()?, e_full.narrow(1, k * hd, hd)?.contiguous()?)
            } else {
                model.encoder.forward(&pass, b, &st.input(&[k], k)?, rng)?
            };
            let z = model.policy.logits(&weights, b, &h, &e, &dst_rows)?; // [N, D]
            if opt.edge_loss && hop == 0 {
                if let Decisions::Forced(paths) = decisions {
                    edge_losses.push(_edge_loss(b, &z, paths, k)?);
                }
            }
            let end = if cfg.gnn_update_frequency == GnnUpdate::PerStep { hop + 1 } else { max_hops };
            let mut steps = walk(b, &z, k, &mut walker, decisions, hop..end, opt.temperature, opt.top_p)?;
            for s in &steps {
                let (e, u) = (s.episode as usize, s.row % v);
                let g = b.graphs[e];
                let l = g.out[u][s.slot];
                st.loads[b.link_offset[e] + l] += b.insts[e].commodities[k].demand;
                st.paths[e][k].push(g.links[l].dst);
            }
            if !steps.is_empty() {
                _flush(&z, &mut steps, opt.temperature, &mut logps, &mut ents, &mut step_episode)?;
            }
            hop = end;
        }
        for ((n, &at), inst) in incomplete.iter_mut().zip(&walker.cur).zip(&b.insts) {
            *n += usize::from(at != inst.commodities[k].dst);
        }
    }
    let (mut mlu, mut overload) = (vec![0.0f64; ne], vec![0.0f64; ne]);
    for e in 0..ne {
        let end = b.link_offset.get(e + 1).copied().unwrap_or(b.links());
        for l in b.link_offset[e]..end {
            let u = st.loads[l] / b.caps[l];
            mlu[e] = mlu[e].max(u);
            overload[e] += (u - 1.0).max(0.0).powi(2);
        }
    }
    let cat =
        |xs: Vec<Tensor>| -> Result<Tensor> { Ok(if xs.is_empty() { Tensor::zeros(0, DType::F32, dev)? } else { Tensor::cat(&xs, 0)? }) };
    let edge_loss = if edge_losses.is_empty() { None } else { Some((Tensor::stack(&edge_losses, 0)?.mean_all())?) };
    Ok(Rollout {
        paths: st.paths,
        incomplete,
        mlu,
        overload,
        step_logp: cat(logps)?,
        step_entropy: cat(ents)?,
        step_episode,
        value,
        edge_loss,
    })
}

/// Log-probabilities and entropies of the waiting decisions, taken from logits `z` `[N, D]`.
fn _flush(
    z: &Tensor,
    steps: &mut Vec<Step>,
    temperature: f64,
    logps: &mut Vec<Tensor>,
    ents: &mut Vec<Tensor>,
    episodes: &mut Vec<u32>,
) -> Result<()> {
    let d = z.dim(1)?;
    let t = steps.len();
    let rows = Tensor::from_vec(steps.iter().map(|s| s.row as u32).collect::<Vec<_>>(), t, z.device())?;
    let mask = Arc::new(steps.iter().flat_map(|s| s.mask.iter().copied()).collect::<Vec<_>>());
    let lp = masked_log_softmax(&(z.index_select(&rows, 0)? / temperature)?, mask)?; // [T, D]
    let pick = Tensor::from_vec(steps.iter().enumerate().map(|(i, s)| (i * d + s.slot) as u32).collect::<Vec<_>>(), t, z.device())?;
    logps.push(lp.flatten_all()?.index_select(&pick, 0)?); // [T]
    ents.push((lp.exp()? * &lp)?.sum(1)?.neg()?); // [T]
    episodes.extend(steps.iter().map(|s| s.episode));
    steps.clear();
    Ok(())
}

/// Class-weighted binary classification of every link for commodity `k`: label 1 on the label path.
fn _edge_loss(b: &EpisodeBatch, z: &Tensor, paths: &[Vec<Vec<usize>>], k: usize) -> Result<Tensor> {
    let (v, d) = (b.v, b.d);
    let (mut idx, mut y) = (Vec::new(), Vec::new());
    for (e, g) in b.graphs.iter().enumerate() {
        let on: std::collections::HashSet<(usize, usize)> =
            paths[e].get(k).map(|p| p.windows(2).map(|w| (w[0], w[1])).collect()).unwrap_or_default();
        for u in 0..v {
            for (s, &l) in g.out[u].iter().enumerate() {
                idx.push(((e * v + u) * d + s) as u32);
                y.push(if on.contains(&(u, g.links[l].dst)) { 1.0f32 } else { 0.0 });
            }
        }
    }
    let pos = y.iter().filter(|&&t| t > 0.5).count().max(1) as f64;
    let neg = (y.len() as f64 - pos).max(1.0);
    let n = y.len();
    let zs = z.flatten_all()?.index_select(&Tensor::from_vec(idx, n, z.device())?, 0)?; // [L]
    let y = Tensor::from_vec(y, n, z.device())?;
    // pos_weight · y · softplus(−z) + (1 − y) · softplus(z)
    let loss = (((y.clone() * (neg / pos))? * _softplus(&zs.neg()?)?)? + (y.affine(-1.0, 1.0)? * _softplus(&zs)?)?)?;
    Ok(loss.mean_all()?)
}
