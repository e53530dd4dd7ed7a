//! A node classifier on an input, kNN, learned or mixed graph: optional graph learning module,
//! then GCN, GAT or APPNP layers (or an MLP without a graph).
//!
//! ```text
//! training:  H⁰ = dropout(X)
//! learned:   Z = X (or ReLU(layer₀(H⁰) on the base graph)),  A_l = GLM(Z)
//!            A = A_l  or  mix·A_input + (1 − mix)·A_l  (+ I)
//! training:  A ← edge_dropout(A)  (edge_dropout > 0; the denoiser draws its own mask)
//! layers:    Hⁱ⁺¹ = dropout(ReLU(layerᵢ(Hⁱ, A))),  logits = layer_last(H, A)   [N, C]
//! appnp:     the layers are linear (no graph), logits = APPNP_K,α(layer_last(H), Â)   [N, C]
//! glm.dae:   L_dae = denoising(X, A)   (training only; crate::glm::denoising)
//! ```

use std::sync::Arc;

use candle_core::{Device, Tensor};

use crate::error::Result;
use crate::glm::config::{GlmConfig, GraphMode, LayerKind, LearnerInput};
use crate::glm::denoising::DenoisingHead;
use crate::glm::graph_learner::{Candidates, GraphLearner};
use crate::nn::adam::Adam;
use crate::nn::appnp::appnp;
use crate::nn::dropout::dropout_mask;
use crate::nn::gat_layer::GatLayer;
use crate::nn::gcn_layer::GcnLayer;
use crate::nn::node_features::NodeFeatures;
use crate::nn::param_store::{ParamStore, Weights};
use crate::nn::weighted_graph::{GraphPart, WeightedGraph};
use crate::rng::Rng;

enum _Layer {
    Gcn(GcnLayer),
    Gat(GatLayer),
}

/// A graph with the weights its layers use (normalised for GCN and APPNP, raw for GAT).
pub struct ReadyGraph {
    /// The graph.
    pub graph: WeightedGraph,
    /// `[E, 1]` weights the layers aggregate with.
    pub layer_weights: Tensor,
}

impl ReadyGraph {
    /// The graph with each link's weight (raw and layer) zeroed with probability `p` and the rest
    /// scaled by `1/(1 − p)`: one draw of edge dropout.
    pub fn edge_dropout(&self, p: f64, rng: &mut Rng) -> Result<ReadyGraph> {
        let Some(m) = dropout_mask(self.graph.num_links(), p, rng) else {
            return Ok(ReadyGraph { graph: self.graph.clone(), layer_weights: self.layer_weights.clone() });
        };
        let m = Tensor::from_vec(Arc::unwrap_or_clone(m), self.layer_weights.shape(), self.layer_weights.device())?; // [E, 1]
        let mut graph = self.graph.clone();
        graph.weights = (&graph.weights * &m)?;
        Ok(ReadyGraph { graph, layer_weights: (&self.layer_weights * &m)? })
    }
}

/// The fixed graphs of a dataset.
pub struct GraphContext {
    /// The message-passing graph of the `input` and `knn` modes, or the base graph of an
    /// `embedding` learner.
    pub fixed: Option<ReadyGraph>,
    /// The input graph's links for `input+learned`.
    pub input_part: Option<GraphPart>,
}

/// One forward pass.
pub struct Forward {
    /// `[N, C]`
    pub logits: Tensor,
    /// `β · L_reg` of the learner (0 without one).
    pub reg: Tensor,
    /// `L_dae` of the denoising self-supervision (training passes with `glm.dae` > 0; else 0),
    /// unweighted.
    pub dae: Tensor,
    /// The learned or mixed graph of this pass (None when the graph is fixed).
    pub graph: Option<WeightedGraph>,
}

/// The classifier.
pub struct GlmModel {
    /// Its config.
    pub cfg: GlmConfig,
    /// Its parameters.
    pub params: ParamStore,
    layers: Vec<_Layer>,
    learner: Option<GraphLearner>,
    dae: Option<DenoisingHead>,
}

