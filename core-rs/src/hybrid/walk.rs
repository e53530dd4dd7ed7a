//! One commodity's walk through every episode of a batch under fixed policy logits: the rollout's
//! inner loop (masks, choice, next node) for a range of hops, on the CPU (episodes in parallel) or,
//! for policy decisions on a CUDA device, as one launch of the `walk` kernel (`kernels/keiro.cu`,
//! one thread per episode) for all of them.
//!
//! At node `u` heading for `dst` with visited nodes `S`, slot `s` (link `u → y`) is valid when
//! `y ≠ u`, `y ∉ S`, and `dst` is reachable from `y` over links whose tail is not in `S` (a reverse
//! breadth-first search from `dst`); so a walk on a feasible instance completes within `V − 1`
//! hops. An episode with no valid slot stops there (its commodity stays incomplete), one that
//! reaches `dst` is done. The choice is [`Choice`]'s: the arg-max (the lowest slot on ties), or a
//! draw under temperature and top-p from the episode's counter-based stream, or (forced rollouts)
//! the slot that follows the given path.
//!
//! The kernel mirrors [`_walk_episode`] step for step, in f64 for the draw, so greedy walks agree
//! exactly and sampled ones agree unless a draw lands within an ulp of a bucket edge (the two
//! `exp` implementations may differ in the last bit). Logits of slot counts above
//! [`KERNEL_SLOTS`], forced paths and f64 models walk on the host.

use std::ops::Range;

use candle_core::{DType, Tensor};
use rayon::prelude::*;

use crate::error::{Error, Result};
use crate::hybrid::episode_batch::EpisodeBatch;
use crate::hybrid::rollout::{Choice, Decisions};
use crate::rng::counter_unit;

/// The most neighbour slots (`D`) the CUDA walk takes; wider batches walk on the host.
pub const KERNEL_SLOTS: usize = 64;

/// One hop taken: the node row it left, the slot it took and the valid slots it chose among.
pub struct Step {
    /// Node row `e·V + u` the hop left.
    pub row: usize,
    /// Neighbour slot taken.
    pub slot: usize,
    /// Valid slots at `row` `[D]`.
    pub mask: Vec<bool>,
    /// Episode `e`.
    pub episode: u32,
}

/// Where one commodity's walk stands in every episode.
pub struct WalkState {
    /// Current node of each episode.
    pub cur: Vec<usize>,
    /// Visited nodes of each episode `[B][V]`.
    pub visited: Vec<Vec<bool>>,
    /// Whether each episode still walks (not at its destination, not stuck).
    pub active: Vec<bool>,
}

impl WalkState {
    /// Every episode of `b` at commodity `k`'s source.
    pub fn start(b: &EpisodeBatch, k: usize) -> WalkState {
        let cur: Vec<usize> = b.insts.iter().map(|i| i.commodities[k].src).collect();
        let visited = cur
            .iter()
            .map(|&s| {
                let mut v = vec![false; b.v];
                v[s] = true;
                v
            })
            .collect();
        let active = b.insts.iter().zip(&cur).map(|(i, &s)| s != i.commodities[k].dst).collect();
        WalkState { cur, visited, active }
    }

    /// Whether any episode still walks.
    pub fn walking(&self) -> bool {
        self.active.iter().any(|&a| a)
    }
}

/// One episode's hop: from node `u`, slot `slot`, among valid slots `mask`.
struct _Hop {
    u: usize,
    slot: usize,
    mask: Vec<bool>,
}

