//! A random forest regressor (Breiman 2001): bagged [`RegressionTree`]s, each grown on a bootstrap
//! draw of the training rows with `max_features` features tried per split, predictions averaged.
//!
//! Trees are grown in parallel; tree `t` draws from `Rng(seed ⊕ t·φ)`, so a seed gives the same
//! forest whatever the thread count. Feature importances are the squared-error decreases summed
//! over all trees and normalised to sum to 1 (scikit-learn's impurity importance).

use std::collections::HashMap;
use std::path::Path;

use candle_core::{Device, Tensor};
use rayon::prelude::*;
use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};
use crate::fusion::regression_tree::{FlatTrees, RegressionTree, Samples, TreeParams};
use crate::rng::Rng;

/// The most trees of a forest (a slip such as `1e9` is a usage error, not a run that never ends).
pub const MAX_TREES: usize = 100_000;

/// Hyper-parameters of a forest (JSON, unknown keys rejected).
#[derive(Clone, Debug, Deserialize, Serialize)]
#[serde(deny_unknown_fields, default)]
pub struct ForestConfig {
    /// Number of trees.
    pub trees: usize,
    /// Fraction of the features tried at each split (0, 1]; 1/3 is Breiman's regression default.
    pub max_features: f64,
    /// Minimum samples in a leaf.
    pub min_samples_leaf: usize,
    /// Maximum depth, 0 = unlimited.
    pub max_depth: usize,
    /// Draw each tree's rows with replacement (otherwise every tree sees all rows).
    pub bootstrap: bool,
}

impl Default for ForestConfig {
    fn default() -> Self {
        ForestConfig { trees: 300, max_features: 1.0 / 3.0, min_samples_leaf: 1, max_depth: 0, bootstrap: true }
    }
}

impl ForestConfig {
    /// Checks the hyper-parameters: a usage error naming them when one is out of range.
    pub fn check(&self) -> Result<()> {
        let ok = (1..=MAX_TREES).contains(&self.trees) && self.max_features > 0.0 && self.max_features <= 1.0 && self.min_samples_leaf > 0;
        if !ok {
            return Err(Error::Usage(format!(
                "forest: trees {} must be in [1, {MAX_TREES}], max_features {} in (0, 1], min_samples_leaf {} ≥ 1",
                self.trees, self.max_features, self.min_samples_leaf
            )));
        }
        Ok(())
    }
}

/// A fitted forest.
pub struct RandomForest {
    trees: Vec<RegressionTree>,
    width: usize,
    /// Normalised impurity importance per feature.
    pub importances: Vec<f64>,
}

impl RandomForest {
    /// Fits `cfg.trees` trees on `s` from `seed`.
    pub fn fit(s: Samples, cfg: &ForestConfig, seed: u64) -> Result<RandomForest> {
        let n = s.y.len();
        cfg.check()?;
        if n == 0 || s.width == 0 || s.x.len() != n * s.width {
            return Err(Error::Usage(format!("forest: {} values for {n} rows × {} features", s.x.len(), s.width)));
        }
        if let Some(i) = s.x.iter().position(|v| !v.is_finite()) {
            return Err(Error::input(0, format!("x[{}][{}]", i / s.width, i % s.width), "is not finite"));
        }
        if let Some(i) = s.y.iter().position(|v| !v.is_finite()) {
            return Err(Error::input(0, format!("y[{i}]"), "is not finite"));
        }
        let p = TreeParams {
            max_features: ((cfg.max_features * s.width as f64).round() as usize).clamp(1, s.width),
            min_samples_leaf: cfg.min_samples_leaf,
            max_depth: cfg.max_depth,
        };
        let grown: Vec<(RegressionTree, Vec<f64>)> = (0..cfg.trees)
            .into_par_iter()
            .map(|t| {
                let mut rng = Rng::new(seed ^ (t as u64 + 1).wrapping_mul(0x9e37_79b9_7f4a_7c15));
                let mut rows: Vec<usize> =
                    if cfg.bootstrap { (0..n).map(|_| rng.below(n as u64) as usize).collect() } else { (0..n).collect() };
                RegressionTree::fit(s, &mut rows, p, rng)
            })
            .collect();
        let mut importances = vec![0.0; s.width];
        for (_, g) in &grown {
            importances.iter_mut().zip(g).for_each(|(a, b)| *a += b);
        }
        let total: f64 = importances.iter().sum();
        if total > 0.0 {
            importances.iter_mut().for_each(|v| *v /= total);
        }
        Ok(RandomForest { trees: grown.into_iter().map(|(t, _)| t).collect(), width: s.width, importances })
    }

