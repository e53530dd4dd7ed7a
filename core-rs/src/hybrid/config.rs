//! The training config of the hybrid GCN + Teal model (`keiro train --config`) and its model part.
//!
//! This file owns every key: its type, default, check and documentation are written once, below.
//! Every key of the seed project's `hybrid_base.json` is accepted as it is; keys starting with `_`
//! are comments; any other unknown key is a usage error naming the file and the key, with the
//! nearest known key as a suggestion. [`HybridConfig::resolve`] gives what `keiro train` records in
//! `<out>/config.json`: every key, in the order below (the seed's keys first, then keiro's).

use serde::{Deserialize, Serialize};
use serde_json::{json, Map, Value};

use crate::config_json::{
    check_keys, config_object, serde_names, unknown_key, Check, MAX_BATCH, MAX_EPOCHS, MAX_ITEMS, MAX_LAYERS, MAX_THREADS, MAX_WIDTH,
};
use crate::error::{Error, Result};
use crate::te::instance::MAX_NODES;

/// How node states are aggregated over out-links.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Aggregation {
    /// Gate-weighted sum.
    Sum,
    /// Gate-weighted mean (graph-convnet-tsp's choice).
    Mean,
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
    /// Averaged over nodes and commodities (`H` inputs): any node and commodity count.
    Pool,
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
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum GraphLearning {
    /// The physical links only.
    Physical,
    /// A graph learned per instance from the node embeddings replaces the physical aggregation
    /// (link features are still updated from their end nodes).
    Learned,
    /// The physical aggregation plus a message over the learned graph.
    Both,
}

/// Whose statistics the encoder's batch normalisation uses.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Normalization {
    /// All rows of the batch being encoded: an episode's decisions depend on the other episodes of
    /// its batch.
    Batch,
    /// Each episode's rows: an episode is encoded the same whatever batch it is in.
    Episode,
}

