//! The configuration of a node classifier with an optional graph learning module (`keiro glm`).
//!
//! Every key has a default; unknown keys are rejected (the front end strips `_comment`-style keys).
//! docs/glm.md documents each key; `GlmConfig::parse` returns the resolved config that is saved
//! beside every run.

use serde::{Deserialize, Serialize};

use crate::config_json::{count_problem, parse_config, Check, MAX_EPOCHS, MAX_ITEMS};
use crate::error::{Error, Result};

/// Which graph the GNN passes messages on.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum GraphMode {
    /// The dataset's graph.
    #[serde(rename = "input")]
    Input,
    /// A cosine kNN graph of the features (`knn_k` neighbours, symmetrised).
    #[serde(rename = "knn")]
    Knn,
    /// The graph learning module's graph only.
    #[serde(rename = "learned")]
    Learned,
    /// `mix · A_input + (1 − mix) · A_learned`.
    #[serde(rename = "input+learned")]
    InputLearned,
    /// No graph: an MLP.
    #[serde(rename = "none")]
    None,
}

/// The message-passing layer.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum LayerKind {
    /// GCN with edge weights and symmetric normalisation.
    Gcn,
    /// GAT whose attention is weighted by the edge weights.
    Gat,
    /// APPNP: linear layers (an MLP) whose logits are propagated `appnp_steps` times over the
    /// GCN-normalised graph, `Z ← (1 − α) Â Z + α H` ([`crate::nn::appnp`]).
    Appnp,
}

/// How queries and keys are computed from the learner's input.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Projection {
    /// `Q = X W_q`, `K = X W_k` with `[F, heads·dim]` matrices (`W_k` starts equal to `W_q`).
    Linear,
    /// `Q = X diag(w_q)`, `K = X diag(w_k)`, starting at 1 (the learner starts as the kNN graph).
    Diagonal,
}

/// How candidate scores become sparse edge weights.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Sparsify {
    /// Keep the `k` largest scores per row; weights `ReLU(s)`, gradient through the kept values.
    Topk,
    /// `σ((s − t)/τ)` summing to `k` per row, with a straight-through hard top-k mask.
    SoftTopk,
    /// Hard-concrete edges around the row's `k`-th score, straight-through, annealed temperature.
    Gumbel,
}

/// What the learner computes scores from.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum LearnerInput {
    /// The node features.
    Features,
    /// The first layer's output on the base graph (input graph, else the kNN graph).
    Embedding,
}

