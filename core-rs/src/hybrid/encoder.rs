//! The hybrid model's encoder: commodity-role and demand node embeddings, separate capacity and
//! usage link embeddings, then residual gated GCN layers.
//!
//! ```text
//! h⁰ = [Emb_role(role) ‖ W_d·[d_k, out_v, in_v, hops_v, best_v]]     [N·Cs, H]   (each half H/2)
//! e⁰ = [W_c·cap ‖ W_u·[util, util_after, max(0, util_after − MLU), via_l, via_l / best_src(l), Δhops_l]]
//!                                                                             [M·Cs, H]
//!
//! `best_v` is the smallest achievable bottleneck utilisation (after adding `d_k`) of a path from
//! `v` to the commodity's destination, and `via_l = max(util_after_l, best_dst(l))` that of the best
//! path starting with link `l` — the quantity the greedy heuristic minimises. Utilisations are
//! small on lightly loaded networks (about 0.1 on NSFNET c5), so `via_l / best_src(l)` (1 on the
//! links of a best continuation, capped at 8) gives the comparison between out-links at unit scale.
//! `Δhops_l` ∈ {−1, 0, 1} is the change of the hop distance to the destination along `l`: the
//! node features' relative distance moves by 1/(source's distance) per hop, too little to steer
//! by on a 754-node network whose paths run 30 hops.
//! ```
//!
//! `Cs` commodities are encoded side by side (they share nothing but the weights and the batch
//! statistics); the result is `h` `[N, Cs·H]` and `e` `[M, Cs·H]`.

use candle_core::Tensor;

use crate::error::Result;
use crate::glm::config::{LearnerConfig, Projection, Sparsify};
use crate::glm::graph_learner::GraphLearner;
use crate::hybrid::config::GraphLearning;
use crate::hybrid::episode_batch::EpisodeBatch;
use crate::hybrid::gated_gcn_layer::{GatedGcnLayer, LearnedMessages};
use crate::nn::mlp::Linear;
use crate::nn::node_features::NodeFeatures;
use crate::nn::param_store::ParamStore;
use crate::nn::pass::Pass;
use crate::nn::weighted_graph::WeightedGraph;
use crate::rng::Rng;

/// Per-pass inputs (built by the rollout from the current state).
pub struct EncoderInput {
    /// Commodities encoded side by side (`Cs`).
    pub cs: usize,
    /// Role of each (node row, commodity): 0 none, 1 source, 2 destination, `[N·Cs]` u32.
    pub roles: Tensor,
    /// `[d_k, pending out, pending in] / max capacity`, the hop distance to the commodity's
    /// destination over the source's (capped) and the best bottleneck to it, `[N·Cs, 5]`.
    pub node_x: Tensor,
    /// `[load / c, (load + d_k) / c, max(0, (load + d_k) / c − current MLU), via, via / best_src,
    /// Δhops]`,
    /// `[M·Cs, USAGE_FEATURES]`.
    pub usage_x: Tensor,
}

/// Columns of [`EncoderInput::usage_x`].
pub const USAGE_FEATURES: usize = 6;

/// Embeddings and the GCN stack.
#[derive(Clone, Debug)]
pub struct HybridEncoder {
    role: usize,
    demand: Linear,
    capacity: Linear,
    usage: Linear,
    layers: Vec<GatedGcnLayer>,
    h: usize,
    graph_learning: GraphLearning,
    learner: Option<GraphLearner>,
}

/// Learned neighbours per node of the TE encoder's learned graph (fewer on smaller graphs).
pub const LEARNED_K: usize = 4;

impl HybridEncoder {
    /// Registers the encoder's parameters (`encoder.*`).
    pub fn new(
        ps: &mut ParamStore,
        h: usize,
        num_layers: usize,
        mean: bool,
        graph_learning: GraphLearning,
        num_nodes: usize,
    ) -> Result<HybridEncoder> {
        let half = h / 2;
        let learner = match graph_learning {
            GraphLearning::Physical => None,
            _ => {
                let cfg = LearnerConfig {
                    projection: Projection::Linear,
                    dim: half,
                    k: LEARNED_K.min(num_nodes - 1),
                    sparsify: Sparsify::Topk,
                    ..LearnerConfig::default()
                };
                Some(GraphLearner::new(ps, &cfg, h)?)
            }
        };
        Ok(HybridEncoder {
            graph_learning,
            learner,
            role: ps.uniform("encoder.role_embedding", &[3, half], 1.0)?,
            demand: Linear::new(ps, "encoder.demand_embedding", 5, half)?,
            capacity: Linear::new(ps, "encoder.capacity_embedding", 1, half)?,
            usage: Linear::new(ps, "encoder.usage_embedding", USAGE_FEATURES, half)?,
            layers: (0..num_layers).map(|i| GatedGcnLayer::new(ps, &format!("encoder.layer{i}"), h, mean)).collect::<Result<_>>()?,
            h,
        })
    }

    /// Encodes one pass: `h` `[N, Cs·H]`, `e` `[M, Cs·H]`.
    pub fn forward(&self, p: &Pass, b: &EpisodeBatch, x: &EncoderInput, rng: &mut Rng) -> Result<(Tensor, Tensor)> {
        let (n, m, cs, half) = (b.rows(), b.links(), x.cs, self.h / 2);
        let hr = p.w.get(self.role).index_select(&x.roles, 0)?; // [N·Cs, H/2]
        let hd = self.demand.forward(p.w, &x.node_x)?; // [N·Cs, H/2]
        let mut h = Tensor::cat(&[hr, hd], 1)?; // [N·Cs, H]
        let ec = self.capacity.forward(p.w, &b.cap_feat)?.unsqueeze(1)?.broadcast_as((m, cs, half))?.reshape((m * cs, half))?;
        let eu = self.usage.forward(p.w, &x.usage_x)?; // [M·Cs, H/2]
        let mut e = Tensor::cat(&[ec, eu], 1)?; // [M·Cs, H]
        let learned = self._learned_graph(p, b, &h, cs)?;
        for layer in &self.layers {
            (h, e) = layer.forward(p, b, &h, &e, &learned, rng)?;
        }
        Ok((h.reshape((n, cs * self.h))?, e.reshape((m, cs * self.h))?))
    }

    /// The learned graph of this pass: per instance, the `LEARNED_K` best nodes of each node by the
    /// learner's scores on the slot-averaged initial node states `[N, H]` (never across instances).
    fn _learned_graph(&self, p: &Pass, b: &EpisodeBatch, h0: &Tensor, cs: usize) -> Result<LearnedMessages> {
        let physical = self.graph_learning != GraphLearning::Learned;
        let Some(learner) = &self.learner else { return Ok(LearnedMessages { physical, graph: None }) };
        let n = b.rows();
        let z = NodeFeatures::dense(h0.reshape((n, cs, self.h))?.mean(1)?); // [N, H]
        let v = n / b.insts.len();
        let cand = learner.candidates(p.w, &z, &z.dense, Some(v))?;
        let learned = learner.forward(p.w, &z, &cand, 0, None)?;
        let g = WeightedGraph::assemble(n, &[learned.part], true, h0.device())?;
        let norm = g.gcn_normalised()?;
        Ok(LearnedMessages { physical, graph: Some((g, norm)) })
    }
}