impl GlmModel {
    /// A model on `device` for `in_dim` features and `classes` classes, initialised from `seed`.
    pub fn new(cfg: &GlmConfig, in_dim: usize, classes: usize, seed: u64, device: &Device) -> Result<GlmModel> {
        let mut ps = ParamStore::new(seed, device);
        let mut layers = Vec::new();
        let mut width = in_dim;
        for i in 0..cfg.layers {
            let last = i + 1 == cfg.layers;
            let out = if last { classes } else { cfg.hidden };
            let layer = match cfg.layer {
                LayerKind::Gcn | LayerKind::Appnp => _Layer::Gcn(GcnLayer::new(&mut ps, &format!("layer{i}"), width, out)?),
                LayerKind::Gat => _Layer::Gat(GatLayer::new(&mut ps, &format!("layer{i}"), width, out, cfg.heads, !last)?),
            };
            layers.push(layer);
            width = if last || cfg.layer != LayerKind::Gat { out } else { out * cfg.heads };
        }
        let learner = if cfg.learns_graph() {
            let z_dim = match cfg.glm.input {
                LearnerInput::Features => in_dim,
                LearnerInput::Embedding if cfg.layers > 1 => {
                    if cfg.layer == LayerKind::Gat {
                        cfg.hidden * cfg.heads
                    } else {
                        cfg.hidden
                    }
                }
                LearnerInput::Embedding => classes,
            };
            Some(GraphLearner::new(&mut ps, &cfg.glm, z_dim)?)
        } else {
            None
        };
        let dae = if cfg.glm.dae > 0.0 { Some(DenoisingHead::new(&mut ps, in_dim, cfg.glm.dae_hidden)?) } else { None };
        Ok(GlmModel { cfg: cfg.clone(), params: ps, layers, learner, dae })
    }

    /// Adam over every parameter, the learner's (`glm.*`) and the denoising GCN's (`dae*`) at
    /// `glm.lr` and the classifier's at `lr`.
    pub fn adam(&self) -> Result<Adam> {
        let mut adam = Adam::new(self.params.vars())?;
        let graph_module: Vec<usize> =
            (0..self.params.names().len()).filter(|&i| ["glm.", "dae"].iter().any(|p| self.params.names()[i].starts_with(p))).collect();
        adam.scale_lr(&graph_module, self.cfg.graph_lr() / self.cfg.lr);
        Ok(adam)
    }

    /// The first layer's weight id (its L2 penalty).
    pub fn first_weight(&self) -> usize {
        match &self.layers[0] {
            _Layer::Gcn(l) => l.weight_id(),
            _Layer::Gat(l) => l.weight_id(),
        }
    }

    /// Readies `graph` for the layers.
    pub fn ready(&self, graph: WeightedGraph) -> Result<ReadyGraph> {
        let layer_weights = match self.cfg.layer {
            LayerKind::Gcn | LayerKind::Appnp => graph.gcn_normalised()?,
            LayerKind::Gat => graph.weights.clone(),
        };
        Ok(ReadyGraph { graph, layer_weights })
    }

    fn _layer(&self, i: usize, w: &Weights, h: &NodeFeatures, g: Option<&ReadyGraph>) -> Result<Tensor> {
        match (&self.layers[i], g) {
            (_Layer::Gcn(l), _) if self.cfg.layer == LayerKind::Appnp => l.forward(w, h, None),
            (_Layer::Gcn(l), g) => l.forward(w, h, g.map(|g| (&g.graph, &g.layer_weights))),
            (_Layer::Gat(l), Some(g)) => l.forward(w, h, &g.graph),
            (_Layer::Gat(_), None) => Err(crate::Error::Usage("gat needs a graph (use layer gcn with graph none)".into())),
        }
    }

    /// One draw of edge dropout at rate `p` over `g` (None when it is 0: the layers use `g` itself).
    fn _edge_dropout(p: f64, g: &ReadyGraph, rng: &mut Rng) -> Result<Option<ReadyGraph>> {
        if p > 0.0 {
            Ok(Some(g.edge_dropout(p, rng)?))
        } else {
            Ok(None)
        }
    }

    fn _dropout(&self, t: &NodeFeatures, rng: &mut Option<&mut Rng>) -> Result<NodeFeatures> {
        match rng {
            Some(r) => t.dropout(self.cfg.dropout, r),
            None => Ok(t.clone()),
        }
    }

    /// What the learner scores: the features, or the first layer's output on the base graph.
    pub fn learner_input(&self, w: &Weights, x: &NodeFeatures, h0: &NodeFeatures, ctx: &GraphContext) -> Result<NodeFeatures> {
        match self.cfg.glm.input {
            LearnerInput::Features => Ok(x.clone()),
            LearnerInput::Embedding => Ok(NodeFeatures::dense(self._layer(0, w, h0, ctx.fixed.as_ref())?.relu()?)),
        }
    }

    /// Selects the learner's candidates from the current parameters (no gradient, no dropout).
    pub fn candidates(&self, x: &NodeFeatures, ctx: &GraphContext) -> Result<Option<Candidates>> {
        let Some(learner) = &self.learner else { return Ok(None) };
        let w = self.params.weights(false);
        let z = self.learner_input(&w, x, x, ctx)?;
        Ok(Some(learner.candidates(&w, &z, &x.dense, None)?))
    }

