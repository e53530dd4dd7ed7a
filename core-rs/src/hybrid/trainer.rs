//! A model with its optimiser: one supervised or RL update per call, and inference (greedy and
//! best-of-N). The TypeScript trainer drives epochs, schedules and checkpoints around it.

use std::hash::{Hash, Hasher};
use std::path::Path;
use std::time::Instant;

use candle_core::Device;
use rayon::prelude::*;
use serde::{Deserialize, Serialize};
use serde_json::{json, Value};

use crate::error::{Error, Result};
use crate::hybrid::config::{check_sampling, ModelConfig, MAX_LOCAL_SEARCH, MAX_SAMPLES};
use crate::hybrid::episode_batch::EpisodeBatch;
use crate::hybrid::model::HybridModel;
use crate::hybrid::reward::{reward, RewardOptions};
use crate::hybrid::rollout::{rollout, Choice, Decisions, Rollout, RolloutOptions};
use crate::hybrid::value_head::CRITIC;
use crate::nn::adam::Adam;
use crate::on_pool::on_pool;
use crate::rng::{mix, Rng};
use crate::te::evaluate::{evaluate, Routing};
use crate::te::graph::Graph;
use crate::te::greedy::improve_paths;
use crate::te::instance::Instance;

/// A model and its optimiser state.
pub struct Trainer {
    /// The model.
    pub model: HybridModel,
    adam: Adam,
}

/// A supervised (phase 1) step: imitate label paths.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SupervisedRequest {
    /// Dataset indices of the batch.
    pub indices: Vec<usize>,
    /// `labels[i][k]`: the path of commodity `k` of instance `indices[i]`.
    pub labels: Vec<Vec<Vec<usize>>>,
    /// Learning rate.
    pub lr: f64,
    /// Decoupled weight decay.
    #[serde(default)]
    pub weight_decay: f64,
    /// Gradient-norm clip (0 = off).
    #[serde(default = "_one")]
    pub grad_clip: f64,
    /// Weight of the edge-classification term.
    #[serde(default = "_one")]
    pub edge_loss_weight: f64,
    /// Seed of the step's randomness (dropout).
    pub seed: u64,
}

/// The RL algorithms.
#[derive(Clone, Copy, Debug, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "snake_case")]
pub enum Algorithm {
    /// Advantage actor-critic (critic baseline).
    A2c,
    /// PPO with a clipped ratio against the rollout-time log-probabilities.
    Ppo,
    /// REINFORCE with a moving-average baseline passed by the caller.
    ReinforceBaseline,
}

/// What the advantage of A2C / PPO subtracts from the reward.
#[derive(Clone, Copy, Debug, Default, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "snake_case")]
pub enum AdvantageBaseline {
    /// The critic's `V(s₀)` (A2C as designed).
    #[default]
    Critic,
    /// The mean reward of the other rollouts of the same instance (needs `samples ≥ 2`); the
    /// critic is still trained and reported.
    InstanceMean,
}

/// An RL (phase 2) step.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RlRequest {
    /// Dataset indices of the batch.
    pub indices: Vec<usize>,
    /// Algorithm.
    pub algorithm: Algorithm,
    /// Rollouts per instance.
    #[serde(default = "_one_usize")]
    pub samples: usize,
    /// Learning rate.
    pub lr: f64,
    /// Decoupled weight decay.
    #[serde(default)]
    pub weight_decay: f64,
    /// Gradient-norm clip (0 = off).
    #[serde(default = "_one")]
    pub grad_clip: f64,
    /// Entropy bonus weight.
    pub entropy_weight: f64,
    /// Critic loss weight.
    pub value_loss_weight: f64,
    /// PPO clip range.
    #[serde(default = "_ppo_eps")]
    pub ppo_epsilon: f64,
    /// PPO passes over the batch.
    #[serde(default = "_ppo_epochs")]
    pub ppo_epochs: usize,
    /// Moving-average baseline (REINFORCE).
    #[serde(default)]
    pub baseline: f64,
    /// Normalise advantages over the batch.
    #[serde(default = "_yes")]
    pub normalize_advantage: bool,
    /// Sampling temperature.
    #[serde(default = "_one")]
    pub temperature: f64,
    /// Sampling top-p.
    #[serde(default = "_one")]
    pub top_p: f64,
    /// Seed of the step's sampling: rollout `s` of instance `i` samples from the stream
    /// `(seed, i, s)`, and dropout draws from `seed`.
    pub seed: u64,
    /// Reward function.
    pub reward: RewardOptions,
    /// Baseline of the advantage (A2C, PPO).
    #[serde(default)]
    pub advantage: AdvantageBaseline,
    /// Re-draw the critic (and its optimiser state) before this step (start of phase 2).
    #[serde(default)]
    pub reset_critic: bool,
}

