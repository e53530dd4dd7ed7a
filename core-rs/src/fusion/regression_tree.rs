//! A CART regression tree: binary splits `x_f ≤ t` chosen to minimise the summed squared error of
//! the two children (equivalently, to maximise the variance reduction), leaves predict the mean.
//!
//! At each node `max_features` features are drawn without replacement (all of them when it equals
//! the width); a node becomes a leaf at `max_depth`, below `2·min_samples_leaf` samples, when its
//! targets are constant, or when no drawn feature separates it. Thresholds are midpoints between
//! consecutive distinct values, as in scikit-learn.

use crate::rng::Rng;

/// Growth limits of one tree.
#[derive(Clone, Copy, Debug)]
pub struct TreeParams {
    /// Features drawn per node (1..=width).
    pub max_features: usize,
    /// Minimum samples in each child.
    pub min_samples_leaf: usize,
    /// Maximum depth (0 = unlimited).
    pub max_depth: usize,
}

#[derive(Clone, Debug)]
enum _Node {
    Leaf(f64),
    Split { feature: usize, threshold: f32, left: usize, right: usize },
}

/// Trees as flat node columns (see [`RegressionTree::flatten_into`]), for saving.
#[derive(Clone, Debug, Default)]
pub struct FlatTrees {
    /// Feature of a split, −1 for a leaf.
    pub feature: Vec<i64>,
    /// Threshold of a split, value of a leaf.
    pub value: Vec<f64>,
    /// Left child (tree-local index), 0 for a leaf.
    pub left: Vec<u32>,
    /// Right child (tree-local index), 0 for a leaf.
    pub right: Vec<u32>,
}

/// A fitted tree.
#[derive(Clone, Debug)]
pub struct RegressionTree {
    nodes: Vec<_Node>,
}

/// A row-major sample matrix and its targets.
#[derive(Clone, Copy)]
pub struct Samples<'a> {
    /// `[n, width]` features.
    pub x: &'a [f32],
    /// Feature count.
    pub width: usize,
    /// `[n]` targets.
    pub y: &'a [f64],
}

struct _Builder<'a> {
    s: Samples<'a>,
    p: TreeParams,
    rng: Rng,
    nodes: Vec<_Node>,
    /// Summed squared-error decrease per feature.
    gain: Vec<f64>,
}

impl RegressionTree {
    /// Grows a tree on the samples `rows` (repeats allowed: a bootstrap draw); returns it and the
    /// squared-error decrease credited to each feature.
    pub fn fit(s: Samples, rows: &mut [usize], p: TreeParams, rng: Rng) -> (RegressionTree, Vec<f64>) {
        let mut b = _Builder { s, p, rng, nodes: Vec::new(), gain: vec![0.0; s.width] };
        b.grow(rows, 0);
        (RegressionTree { nodes: b.nodes }, b.gain)
    }

    /// The prediction for one row of `width` features.
    pub fn predict(&self, row: &[f32]) -> f64 {
        let mut i = 0;
        loop {
            match self.nodes[i] {
                _Node::Leaf(v) => return v,
                _Node::Split { feature, threshold, left, right } => i = if row[feature] <= threshold { left } else { right },
            }
        }
    }

    /// The nodes as flat columns, appended to `out`: per node its feature (−1 for a leaf), its
    /// threshold (a leaf: its value), and its children (0 for a leaf).
    pub fn flatten_into(&self, out: &mut FlatTrees) {
        for n in &self.nodes {
            let (f, v, l, r) = match *n {
                _Node::Leaf(v) => (-1, v, 0, 0),
                _Node::Split { feature, threshold, left, right } => (feature as i64, threshold as f64, left as u32, right as u32),
            };
            out.feature.push(f);
            out.value.push(v);
            out.left.push(l);
            out.right.push(r);
        }
    }

    /// The tree of nodes `range` of `flat` (as [`RegressionTree::flatten_into`] wrote them), checked:
    /// children inside the tree and after their parent (so every path ends), features below `width`.
    pub fn from_flat(flat: &FlatTrees, range: std::ops::Range<usize>, width: usize) -> Option<RegressionTree> {
        let n = range.len();
        let mut nodes = Vec::with_capacity(n);
        for (i, k) in range.enumerate() {
            let (f, v, l, r) = (flat.feature[k], flat.value[k], flat.left[k] as usize, flat.right[k] as usize);
            nodes.push(if f < 0 {
                _Node::Leaf(v)
            } else {
                if f as usize >= width || l <= i || r <= i || l >= n || r >= n {
                    return None;
                }
                _Node::Split { feature: f as usize, threshold: v as f32, left: l, right: r }
            });
        }
        (n > 0).then_some(RegressionTree { nodes })
    }

    /// Number of nodes.
    pub fn len(&self) -> usize {
        self.nodes.len()
    }

    /// Whether the tree has no node (never true for a fitted tree).
    pub fn is_empty(&self) -> bool {
        self.nodes.is_empty()
    }
}