    /// Fits a forest on the first `y.len()` rows of `x` (`[rows, width]`, row-major) and predicts
    /// every row; returns the forest and the predictions.
    pub fn fit_predict(x: &[f32], rows: usize, width: usize, y: &[f64], cfg: &ForestConfig, seed: u64) -> Result<(RandomForest, Vec<f64>)> {
        if y.len() > rows {
            return Err(Error::Usage(format!("forest: {} training rows of {rows}", y.len())));
        }
        let train = x
            .get(..y.len() * width)
            .ok_or_else(|| Error::Usage(format!("forest: {} values for {rows} rows × {width} features", x.len())))?;
        let f = RandomForest::fit(Samples { x: train, width, y }, cfg, seed)?;
        let predictions = f.predict(x)?;
        Ok((f, predictions))
    }

    /// Writes the forest to the safetensors file `path`: the trees' flat node columns
    /// (`feature` i64, `value` f64, `left`/`right` u32), where each tree starts (`offsets` i64,
    /// one per tree and the end) and the importances (f64, one per feature).
    pub fn save(&self, path: &Path) -> Result<()> {
        let mut flat = FlatTrees::default();
        let mut offsets = vec![0i64];
        for t in &self.trees {
            t.flatten_into(&mut flat);
            offsets.push(flat.feature.len() as i64);
        }
        let dev = &Device::Cpu;
        let n = flat.feature.len();
        let tensors: HashMap<String, Tensor> = [
            ("feature", Tensor::from_vec(flat.feature, n, dev)?),
            ("value", Tensor::from_vec(flat.value, n, dev)?),
            ("left", Tensor::from_vec(flat.left, n, dev)?),
            ("right", Tensor::from_vec(flat.right, n, dev)?),
            ("offsets", Tensor::from_vec(offsets, self.trees.len() + 1, dev)?),
            ("importances", Tensor::from_slice(&self.importances, self.width, dev)?),
        ]
        .into_iter()
        .map(|(k, v)| (k.to_string(), v))
        .collect();
        candle_core::safetensors::save(&tensors, path)?;
        Ok(())
    }

    /// Reads a forest written by [`RandomForest::save`], checking every node.
    pub fn load(path: &Path) -> Result<RandomForest> {
        let bad = |what: &str| Error::Usage(format!("forest file {}: {what}", path.display()));
        let m = candle_core::safetensors::load(path, &Device::Cpu)?;
        let get = |name: &str| m.get(name).ok_or_else(|| bad(&format!("no tensor {name}")));
        let flat = FlatTrees {
            feature: get("feature")?.to_vec1::<i64>()?,
            value: get("value")?.to_vec1::<f64>()?,
            left: get("left")?.to_vec1::<u32>()?,
            right: get("right")?.to_vec1::<u32>()?,
        };
        let offsets = get("offsets")?.to_vec1::<i64>()?;
        let importances = get("importances")?.to_vec1::<f64>()?;
        let n = flat.feature.len();
        if [flat.value.len(), flat.left.len(), flat.right.len()].iter().any(|&l| l != n)
            || offsets.first() != Some(&0)
            || offsets.last() != Some(&(n as i64))
        {
            return Err(bad("node columns and offsets disagree"));
        }
        let width = importances.len();
        let trees = offsets
            .windows(2)
            .map(|w| {
                let range = usize::try_from(w[0]).ok()?..usize::try_from(w[1]).ok()?;
                if range.start >= range.end {
                    return None;
                }
                RegressionTree::from_flat(&flat, range, width)
            })
            .collect::<Option<Vec<_>>>()
            .ok_or_else(|| bad("a tree's nodes are out of order or out of range"))?;
        if trees.is_empty() || width == 0 {
            return Err(bad("no tree"));
        }
        Ok(RandomForest { trees, width, importances })
    }