/// Default [`RouteRequest::sample_floats`]: 256 MiB of f32 per tensor (the encoder keeps a few dozen
/// such tensors alive). NWS-30 c200 at `H` = 32 took 23 GiB for best-of-32 on 32 instances in one
/// rollout.
fn _sample_floats() -> usize {
    1 << 26
}

/// An inference request: every instance of `indices` (all when absent) routed best-of-`samples`,
/// in batches of `batch` instances.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RouteRequest {
    /// Dataset indices (all when absent).
    #[serde(default)]
    pub indices: Option<Vec<usize>>,
    /// Candidates per instance: the greedy decode plus `samples − 1` samples (1 = greedy decode only).
    pub samples: usize,
    /// Sampling temperature.
    #[serde(default = "_one")]
    pub temperature: f64,
    /// Sampling top-p.
    #[serde(default = "_one")]
    pub top_p: f64,
    /// Seed of the sampling: sample `s` (from 1; 0 is the greedy decode) of instance `i` draws from
    /// the stream `(seed, i, s)`, so an instance samples the same in any batch, alone or not.
    #[serde(default)]
    pub seed: u64,
    /// Instances per batch (per rollout of the greedy decode, and per `time_ms` measurement).
    #[serde(default = "_batch")]
    pub batch: usize,
    /// Cap on a sampled rollout's node-feature tensor `[episodes · V · C, H]`, in values: the samples
    /// of a batch are rolled out in as many sub-batches as it takes.
    #[serde(default = "_sample_floats")]
    pub sample_floats: usize,
    /// Method name written into the records (none when absent).
    #[serde(default)]
    pub method: Option<String>,
    /// Local search on each of an instance's distinct complete candidates (the greedy decode and
    /// the samples), in rounds per commodity ([`improve_paths`]: smoothing passes, then moves of a
    /// commodity off the most utilised links to its minimax path while that lowers the MLU;
    /// `greedy_ls` runs 10), then the best result (the earliest candidate on ties); 0 = none.
    /// Counted in `time_ms`.
    #[serde(default)]
    pub local_search: usize,
    /// With `local_search` > 0: also return each instance's record before the local search, with
    /// this method name and the decode's own `time_ms`, so that one decode gives both rows. Those
    /// records come first, in the same order as the others.
    #[serde(default)]
    pub decode_method: Option<String>,
}

/// One routed instance: a solution record of the data contract, as `keiro route` prints it.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct RouteRecord {
    /// The instance's `id`, when it has one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub id: Option<Value>,
    /// The request's method name, when it has one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub method: Option<String>,
    /// Maximum link utilisation of the best candidate.
    pub mlu: f64,
    /// Every commodity reached its destination.
    pub complete: bool,
    /// Node sequence per commodity.
    pub paths: Vec<Vec<usize>>,
    /// Wall time of the instance's batch divided by the instances in it.
    pub time_ms: f64,
}

fn _one() -> f64 {
    1.0
}
fn _one_usize() -> usize {
    1
}
fn _yes() -> bool {
    true
}
fn _ppo_eps() -> f64 {
    0.2
}
fn _ppo_epochs() -> usize {
    4
}
fn _batch() -> usize {
    64
}