/// The graph learning module.
#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct LearnerConfig {
    /// Query/key projection.
    pub projection: Projection,
    /// Projection width per head (linear projection only).
    pub dim: usize,
    /// Score heads, averaged.
    pub heads: usize,
    /// Multiply `QKᵀ` by `1/√dim`.
    pub scale: bool,
    /// L2-normalise query and key rows per head (cosine scores).
    pub normalize: bool,
    /// LeakyReLU slope of the scores.
    pub negative_slope: f64,
    /// Sparsification.
    pub sparsify: Sparsify,
    /// Edges kept per node.
    pub k: usize,
    /// Candidates per node scored differentiably (`soft_topk` and `gumbel` spread over these).
    pub candidates: usize,
    /// Temperature of `soft_topk` and the logit scale of `gumbel`.
    pub tau: f64,
    /// Hard-concrete temperature at epoch 0.
    pub temperature_start: f64,
    /// Hard-concrete temperature after `anneal_epochs` (exponential schedule).
    pub temperature_end: f64,
    /// Epochs of the temperature schedule.
    pub anneal_epochs: usize,
    /// Symmetrise the learned graph, `(A + Aᵀ)/2`.
    pub symmetric: bool,
    /// Add self loops (weight 1) to the graph the GNN sees.
    pub self_loops: bool,
    /// `λ` in `λ·A_input + (1 − λ)·A_learned`.
    pub mix: f64,
    /// Score input.
    pub input: LearnerInput,
    /// Weight `β` of the regulariser in `L_main + β·L_reg`.
    pub beta: f64,
    /// Coefficient of the L1 edge count `Σ w / N`.
    pub edge_l1: f64,
    /// Coefficient of the expected L0 edge count `Σ P(edge) / N` (gumbel only).
    pub edge_l0: f64,
    /// Coefficient of the smoothness `tr(XᵀLX) / N²`.
    pub smoothness: f64,
    /// Coefficient of the degree log-barrier `−Σ log(deg) / N`.
    pub degree_barrier: f64,
    /// Weight of the feature-denoising self-supervision `L_dae` (SLAPS; [`crate::glm::denoising`]);
    /// 0 = off.
    pub dae: f64,
    /// Hidden width of the denoising GCN.
    pub dae_hidden: usize,
    /// One non-zero feature entry in `dae_ratio` is masked per epoch.
    pub dae_ratio: f64,
    /// Zero entries masked per masked non-zero entry.
    pub dae_zeros: f64,
    /// Epochs `1..=dae_warmup` (as numbered by the trainer's `step`) train the learner on
    /// `dae·L_dae` (and its regularisers) alone, before the classification loss joins (SLAPS's
    /// warm-up); `keiro glm train` starts early stopping after them.
    pub dae_warmup: usize,
    /// Edge dropout of the denoising GCN's graph (SLAPS draws it apart from the classifier's);
    /// unset = `edge_dropout`. [`GlmConfig::parse`] fills it in.
    pub dae_edge_dropout: Option<f64>,
    /// Adam learning rate of the learner and the denoising GCN (SLAPS's `lr_adj`); unset = `lr`.
    /// [`GlmConfig::parse`] fills it in.
    pub lr: Option<f64>,
    /// Rows per block when selecting candidates (memory is `block_rows × N` scores).
    pub block_rows: usize,
    /// Select candidates again every this many epochs.
    pub update_every: usize,
}

impl Default for LearnerConfig {
    fn default() -> Self {
        LearnerConfig {
            projection: Projection::Linear,
            dim: 64,
            heads: 1,
            scale: false,
            normalize: true,
            negative_slope: 0.2,
            sparsify: Sparsify::Topk,
            k: 10,
            candidates: 30,
            tau: 0.1,
            temperature_start: 1.0,
            temperature_end: 0.1,
            anneal_epochs: 200,
            symmetric: true,
            self_loops: true,
            mix: 0.5,
            input: LearnerInput::Features,
            beta: 1.0,
            edge_l1: 0.0,
            edge_l0: 0.0,
            smoothness: 0.0,
            degree_barrier: 0.0,
            dae: 0.0,
            dae_hidden: 512,
            dae_ratio: 10.0,
            dae_zeros: 5.0,
            dae_warmup: 0,
            dae_edge_dropout: None,
            lr: None,
            block_rows: 256,
            update_every: 1,
        }
    }
}

/// A node classifier.
#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct GlmConfig {
    /// The message-passing graph.
    pub graph: GraphMode,
    /// The layer type.
    pub layer: LayerKind,
    /// Hidden width (per head for GAT).
    pub hidden: usize,
    /// Layers, the output layer included (≥ 1).
    pub layers: usize,
    /// GAT heads (concatenated in hidden layers, averaged in the output layer).
    pub heads: usize,
    /// Dropout on the input and hidden features while training.
    pub dropout: f64,
    /// Dropout on the edges (self loops included) the layers aggregate over while training: each
    /// layer weight is zeroed with this probability and the rest scaled by `1/(1 − p)` (SLAPS's
    /// adjacency dropout); the denoising GCN draws its own mask.
    pub edge_dropout: f64,
    /// Adam learning rate.
    pub lr: f64,
    /// L2 penalty `weight_decay/2 · ‖W‖²` on the first layer (as in Kipf & Welling).
    pub weight_decay: f64,
    /// Neighbours of the kNN graph (and of the embedding learner's base graph without input graph).
    pub knn_k: usize,
    /// Propagation steps `K` of the `appnp` layer.
    pub appnp_steps: usize,
    /// Teleport probability `α` of the `appnp` layer, in (0, 1].
    pub appnp_alpha: f64,
    /// The graph learning module (used by `learned` and `input+learned`).
    pub glm: LearnerConfig,
}