    /// Mean prediction of the trees for each row of `x` `[rows, width]`.
    pub fn predict(&self, x: &[f32]) -> Result<Vec<f64>> {
        if !x.len().is_multiple_of(self.width) {
            return Err(Error::Usage(format!("forest: {} values are not rows of {} features", x.len(), self.width)));
        }
        Ok(x.par_chunks(self.width).map(|row| self.trees.iter().map(|t| t.predict(row)).sum::<f64>() / self.trees.len() as f64).collect())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// y = 3·x₀ + noise-free step on x₁; x₂ is irrelevant.
    fn _data(n: usize, seed: u64) -> (Vec<f32>, Vec<f64>) {
        let mut rng = Rng::new(seed);
        let mut x = Vec::new();
        let mut y = Vec::new();
        for _ in 0..n {
            let r: Vec<f32> = (0..3).map(|_| rng.unit() as f32).collect();
            y.push(3.0 * r[0] as f64 + if r[1] > 0.5 { 2.0 } else { 0.0 });
            x.extend(r);
        }
        (x, y)
    }

    #[test]
    fn fits_a_smooth_function_and_ranks_the_relevant_features() {
        let (x, y) = _data(400, 1);
        let cfg = ForestConfig { trees: 50, ..ForestConfig::default() };
        let f = RandomForest::fit(Samples { x: &x, width: 3, y: &y }, &cfg, 7).unwrap();
        let (xt, yt) = _data(200, 2);
        let pred = f.predict(&xt).unwrap();
        let mae = pred.iter().zip(&yt).map(|(p, t)| (p - t).abs()).sum::<f64>() / yt.len() as f64;
        // The target spans [0, 5] with MAD ≈ 1.1; a working forest gets far below that.
        assert!(mae < 0.2, "test MAE {mae}");
        // Fully grown trees split the irrelevant x₂ only near the leaves: a small share, far below the others.
        assert!(f.importances[2] < 0.1 && f.importances[0] > 0.3 && f.importances[1] > 0.3, "{:?}", f.importances);
        assert!((f.importances.iter().sum::<f64>() - 1.0).abs() < 1e-9);
    }

    #[test]
    fn fit_predict_trains_on_the_first_rows_and_predicts_all() {
        let (x, y) = _data(60, 4);
        let cfg = ForestConfig { trees: 10, ..ForestConfig::default() };
        let (f, pred) = RandomForest::fit_predict(&x, 60, 3, &y[..40], &cfg, 5).unwrap();
        assert_eq!(pred.len(), 60);
        assert_eq!(pred, f.predict(&x).unwrap());
        let alone = RandomForest::fit(Samples { x: &x[..120], width: 3, y: &y[..40] }, &cfg, 5).unwrap();
        assert_eq!(pred, alone.predict(&x).unwrap());
        let e = RandomForest::fit_predict(&x[..30], 10, 3, &y[..11], &cfg, 5).err().unwrap().to_string();
        assert_eq!(e, "forest: 11 training rows of 10");
    }

    #[test]
    fn the_same_seed_gives_the_same_forest_and_another_seed_another() {
        let (x, y) = _data(100, 3);
        let s = Samples { x: &x, width: 3, y: &y };
        let cfg = ForestConfig { trees: 20, ..ForestConfig::default() };
        let a = RandomForest::fit(s, &cfg, 5).unwrap().predict(&x).unwrap();
        let b = RandomForest::fit(s, &cfg, 5).unwrap().predict(&x).unwrap();
        let c = RandomForest::fit(s, &cfg, 6).unwrap().predict(&x).unwrap();
        assert_eq!(a, b);
        assert_ne!(a, c);
    }

    #[test]
    fn bad_input_is_refused_with_the_field() {
        let (mut x, y) = _data(10, 4);
        x[7] = f32::NAN;
        let e = RandomForest::fit(Samples { x: &x, width: 3, y: &y }, &ForestConfig::default(), 0).err().unwrap();
        assert!(e.to_string().contains("x[2][1]"), "{e}");
        let bad = ForestConfig { max_features: 0.0, ..ForestConfig::default() };
        assert!(matches!(RandomForest::fit(Samples { x: &x, width: 3, y: &y }, &bad, 0), Err(Error::Usage(_))));
    }

    #[test]
    fn a_saved_forest_predicts_the_same_and_a_corrupt_file_is_refused() {
        let (x, y) = _data(200, 5);
        let f = RandomForest::fit(Samples { x: &x, width: 3, y: &y }, &ForestConfig { trees: 12, ..ForestConfig::default() }, 2).unwrap();
        let dir = std::env::temp_dir().join(format!("keiro-forest-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join("forest.safetensors");
        f.save(&path).unwrap();
        let g = RandomForest::load(&path).unwrap();
        let (fresh, _) = _data(50, 6);
        assert_eq!(g.predict(&fresh).unwrap(), f.predict(&fresh).unwrap());
        assert_eq!(g.importances, f.importances);
        // A child pointing back at its parent would loop forever: refused.
        let mut m = candle_core::safetensors::load(&path, &Device::Cpu).unwrap();
        let mut left = m["left"].to_vec1::<u32>().unwrap();
        let split = m["feature"].to_vec1::<i64>().unwrap().iter().position(|&v| v >= 0).unwrap();
        left[split] = 0;
        m.insert("left".into(), Tensor::from_vec(left.clone(), left.len(), &Device::Cpu).unwrap());
        candle_core::safetensors::save(&m, &path).unwrap();
        let e = RandomForest::load(&path).err().unwrap().to_string();
        assert!(e.contains("out of order or out of range"), "{e}");
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