fn _mean(xs: &[f64]) -> f64 {
    if xs.is_empty() {
        0.0
    } else {
        xs.iter().sum::<f64>() / xs.len() as f64
    }
}

fn _var(xs: &[f64]) -> f64 {
    let m = _mean(xs);
    _mean(&xs.iter().map(|x| (x - m).powi(2)).collect::<Vec<_>>())
}

fn _scalar(t: &candle_core::Tensor) -> Result<f64> {
    Ok(t.to_dtype(candle_core::DType::F64)?.to_scalar::<f64>()?)
}

impl Trainer {
    /// A fresh model on `device` from a JSON model config.
    pub fn new(config: &str, seed: u64, device: &Device) -> Result<Trainer> {
        let model = HybridModel::new(ModelConfig::parse(config)?, seed, device)?;
        let adam = Adam::new(model.params.vars())?;
        Ok(Trainer { model, adam })
    }

    /// A model on `device` from a config and a checkpoint (optimiser state too when given); the
    /// checkpoint may come from any device.
    pub fn load(config: &str, weights: &Path, optimizer: Option<&Path>, device: &Device) -> Result<Trainer> {
        let mut t = Trainer::new(config, 0, device)?;
        t.model.params.load(weights)?;
        if let Some(o) = optimizer {
            t.adam.load(t.model.params.names(), o)?;
        }
        Ok(t)
    }

    /// Saves the weights (and the optimiser state).
    pub fn save(&self, weights: &Path, optimizer: Option<&Path>) -> Result<()> {
        self.model.params.save(weights)?;
        if let Some(o) = optimizer {
            self.adam.save(self.model.params.names(), o)?;
        }
        Ok(())
    }

    fn _graphs(&self, data: &[Instance], indices: &[usize]) -> Result<Vec<Graph>> {
        indices
            .iter()
            .map(|&i| {
                data.get(i)
                    .map(Instance::graph)
                    .ok_or_else(|| Error::Usage(format!("instance index {i} out of range ({} instances)", data.len())))
            })
            .collect()
    }

    fn _batch<'a>(&self, data: &'a [Instance], indices: &[usize], graphs: &'a [Graph], samples: usize) -> Result<EpisodeBatch<'a>> {
        let eps = indices.iter().zip(graphs).flat_map(|(&i, g)| std::iter::repeat_n((&data[i], g), samples)).collect();
        EpisodeBatch::new(eps, self.model.config.fixed_shape(), self.model.params.device())
    }

    /// One supervised update; returns its metrics.
    pub fn supervised(&mut self, data: &[Instance], r: &SupervisedRequest) -> Result<Value> {
        on_pool(|| self._supervised(data, r))
    }

    fn _supervised(&mut self, data: &[Instance], r: &SupervisedRequest) -> Result<Value> {
        if r.labels.len() != r.indices.len() {
            return Err(Error::Usage(format!("{} labels for {} instances", r.labels.len(), r.indices.len())));
        }
        let graphs = self._graphs(data, &r.indices)?;
        let b = self._batch(data, &r.indices, &graphs, 1)?;
        let mut rng = Rng::new(r.seed);
        let opt = RolloutOptions {
            temperature: 1.0,
            top_p: 1.0,
            dropout: self.model.config.dropout_rate,
            track: true,
            edge_loss: r.edge_loss_weight > 0.0,
        };
        let out = rollout(&self.model, &b, &Decisions::Forced(&r.labels), &opt, &mut rng)?;
        let nll = out.step_logp.mean_all()?.neg()?;
        let mut loss = nll.clone();
        if let Some(e) = &out.edge_loss {
            loss = (loss + (e * r.edge_loss_weight)?)?;
        }
        let grads = loss.backward()?;
        let upd = self.adam.step(self.model.params.vars(), &grads, r.lr, r.weight_decay, r.grad_clip)?;
        let label_prob = _mean(&out.step_logp.to_vec1::<f32>()?.iter().map(|&x| (x as f64).exp()).collect::<Vec<_>>());
        Ok(json!({
            "loss": _scalar(&loss)?,
            "nll": _scalar(&nll)?,
            "edge_loss": out.edge_loss.as_ref().map(_scalar).transpose()?,
            "label_prob": label_prob,
            "entropy": _mean(&out.step_entropy.to_vec1::<f32>()?.iter().map(|&x| x as f64).collect::<Vec<_>>()),
            "grad_norm": upd.grad_norm,
            "episodes": b.episodes(),
            "steps": out.step_episode.len(),
        }))
    }