/// Walks commodity `k` over `hops` (absolute hop numbers) in every active episode of `b` under
/// logits `z` `[N, D]`, updating `st`; returns the hops taken, hop by hop and episode by episode
/// within a hop (the rollout's order).
#[allow(clippy::too_many_arguments)]
pub fn walk(
    b: &EpisodeBatch,
    z: &Tensor,
    k: usize,
    st: &mut WalkState,
    decisions: &Decisions,
    hops: Range<usize>,
    temperature: f64,
    top_p: f64,
) -> Result<Vec<Step>> {
    #[cfg(feature = "cuda")]
    if let (candle_core::Device::Cuda(dev), Decisions::Policy(choices)) = (z.device(), decisions) {
        if z.dtype() == DType::F32 && b.d <= KERNEL_SLOTS {
            let (slots, masks) = _walk_cuda(dev, b, z, k, st, choices, hops.clone(), temperature, top_p)?;
            return Ok(_replay(b, k, st, &slots, &masks, hops.len()));
        }
    }
    let zv = z.to_dtype(DType::F32)?.flatten_all()?.to_vec1::<f32>()?; // [N·D]
    let taken = st
        .cur
        .par_iter_mut()
        .zip(st.visited.par_iter_mut())
        .zip(st.active.par_iter_mut())
        .enumerate()
        .map(|(e, ((cur, visited), active))| {
            _walk_episode(b, &zv, k, e, (cur, visited, active), decisions, hops.clone(), temperature, top_p)
        })
        .collect::<Result<Vec<_>>>()?;
    Ok(_hop_major(b, taken))
}

/// The hops of every episode, hop by hop and episode by episode within a hop.
fn _hop_major(b: &EpisodeBatch, taken: Vec<Vec<_Hop>>) -> Vec<Step> {
    let longest = taken.iter().map(Vec::len).max().unwrap_or(0);
    let mut iters: Vec<_> = taken.into_iter().map(Vec::into_iter).collect();
    let mut steps = Vec::new();
    for _ in 0..longest {
        for (e, it) in iters.iter_mut().enumerate() {
            if let Some(h) = it.next() {
                steps.push(Step { row: e * b.v + h.u, slot: h.slot, mask: h.mask, episode: e as u32 });
            }
        }
    }
    steps
}

/// Takes slot `slot` at episode `e`'s current node: marks the head visited and moves there.
fn _advance(b: &EpisodeBatch, e: usize, dst: usize, slot: usize, (cur, visited, active): (&mut usize, &mut [bool], &mut bool)) {
    let g = b.graphs[e];
    let y = g.links[g.out[*cur][slot]].dst;
    visited[y] = true;
    *cur = y;
    *active = y != dst;
}

/// Episode `e`'s walk over `hops` on the host: the CPU reference of the `walk` kernel.
#[allow(clippy::too_many_arguments)]
fn _walk_episode(
    b: &EpisodeBatch,
    zv: &[f32],
    k: usize,
    e: usize,
    (cur, visited, active): (&mut usize, &mut Vec<bool>, &mut bool),
    decisions: &Decisions,
    hops: Range<usize>,
    temperature: f64,
    top_p: f64,
) -> Result<Vec<_Hop>> {
    let (d, dst) = (b.d, b.insts[e].commodities[k].dst);
    let mut taken = Vec::new();
    for hop in hops {
        if !*active {
            break;
        }
        let u = *cur;
        let mask = _mask(b, e, u, dst, visited);
        if !mask.contains(&true) {
            *active = false;
            break;
        }
        let row = e * b.v + u;
        let slot = match decisions {
            Decisions::Policy(choices) => _choose(&zv[row * d..(row + 1) * d], &mask, choices[e], (k, hop), temperature, top_p),
            Decisions::Forced(paths) => {
                let want = paths[e].get(k).and_then(|p| p.get(hop + 1)).copied();
                let g = b.graphs[e];
                (0..d).find(|&s| mask[s] && Some(g.links[g.out[u][s]].dst) == want).ok_or_else(|| {
                    Error::Usage(format!(
                        "episode {e}: path {:?} of commodity {k} is not a simple path from its source to its destination over existing links",
                        paths[e].get(k)
                    ))
                })?
            }
        };
        _advance(b, e, dst, slot, (&mut *cur, &mut visited[..], &mut *active));
        taken.push(_Hop { u, slot, mask });
    }
    Ok(taken)
}

