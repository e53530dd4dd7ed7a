//! A batch of episodes (instances × samples) as one disjoint-union graph: node row `b·V + v`, the
//! links of every episode concatenated (sorted by source, as the gated aggregation needs), and each
//! node's out-links laid out in `D` neighbour slots (`D` = the largest out-degree).

use std::sync::Arc;

use candle_core::{Device, Tensor};

use crate::error::{Error, Result};
use crate::ops::link_index::LinkIndex;
use crate::te::graph::Graph;
use crate::te::instance::Instance;

/// Cap of the relative hop distance feature ([`EpisodeBatch::hops`]).
pub const HOP_CAP: f32 = 3.0;

/// The union graph of a batch of episodes.
pub struct EpisodeBatch<'a> {
    /// Instance of each episode.
    pub insts: Vec<&'a Instance>,
    /// Graph of each episode.
    pub graphs: Vec<&'a Graph>,
    /// Nodes per episode (`V`).
    pub v: usize,
    /// Commodities per episode (`C`).
    pub c: usize,
    /// The device its tensors (and the rollouts over it) live on.
    pub device: Device,
    /// Link structure of the union.
    pub index: Arc<LinkIndex>,
    /// First union link of each episode.
    pub link_offset: Vec<usize>,
    /// Capacity of each union link.
    pub caps: Vec<f64>,
    /// Capacity / the episode's largest capacity, `[M, 1]`.
    pub cap_feat: Tensor,
    /// The largest capacity of each episode.
    pub max_cap: Vec<f64>,
    /// Neighbour slots per node row (`D`).
    pub d: usize,
    /// Union link id in each slot `[N·D]` (`M` = padding), for edge actions.
    pub slot_link: Tensor,
    /// Flat `[N·V]` index of (row, head) in each slot (`N·V` = padding), for node actions.
    pub slot_node: Tensor,
    /// `hops[e][k][v]`: hop distance from `v` to commodity `k`'s destination over the source's
    /// (1 at the source, 0 at the destination), capped at [`HOP_CAP`] (the cap when unreachable):
    /// the same scale on a 14-node and a 754-node network.
    pub hops: Vec<Vec<Vec<f32>>>,
    /// `toward[e][k][l]`: how link `l` changes the hop distance to commodity `k`'s destination,
    /// `hops(dst(l)) − hops(src(l))` ∈ {−1, 0, 1} (1 when `dst(l)` cannot reach it): the direction
    /// a hop takes, at unit scale on any network however long its paths.
    pub toward: Vec<Vec<Vec<f32>>>,
}

impl<'a> EpisodeBatch<'a> {
    /// Builds the union of `episodes` on `device`. All have the first one's node and commodity
    /// counts, and `shape` when the model is tied to one ([`ModelConfig::fixed_shape`]).
    ///
    /// [`ModelConfig::fixed_shape`]: crate::hybrid::config::ModelConfig::fixed_shape
    pub fn new(episodes: Vec<(&'a Instance, &'a Graph)>, shape: Option<(usize, usize)>, device: &Device) -> Result<EpisodeBatch<'a>> {
        let b = episodes.len();
        let first = episodes.first().map_or((0, 0), |(inst, _)| inst.shape());
        let (v, c) = shape.unwrap_or(first);
        let d = episodes.iter().flat_map(|(_, g)| g.out.iter().map(|o| o.len())).max().unwrap_or(0).max(1);
        let (mut links, mut caps, mut cap_feat, mut link_offset, mut max_cap) =
            (Vec::new(), Vec::new(), Vec::new(), Vec::new(), Vec::new());
        let (mut slot_link, mut slot_node) = (Vec::with_capacity(b * v * d), Vec::with_capacity(b * v * d));
        for (e, (inst, g)) in episodes.iter().enumerate() {
            let (iv, ic) = inst.shape();
            if shape.is_some() && (iv, ic) != (v, c) {
                return Err(Error::Usage(format!(
                    "the model routes instances with {v} nodes and {c} commodities; episode {e} has {iv} and {ic}"
                )));
            }
            if (iv, ic) != (v, c) {
                return Err(Error::Usage(format!(
                    "a batch takes instances of one shape: episode 0 has {v} nodes and {c} commodities, episode {e} has {iv} and {ic}"
                )));
            }
            let mc = inst.max_capacity();
            link_offset.push(links.len());
            max_cap.push(mc);
            for u in 0..v {
                for k in 0..d {
                    match g.out[u].get(k) {
                        Some(&l) => {
                            slot_link.push((links.len() + l) as u32);
                            slot_node.push(((e * v + u) * v + g.links[l].dst) as u32);
                        }
                        None => {
                            slot_link.push(u32::MAX);
                            slot_node.push(u32::MAX);
                        }
                    }
                }
            }
            for l in &g.links {
                links.push((e * v + l.src, e * v + l.dst));
                caps.push(l.capacity);
                cap_feat.push((l.capacity / mc) as f32);
            }
        }
        let m = links.len();
        let pad = |xs: Vec<u32>, p: u32| -> Vec<u32> { xs.into_iter().map(|x| if x == u32::MAX { p } else { x }).collect() };
        let slot_link = pad(slot_link, m as u32);
        let slot_node = pad(slot_node, (b * v * v) as u32);
        let dev = device;
        let (hops, toward) = episodes
            .iter()
            .map(|(inst, g)| {
                inst.commodities
                    .iter()
                    .map(|c| {
                        let h = g.hops_to(c.dst, |_| true);
                        let from = h[c.src].unwrap_or(1).max(1) as f32;
                        let toward = g
                            .links
                            .iter()
                            .map(|l| match (h[l.src], h[l.dst]) {
                                (Some(a), Some(b)) => (b as f32 - a as f32).clamp(-1.0, 1.0),
                                _ => 1.0,
                            })
                            .collect();
                        (h.into_iter().map(|h| h.map_or(HOP_CAP, |h| (h as f32 / from).min(HOP_CAP))).collect(), toward)
                    })
                    .unzip()
            })
            .unzip();
        let (insts, graphs) = episodes.into_iter().unzip();
        Ok(EpisodeBatch {
            insts,
            graphs,
            v,
            c,
            device: device.clone(),
            index: Arc::new(LinkIndex::new(b * v, &links)?),
            link_offset,
            caps,
            cap_feat: Tensor::from_vec(cap_feat, (m, 1), dev)?,
            max_cap,
            d,
            slot_link: Tensor::from_vec(slot_link, b * v * d, dev)?,
            slot_node: Tensor::from_vec(slot_node, b * v * d, dev)?,
            hops,
            toward,
        })
    }

    /// Number of episodes (`B`).
    pub fn episodes(&self) -> usize {
        self.insts.len()
    }

    /// Number of node rows (`N = B·V`).
    pub fn rows(&self) -> usize {
        self.insts.len() * self.v
    }

    /// Number of union links (`M`).
    pub fn links(&self) -> usize {
        self.caps.len()
    }
}