    /// One RL update (or `ppo_epochs` for PPO); returns its metrics.
    pub fn reinforce(&mut self, data: &[Instance], r: &RlRequest) -> Result<Value> {
        on_pool(|| self._reinforce(data, r))
    }

    fn _reinforce(&mut self, data: &[Instance], r: &RlRequest) -> Result<Value> {
        if r.samples == 0 {
            return Err(Error::Usage("samples must be ≥ 1".into()));
        }
        check_sampling(r.temperature, r.top_p)?;
        if r.reset_critic {
            let ids = self.model.params.reinitialise(CRITIC)?;
            self.adam.reset(&ids)?;
        }
        let graphs = self._graphs(data, &r.indices)?;
        let b = self._batch(data, &r.indices, &graphs, r.samples)?;
        let ne = b.episodes();
        let mut rng = Rng::new(r.seed);
        let opt = RolloutOptions { temperature: r.temperature, top_p: r.top_p, dropout: 0.0, track: true, edge_loss: false };
        let streams = r.indices.iter().flat_map(|&i| (0..r.samples).map(move |s| Choice::Sample(mix(&[r.seed, i as u64, s as u64]))));
        let first = rollout(&self.model, &b, &Decisions::Policy(streams.collect()), &opt, &mut rng)?;
        let rewards: Vec<f64> = (0..ne).map(|e| reward(&r.reward, first.mlu[e], first.overload[e], first.incomplete[e], b.c)).collect();
        let values: Vec<f64> = first.value.to_vec1::<f32>()?.iter().map(|&x| x as f64).collect();
        let s = r.samples;
        let mut adv: Vec<f64> = match (r.algorithm, r.advantage) {
            (Algorithm::ReinforceBaseline, _) => rewards.iter().map(|x| x - r.baseline).collect(),
            (_, AdvantageBaseline::InstanceMean) if s > 1 => (0..ne)
                .map(|e| {
                    let group = &rewards[e - e % s..e - e % s + s];
                    rewards[e] - (group.iter().sum::<f64>() - rewards[e]) / (s - 1) as f64
                })
                .collect(),
            _ => rewards.iter().zip(&values).map(|(x, v)| x - v).collect(),
        };
        if r.normalize_advantage && ne > 1 {
            let (m, s) = (_mean(&adv), _var(&adv).sqrt());
            adv.iter_mut().for_each(|a| *a = (*a - m) / (s + 1e-8));
        }
        let dev = self.model.params.device();
        let step_adv: Vec<f32> = first.step_episode.iter().map(|&e| adv[e as usize] as f32).collect();
        let step_adv = candle_core::Tensor::from_vec(step_adv, first.step_episode.len(), dev)?; // [T]
        let rewards_t = candle_core::Tensor::from_vec(rewards.iter().map(|&x| x as f32).collect::<Vec<_>>(), ne, dev)?; // [B]
        let old_logp = first.step_logp.detach();
        let epochs = if r.algorithm == Algorithm::Ppo { r.ppo_epochs.max(1) } else { 1 };
        let (mut actor_l, mut critic_l, mut total_l, mut clip_frac, mut kl, mut grad_norm) = (0.0, 0.0, 0.0, 0.0, 0.0, 0.0);
        let mut forced: Option<Rollout> = None;
        for epoch in 0..epochs {
            if epoch > 0 {
                forced = Some(rollout(&self.model, &b, &Decisions::Forced(&first.paths), &opt, &mut rng)?);
            }
            let out = forced.as_ref().unwrap_or(&first);
            let actor = match r.algorithm {
                Algorithm::Ppo => {
                    let ratio = (&out.step_logp - &old_logp)?.exp()?; // [T]
                    let clipped = ratio.clamp(1.0 - r.ppo_epsilon, 1.0 + r.ppo_epsilon)?;
                    let surr = (&ratio * &step_adv)?.minimum(&(clipped * &step_adv)?)?;
                    let rv: Vec<f32> = ratio.to_vec1()?;
                    clip_frac =
                        _mean(&rv.iter().map(|&x| if (x as f64 - 1.0).abs() > r.ppo_epsilon { 1.0 } else { 0.0 }).collect::<Vec<_>>());
                    kl = _mean(&rv.iter().map(|&x| (x as f64 - 1.0) - (x as f64).ln()).collect::<Vec<_>>());
                    (surr.sum_all()? / ne as f64)?.neg()?
                }
                _ => ((&out.step_logp * &step_adv)?.sum_all()? / ne as f64)?.neg()?,
            };
            let critic = (&out.value - &rewards_t)?.sqr()?.mean_all()?;
            let entropy = (out.step_entropy.sum_all()? / ne as f64)?;
            let mut loss = (&actor - (&entropy * r.entropy_weight)?)?;
            if r.algorithm != Algorithm::ReinforceBaseline {
                loss = (loss + (&critic * r.value_loss_weight)?)?;
            }
            let grads = loss.backward()?;
            grad_norm = self.adam.step(self.model.params.vars(), &grads, r.lr, r.weight_decay, r.grad_clip)?.grad_norm;
            (actor_l, critic_l, total_l) = (_scalar(&actor)?, _scalar(&critic)?, _scalar(&loss)?);
        }
        let resid: Vec<f64> = rewards.iter().zip(&values).map(|(x, v)| x - v).collect();
        let var_r = _var(&rewards);
        let steps = first.step_episode.len();
        Ok(json!({
            "loss": total_l,
            "actor_loss": actor_l,
            "critic_loss": critic_l,
            "entropy": _mean(&first.step_entropy.to_vec1::<f32>()?.iter().map(|&x| x as f64).collect::<Vec<_>>()),
            "reward_mean": _mean(&rewards),
            "reward_std": var_r.sqrt(),
            "mlu_mean": _mean(&first.mlu),
            "complete_rate": first.incomplete.iter().filter(|&&i| i == 0).count() as f64 / ne as f64,
            "value_mean": _mean(&values),
            "explained_variance": if var_r > 0.0 { 1.0 - _var(&resid) / var_r } else { 0.0 },
            "grad_norm": grad_norm,
            "clip_fraction": if r.algorithm == Algorithm::Ppo { json!(clip_frac) } else { Value::Null },
            "approx_kl": if r.algorithm == Algorithm::Ppo { json!(kl) } else { Value::Null },
            "episodes": ne,
            "steps": steps,
        }))
    }

