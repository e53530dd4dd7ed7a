//! Crystal graphs as the C ABI passes them, and their mini-batches as tensors.
//!
//! Atoms of all crystals are stacked; crystal `s` owns atoms `offsets[s]..offsets[s+1]`. Every
//! atom has `M` neighbour slots (CGCNN pads short lists with atom 0 of the crystal at distance
//! cutoff + 1, which the front end does) holding a global atom index of the same crystal and a
//! distance in Å.

use std::sync::Arc;

use candle_core::{Device, Tensor};

use crate::error::{Error, Result};
use crate::fusion::config::GaussianConfig;
use crate::ops::link_index::LinkIndex;

/// All crystals of a dataset.
pub struct CrystalSet {
    /// `[A, F]` atom features, row-major.
    pub atom_features: Vec<f32>,
    /// Atom feature width `F`.
    pub feature_dim: usize,
    /// `[S + 1]` atom ranges.
    pub offsets: Vec<u32>,
    /// `[A, M]` global neighbour indices.
    pub neighbours: Vec<u32>,
    /// `[A, M]` neighbour distances, Å.
    pub distances: Vec<f32>,
    /// Neighbour slots per atom `M`.
    pub slots: usize,
}

/// The tensors of one mini-batch of crystals.
pub struct CrystalBatch {
    /// `[a, F]` atom features.
    pub atoms: Tensor,
    /// `a·M` links (atom, neighbour), batch-local, atom-major: link `i·M + m` is slot `m` of atom `i`.
    pub links: Arc<LinkIndex>,
    /// `[a·M, G]` Gaussian-expanded distances.
    pub edges: Tensor,
    /// `[b, a]` mean-pooling matrix (`1/n_s` where atom belongs to crystal `s`).
    pub pool: Tensor,
    /// Neighbour slots per atom.
    pub slots: usize,
}

impl CrystalSet {
    /// Number of crystals.
    pub fn len(&self) -> usize {
        self.offsets.len().saturating_sub(1)
    }

    /// Whether there is no crystal.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Checks sizes, ranges and that every neighbour lies in its own crystal.
    pub fn validate(&self) -> Result<()> {
        let a = *self.offsets.last().unwrap_or(&0) as usize;
        if self.offsets.first() != Some(&0) || self.offsets.windows(2).any(|w| w[1] <= w[0]) {
            return Err(Error::Usage("crystals: offsets must start at 0 and every crystal needs an atom".into()));
        }
        if self.slots == 0 || self.feature_dim == 0 || self.atom_features.len() != a * self.feature_dim {
            return Err(Error::Usage(format!(
                "crystals: {} atom feature values for {a} atoms × {} and {} neighbour slots",
                self.atom_features.len(),
                self.feature_dim,
                self.slots
            )));
        }
        if self.neighbours.len() != a * self.slots || self.distances.len() != a * self.slots {
            return Err(Error::Usage(format!(
                "crystals: neighbour lists of {} / {} for {a} atoms × {}",
                self.neighbours.len(),
                self.distances.len(),
                self.slots
            )));
        }
        for s in 0..self.len() {
            let (lo, hi) = (self.offsets[s], self.offsets[s + 1]);
            for k in lo as usize * self.slots..hi as usize * self.slots {
                let (j, d) = (self.neighbours[k], self.distances[k]);
                if j < lo || j >= hi || !(d.is_finite() && d >= 0.0) {
                    return Err(Error::input(
                        0,
                        format!("crystals[{s}].neighbours[{}]", k - lo as usize * self.slots),
                        format!("atom {j} at {d} Å is not in atoms {lo}..{hi}"),
                    ));
                }
            }
        }
        Ok(())
    }

    /// Every neighbour distance expanded with `g`: `[A·M, G]` row-major (computed once per set, so
    /// that an epoch does not spend its time in `exp`).
    pub fn expand(&self, g: &GaussianConfig) -> Expanded {
        let centres = g.centres();
        let inv = 1.0 / (g.width * g.width) as f32;
        let values = self.distances.iter().flat_map(|&d| centres.iter().map(move |&c| (-(d - c) * (d - c) * inv).exp())).collect();
        Expanded { values, width: centres.len() }
    }

