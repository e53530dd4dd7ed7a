//! The architecture of a hybrid GCN + Teal model (the model part of a training config; the
//! TypeScript side validates the full config and passes these keys).

use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};

/// How node states are aggregated over out-links.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Aggregation {
    /// Gate-weighted mean (graph-convnet-tsp's choice).
    Mean,
    /// Gate-weighted sum.
    Sum,
}

/// What the policy head scores.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ActionType {
    /// MLP over [current; destination] node features → logits over nodes.
    Node,
    /// MLP over each outgoing link's features → one score per link.
    Edge,
}

/// The value head's input.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ValueType {
    /// All node × commodity features flattened (`V·C·H` inputs).
    Global,
    /// Node features averaged first (`C·H` inputs), for large graphs.
    MeanPool,
}

/// When the encoder runs again during a rollout.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum GnnUpdate {
    /// Once, before the first commodity.
    Never,
    /// Before every commodity, with the usage of those routed before it.
    PerCommodity,
    /// Before every hop.
    PerStep,
}

/// Which graph the encoder passes node messages on (actions stay on physical links).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum GraphLearning {
    /// The physical links only.
    #[default]
    Physical,
    /// A graph learned per instance from the node embeddings replaces the physical aggregation
    /// (link features are still updated from their end nodes).
    Learned,
    /// The physical aggregation plus a message over the learned graph.
    Both,
}

/// Whose statistics the encoder's batch normalisation uses.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Normalization {
    /// All rows of the batch being encoded: an episode's decisions depend on the other episodes of
    /// its batch.
    #[default]
    Batch,
    /// Each episode's rows: an episode is encoded the same whatever batch it is in.
    Episode,
}

/// Model architecture and rollout structure.
#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ModelConfig {
    /// Nodes of every instance the model routes.
    pub num_nodes: usize,
    /// Commodities of every instance the model routes.
    pub num_commodities: usize,
    /// Hidden width `H` (even).
    pub hidden_dim: usize,
    /// Residual gated GCN layers.
    pub num_layers: usize,
    /// Aggregation over out-links.
    pub aggregation: Aggregation,
    /// Dropout after each GCN layer (supervised phase).
    pub dropout_rate: f64,
    /// Policy head kind.
    pub action_type: ActionType,
    /// Hidden layers of the policy MLP.
    pub policy_head_mlp_layers: usize,
    /// Hidden layers of the value MLP.
    pub value_head_mlp_layers: usize,
    /// Value head input.
    pub value_type: ValueType,
    /// Encoder re-computation during a rollout.
    pub gnn_update_frequency: GnnUpdate,
    /// Largest number of hops of a path (`None`: `num_nodes − 1`).
    #[serde(default)]
    pub max_path_length: Option<usize>,
    /// Message-passing graph of the encoder.
    #[serde(default)]
    pub graph_learning: GraphLearning,
    /// Batch-norm statistics of the encoder.
    #[serde(default)]
    pub normalization: Normalization,
}

impl ModelConfig {
    /// Parses and validates a JSON model config.
    pub fn parse(text: &str) -> Result<ModelConfig> {
        let c: ModelConfig = serde_json::from_str(text).map_err(|e| Error::Usage(format!("invalid model config: {e}")))?;
        let bad = |m: String| Err(Error::Usage(format!("invalid model config: {m}")));
        if c.num_nodes < 2 || c.num_commodities < 1 {
            return bad(format!("needs num_nodes ≥ 2 and num_commodities ≥ 1, got {} and {}", c.num_nodes, c.num_commodities));
        }
        if c.hidden_dim < 2 || !c.hidden_dim.is_multiple_of(2) {
            return bad(format!("hidden_dim must be an even number ≥ 2, got {}", c.hidden_dim));
        }
        if !(0.0..1.0).contains(&c.dropout_rate) {
            return bad(format!("dropout_rate must be in [0, 1), got {}", c.dropout_rate));
        }
        if c.max_path_length == Some(0) {
            return bad("max_path_length must be ≥ 1".into());
        }
        Ok(c)
    }

    /// Largest number of hops of a path.
    pub fn max_hops(&self) -> usize {
        self.max_path_length.unwrap_or(self.num_nodes - 1)
    }
}