    /// Routes instances: per instance the best complete candidate (lowest MLU) of the greedy
    /// decode and `samples − 1` samples; returns one record per instance, in request order.
    ///
    /// Instances are routed in batches of at most `batch` instances of one shape (nodes,
    /// commodities), in order of first appearance. The greedy decode is a rollout of its own over a
    /// batch: with `batch` normalisation it would decode differently among samples, and best-of-N
    /// could lose to it. The samples are rolled out in sub-batches of at most `sample_floats`
    /// values per encoder feature tensor (a sub-batch may split one instance's samples: each draws
    /// from its own stream), so that memory stays bounded whatever `samples`.
    pub fn route(&self, data: &[Instance], r: &RouteRequest) -> Result<Vec<RouteRecord>> {
        on_pool(|| self._route(data, r))
    }

    fn _route(&self, data: &[Instance], r: &RouteRequest) -> Result<Vec<RouteRecord>> {
        if r.samples == 0 || r.batch == 0 {
            return Err(Error::Usage("samples and batch must be ≥ 1".into()));
        }
        if r.samples > MAX_SAMPLES {
            return Err(Error::Usage(format!("samples must be ≤ {MAX_SAMPLES}, got {}", r.samples)));
        }
        if r.local_search > MAX_LOCAL_SEARCH {
            return Err(Error::Usage(format!("local_search must be ≤ {MAX_LOCAL_SEARCH} rounds per commodity, got {}", r.local_search)));
        }
        check_sampling(r.temperature, r.top_p)?;
        let indices: Vec<usize> = r.indices.clone().unwrap_or_else(|| (0..data.len()).collect());
        let sampled = r.samples - 1;
        let cfg = &self.model.config;
        let opt = RolloutOptions { temperature: r.temperature, top_p: r.top_p, dropout: 0.0, track: false, edge_loss: false };
        let (shape, dev) = (cfg.fixed_shape(), self.model.params.device());
        let mut out: Vec<Option<RouteRecord>> = vec![None; indices.len()];
        let mut decoded: Vec<Option<RouteRecord>> = vec![None; indices.len()];
        // No dropout at inference: this generator is never drawn from.
        let mut rng = Rng::new(r.seed);
        for (positions, chunk) in _shape_batches(data, &indices, r.batch)? {
            let chunk = chunk.as_slice();
            let t0 = Instant::now();
            let (v, c) = data[chunk[0]].shape();
            // Sampled episodes per rollout: `[episodes · V · C, H]` stays under `sample_floats` values.
            let cap = (r.sample_floats / (v * c * cfg.hidden_dim).max(1)).max(1);
            let graphs = self._graphs(data, chunk)?;
            // A rollout of the episodes `(position in chunk, sample)`; sample 0 is the greedy decode,
            // sample s ≥ 1 draws from the stream (seed, instance, s).
            let mut run = |eps: &mut dyn Iterator<Item = (usize, usize)>| -> Result<(Vec<usize>, Rollout)> {
                let (mut pos, mut pairs, mut choices) = (Vec::new(), Vec::new(), Vec::new());
                for (i, s) in eps {
                    pos.push(i);
                    pairs.push((&data[chunk[i]], &graphs[i]));
                    choices.push(if s == 0 { Choice::Greedy } else { Choice::Sample(mix(&[r.seed, chunk[i] as u64, s as u64])) });
                }
                let b = EpisodeBatch::new(pairs, shape, dev)?;
                Ok((pos, rollout(&self.model, &b, &Decisions::Policy(choices), &opt, &mut rng)?))
            };
            // best[i] = (incomplete, MLU, paths) of instance i's best candidate so far.
            let (_, greedy) = run(&mut (0..chunk.len()).map(|i| (i, 0)))?;
            let mut best: Vec<(usize, f64, Vec<Vec<usize>>)> =
                (0..chunk.len()).map(|i| (greedy.incomplete[i], greedy.mlu[i], greedy.paths[i].clone())).collect();
            // The local search's starting points: each instance's distinct complete candidates.
            let mut starts = _Candidates::new(chunk.len(), r.local_search > 0);
            for i in 0..chunk.len() {
                starts.add(i, greedy.incomplete[i], &greedy.paths[i]);
            }
            let total = chunk.len() * sampled;
            for start in (0..total).step_by(cap) {
                let (pos, ro) = run(&mut (start..(start + cap).min(total)).map(|e| (e / sampled, 1 + e % sampled)))?;
                for (e, &i) in pos.iter().enumerate() {
                    starts.add(i, ro.incomplete[e], &ro.paths[e]);
                    if (ro.incomplete[e], ro.mlu[e]) < (best[i].0, best[i].1) {
                        best[i] = (ro.incomplete[e], ro.mlu[e], ro.paths[e].clone());
                    }
                }
            }
            if let (Some(name), true) = (&r.decode_method, r.local_search > 0) {
                let time_ms = t0.elapsed().as_secs_f64() * 1e3 / chunk.len() as f64;
                for ((&idx, &at), (incomplete, mlu, paths)) in chunk.iter().zip(&positions).zip(&best) {
                    let (complete, paths) = (*incomplete == 0, paths.clone());
                    decoded[at] =
                        Some(RouteRecord { id: data[idx].id.clone(), method: Some(name.clone()), mlu: *mlu, complete, paths, time_ms });
                }
            }
            if r.local_search > 0 {
                let jobs: Vec<(usize, &Vec<Vec<usize>>)> = starts.all().collect();
                let improved: Vec<(f64, Vec<Vec<usize>>)> = jobs
                    .par_iter()
                    .map(|&(i, paths)| {
                        let (inst, g) = (&data[chunk[i]], &graphs[i]);
                        let paths = improve_paths(inst, g, paths.clone(), r.local_search);
                        (evaluate(inst, g, &Routing::Paths(paths.iter().cloned().map(Some).collect())).mlu, paths)
                    })
                    .collect();
                let mut first = vec![true; chunk.len()];
                for (&(i, _), (mlu, paths)) in jobs.iter().zip(improved) {
                    if std::mem::take(&mut first[i]) || mlu < best[i].1 {
                        best[i] = (0, mlu, paths);
                    }
                }
            }
            let time_ms = t0.elapsed().as_secs_f64() * 1e3 / chunk.len() as f64;
            for ((&idx, &at), (incomplete, mlu, paths)) in chunk.iter().zip(&positions).zip(best) {
                out[at] = Some(RouteRecord {
                    id: data[idx].id.clone(),
                    method: r.method.clone(),
                    mlu,
                    complete: incomplete == 0,
                    paths,
                    time_ms,
                });
            }
        }
        Ok(decoded.into_iter().chain(out).flatten().collect())
    }
}