/// Declares [`HybridConfig`] and [`ModelConfig`] from one list of keys, each written once as
/// `/// doc` then `[model] name: Type = default, check;` (`model`: the native model takes the key).
/// Gives the structs (fields in list order), the defaults, each key's [`Check`] and the model part.
macro_rules! hybrid_keys {
    (@munch [$($all:tt)*] [$($model:tt)*]) => {
        hybrid_keys!(@emit [$($all)*] [$($model)*]);
    };
    (@munch [$($all:tt)*] [$($model:tt)*]
        $(#[doc = $doc:literal])* model $name:ident: $ty:ty = $default:expr, $check:expr; $($rest:tt)*) => {
        hybrid_keys!(@munch [$($all)* {[$($doc)*] $name: $ty = $default, $check}] [$($model)* {[$($doc)*] $name: $ty}] $($rest)*);
    };
    (@munch [$($all:tt)*] [$($model:tt)*]
        $(#[doc = $doc:literal])* $name:ident: $ty:ty = $default:expr, $check:expr; $($rest:tt)*) => {
        hybrid_keys!(@munch [$($all)* {[$($doc)*] $name: $ty = $default, $check}] [$($model)*] $($rest)*);
    };
    (@emit [$({[$($doc:literal)*] $name:ident: $ty:ty = $default:expr, $check:expr})*]
        [$({[$($mdoc:literal)*] $mname:ident: $mty:ty})*]) => {
        /// A resolved training config (the keys below; docs/hybrid.md has the full picture).
        #[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
        #[serde(deny_unknown_fields)]
        pub struct HybridConfig {
            $($(#[doc = $doc])* pub $name: $ty,)*
        }

        impl Default for HybridConfig {
            fn default() -> Self {
                HybridConfig { $($name: $default,)* }
            }
        }

        /// The model part of a [`HybridConfig`]: what the native model is built from and saves in a
        /// checkpoint's `model.json`.
        #[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
        #[serde(deny_unknown_fields)]
        pub struct ModelConfig {
            $($(#[doc = $mdoc])* pub $mname: $mty,)*
        }

        impl HybridConfig {
            /// The check of `key`, or `None` when it is not a key.
            fn check(key: &str) -> Option<Check> {
                match key {
                    $(stringify!($name) => Some($check),)*
                    _ => None,
                }
            }

            /// The model part.
            pub fn model(&self) -> ModelConfig {
                ModelConfig { $($mname: self.$mname.clone(),)* }
            }
        }
    };
    ($($keys:tt)*) => {
        hybrid_keys!(@munch [] [] $($keys)*);
    };
}

hybrid_keys! {
    // ---- the seed's keys ----
    /// Experiment name (recorded only).
    expt_name: String = "hybrid_gcn_teal".into(), Check::Str;
    /// The CUDA device `N` of `use_gpu` (the command line reads it: `cuda:N`).
    gpu_id: Value = json!("0"), Check::Either(&Check::Str, &Check::Int(0));
    /// Train and route on CUDA device `gpu_id` when the command has no `--device` (the command
    /// line reads it and picks keiro's CUDA build; docs/gpu.md). The seed's `true` defaults to
    /// `false` here.
    use_gpu: bool = false, Check::Bool;
    /// Nodes of every instance the model routes (`V`). NSFNET has 14.
    model num_nodes: usize = 14, Check::IntIn(2, MAX_NODES as u64);
    /// Commodities of every instance (`C`), routed in the instance's order.
    model num_commodities: usize = 5, Check::IntIn(1, MAX_ITEMS);
    /// Hidden width `H` of the encoder and of the MLP hidden layers (even: node and edge embeddings
    /// are two halves of `H/2`).
    model hidden_dim: usize = 128, Check::EvenInt(2, MAX_WIDTH);
    /// Residual gated GCN layers.
    model num_layers: usize = 8, Check::IntIn(1, MAX_LAYERS);
    /// Recorded only: in the seed this sized graph-convnet-tsp's edge classifier; here the supervised
    /// edge loss is computed on the policy logits, so the MLP depths that count are
    /// `policy_head_mlp_layers` and `value_head_mlp_layers`.
    mlp_layers: usize = 3, Check::IntIn(1, MAX_LAYERS);
    /// Neighbour aggregation of the gated GCN: `sum` or `mean` (gate-normalised).
    model aggregation: Aggregation = Aggregation::Mean, Check::OneOf(serde_names::<Aggregation>());
    /// Dropout after every GCN layer (training only), in [0, 1).
    model dropout_rate: f64 = 0.3, Check::UNIT_OPEN_ABOVE;
    /// `edge` (default): MLP over each out-link's embedding, any node count; `node` (the seed's
    /// choice): MLP over [h_u ‖ h_dst] scores every node (`V` outputs), out-neighbours kept.
    model action_type: ActionType = ActionType::Edge, Check::OneOf(serde_names::<ActionType>());
    /// Hidden layers of the policy MLP.
    model policy_head_mlp_layers: usize = 2, Check::IntIn(0, MAX_LAYERS);
    /// Hidden layers of the value MLP.
    model value_head_mlp_layers: usize = 3, Check::IntIn(0, MAX_LAYERS);
    /// `pool` (default): value MLP over the mean over nodes and commodities, any node and commodity
    /// count; `global`: over the flattened [V, C, H] (the seed's choice); `mean_pool`: mean over
    /// nodes first ([C, H]).
    model value_type: ValueType = ValueType::Pool, Check::OneOf(serde_names::<ValueType>());
    /// When the encoder is recomputed during a rollout: `never`, `per_commodity` (default),
    /// `per_step` (before every hop).
    model gnn_update_frequency: GnnUpdate = GnnUpdate::PerCommodity, Check::OneOf(serde_names::<GnnUpdate>());
    /// Logits are divided by this for sampling during RL (and for best-of-N decoding).
    sampling_temperature: f64 = 1.0, TEMPERATURE;
    /// Nucleus sampling threshold for RL rollouts, in (0, 1]; log-probabilities stay those of the
    /// tempered distribution.
    sampling_top_p: f64 = 0.9, Check::UNIT_OPEN_BELOW;
    /// `a2c` (advantage R − V(s₀)), `ppo` (clipped ratio, `ppo_epochs` passes), or
    /// `reinforce_baseline` (advantage R − b, b a moving average kept by the trainer:
    /// b ← 0.95·b + 0.05·mean R, starting at the first batch's mean).
    rl_algorithm: String = "a2c".into(), Check::OneOf(&["a2c", "ppo", "reinforce_baseline"]);
    /// Weight of the entropy bonus (the start value when `adaptive_entropy`).
    entropy_weight: f64 = 0.01, Check::NON_NEGATIVE;
    /// Weight of the critic's MSE.
    value_loss_weight: f64 = 0.5, Check::NON_NEGATIVE;
    /// Recorded only: an episode is a whole routing with a single terminal reward, so discounting
    /// has no effect.
    gamma: f64 = 0.99, Check::UNIT;
    /// PPO clipping ε.
    ppo_epsilon: f64 = 0.2, Check::POSITIVE;
    /// PPO passes over each batch.
    ppo_epochs: usize = 4, Check::IntIn(1, MAX_EPOCHS);
    /// Reward: `continuous_v1` = clip(2 − 2·MLU, −2, 2), with the penalties below.
    reward_function_version: String = "continuous_v1".into(), Check::OneOf(&["continuous_v1"]);
    /// Phase 1 (imitation of MILP paths for `supervised_epochs`) before phase 2 (RL for
    /// `max_epochs`). The first RL step asks the native side for a fresh critic (`reset_critic`).
    two_phase_training: bool = true, Check::Bool;
    /// Path (relative to the config file, else to the working directory) of a JSON file whose keys
    /// override phase 1 ([`HybridConfig::resolve_supervised`]). A missing file is a warning, not an
    /// error. `null`: none.
    supervised_config: Option<String> = None, Check::Nullable(&Check::Str);
    /// RL epochs (phase 2).
    max_epochs: usize = 50, Check::IntIn(0, MAX_EPOCHS);
    /// Instances per step (each rolled out `rl_samples_per_instance` times in RL).
    batch_size: usize = 32, Check::IntIn(1, MAX_BATCH);
    /// Phase 2 learning rate (Adam).
    learning_rate: f64 = 0.0005, Check::POSITIVE;
    /// The learning rate is divided by this every `lr_decay_step` epochs (≥ 1; 1 = constant).
    decay_rate: f64 = 1.2, Check::AT_LEAST_ONE;
    /// Generated training instances (when `--train` is not given).
    num_train_data: usize = 1000, Check::IntIn(1, MAX_ITEMS);
    /// Generated validation instances.
    num_val_data: usize = 200, Check::IntIn(1, MAX_ITEMS);
    /// Generated test instances.
    num_test_data: usize = 200, Check::IntIn(1, MAX_ITEMS);

    // ---- keiro's keys ----
    /// Topology of generated instances (`keiro gen te --topology`): `nsfnet` (14 nodes), `nws`
    /// (Newman–Watts–Strogatz, k=3, p=0.15, drawn per instance), `grid`, `waxman`.
    graph_model: String = "nsfnet".into(), Check::OneOf(&["nsfnet", "nws", "grid", "waxman"]);
    /// Integer link capacities uniform in [lo, hi).
    capacity_range: [u64; 2] = [1000, 10000], Check::Custom(_increasing_pair, "[lo, hi], positive integers with hi > lo");
    /// Integer demands uniform in [lo, hi] (`pairs` traffic).
    demand_range: [u64; 2] = [5, 500], Check::Custom(_ordered_pair, "[lo, hi], positive integers with hi ≥ lo");
    /// `pairs` (distinct random pairs, the seed's) or `gravity` (demand ∝ node capacity products).
    traffic: String = "pairs".into(), Check::OneOf(&["pairs", "gravity"]);
    /// Gravity traffic: demands scaled so that shortest-path routing has this MLU.
    load: f64 = 1.0, Check::POSITIVE;
    /// Generated sets mixed from several distributions: a list of [`DataPart`]s, each the data keys
    /// above that differ from this config's (`graph_model`, `num_nodes`, `num_commodities`,
    /// `traffic`, `load`, `capacity_range`, `demand_range`), or a `topology` file, and a `weight`
    /// (its share of every split). `[]` (default): one distribution, the keys above.
    data_mix: Vec<DataPart> = Vec::new(), Check::Custom(_object_list, "a list of objects");
    /// Hop cap of a path; `null` = V − 1.
    model max_path_length: Option<usize> = None, Check::Nullable(&Check::Int(1));
    /// Encoder message graph: `physical` links, a per-instance `learned` graph (graph learning
    /// module, 4 neighbours per node) instead of them, or `both`. Actions stay on physical links.
    model graph_learning: GraphLearning = GraphLearning::Physical, Check::OneOf(serde_names::<GraphLearning>());
    /// Whose statistics the encoder's batch normalisation uses: `episode` (default) = each episode's
    /// own rows (routing independent of the batch), `batch` = all episodes of the batch being
    /// encoded (the seed's choice; an instance's routing then depends on the other instances of its
    /// batch).
    model normalization: Normalization = Normalization::Episode, Check::OneOf(serde_names::<Normalization>());
    /// Seed of everything: model initialisation, data generation (train, val and test draw from
    /// seed·3+1, +2, +3), shuffling, sampling.
    seed: u64 = 0, Check::Int(0);
    /// Subtract `rl_penalty_lambda`·Σ max(0, util − 1)² from the reward.
    rl_use_smooth_penalty: bool = false, Check::Bool;
    /// Weight of the smooth overload penalty.
    rl_penalty_lambda: f64 = 0.1, Check::NON_NEGATIVE;
    /// Subtract `completion_penalty_weight`·(incomplete commodities / C) from the reward.
    use_completion_penalty: bool = true, Check::Bool;
    /// Weight of the completion penalty.
    completion_penalty_weight: f64 = 1.0, Check::NON_NEGATIVE;
    /// Normalise advantages within a batch.
    normalize_advantage: bool = true, Check::Bool;
    /// What the A2C / PPO advantage subtracts from the reward: `critic` (V(s₀), the design) or
    /// `instance_mean` (the mean reward of the other rollouts of the same instance; needs
    /// `rl_samples_per_instance` ≥ 2; the critic is still trained and reported).
    advantage_baseline: String = "critic".into(), Check::OneOf(&["critic", "instance_mean"]);
    /// Global gradient-norm clip (0 = none).
    grad_clip: f64 = 1.0, Check::NON_NEGATIVE;
    /// Decoupled (AdamW) weight decay.
    weight_decay: f64 = 0.0, Check::NON_NEGATIVE;
    /// Epochs between learning-rate divisions by `decay_rate` (counted within a phase; 0 = never).
    lr_decay_step: usize = 10, Check::IntIn(0, MAX_EPOCHS);
    /// Adapt the entropy weight after every RL step: log w ← log w + entropy_lr·(target_entropy −
    /// mean per-step entropy), w kept in [1e-6, 1].
    adaptive_entropy: bool = false, Check::Bool;
    /// Target mean per-step entropy (nats) of `adaptive_entropy`.
    target_entropy: f64 = 0.5, Check::NON_NEGATIVE;
    /// Step size of `adaptive_entropy` (in log-weight per nat).
    entropy_lr: f64 = 0.05, Check::NON_NEGATIVE;
    /// RL rollouts per instance per step.
    rl_samples_per_instance: usize = 4, Check::IntIn(1, MAX_SAMPLES as u64);
    /// Phase 1 epochs (with `two_phase_training`).
    supervised_epochs: usize = 10, Check::IntIn(0, MAX_EPOCHS);
    /// Phase 1 learning rate.
    supervised_learning_rate: f64 = 0.001, Check::POSITIVE;
    /// Phase 1 instances per step (`null` = `batch_size`).
    supervised_batch_size: Option<usize> = None, Check::Nullable(&Check::IntIn(1, MAX_BATCH));
    /// Phase 1 learning-rate divisor (`null` = `decay_rate`).
    supervised_decay_rate: Option<f64> = None, Check::Nullable(&Check::AT_LEAST_ONE);
    /// Weight of the class-weighted edge classification loss in phase 1.
    edge_loss_weight: f64 = 1.0, Check::NON_NEGATIVE;
    /// Phase-1 imitation targets (src/hybrid/imitation_targets.ts): `milp` = the canonical MILP
    /// paths; `greedy_if_optimal` = the sequential greedy routing where it is as good as the MILP
    /// label, else the MILP paths.
    label_paths: String = "milp".into(), Check::OneOf(&["milp", "greedy_if_optimal"]);
    /// N of best-of-N decoding in validation and test (greedy decode + N − 1 samples).
    eval_samples: usize = 32, Check::IntIn(1, MAX_SAMPLES as u64);
    /// Nucleus threshold of best-of-N sampling.
    eval_top_p: f64 = 0.9, Check::UNIT_OPEN_BELOW;
    /// Temperature of best-of-N sampling (`null` = `sampling_temperature`). Best-of-N gains from
    /// diverse samples: a policy sharpened by training repeats its greedy decode at temperature 1.
    eval_temperature: Option<f64> = None, Check::Nullable(&TEMPERATURE);
    /// Best-of-N settings `[temperature, top_p]` tried on validation after training
    /// (src/hybrid/tune_sampling.ts); the best one, with `eval_temperature` / `eval_top_p` as the
    /// first candidate, is saved beside the checkpoint and used by the test evaluation and by
    /// `keiro route`. `[]` = no tuning.
    eval_sampling_grid: Vec<[f64; 2]> = vec![[0.5, 0.9], [1.0, 0.9], [1.0, 1.0], [2.0, 1.0]],
        Check::Custom(_sampling_grid, "a list of [temperature ≥ 0.001, top_p in (0, 1]] pairs");
    /// Validation instances (the first ones) routed per grid setting.
    eval_tune_instances: usize = 64, Check::IntIn(1, MAX_ITEMS);
    /// MILP seconds per instance when labelling (the best paths found are the labels and the
    /// reference MLU; instances not proven optimal are counted in the data summary).
    milp_time_limit: f64 = 10.0, Check::POSITIVE;
    /// Best-of-N validation every this many epochs (and at the end); greedy validation runs every
    /// epoch.
    val_every: usize = 5, Check::IntIn(1, MAX_EPOCHS);
    /// Stop a phase after this many epochs without a better greedy validation ratio (0 = never).
    early_stopping_patience: usize = 0, Check::IntIn(0, MAX_EPOCHS);
    /// Wall-clock budget of the training loop in seconds (data preparation and the test evaluation
    /// excluded; split between the phases in proportion to their epochs, phase 1's leftover going to
    /// phase 2). `null` = none.
    time_budget_s: Option<f64> = None, Check::Nullable(&Check::POSITIVE);
    /// Worker threads of the native core and of MILP labelling (0 = all cores).
    threads: usize = 0, Check::IntIn(0, MAX_THREADS);
}

/// The two positive integers of `[lo, hi]`.
fn _int_pair(v: &Value) -> Option<(f64, f64)> {
    match v.as_array()?.as_slice() {
        [lo, hi] if Check::Int(1).accepts(lo) && Check::Int(1).accepts(hi) => Some((lo.as_f64()?, hi.as_f64()?)),
        _ => None,
    }
}

fn _increasing_pair(v: &Value) -> bool {
    _int_pair(v).is_some_and(|(lo, hi)| hi > lo)
}

fn _ordered_pair(v: &Value) -> bool {
    _int_pair(v).is_some_and(|(lo, hi)| hi >= lo)
}

fn _object_list(v: &Value) -> bool {
    v.as_array().is_some_and(|a| a.iter().all(Value::is_object))
}

/// One distribution of a mixed generated set (`data_mix`): the data keys it sets (the rest are the
/// config's), and its share.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DataPart {
    /// Relative share of every split (parts get `count · weight / Σ weight` instances, rounded by
    /// largest remainder).
    #[serde(default = "_one")]
    pub weight: f64,
    /// A topology file (any `keiro gen te --topology` file; `keiro train` looks for it beside the
    /// config file, then from the working directory, and records the path it found) instead of
    /// `graph_model`; its capacities are kept unless the part sets `capacity_range`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub topology: Option<String>,
    /// As the config's key.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub graph_model: Option<String>,
    /// As the config's key.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub num_nodes: Option<usize>,
    /// As the config's key (`0` with a `topology` file and gravity traffic: every pair).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub num_commodities: Option<usize>,
    /// As the config's key.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub traffic: Option<String>,
    /// As the config's key.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub load: Option<f64>,
    /// As the config's key.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub capacity_range: Option<[u64; 2]>,
    /// As the config's key.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub demand_range: Option<[u64; 2]>,
}

fn _one() -> f64 {
    1.0
}

impl DataPart {
    /// The check of a part's `key`: the config's own check for the data keys.
    fn check(key: &str) -> Option<Check> {
        match key {
            "weight" => Some(Check::POSITIVE),
            "topology" => Some(Check::Str),
            "num_commodities" => Some(Check::IntIn(0, MAX_ITEMS)),
            k if serde_names::<DataPart>().contains(&k) => HybridConfig::check(k),
            _ => None,
        }
    }

    /// Checks the parts of `data_mix` (a list of objects) key by key, each error naming
    /// `<source>: data_mix[i]`, and returns them with integral numbers as integers.
    fn check_all(parts: &Value, source: &str) -> Result<Value> {
        let parts = parts.as_array().map(Vec::as_slice).unwrap_or_default();
        let mut out = Vec::with_capacity(parts.len());
        for (i, part) in parts.iter().enumerate() {
            let obj = part.as_object().cloned().unwrap_or_default();
            let obj = obj.into_iter().filter(|(k, _)| !k.starts_with('_')).collect();
            out.push(Value::Object(check_keys(obj, serde_names::<DataPart>(), Self::check, &format!("{source}: data_mix[{i}]"))?));
        }
        Ok(Value::Array(out))
    }

    /// The part's (nodes, commodities) over the config's, when it generates its own graph (NSFNET
    /// has 14 nodes whatever `num_nodes` says).
    fn shape(&self, c: &HybridConfig) -> Option<(usize, usize)> {
        let nsfnet = self.graph_model.as_deref().unwrap_or(&c.graph_model) == "nsfnet";
        let nodes = if nsfnet { 14 } else { self.num_nodes.unwrap_or(c.num_nodes) };
        self.topology.is_none().then(|| (nodes, self.num_commodities.unwrap_or(c.num_commodities)))
    }
}

/// The most candidates per instance: of `keiro route --samples`, `eval_samples` and
/// `rl_samples_per_instance`.
pub const MAX_SAMPLES: usize = 1 << 20;

/// The most local-search rounds per commodity of a routing (`keiro route --local-search`).
pub const MAX_LOCAL_SEARCH: usize = 1000;

/// The smallest sampling temperature, 10⁻³. The policy's f32 logits are divided by the
/// temperature before the softmax, and much smaller temperatures overflow them to infinity; at
/// 10⁻³ a logit gap of 0.01 already weighs e⁻¹⁰, so sampling is the greedy decode there anyway.
pub const MIN_TEMPERATURE: f64 = 1e-3;

/// What a sampling temperature must be: a number ≥ [`MIN_TEMPERATURE`].
pub const TEMPERATURE: Check = Check::Num { lo: MIN_TEMPERATURE, hi: f64::INFINITY, lo_open: false, hi_open: true };

/// Checks the sampling of a routing or RL request: a usage error naming `temperature` or `top_p`
/// when it is not [`TEMPERATURE`] or in (0, 1].
pub fn check_sampling(temperature: f64, top_p: f64) -> Result<()> {
    for (name, v, check) in [("temperature", temperature, TEMPERATURE), ("top_p", top_p, Check::UNIT_OPEN_BELOW)] {
        if let Some(what) = check.problem(&Value::from(v)) {
            return Err(Error::Usage(format!("{name} must be {what}, got {}", Value::from(v))));
        }
    }
    Ok(())
}

fn _sampling_grid(v: &Value) -> bool {
    v.as_array().is_some_and(|grid| {
        grid.iter().all(|p| {
            matches!(p.as_array().map(Vec::as_slice),
                Some([t, top_p]) if TEMPERATURE.accepts(t) && Check::UNIT_OPEN_BELOW.accepts(top_p))
        })
    })
}

/// Keys of a `supervised_config` file that stand for phase-1 keys; `supervised_*` keys and
/// `edge_loss_weight` apply as they are.
const _SUPERVISED_ALIASES: [(&str, &str); 4] = [
    ("max_epochs", "supervised_epochs"),
    ("learning_rate", "supervised_learning_rate"),
    ("batch_size", "supervised_batch_size"),
    ("decay_rate", "supervised_decay_rate"),
];

/// A resolved training config, its model part and the warnings met resolving it.
#[derive(Clone, Debug, Serialize)]
pub struct Resolved {
    /// The config.
    pub config: HybridConfig,
    /// Its model part.
    pub model: ModelConfig,
    /// `[nodes, commodities]` the model is tied to, or `null` ([`ModelConfig::fixed_shape`]).
    pub shape: Option<(usize, usize)>,
    /// Warnings for the user (e.g. ignored keys of a `supervised_config` file).
    pub warnings: Vec<String>,
}

fn _object<T: Serialize>(t: &T) -> Map<String, Value> {
    match serde_json::to_value(t) {
        Ok(Value::Object(m)) => m,
        _ => unreachable!("a config serialises to an object"),
    }
}

impl HybridConfig {
    /// Resolves the config object `text` (JSON) of the file `source` over `base` (keys of a config,
    /// e.g. a resolved one, checked too) and the defaults: drops `_` keys, rejects unknown keys and
    /// bad values with a usage error naming `source` and the key, and checks the keys against each
    /// other. Does not read `supervised_config` (see [`HybridConfig::resolve_supervised`]).
    pub fn resolve(text: &str, source: &str, base: Option<&Map<String, Value>>) -> Result<Resolved> {
        Self::_resolve(config_object(text, source)?, source, base)
    }

    /// Resolves a `supervised_config` file `text` (from `source`) as phase-1 overrides of `base`:
    /// its `supervised_*` keys and `edge_loss_weight` apply as they are, `max_epochs`,
    /// `learning_rate`, `batch_size` and `decay_rate` as their `supervised_*` counterparts; other
    /// keys are ignored with a warning.
    pub fn resolve_supervised(text: &str, source: &str, base: &Map<String, Value>) -> Result<Resolved> {
        let (mut picked, mut ignored) = (Map::new(), Vec::new());
        for (key, value) in config_object(text, source)? {
            let alias = _SUPERVISED_ALIASES.iter().find(|(a, _)| *a == key).map(|(_, t)| t.to_string());
            let target = alias.or_else(|| (key.starts_with("supervised_") || key == "edge_loss_weight").then(|| key.clone()));
            match target {
                None => ignored.push(key),
                Some(t) if t == "supervised_config" || Self::check(&t).is_none() => {
                    return Err(unknown_key(&key, serde_names::<HybridConfig>(), source));
                }
                Some(t) => {
                    picked.insert(t, value);
                }
            }
        }
        let mut r = Self::_resolve(picked, source, Some(base))?;
        r.warnings = if ignored.is_empty() {
            Vec::new()
        } else {
            vec![format!("{source}: ignored keys {} (only phase-1 keys apply; the model comes from the main config)", ignored.join(", "))]
        };
        Ok(r)
    }

    fn _resolve(obj: Map<String, Value>, source: &str, base: Option<&Map<String, Value>>) -> Result<Resolved> {
        let checked = |o: Map<String, Value>| check_keys(o, serde_names::<HybridConfig>(), Self::check, source);
        let mut merged = _object(&HybridConfig::default());
        if let Some(b) = base {
            merged.extend(checked(b.clone())?);
        }
        merged.extend(checked(obj)?);
        if let Some(parts) = merged.get("data_mix") {
            let parts = DataPart::check_all(parts, source)?;
            merged.insert("data_mix".into(), parts);
        }
        let config: HybridConfig = serde_json::from_value(Value::Object(merged)).map_err(|e| Error::Usage(format!("{source}: {e}")))?;
        config._cross_check(source)?;
        let model = config.model();
        Ok(Resolved { shape: model.fixed_shape(), model, config, warnings: Vec::new() })
    }

    fn _cross_check(&self, source: &str) -> Result<()> {
        let fail = |m: String| Err(Error::Usage(format!("{source}: {m}")));
        let (v, c) = (self.num_nodes, self.num_commodities);
        if c > v * (v - 1) {
            return fail(format!("num_commodities must be ≤ {} (distinct pairs of {v} nodes), got {c}", v * (v - 1)));
        }
        for (i, part) in self.data_mix.iter().enumerate() {
            let shape = part.shape(self);
            if let Some((pv, pc)) = shape.filter(|&(pv, pc)| pc == 0 || pc > pv * (pv - 1)) {
                return fail(format!(
                    "data_mix[{i}]: num_commodities must be in [1, {}] (distinct pairs of {pv} nodes), got {pc}",
                    pv * (pv - 1)
                ));
            }
            if part.graph_model.as_deref() == Some("nsfnet") && part.num_nodes.is_some_and(|n| n != 14) {
                return fail(format!("data_mix[{i}]: num_nodes must be 14 (or absent) with graph_model \"nsfnet\""));
            }
            if let Some((v, c)) = self.model().fixed_shape().filter(|&fixed| shape != Some(fixed)) {
                return fail(format!(
                    "data_mix[{i}]: this model routes only instances of {v} nodes and {c} commodities (its action_type, value_type or graph_learning); mixed sizes need action_type \"edge\", value_type \"pool\" and graph_learning \"physical\""
                ));
            }
        }
        if let Some(l) = self.max_path_length.filter(|&l| l > v - 1) {
            return fail(format!("max_path_length must be ≤ num_nodes − 1 = {} (simple paths), got {l}", v - 1));
        }
        if self.advantage_baseline == "instance_mean" && self.rl_samples_per_instance < 2 {
            return fail(format!(
                "advantage_baseline \"instance_mean\" needs rl_samples_per_instance ≥ 2, got {}",
                self.rl_samples_per_instance
            ));
        }
        if !self.two_phase_training && self.max_epochs == 0 {
            return fail("max_epochs must be ≥ 1 without two_phase_training (nothing would be trained)".into());
        }
        Ok(())
    }
}

impl ModelConfig {
    /// Parses and validates a model config (a checkpoint's `model.json`): each key is checked as in
    /// a [`HybridConfig`], missing keys take their defaults.
    pub fn parse(text: &str) -> Result<ModelConfig> {
        let source = "invalid model config";
        let keys = serde_names::<ModelConfig>();
        let check = |k: &str| keys.contains(&k).then(|| HybridConfig::check(k)).flatten();
        let mut merged = _object(&HybridConfig::default().model());
        merged.extend(check_keys(config_object(text, source)?, keys, check, source)?);
        serde_json::from_value(Value::Object(merged)).map_err(|e| Error::Usage(format!("{source}: {e}")))
    }

    /// Largest number of hops of a path in a graph of `v` nodes.
    pub fn max_hops(&self, v: usize) -> usize {
        self.max_path_length.unwrap_or(v - 1)
    }

    /// The (nodes, commodities) every routed instance must have, or `None` when the model takes any:
    /// node actions score `V` nodes, the `global` and `mean_pool` critics read `V·C·H` and `C·H`
    /// inputs, and the learned message graph keeps `min(4, V − 1)` neighbours.
    pub fn fixed_shape(&self) -> Option<(usize, usize)> {
        let any =
            self.action_type == ActionType::Edge && self.value_type == ValueType::Pool && self.graph_learning == GraphLearning::Physical;
        (!any).then_some((self.num_nodes, self.num_commodities))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn resolve(v: Value) -> Result<Resolved> {
        HybridConfig::resolve(&v.to_string(), "c.json", None)
    }

    fn err(v: Value) -> String {
        resolve(v).unwrap_err().to_string()
    }

    #[test]
    fn the_seed_config_resolves_to_its_own_values_in_key_order() {
        let text = include_str!("../../../configs/seed/hybrid_base.json");
        let r = HybridConfig::resolve(text, "hybrid_base.json", None).unwrap();
        let resolved = serde_json::to_value(&r.config).unwrap();
        let seed: Map<String, Value> = serde_json::from_str(text).unwrap();
        let number_or_value = |v: &Value| v.as_f64().map_or(v.clone(), Value::from);
        for (k, v) in seed.iter().filter(|(k, _)| !k.starts_with('_')) {
            assert_eq!(number_or_value(&resolved[k.as_str()]), number_or_value(v), "{k}");
        }
        let keys: Vec<&String> = resolved.as_object().unwrap().keys().collect();
        assert_eq!(keys.len(), serde_names::<HybridConfig>().len());
        assert_eq!((keys[0].as_str(), keys[3].as_str(), keys[keys.len() - 1].as_str()), ("expt_name", "num_nodes", "threads"));
        assert!(r.warnings.is_empty(), "{:?}", r.warnings);
    }

    #[test]
    fn bad_keys_and_values_name_the_file_the_key_and_the_value() {
        assert_eq!(
            err(json!({"hidden_dims": 64})),
            r#"c.json: unknown config key "hidden_dims" (keys starting with _ are comments); did you mean "hidden_dim"?"#
        );
        let cases = [
            (json!({"hidden_dim": 33}), "hidden_dim must be an even integer in [2, 8192], got 33"),
            (json!({"num_train_data": 1e12}), "num_train_data must be an integer in [1, 1000000], got 1000000000000.0"),
            (json!({"max_epochs": 100001}), "max_epochs must be an integer in [0, 100000], got 100001"),
            (json!({"batch_size": 1e6}), "batch_size must be an integer in [1, 65536], got 1000000.0"),
            (json!({"eval_samples": 2097152}), "eval_samples must be an integer in [1, 1048576], got 2097152"),
            (json!({"aggregation": "max"}), r#"aggregation must be one of "sum", "mean", got "max""#),
            (json!({"normalization": "layer"}), r#"normalization must be one of "batch", "episode", got "layer""#),
            (json!({"rl_algorithm": "sac"}), r#"rl_algorithm must be one of "a2c", "ppo", "reinforce_baseline", got "sac""#),
            (json!({"capacity_range": [10, 10]}), "capacity_range must be [lo, hi], positive integers with hi > lo, got [10,10]"),
            (json!({"demand_range": [10, 9]}), "demand_range must be [lo, hi], positive integers with hi ≥ lo, got [10,9]"),
            (json!({"max_path_length": 0}), "max_path_length must be an integer ≥ 1 or null, got 0"),
            (json!({"max_path_length": 14}), "max_path_length must be ≤ num_nodes − 1 = 13 (simple paths), got 14"),
            (json!({"num_commodities": 183}), "num_commodities must be ≤ 182 (distinct pairs of 14 nodes), got 183"),
            (json!({"decay_rate": 0.5}), "decay_rate must be a number in [1, ∞), got 0.5"),
            (
                json!({"eval_sampling_grid": [[1, 1.5]]}),
                "eval_sampling_grid must be a list of [temperature ≥ 0.001, top_p in (0, 1]] pairs, got [[1,1.5]]",
            ),
            (json!({"gpu_id": -1}), "gpu_id must be a non-empty string or an integer ≥ 0, got -1"),
            (
                json!({"advantage_baseline": "instance_mean", "rl_samples_per_instance": 1}),
                r#"advantage_baseline "instance_mean" needs rl_samples_per_instance ≥ 2, got 1"#,
            ),
            (
                json!({"two_phase_training": false, "max_epochs": 0}),
                "max_epochs must be ≥ 1 without two_phase_training (nothing would be trained)",
            ),
        ];
        for (v, want) in cases {
            assert_eq!(err(v.clone()), format!("c.json: {want}"), "{v}");
        }
    }

    #[test]
    fn data_mix_parts_are_checked_key_by_key_with_the_configs_own_checks() {
        let mix = json!({"num_nodes": 30, "data_mix": [
            {"_c": "NSFNET", "graph_model": "nsfnet", "num_nodes": 14, "num_commodities": 20.0},
            {"graph_model": "nws", "weight": 2, "traffic": "gravity", "load": 0.9},
            {"topology": "B4.json", "num_commodities": 0}
        ]});
        let r = resolve(mix).unwrap();
        let parts = &r.config.data_mix;
        assert_eq!((parts.len(), parts[0].num_commodities, parts[0].weight, parts[1].weight), (3, Some(20), 1.0, 2.0));
        assert_eq!((parts[1].num_nodes, parts[2].topology.as_deref()), (None, Some("B4.json")));
        let echoed = serde_json::to_value(&r.config).unwrap();
        assert_eq!(echoed["data_mix"][1], json!({"weight": 2.0, "graph_model": "nws", "traffic": "gravity", "load": 0.9}));
        let cases = [
            (json!({"data_mix": {"graph_model": "nws"}}), "data_mix must be a list of objects, got {\"graph_model\":\"nws\"}"),
            (
                json!({"data_mix": [{"graph_model": "ring"}]}),
                r#"data_mix[0]: graph_model must be one of "nsfnet", "nws", "grid", "waxman", got "ring""#,
            ),
            (json!({"data_mix": [{}, {"weight": 0}]}), "data_mix[1]: weight must be a number in (0, ∞), got 0"),
            (
                json!({"data_mix": [{"num_node": 5}]}),
                r#"data_mix[0]: unknown config key "num_node" (keys starting with _ are comments); did you mean "num_nodes"?"#,
            ),
            (
                json!({"data_mix": [{"graph_model": "nws", "num_nodes": 4, "num_commodities": 13}]}),
                "data_mix[0]: num_commodities must be in [1, 12] (distinct pairs of 4 nodes), got 13",
            ),
            (
                json!({"data_mix": [{"graph_model": "nsfnet", "num_nodes": 30}]}),
                r#"data_mix[0]: num_nodes must be 14 (or absent) with graph_model "nsfnet""#,
            ),
            (
                json!({"value_type": "global", "data_mix": [{}, {"num_commodities": 20}]}),
                r#"data_mix[1]: this model routes only instances of 14 nodes and 5 commodities (its action_type, value_type or graph_learning); mixed sizes need action_type "edge", value_type "pool" and graph_learning "physical""#,
            ),
            (
                json!({"data_mix": [{"num_commodities": 0}]}),
                "data_mix[0]: num_commodities must be in [1, 182] (distinct pairs of 14 nodes), got 0",
            ),
        ];
        for (v, want) in cases {
            assert_eq!(err(v.clone()), format!("c.json: {want}"), "{v}");
        }
    }

    #[test]
    fn base_and_text_overlay_the_defaults_and_integral_numbers_become_integers() {
        let base = json!({"num_commodities": 20, "seed": 3});
        let r = HybridConfig::resolve(r#"{"seed": 4.0, "hidden_dim": 64.0}"#, "c", base.as_object()).unwrap();
        assert_eq!((r.config.num_commodities, r.config.seed, r.config.hidden_dim), (20, 4, 64));
        assert_eq!(r.config.rl_samples_per_instance, 4);
        assert_eq!(r.model, ModelConfig { num_commodities: 20, hidden_dim: 64, ..HybridConfig::default().model() });
        let keys: Vec<String> = _object(&r.model).into_iter().map(|(k, _)| k).collect();
        assert_eq!(keys.first().map(String::as_str), Some("num_nodes"));
        assert_eq!(keys.len(), 14);
    }

    #[test]
    fn a_supervised_config_overrides_phase_one_only() {
        let base = _object(&resolve(json!({"learning_rate": 0.01})).unwrap().config);
        let text = json!({"_c": "x", "max_epochs": 3, "learning_rate": 0.002, "supervised_batch_size": 8, "hidden_dim": 64});
        let r = HybridConfig::resolve_supervised(&text.to_string(), "s.json", &base).unwrap();
        let c = &r.config;
        assert_eq!((c.supervised_epochs, c.supervised_learning_rate, c.supervised_batch_size), (3, 0.002, Some(8)));
        assert_eq!((c.learning_rate, c.max_epochs, c.hidden_dim), (0.01, 50, 128));
        assert_eq!(r.warnings, ["s.json: ignored keys hidden_dim (only phase-1 keys apply; the model comes from the main config)"]);
        let e = HybridConfig::resolve_supervised(r#"{"supervised_rate": 1}"#, "s.json", &base).unwrap_err().to_string();
        assert!(e.starts_with(r#"s.json: unknown config key "supervised_rate""#), "{e}");
        let e = HybridConfig::resolve_supervised(r#"{"learning_rate": -1}"#, "s.json", &base).unwrap_err().to_string();
        assert!(e.starts_with("s.json: supervised_learning_rate must be a number in (0, ∞)"), "{e}");
        assert!(HybridConfig::resolve_supervised(r#"{"supervised_config": "x"}"#, "s.json", &base).is_err());
    }

    #[test]
    fn a_model_config_takes_model_keys_with_defaults() {
        let m = ModelConfig::parse(r#"{"num_nodes": 5, "hidden_dim": 8}"#).unwrap();
        assert_eq!((m.num_nodes, m.hidden_dim, m.num_layers, m.max_hops(5)), (5, 8, 8, 4));
        assert_eq!(m.fixed_shape(), None, "the defaults route any shape");
        for tied in [r#"{"action_type": "node"}"#, r#"{"value_type": "global"}"#, r#"{"graph_learning": "both"}"#] {
            assert_eq!(ModelConfig::parse(tied).unwrap().fixed_shape(), Some((14, 5)), "{tied}");
        }
        let capped = ModelConfig::parse(r#"{"max_path_length": 3}"#).unwrap();
        assert_eq!((capped.max_hops(5), capped.max_hops(30)), (3, 3));
        assert_eq!(
            ModelConfig::parse(r#"{"hidden_dim": 7}"#).unwrap_err().to_string(),
            "invalid model config: hidden_dim must be an even integer in [2, 8192], got 7"
        );
        assert!(ModelConfig::parse(r#"{"seed": 1}"#).unwrap_err().to_string().contains(r#"unknown config key "seed""#));
        assert!(ModelConfig::parse(r#"{"max_path_length": 0}"#).is_err());
    }
}