    /// The learner's candidates at the saved columns `cols` ([`Candidates::columns`]).
    pub fn candidates_at(&self, cols: &[u32], x: &NodeFeatures) -> Result<Option<Candidates>> {
        let Some(learner) = &self.learner else { return Ok(None) };
        Ok(Some(learner.candidates_at(cols, &x.dense)?))
    }

    /// Logits `[N, C]` for features `x` `[N, F]`; `rng` = training (dropout, gumbel noise).
    pub fn forward(
        &self,
        w: &Weights,
        x: &NodeFeatures,
        ctx: &GraphContext,
        cand: Option<&Candidates>,
        epoch: usize,
        mut rng: Option<&mut Rng>,
    ) -> Result<Forward> {
        let n = x.rows()?;
        let h0 = self._dropout(x, &mut rng)?;
        let mut reg = Tensor::zeros((), x.dense.dtype(), x.dense.device())?;
        let mut learned_graph = None;
        if let (Some(learner), Some(cand)) = (&self.learner, cand) {
            let z = self.learner_input(w, x, &h0, ctx)?;
            let l = learner.forward(w, &z, cand, epoch, rng.as_deref_mut())?;
            reg = l.reg;
            let parts = match (&ctx.input_part, self.cfg.graph) {
                (Some(input), GraphMode::InputLearned) => {
                    vec![input.clone().scaled(self.cfg.glm.mix)?, l.part.scaled(1.0 - self.cfg.glm.mix)?]
                }
                _ => vec![l.part],
            };
            learned_graph = Some(self.ready(WeightedGraph::assemble(n, &parts, self.cfg.glm.self_loops, x.dense.device())?)?);
        }
        let g = if self.learner.is_some() { learned_graph.as_ref() } else { ctx.fixed.as_ref() };
        let dae = match (&self.dae, g, rng.as_deref_mut()) {
            (Some(head), Some(g), Some(r)) => {
                let dropped = Self::_edge_dropout(self.cfg.dae_edge_dropout(), g, r)?;
                head.loss(w, x, dropped.as_ref().unwrap_or(g), &self.cfg, r)?
            }
            _ => Tensor::zeros((), x.dense.dtype(), x.dense.device())?,
        };
        let dropped = match (g, rng.as_deref_mut()) {
            (Some(g), Some(r)) => Self::_edge_dropout(self.cfg.edge_dropout, g, r)?,
            _ => None,
        };
        let g = dropped.as_ref().or(g);
        let mut h = h0;
        let last = self.layers.len() - 1;
        for i in 0..last {
            h = self._dropout(&NodeFeatures::dense(self._layer(i, w, &h, g)?.relu()?), &mut rng)?;
        }
        let mut logits = self._layer(last, w, &h, g)?; // [N, C]
        if let (LayerKind::Appnp, Some(g)) = (self.cfg.layer, g) {
            logits = appnp(&logits, &g.graph, &g.layer_weights, self.cfg.appnp_steps, self.cfg.appnp_alpha)?;
        }
        Ok(Forward { logits, reg, dae, graph: learned_graph.map(|r| r.graph) })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::nn::weighted_graph::GraphPart;

    #[test]
    fn edge_dropout_drops_raw_and_layer_weights_together_and_rescales_the_rest() {
        let pairs: Vec<(usize, usize)> = (0..100).map(|i| (i, (i * 7 + 3) % 100)).collect();
        let part = GraphPart::undirected(&pairs, &Device::Cpu).unwrap();
        let graph = WeightedGraph::assemble(100, &[part], true, &Device::Cpu).unwrap();
        let layer_weights = graph.gcn_normalised().unwrap();
        let g = ReadyGraph { graph, layer_weights };
        let col = |t: &Tensor| t.flatten_all().unwrap().to_vec1::<f32>().unwrap();
        let (raw, lw) = (col(&g.graph.weights), col(&g.layer_weights));
        let d = g.edge_dropout(0.5, &mut Rng::new(1)).unwrap();
        let (draw, dlw) = (col(&d.graph.weights), col(&d.layer_weights));
        let mut dropped = 0;
        for i in 0..raw.len() {
            if draw[i] == 0.0 {
                dropped += 1;
                assert_eq!(dlw[i], 0.0, "link {i}: one mask for both");
            } else {
                assert!((draw[i] - 2.0 * raw[i]).abs() < 1e-6 && (dlw[i] - 2.0 * lw[i]).abs() < 1e-6, "link {i}");
            }
        }
        assert!((100..=200).contains(&dropped), "{dropped} of {} links dropped at p = 0.5", raw.len());
        let same = g.edge_dropout(0.0, &mut Rng::new(1)).unwrap();
        assert_eq!(col(&same.layer_weights), lw, "p = 0 keeps every weight");
    }
}