impl Default for GlmConfig {
    fn default() -> Self {
        GlmConfig {
            graph: GraphMode::Input,
            layer: LayerKind::Gcn,
            hidden: 64,
            layers: 2,
            heads: 1,
            dropout: 0.5,
            edge_dropout: 0.0,
            lr: 0.01,
            weight_decay: 5e-4,
            knn_k: 10,
            appnp_steps: 10,
            appnp_alpha: 0.1,
            glm: LearnerConfig::default(),
        }
    }
}

/// The largest layer width, embedding width or neighbour count a GLM config may ask for: far above
/// any useful model, and small enough that a model at the bounds fits in memory (a corrupt
/// `hidden` or `layers` of 2⁵³ would otherwise exhaust it).
pub const MAX_WIDTH: u64 = 4096;
/// The most layers or attention heads a GLM config may ask for.
pub const MAX_DEPTH: u64 = 64;

impl GlmConfig {
    /// Parses and validates a JSON config (empty text = all defaults), filling in the keys whose
    /// default is another key's value.
    pub fn parse(text: &str) -> Result<GlmConfig> {
        let mut c: GlmConfig = parse_config(text, "glm")?;
        (c.glm.dae_edge_dropout, c.glm.lr) = (Some(c.dae_edge_dropout()), Some(c.graph_lr()));
        c.validate()?;
        Ok(c)
    }

    /// Edge dropout of the denoising GCN's graph (`glm.dae_edge_dropout`, resolved).
    pub fn dae_edge_dropout(&self) -> f64 {
        self.glm.dae_edge_dropout.unwrap_or(self.edge_dropout)
    }

    /// Learning rate of the learner and the denoising GCN (`glm.lr`, resolved).
    pub fn graph_lr(&self) -> f64 {
        self.glm.lr.unwrap_or(self.lr)
    }

    /// Resolves the config file `source` (its JSON `text`): the config, or a usage error naming
    /// `source` and the key.
    pub fn resolve(text: &str, source: &str) -> Result<GlmConfig> {
        GlmConfig::parse(text).map_err(|e| Error::Usage(format!("{source}: {e}")))
    }

    /// Whether the graph learning module is used.
    pub fn learns_graph(&self) -> bool {
        matches!(self.graph, GraphMode::Learned | GraphMode::InputLearned)
    }

