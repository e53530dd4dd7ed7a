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
    /// `[A, M, M]` cosines of the angles between the bonds of each atom (bond `m` and bond `m'` of
    /// atom `i` at `(i·M + m)·M + m'`; 0 for a padding slot); empty unless a mode uses the line graph.
    pub cosines: Vec<f32>,
}

/// The line graph of a mini-batch: its nodes are the bonds `i·M + m` (atom `i`, slot `m`), and bond
/// `i·M + m` has `M` neighbours, the bonds `i·M + m'` of the same atom, with the angle between the
/// two bonds on the link.
pub struct LineBatch {
    /// `a·M·M` links, bond-major: link `(i·M + m)·M + m'`.
    pub links: Arc<LinkIndex>,
    /// `[a·M·M, G_θ]` Gaussian-expanded cosines ([`ANGLE_CENTRES`], width [`ANGLE_WIDTH`]).
    pub edges: Tensor,
}

/// Number of Gaussian centres of the bond-angle cosines, evenly from −1 to 1.
pub const ANGLE_CENTRES: usize = 21;
/// Width of the bond-angle Gaussians (their spacing).
pub const ANGLE_WIDTH: f32 = 0.1;

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
    /// The line graph, when the set has bond-angle cosines.
    pub line: Option<LineBatch>,
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

    /// Checks sizes, ranges, that every neighbour lies in its own crystal, and the bond-angle cosines.
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
        self._validate_cosines()
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
        let mut cos = Vec::with_capacity(if self.cosines.is_empty() { 0 } else { total * m * m });
        let mut base = 0usize;
        for (b, &s) in ids.iter().enumerate() {
            let (lo, hi) = (self.offsets[s] as usize, self.offsets[s + 1] as usize);
            atoms.extend_from_slice(&self.atom_features[lo * f..hi * f]);
            if !self.cosines.is_empty() {
                cos.extend_from_slice(&self.cosines[lo * m * m..hi * m * m]);
            }
            nbr.extend(self.neighbours[lo * m..hi * m].iter().enumerate().map(|(k, &j)| (base + k / m, j as usize - lo + base)));
            edges.extend_from_slice(&e.values[lo * m * g..hi * m * g]);
            let w = 1.0 / (hi - lo) as f32;
            pool[b * total + base..b * total + base + hi - lo].fill(w);
            base += hi - lo;
        }
        let line = if self.cosines.is_empty() { None } else { Some(_line_batch(&cos, total, m, dev)?) };
        Ok(CrystalBatch {
            atoms: Tensor::from_vec(atoms, (total, f), dev)?,
            links: Arc::new(LinkIndex::new(total, &nbr)?),
            edges: Tensor::from_vec(edges, (total * m, g), dev)?,
            pool: Tensor::from_vec(pool, (ids.len(), total), dev)?,
            slots: m,
            line,
        })
    }
}

/// The line graph of `atoms` atoms with `m` bonds each, from their `[atoms, M, M]` cosines.
fn _line_batch(cos: &[f32], atoms: usize, m: usize, dev: &Device) -> Result<LineBatch> {
    let links: Vec<(usize, usize)> = (0..atoms * m * m).map(|l| (l / m, (l / (m * m)) * m + l % m)).collect();
    let step = 2.0 / (ANGLE_CENTRES - 1) as f32;
    let inv = 1.0 / (ANGLE_WIDTH * ANGLE_WIDTH);
    let edges =
        cos.iter().flat_map(|&c| (0..ANGLE_CENTRES).map(move |k| -1.0 + k as f32 * step - c).map(move |d| (-d * d * inv).exp())).collect();
    Ok(LineBatch {
        links: Arc::new(LinkIndex::new(atoms * m, &links)?),
        edges: Tensor::from_vec(edges, (atoms * m * m, ANGLE_CENTRES), dev)?,
    })
}

impl CrystalSet {
    /// Checks the bond-angle cosines: empty, or `[A, M, M]` values in [−1, 1].
    fn _validate_cosines(&self) -> Result<()> {
        if self.cosines.is_empty() {
            return Ok(());
        }
        let want = self.neighbours.len() * self.slots;
        if self.cosines.len() != want {
            return Err(Error::input(0, "cosines", format!("has {} values, expected {want} (A·M·M)", self.cosines.len())));
        }
        if let Some(i) = self.cosines.iter().position(|c| !(-1.0..=1.0).contains(c)) {
            return Err(Error::input(0, format!("cosines[{i}]"), "must be in [-1, 1]"));
        }
        Ok(())
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
            cosines: Vec::new(),
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
    fn the_line_graph_links_the_bonds_of_each_atom_with_their_angles() {
        let mut set = two_crystals();
        // per atom [M, M] = [[1, c], [c, 1]] with c = 0, -1, 0.5
        set.cosines = [0.0f32, -1.0, 0.5].iter().flat_map(|&c| [1.0, c, c, 1.0]).collect();
        set.validate().unwrap();
        let b = set.batch(&[1, 0], &set.expand(&GaussianConfig::default()), &Device::Cpu).unwrap();
        let l = b.line.unwrap();
        // batch atoms: crystal 1's two atoms, then crystal 0's; bond p = atom·2 + slot
        assert_eq!(l.links.src, vec![0, 0, 1, 1, 2, 2, 3, 3, 4, 4, 5, 5]);
        assert_eq!(l.links.dst, vec![0, 1, 0, 1, 2, 3, 2, 3, 4, 5, 4, 5]);
        let e = l.edges.to_vec2::<f32>().unwrap();
        assert_eq!((e.len(), e[0].len()), (12, ANGLE_CENTRES));
        assert!((e[0][20] - 1.0).abs() < 1e-6, "cos 1 sits on the last centre");
        assert!((e[1][0] - 1.0).abs() < 1e-6, "crystal 1's first atom: cos -1 on the first centre");
        assert!((e[5][15] - 1.0).abs() < 1e-6, "its second atom: cos 0.5 on centre 15");
        let mut bad = two_crystals();
        bad.cosines = vec![0.0; 5];
        assert!(bad.validate().unwrap_err().to_string().contains("cosines"));
    }

    #[test]
    fn a_neighbour_in_another_crystal_is_refused() {
        let mut set = two_crystals();
        set.neighbours[1] = 2;
        let e = set.validate().unwrap_err().to_string();
        assert!(e.contains("crystals[0].neighbours[1]"), "{e}");
    }
}