    /// The tensors of crystals `ids` with their expanded distances `e` (from [`CrystalSet::expand`]),
    /// on `dev`.
    pub fn batch(&self, ids: &[usize], e: &Expanded, dev: &Device) -> Result<CrystalBatch> {
        let (m, f, g) = (self.slots, self.feature_dim, e.width);
        let total: usize = ids.iter().map(|&s| (self.offsets[s + 1] - self.offsets[s]) as usize).sum();
        let (mut atoms, mut nbr, mut edges) =
            (Vec::with_capacity(total * f), Vec::with_capacity(total * m), Vec::with_capacity(total * m * g));
        let mut pool = vec![0f32; ids.len() * total];
        let mut base = 0usize;
        for (b, &s) in ids.iter().enumerate() {
            let (lo, hi) = (self.offsets[s] as usize, self.offsets[s + 1] as usize);
            atoms.extend_from_slice(&self.atom_features[lo * f..hi * f]);
            nbr.extend(self.neighbours[lo * m..hi * m].iter().enumerate().map(|(k, &j)| (base + k / m, j as usize - lo + base)));
            edges.extend_from_slice(&e.values[lo * m * g..hi * m * g]);
            let w = 1.0 / (hi - lo) as f32;
            pool[b * total + base..b * total + base + hi - lo].fill(w);
            base += hi - lo;
        }
        Ok(CrystalBatch {
            atoms: Tensor::from_vec(atoms, (total, f), dev)?,
            links: Arc::new(LinkIndex::new(total, &nbr)?),
            edges: Tensor::from_vec(edges, (total * m, g), dev)?,
            pool: Tensor::from_vec(pool, (ids.len(), total), dev)?,
            slots: m,
        })
    }
}

/// Gaussian-expanded neighbour distances of a whole [`CrystalSet`].
pub struct Expanded {
    /// `[A·M, G]` row-major.
    pub values: Vec<f32>,
    /// `G`.
    pub width: usize,
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Two crystals: one atom (its own images as neighbours), two atoms.
    pub(crate) fn two_crystals() -> CrystalSet {
        CrystalSet {
            atom_features: vec![1.0, 0.0, 0.0, 1.0, 0.5, 0.5],
            feature_dim: 2,
            offsets: vec![0, 1, 3],
            neighbours: vec![0, 0, 2, 1, 1, 2],
            distances: vec![3.0, 3.0, 2.0, 2.5, 2.0, 4.0],
            slots: 2,
        }
    }

    #[test]
    fn a_batch_renumbers_neighbours_and_pools_by_crystal() {
        let set = two_crystals();
        set.validate().unwrap();
        let b = set.batch(&[1, 0], &set.expand(&GaussianConfig::default()), &Device::Cpu).unwrap();
        assert_eq!(b.links.dst, vec![1, 0, 0, 1, 2, 2]);
        assert_eq!(b.links.src, vec![0, 0, 1, 1, 2, 2]);
        assert_eq!(b.pool.to_vec2::<f32>().unwrap(), vec![vec![0.5, 0.5, 0.0], vec![0.0, 0.0, 1.0]]);
        let e = b.edges.to_vec2::<f32>().unwrap();
        assert_eq!(e.len(), 6);
        assert!((e[0][10] - 1.0).abs() < 1e-6, "2 Å sits on centre 10 (0.2 Å spacing)");
        assert!((e[0][11] - (-1f32).exp()).abs() < 1e-6, "one width away gives e^-1");
    }

    #[test]
    fn a_neighbour_in_another_crystal_is_refused() {
        let mut set = two_crystals();
        set.neighbours[1] = 2;
        let e = set.validate().unwrap_err().to_string();
        assert!(e.contains("crystals[0].neighbours[1]"), "{e}");
    }
}
