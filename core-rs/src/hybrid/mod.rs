//! The hybrid residual gated GCN + Teal actor-critic router: its config, encoder, heads, batched
//! rollout, rewards and the trainer (supervised and RL updates, routing).

pub mod config;
pub mod encoder;
pub mod episode_batch;
pub mod gated_gcn_layer;
pub mod model;
pub mod policy_head;
pub mod reward;
pub mod rollout;
pub mod trainer;
pub mod value_head;
pub mod walk;