    fn validate(&self) -> Result<()> {
        let g = &self.glm;
        let bad = |m: String| Err(Error::Usage(format!("invalid glm config: {m}")));
        if let Some(p) = count_problem(&[
            ("hidden", self.hidden, Check::IntIn(1, MAX_WIDTH)),
            ("layers", self.layers, Check::IntIn(1, MAX_DEPTH)),
            ("heads", self.heads, Check::IntIn(1, MAX_DEPTH)),
            ("knn_k", self.knn_k, Check::IntIn(1, MAX_WIDTH)),
            ("appnp_steps", self.appnp_steps, Check::IntIn(0, MAX_DEPTH)),
            ("glm.dim", g.dim, Check::IntIn(1, MAX_WIDTH)),
            ("glm.heads", g.heads, Check::IntIn(1, MAX_DEPTH)),
            ("glm.k", g.k, Check::IntIn(1, MAX_WIDTH)),
            ("glm.candidates", g.candidates, Check::IntIn(0, MAX_WIDTH)),
            ("glm.anneal_epochs", g.anneal_epochs, Check::IntIn(0, MAX_EPOCHS)),
            ("glm.block_rows", g.block_rows, Check::IntIn(1, MAX_ITEMS)),
            ("glm.update_every", g.update_every, Check::IntIn(1, MAX_EPOCHS)),
            ("glm.dae_hidden", g.dae_hidden, Check::IntIn(1, MAX_WIDTH)),
            ("glm.dae_warmup", g.dae_warmup, Check::IntIn(0, MAX_EPOCHS)),
        ]) {
            return bad(p);
        }
        if !(0.0..1.0).contains(&self.dropout) || !(0.0..1.0).contains(&self.edge_dropout) {
            return bad(format!("dropout and edge_dropout must be in [0, 1), got {} and {}", self.dropout, self.edge_dropout));
        }
        if !(0.0..1.0).contains(&self.dae_edge_dropout()) {
            return bad(format!("glm.dae_edge_dropout must be in [0, 1), got {}", self.dae_edge_dropout()));
        }
        if !(0.0..=1.0).contains(&g.mix) {
            return bad(format!("glm.mix must be in [0, 1], got {}", g.mix));
        }
        if g.sparsify != Sparsify::Topk && g.candidates <= g.k {
            return bad(format!("glm.candidates ({}) must exceed glm.k ({}) for {:?}", g.candidates, g.k, g.sparsify));
        }
        if g.tau <= 0.0 || g.temperature_start <= 0.0 || g.temperature_end <= 0.0 || self.lr <= 0.0 || self.graph_lr() <= 0.0 {
            return bad("tau, temperatures and learning rates must be positive".into());
        }
        if !(g.dae >= 0.0
            && g.dae.is_finite()
            && g.dae_ratio >= 1.0
            && g.dae_ratio.is_finite()
            && g.dae_zeros >= 0.0
            && g.dae_zeros.is_finite())
        {
            return bad(format!(
                "glm.dae must be ≥ 0, glm.dae_ratio ≥ 1 and glm.dae_zeros ≥ 0, got {}, {}, {}",
                g.dae, g.dae_ratio, g.dae_zeros
            ));
        }
        if g.dae_warmup > 0 && g.dae == 0.0 {
            return bad("glm.dae_warmup trains on the denoising loss alone: it needs glm.dae > 0".into());
        }
        if g.dae > 0.0 && !self.learns_graph() {
            return bad("glm.dae supervises the learned graph: it needs graph learned or input+learned".into());
        }
        if g.projection == Projection::Diagonal && g.heads != 1 {
            return bad("the diagonal projection has one head".into());
        }
        if !(self.appnp_alpha > 0.0 && self.appnp_alpha <= 1.0) {
            return bad(format!("appnp_alpha must be in (0, 1], got {}", self.appnp_alpha));
        }
        if self.layer != LayerKind::Gcn && self.graph == GraphMode::None {
            let layer = serde_json::to_value(self.layer).expect("layer serialises");
            return bad(format!("{} needs a graph; graph none is an MLP (layer gcn)", layer.as_str().unwrap_or_default()));
        }
        if self.layer == LayerKind::Gat && !g.self_loops {
            return bad("gat needs glm.self_loops (every node must attend to something)".into());
        }
        Ok(())
    }

