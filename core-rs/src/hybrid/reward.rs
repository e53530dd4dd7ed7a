//! Episode rewards of a rollout.
//!
//! `continuous_v1`: `clip(2 − 2·MLU, −2, 2)`, or `−2` for an incomplete routing; minus
//! `λ·Σ_l max(0, util_l − 1)²` with the smooth capacity penalty; minus `w·(incomplete / C)` with
//! the completion penalty.

use serde::Deserialize;

/// Reward function versions.
#[derive(Clone, Copy, Debug, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "snake_case")]
pub enum RewardVersion {
    /// `2 − 2·MLU`, clipped to `[−2, 2]`.
    ContinuousV1,
}

/// Reward options of an RL step.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RewardOptions {
    /// Base reward.
    pub version: RewardVersion,
    /// Subtract the smooth capacity penalty.
    #[serde(default)]
    pub smooth_penalty: bool,
    /// Its weight `λ`.
    #[serde(default = "_lambda")]
    pub penalty_lambda: f64,
    /// Subtract the completion penalty.
    #[serde(default = "_yes")]
    pub completion_penalty: bool,
    /// Its weight.
    #[serde(default = "_one")]
    pub completion_penalty_weight: f64,
}

fn _lambda() -> f64 {
    0.1
}
fn _yes() -> bool {
    true
}
fn _one() -> f64 {
    1.0
}

/// The reward of one episode.
pub fn reward(o: &RewardOptions, mlu: f64, overload: f64, incomplete: usize, commodities: usize) -> f64 {
    let base = match o.version {
        RewardVersion::ContinuousV1 if incomplete > 0 => -2.0,
        RewardVersion::ContinuousV1 => (2.0 - 2.0 * mlu).clamp(-2.0, 2.0),
    };
    let smooth = if o.smooth_penalty { o.penalty_lambda * overload } else { 0.0 };
    let done = if o.completion_penalty { o.completion_penalty_weight * incomplete as f64 / commodities as f64 } else { 0.0 };
    base - smooth - done
}

#[cfg(test)]
mod tests {
    use super::*;

    fn _opts(smooth: bool, completion: bool) -> RewardOptions {
        RewardOptions {
            version: RewardVersion::ContinuousV1,
            smooth_penalty: smooth,
            penalty_lambda: 0.5,
            completion_penalty: completion,
            completion_penalty_weight: 2.0,
        }
    }

    #[test]
    fn continuous_v1_with_and_without_penalties() {
        assert_eq!(reward(&_opts(false, false), 0.25, 0.0, 0, 4), 1.5);
        assert_eq!(reward(&_opts(false, false), 3.0, 4.0, 0, 4), -2.0);
        assert_eq!(reward(&_opts(true, false), 1.5, 0.25, 0, 4), -1.0 - 0.125);
        assert_eq!(reward(&_opts(false, true), 0.25, 0.0, 1, 4), -2.0 - 0.5);
    }
}