/// Valid neighbour slots of node `u` of episode `e` heading for `dst` with `visited` nodes.
fn _mask(b: &EpisodeBatch, e: usize, u: usize, dst: usize, visited: &[bool]) -> Vec<bool> {
    let g = b.graphs[e];
    // Nodes that reach `dst` without touching a visited node.
    let reach = g.hops_to(dst, |l| !visited[g.links[l].src]);
    (0..b.d)
        .map(|k| {
            g.out[u].get(k).is_some_and(|&l| {
                let y = g.links[l].dst;
                y != u && !visited[y] && reach[y].is_some()
            })
        })
        .collect()
}

/// Picks a slot from `logits` (one row) under `mask` at `(commodity, hop)`.
fn _choose(logits: &[f32], mask: &[bool], choice: Choice, at: (usize, usize), temperature: f64, top_p: f64) -> usize {
    let valid: Vec<usize> = (0..mask.len()).filter(|&k| mask[k]).collect();
    let best = *valid.iter().max_by(|&&a, &&b| logits[a].total_cmp(&logits[b]).then(b.cmp(&a))).expect("a valid slot");
    let stream = match choice {
        Choice::Sample(stream) if valid.len() > 1 => stream,
        _ => return best,
    };
    let max = logits[best] as f64;
    let mut probs: Vec<(usize, f64)> = valid.iter().map(|&k| (k, ((logits[k] as f64 - max) / temperature).exp())).collect();
    let total: f64 = probs.iter().map(|p| p.1).sum();
    probs.sort_by(|a, b| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0)));
    let mut kept = 0;
    let mut mass = 0.0;
    for p in &probs {
        kept += 1;
        mass += p.1 / total;
        if mass >= top_p {
            break;
        }
    }
    let mut r = counter_unit(&[stream, at.0 as u64, at.1 as u64]) * probs[..kept].iter().map(|p| p.1).sum::<f64>();
    for p in &probs[..kept] {
        r -= p.1;
        if r < 0.0 {
            return p.0;
        }
    }
    probs[kept - 1].0
}

/// Replays the kernel's choices (`slots` `[B, H]`, −1 = no hop; `masks` `[B, H, D]`) on `st`.
#[cfg(feature = "cuda")]
fn _replay(b: &EpisodeBatch, k: usize, st: &mut WalkState, slots: &[i32], masks: &[u8], h: usize) -> Vec<Step> {
    let d = b.d;
    let mut taken = Vec::with_capacity(b.episodes());
    for e in 0..b.episodes() {
        let dst = b.insts[e].commodities[k].dst;
        let mut hops = Vec::new();
        for t in 0..h {
            if !st.active[e] {
                break;
            }
            let Ok(slot) = usize::try_from(slots[e * h + t]) else {
                st.active[e] = false; // no valid slot
                break;
            };
            let mask = masks[(e * h + t) * d..(e * h + t + 1) * d].iter().map(|&m| m != 0).collect();
            let u = st.cur[e];
            _advance(b, e, dst, slot, (&mut st.cur[e], &mut st.visited[e], &mut st.active[e]));
            hops.push(_Hop { u, slot, mask });
        }
        taken.push(hops);
    }
    _hop_major(b, taken)
}