impl _Builder<'_> {
    /// Grows the subtree of `rows`; returns its node index.
    fn grow(&mut self, rows: &mut [usize], depth: usize) -> usize {
        let n = rows.len() as f64;
        let (sum, sq) = rows.iter().fold((0.0, 0.0), |(a, b), &r| (a + self.s.y[r], b + self.s.y[r] * self.s.y[r]));
        let id = self.nodes.len();
        self.nodes.push(_Node::Leaf(sum / n));
        let sse = sq - sum * sum / n;
        let deep = self.p.max_depth > 0 && depth >= self.p.max_depth;
        if deep || rows.len() < 2 * self.p.min_samples_leaf || sse <= 1e-12 * n {
            return id;
        }
        let Some((feature, threshold, child_sse)) = self.best_split(rows, sum) else { return id };
        self.gain[feature] += sse - child_sse;
        let w = self.s.width;
        let mut k = 0;
        for j in 0..rows.len() {
            if self.s.x[rows[j] * w + feature] <= threshold {
                rows.swap(j, k);
                k += 1;
            }
        }
        let (l, r) = rows.split_at_mut(k);
        let left = self.grow(l, depth + 1);
        let right = self.grow(r, depth + 1);
        self.nodes[id] = _Node::Split { feature, threshold, left, right };
        id
    }

    /// The best `(feature, threshold, children's SSE)` over `max_features` drawn features.
    fn best_split(&mut self, rows: &[usize], sum: f64) -> Option<(usize, f32, f64)> {
        let (w, n, leaf) = (self.s.width, rows.len(), self.p.min_samples_leaf);
        let mut features: Vec<usize> = (0..w).collect();
        for i in 0..self.p.max_features.min(w) {
            let j = i + self.rng.below((w - i) as u64) as usize;
            features.swap(i, j);
        }
        let mut best: Option<(usize, f32, f64)> = None;
        let mut order: Vec<(f32, f64)> = Vec::with_capacity(n);
        for &f in &features[..self.p.max_features.min(w)] {
            order.clear();
            order.extend(rows.iter().map(|&r| (self.s.x[r * w + f], self.s.y[r])));
            order.sort_unstable_by(|a, b| a.0.total_cmp(&b.0));
            if order[0].0 == order[n - 1].0 {
                continue;
            }
            // Minimising SSE_L + SSE_R = Σy² − S_L²/n_L − S_R²/n_R, i.e. maximising S_L²/n_L + S_R²/n_R.
            let (mut sl, mut score_best, mut at) = (0.0, f64::NEG_INFINITY, 0);
            for i in 0..n - 1 {
                sl += order[i].1;
                let nl = i + 1;
                if nl < leaf || n - nl < leaf || order[i].0 == order[i + 1].0 {
                    continue;
                }
                let sr = sum - sl;
                let score = sl * sl / nl as f64 + sr * sr / (n - nl) as f64;
                if score > score_best {
                    (score_best, at) = (score, i);
                }
            }
            if score_best == f64::NEG_INFINITY {
                continue;
            }
            let sq: f64 = order.iter().map(|o| o.1 * o.1).sum();
            let child = sq - score_best;
            if best.is_none_or(|b| child < b.2) {
                let t = 0.5 * (order[at].0 + order[at + 1].0);
                // A midpoint that rounds up to the right value would send it left.
                let t = if t >= order[at + 1].0 { order[at].0 } else { t };
                best = Some((f, t, child));
            }
        }
        best
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_step_function_is_split_at_the_midpoint() {
        let x = [0.0f32, 1.0, 2.0, 3.0, 10.0, 11.0];
        let y = [1.0, 1.0, 1.0, 1.0, 5.0, 5.0];
        let s = Samples { x: &x, width: 1, y: &y };
        let mut rows: Vec<usize> = (0..6).collect();
        let p = TreeParams { max_features: 1, min_samples_leaf: 1, max_depth: 0 };
        let (t, gain) = RegressionTree::fit(s, &mut rows, p, Rng::new(0));
        assert_eq!(t.len(), 3);
        assert_eq!(t.predict(&[6.4]), 1.0);
        assert_eq!(t.predict(&[6.6]), 5.0);
        // SSE of the root: mean 7/3, Σ(y − ȳ)² = 4·(4/3)² + 2·(8/3)² = 64/3; both leaves are pure.
        assert!((gain[0] - 64.0 / 3.0).abs() < 1e-9);
    }

    #[test]
    fn min_samples_leaf_and_depth_limit_growth() {
        let x: Vec<f32> = (0..32).map(|i| i as f32).collect();
        let y: Vec<f64> = (0..32).map(|i| (i * i) as f64).collect();
        let s = Samples { x: &x, width: 1, y: &y };
        let mut rows: Vec<usize> = (0..32).collect();
        let (full, _) = RegressionTree::fit(s, &mut rows, TreeParams { max_features: 1, min_samples_leaf: 1, max_depth: 0 }, Rng::new(0));
        assert_eq!(full.len(), 63, "an unlimited tree isolates every distinct sample");
        let (stump, _) = RegressionTree::fit(s, &mut rows, TreeParams { max_features: 1, min_samples_leaf: 1, max_depth: 1 }, Rng::new(0));
        assert_eq!(stump.len(), 3);
        let (coarse, _) = RegressionTree::fit(s, &mut rows, TreeParams { max_features: 1, min_samples_leaf: 8, max_depth: 0 }, Rng::new(0));
        assert!(coarse.len() <= 7, "at most 4 leaves of ≥ 8 samples, got {} nodes", coarse.len());
    }
}