/// Each instance's distinct complete candidate routings, in the order they were found (kept only
/// when `on`): the starting points of the local search.
struct _Candidates {
    on: bool,
    /// `(hash, paths)` per instance.
    per_instance: Vec<Vec<(u64, Vec<Vec<usize>>)>>,
}

impl _Candidates {
    fn new(instances: usize, on: bool) -> _Candidates {
        _Candidates { on, per_instance: vec![Vec::new(); instances] }
    }

    /// Keeps `paths` of instance `i` when complete and not kept already.
    fn add(&mut self, i: usize, incomplete: usize, paths: &[Vec<usize>]) {
        if !self.on || incomplete > 0 {
            return;
        }
        let mut h = std::collections::hash_map::DefaultHasher::new();
        paths.hash(&mut h);
        let h = h.finish();
        let kept = &mut self.per_instance[i];
        if !kept.iter().any(|(k, p)| *k == h && p.as_slice() == paths) {
            kept.push((h, paths.to_vec()));
        }
    }

    /// `(instance, paths)` of every kept candidate, instance by instance.
    fn all(&self) -> impl Iterator<Item = (usize, &Vec<Vec<usize>>)> {
        self.per_instance.iter().enumerate().flat_map(|(i, c)| c.iter().map(move |(_, p)| (i, p)))
    }
}

/// `indices` in batches of at most `batch` instances of one shape (nodes, commodities): each shape's
/// instances in request order, shapes in order of first appearance; with one shape, the plain
/// chunks. Each batch comes with its instances' positions in `indices`.
fn _shape_batches(data: &[Instance], indices: &[usize], batch: usize) -> Result<Vec<(Vec<usize>, Vec<usize>)>> {
    let mut groups: Vec<((usize, usize), Vec<usize>)> = Vec::new();
    for (at, &i) in indices.iter().enumerate() {
        let inst = data.get(i).ok_or_else(|| Error::Usage(format!("instance index {i} out of range ({} instances)", data.len())))?;
        match groups.iter_mut().find(|(s, _)| *s == inst.shape()) {
            Some((_, g)) => g.push(at),
            None => groups.push((inst.shape(), vec![at])),
        }
    }
    Ok(groups.iter().flat_map(|(_, g)| g.chunks(batch)).map(|p| (p.to_vec(), p.iter().map(|&at| indices[at]).collect())).collect())
}
