//! The hybrid GCN + Teal actor-critic: one shared encoder, a policy head and a value head.

use candle_core::Device;

use crate::error::Result;
use crate::hybrid::config::{Aggregation, ModelConfig};
use crate::hybrid::encoder::HybridEncoder;
use crate::hybrid::policy_head::PolicyHead;
use crate::hybrid::value_head::ValueHead;
use crate::nn::param_store::ParamStore;

/// Parameters and modules of a model.
pub struct HybridModel {
    /// Architecture.
    pub config: ModelConfig,
    /// All parameters and buffers.
    pub params: ParamStore,
    /// Shared encoder.
    pub encoder: HybridEncoder,
    /// Actor.
    pub policy: PolicyHead,
    /// Critic.
    pub value: ValueHead,
}

impl HybridModel {
    /// A freshly initialised model on `device` (initialisation drawn from `seed`, the same on every
    /// device).
    pub fn new(config: ModelConfig, seed: u64, device: &Device) -> Result<HybridModel> {
        let mut ps = ParamStore::new(seed, device);
        let (h, v, c) = (config.hidden_dim, config.num_nodes, config.num_commodities);
        let encoder = HybridEncoder::new(
            &mut ps,
            h,
            config.num_layers,
            config.aggregation == Aggregation::Mean,
            config.graph_learning,
            config.num_nodes,
        )?;
        let policy = PolicyHead::new(&mut ps, config.action_type, h, v, config.policy_head_mlp_layers)?;
        let value = ValueHead::new(&mut ps, config.value_type, h, v, c, config.value_head_mlp_layers)?;
        Ok(HybridModel { config, params: ps, encoder, policy, value })
    }
}