/// Runs the `walk` kernel: the chosen slot of every episode and hop `[B, H]` (−1 = none) and the
/// valid slots it chose among `[B, H, D]`.
#[cfg(feature = "cuda")]
#[allow(clippy::too_many_arguments)]
fn _walk_cuda(
    dev: &candle_core::cuda::CudaDevice,
    b: &EpisodeBatch,
    z: &Tensor,
    k: usize,
    st: &WalkState,
    choices: &[Choice],
    hops: Range<usize>,
    temperature: f64,
    top_p: f64,
) -> candle_core::Result<(Vec<i32>, Vec<u8>)> {
    use crate::ops::cuda::{launch, per_item, u32_arg, upload_u32, with_view};
    const OP: &str = "walk";
    let (ne, v, d, h) = (b.episodes(), b.v, b.d, hops.len());
    let links = b.index.on_cuda(dev)?;
    let cur = upload_u32(dev, st.cur.iter().copied(), OP)?; // [B]
    let target = upload_u32(dev, b.insts.iter().map(|i| i.commodities[k].dst), OP)?; // [B]
                                                                                     // The walk's start, updated in place by the kernel: [B·V]
    let mut visited = dev.clone_htod(&st.visited.iter().flatten().map(|&x| x as u8).collect::<Vec<u8>>())?;
    let active = dev.clone_htod(&st.active.iter().map(|&x| x as u8).collect::<Vec<u8>>())?; // [B]
    let (stream, sample): (Vec<u64>, Vec<u8>) = choices
        .iter()
        .map(|c| match c {
            Choice::Greedy => (0, 0),
            Choice::Sample(s) => (*s, 1),
        })
        .unzip();
    let (stream, sample) = (dev.clone_htod(&stream)?, dev.clone_htod(&sample)?); // [B], [B]
    let mut reach = dev.alloc_zeros::<u8>(ne * v)?; // [B·V] scratch
    let mut queue = dev.alloc_zeros::<u32>(ne * v)?; // [B·V] scratch
    let mut slots = dev.alloc_zeros::<i32>((ne * h).max(1))?; // [B, H]
    let mut masks = dev.alloc_zeros::<u8>((ne * h * d).max(1))?; // [B, H, D]
    let (nb, v32, d32, m32) = (u32_arg(ne, OP)?, u32_arg(v, OP)?, u32_arg(d, OP)?, u32_arg(b.links(), OP)?);
    let (k32, hop0, h32) = (u32_arg(k, OP)?, u32_arg(hops.start, OP)?, u32_arg(h, OP)?);
    // z [N, D], slot_link [N·D]
    with_view::<f32, _>(z, OP, |zv| {
        with_view::<u32, _>(&b.slot_link, OP, |sv| {
            launch!(
                dev,
                "walk",
                per_item(ne, OP)?,
                &zv,
                &sv,
                &links.src,
                &links.dst,
                &links.inc_start,
                &links.inc,
                &cur,
                &active,
                &target,
                &stream,
                &sample,
                &nb,
                &v32,
                &d32,
                &m32,
                &k32,
                &hop0,
                &h32,
                &temperature,
                &top_p,
                &mut visited,
                &mut reach,
                &mut queue,
                &mut slots,
                &mut masks,
            );
            Ok(())
        })
    })?;
    let (slots, masks) = (dev.clone_dtoh(&slots)?, dev.clone_dtoh(&masks)?);
    Ok((slots[..ne * h].to_vec(), masks[..ne * h * d].to_vec()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::te::generate::GenOptions;
    use candle_core::Device;

    #[test]
    fn a_forced_walk_follows_its_path_and_refuses_one_that_is_not_simple() {
        let inst = GenOptions { count: 1, seed: 2, ..GenOptions::default() }.instance(0).unwrap();
        let g = inst.graph();
        let b = EpisodeBatch::new(vec![(&inst, &g)], None, &Device::Cpu).unwrap();
        let z = Tensor::zeros((b.rows(), b.d), DType::F32, &Device::Cpu).unwrap(); // [N, D]
        let c = &inst.commodities[0];
        let path = g.bfs_path(c.src, c.dst, |_| true).unwrap();
        assert!(path.len() >= 3, "a path with an inner node: {path:?}");
        let walk_along = |p: Vec<usize>| {
            let paths = vec![vec![p]];
            let mut st = WalkState::start(&b, 0);
            walk(&b, &z, 0, &mut st, &Decisions::Forced(&paths), 0..b.v - 1, 1.0, 1.0).map(|steps| (steps, st))
        };
        let (steps, st) = walk_along(path.clone()).unwrap();
        let mut walked = vec![c.src];
        walked.extend(steps.iter().map(|s| g.links[g.out[s.row % b.v][s.slot]].dst));
        assert_eq!(walked, path);
        assert!(steps.iter().all(|s| s.mask[s.slot]), "every forced slot is a valid one");
        assert_eq!((st.cur[0], st.active[0]), (c.dst, false));
        // Back to the source: a revisit the masks forbid.
        let looped = [&path[..2], &path[..]].concat();
        let e = walk_along(looped).err().expect("a revisiting path is refused").to_string();
        assert!(e.contains("episode 0") && e.contains("commodity 0") && e.contains("not a simple path"), "{e}");
    }
}
