//! Smoothing passes of the local search: every commodity in turn moves to its cheapest path under
//! the marginal cost of the potential `Φ = Σ_l (u_l / m₀)^P + λ·u_l / m₀` (u_l a link's utilisation,
//! m₀ the starting MLU, P = [`SMOOTH_POWER`], λ = [`SMOOTH_LINEAR`]), whenever that lowers Φ.
//!
//! Φ is a smooth stand-in for the MLU: lowering it also lowers the second, third, … most utilised
//! links, which frees the room that single moves off the hottest link (the hot-link phase of
//! [`improve_paths`]) cannot find alone on large graphs. A move's change of Φ is exactly its new
//! path's marginal cost minus its old one's (both priced with the commodity removed), so every
//! accepted move lowers Φ and the passes end.
//!
//! [`improve_paths`]: crate::te::greedy::improve_paths

use std::cmp::Reverse;
use std::collections::BinaryHeap;

use crate::te::graph::Graph;
use crate::te::instance::Instance;
use crate::te::ordered_f64::OrderedF64;

/// The exponent P of the potential: large enough that the most utilised links dominate Φ, small
/// enough that the links below them still pull (measured on Kdl, docs/te.md).
pub const SMOOTH_POWER: i32 = 6;

/// Weight of the linear term `Σ_l u_l / m₀` added to Φ: it prices hops on idle links, so a
/// commodity does not wander over long detours that are free under the power term alone.
pub const SMOOTH_LINEAR: f64 = 0.01;

/// Runs up to `passes` smoothing passes over `paths` (one move per commodity at most per pass;
/// `load` is their link load and is kept in step). Returns the number of moves made.
pub fn smooth_paths(inst: &Instance, graph: &Graph, paths: &mut [Vec<usize>], load: &mut [f64], passes: usize) -> usize {
    let m0 = load.iter().zip(&graph.links).map(|(x, l)| x / l.capacity).fold(0.0, f64::max);
    if m0 <= 0.0 {
        return 0;
    }
    let phi = |l: usize, x: f64| {
        let u = x / (graph.links[l].capacity * m0);
        u.powi(SMOOTH_POWER) + SMOOTH_LINEAR * u
    };
    let mut moves = 0;
    for _ in 0..passes {
        let mut moved = 0;
        for (k, c) in inst.commodities.iter().enumerate() {
            let old = graph.path_links(&paths[k]).expect("paths follow links");
            for &l in &old {
                load[l] -= c.demand;
            }
            let cost = |l: usize| phi(l, load[l] + c.demand) - phi(l, load[l]);
            let old_cost: f64 = old.iter().map(|&l| cost(l)).sum();
            let (new_cost, path) = _cheapest_path(graph, c.src, c.dst, &cost);
            let take = new_cost < old_cost * (1.0 - 1e-9);
            if take {
                paths[k] = path;
                moved += 1;
            }
            for l in graph.path_links(&paths[k]).expect("paths follow links") {
                load[l] += c.demand;
            }
        }
        moves += moved;
        if moved == 0 {
            break;
        }
    }
    moves
}

/// Dijkstra from `s` to `t` under non-negative link costs; ties go to the smaller node id.
fn _cheapest_path(graph: &Graph, s: usize, t: usize, cost: &impl Fn(usize) -> f64) -> (f64, Vec<usize>) {
    let n = graph.num_nodes;
    let (mut dist, mut via) = (vec![f64::INFINITY; n], vec![usize::MAX; n]);
    dist[s] = 0.0;
    let mut heap = BinaryHeap::from([Reverse((OrderedF64(0.0), s))]);
    while let Some(Reverse((OrderedF64(d), u))) = heap.pop() {
        if d > dist[u] {
            continue;
        }
        if u == t {
            break;
        }
        for &l in &graph.out[u] {
            let y = graph.links[l].dst;
            let nd = d + cost(l);
            if nd < dist[y] {
                dist[y] = nd;
                via[y] = l;
                heap.push(Reverse((OrderedF64(nd), y)));
            }
        }
    }
    let mut path = vec![t];
    let mut x = t;
    while x != s {
        x = graph.links[via[x]].src;
        path.push(x);
    }
    path.reverse();
    (dist[t], path)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::te::greedy::improve_paths;
    use crate::testing::{instance, mlu_of};

    /// X and W (5 each) share the direct link 0→1 (cap 10, MLU 1.0); X's detour 0→2→1 crosses 2→1,
    /// loaded to 0.8 by Y (6) and V (2), which could take 2→3→1. No single move lowers the MLU,
    /// but moving Y or V first and then X reaches the optimum 0.7.
    const BLOCKED: &str = r#"{"nodes":4,"edges":[{"src":0,"dst":1,"capacity":10},{"src":0,"dst":2,"capacity":10},{"src":2,"dst":1,"capacity":10},{"src":2,"dst":3,"capacity":10},{"src":3,"dst":1,"capacity":10}],"commodities":[{"src":0,"dst":1,"demand":5},{"src":0,"dst":1,"demand":5},{"src":2,"dst":1,"demand":6},{"src":2,"dst":1,"demand":2}]}"#;

    fn start() -> Vec<Vec<usize>> {
        vec![vec![0, 1], vec![0, 1], vec![2, 1], vec![2, 1]]
    }

    fn load_of(inst: &Instance, graph: &Graph, paths: &[Vec<usize>]) -> Vec<f64> {
        let mut load = vec![0.0; graph.links.len()];
        for (c, p) in inst.commodities.iter().zip(paths) {
            for l in graph.path_links(p).unwrap() {
                load[l] += c.demand;
            }
        }
        load
    }

    #[test]
    fn smoothing_frees_the_room_a_single_move_cannot_find() {
        let (i, g) = instance(BLOCKED);
        let (mut paths, mut load) = (start(), load_of(&i, &g, &start()));
        let moves = smooth_paths(&i, &g, &mut paths, &mut load, 10);
        // X leaves the direct link (over 2→1 or 2→3→1), and Y or V makes room for it
        assert_ne!(paths[0], vec![0, 1]);
        let changed = paths.iter().zip(start()).filter(|(a, b)| **a != *b).count();
        assert!(changed >= 2 && moves >= changed, "{paths:?} after {moves} moves");
        // the load is kept in step with the paths
        assert_eq!(load, load_of(&i, &g, &paths));
        assert!((mlu_of(&i, &g, &paths) - 0.7).abs() < 1e-12);
        // zero passes move nothing
        let (mut none, mut load0) = (start(), load_of(&i, &g, &start()));
        assert_eq!(smooth_paths(&i, &g, &mut none, &mut load0, 0), 0);
        assert_eq!(none, start());
    }

    #[test]
    fn local_search_reaches_the_optimum_where_hot_link_moves_alone_stop() {
        let (i, g) = instance(BLOCKED);
        assert!((mlu_of(&i, &g, &start()) - 1.0).abs() < 1e-12);
        let best = improve_paths(&i, &g, start(), 10);
        assert!((mlu_of(&i, &g, &best) - 0.7).abs() < 1e-12);
        // zero rounds: nothing moves
        assert_eq!(improve_paths(&i, &g, start(), 0), start());
    }

    #[test]
    fn cheapest_path_prices_every_link() {
        let (_, g) = instance(BLOCKED);
        // 0→1 costs 5, 0→2→1 costs 1 + 1: the detour is cheaper
        let cost = |l: usize| if g.links[l].src == 0 && g.links[l].dst == 1 { 5.0 } else { 1.0 };
        assert_eq!(_cheapest_path(&g, 0, 1, &cost), (2.0, vec![0, 2, 1]));
    }
}