    /// The resolved config as JSON.
    pub fn to_json(&self) -> serde_json::Value {
        serde_json::to_value(self).expect("config serialises")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_resolve_and_unknown_keys_are_rejected() {
        let c = GlmConfig::parse("").unwrap();
        assert_eq!((c.graph, c.glm.k, c.glm.sparsify), (GraphMode::Input, 10, Sparsify::Topk));
        assert_eq!(GlmConfig::parse(r#"{"graph": "input+learned"}"#).unwrap().graph, GraphMode::InputLearned);
        let e = GlmConfig::parse(r#"{"glm": {"kk": 3}}"#).unwrap_err().to_string();
        assert!(e.ends_with("glm.kk: unknown key (keys starting with _ are comments); did you mean \"k\"?"), "{e}");
        let e = GlmConfig::resolve(r#"{"hidden": "16"}"#, "g.json").unwrap_err().to_string();
        assert_eq!(e, r#"g.json: invalid glm config: hidden: expected a non-negative integer, got the string "16""#);
        assert_eq!(GlmConfig::resolve(r#"{"_why": "x", "hidden": 16}"#, "g.json").unwrap().hidden, 16);
        assert!(GlmConfig::parse(r#"{"glm": {"sparsify": "soft_topk", "k": 10, "candidates": 10}}"#).is_err());
        assert!(GlmConfig::parse(r#"{"dropout": 1.0}"#).is_err());
        let e = GlmConfig::parse(r#"{"edge_dropout": 1.0}"#).unwrap_err().to_string();
        assert_eq!(e, "invalid glm config: dropout and edge_dropout must be in [0, 1), got 0.5 and 1");
        assert!(GlmConfig::parse(r#"{"graph": "bogus"}"#).is_err());
        let e = GlmConfig::parse(r#"{"layer": "appnp", "graph": "none"}"#).unwrap_err().to_string();
        assert_eq!(e, "invalid glm config: appnp needs a graph; graph none is an MLP (layer gcn)");
        let e = GlmConfig::parse(r#"{"appnp_alpha": 0}"#).unwrap_err().to_string();
        assert_eq!(e, "invalid glm config: appnp_alpha must be in (0, 1], got 0");
        assert_eq!(GlmConfig::parse(r#"{"layer": "appnp", "appnp_steps": 0}"#).unwrap().appnp_steps, 0);
        let c = GlmConfig::parse(r#"{"lr": 0.02, "edge_dropout": 0.3}"#).unwrap();
        assert_eq!((c.glm.lr, c.glm.dae_edge_dropout), (Some(0.02), Some(0.3)), "unset, they follow lr and edge_dropout");
        let c = GlmConfig::parse(r#"{"glm": {"lr": 0.001, "dae_edge_dropout": 0.5}}"#).unwrap();
        assert_eq!((c.graph_lr(), c.dae_edge_dropout(), c.lr), (0.001, 0.5, 0.01));
        let e = GlmConfig::parse(r#"{"glm": {"dae_edge_dropout": 1}}"#).unwrap_err().to_string();
        assert_eq!(e, "invalid glm config: glm.dae_edge_dropout must be in [0, 1), got 1");
        assert!(GlmConfig::parse(r#"{"glm": {"lr": 0}}"#).is_err());
        let e = GlmConfig::parse(r#"{"hidden": 1000000000000}"#).unwrap_err().to_string();
        assert_eq!(e, "invalid glm config: hidden must be an integer in [1, 4096], got 1000000000000");
        let e = GlmConfig::parse(r#"{"glm": {"update_every": 0}}"#).unwrap_err().to_string();
        assert_eq!(e, "invalid glm config: glm.update_every must be an integer in [1, 100000], got 0");
    }

    #[test]
    fn sizes_are_bounded_so_that_a_corrupt_config_cannot_exhaust_memory() {
        // found by tests/fuzz_test.ts: {"layers": 9007199254740993} grew the process to 23 GB
        let e = |text: &str| GlmConfig::parse(text).unwrap_err().to_string();
        assert_eq!(e(r#"{"layers": 9007199254740993}"#), "invalid glm config: layers must be an integer in [1, 64], got 9007199254740993");
        assert_eq!(e(r#"{"hidden": 4097}"#), "invalid glm config: hidden must be an integer in [1, 4096], got 4097");
        assert_eq!(e(r#"{"glm": {"k": 100000}}"#), "invalid glm config: glm.k must be an integer in [1, 4096], got 100000");
        assert_eq!(e(r#"{"glm": {"heads": 65}}"#), "invalid glm config: glm.heads must be an integer in [1, 64], got 65");
        assert!(GlmConfig::parse(r#"{"hidden": 4096, "layers": 64, "glm": {"dim": 4096}}"#).is_ok());
    }
}
