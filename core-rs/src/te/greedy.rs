//! Sequential greedy routing: commodities in the given order, each on the path that minimises the
//! maximum utilisation along it after adding its demand (a minimax path), ties broken towards the
//! fewest hops and then the lexicographically smallest node sequence.

use std::cmp::Reverse;
use std::collections::BinaryHeap;

use crate::te::graph::Graph;
use crate::te::instance::Instance;
use crate::te::ordered_f64::OrderedF64;
use crate::te::smooth_paths::smooth_paths;

/// For every node, the smallest achievable bottleneck of `weight` over paths from it to `t`
/// (Dijkstra on max, backwards from `t`; infinity when `t` is unreachable).
pub fn bottleneck_to(graph: &Graph, t: usize, weight: impl Fn(usize) -> f64) -> Vec<f64> {
    let mut best = vec![f64::INFINITY; graph.num_nodes];
    best[t] = 0.0;
    let mut heap = BinaryHeap::from([Reverse((OrderedF64(0.0), t))]);
    while let Some(Reverse((OrderedF64(b), x))) = heap.pop() {
        if b > best[x] {
            continue;
        }
        for &l in &graph.inc[x] {
            let u = graph.links[l].src;
            let nb = b.max(weight(l));
            if nb < best[u] {
                best[u] = nb;
                heap.push(Reverse((OrderedF64(nb), u)));
            }
        }
    }
    best
}

/// The minimax path for `demand` from `src` to `dst` on top of `load`: the smallest bottleneck
/// utilisation, then the fewest hops, then the lexicographically smallest node sequence.
pub fn minimax_path(graph: &Graph, load: &[f64], src: usize, dst: usize, demand: f64) -> Vec<usize> {
    let util = |l: usize| (load[l] + demand) / graph.links[l].capacity;
    let b = bottleneck_to(graph, dst, util)[src];
    graph.bfs_path(src, dst, |l| util(l) <= b).expect("validated instances are routable")
}

fn _add(graph: &Graph, load: &mut [f64], path: &[usize], demand: f64) {
    for l in graph.path_links(path).expect("paths follow links") {
        load[l] += demand;
    }
}

/// Routes the commodities of `inst` greedily in order; returns one node path per commodity.
pub fn greedy_paths(inst: &Instance, graph: &Graph) -> Vec<Vec<usize>> {
    let mut load = vec![0.0; graph.links.len()];
    inst.commodities
        .iter()
        .map(|c| {
            let path = minimax_path(graph, &load, c.src, c.dst, c.demand);
            _add(graph, &mut load, &path, c.demand);
            path
        })
        .collect()
}

/// Rounds of local search per commodity in [`greedy_ls_paths`].
pub const LOCAL_SEARCH_ROUNDS_PER_COMMODITY: usize = 10;

/// The greedy routing improved by [`improve_paths`] with 10 rounds per commodity: the `greedy_ls`
/// method and the MILP's starting incumbent.
pub fn greedy_ls_paths(inst: &Instance, graph: &Graph) -> Vec<Vec<usize>> {
    improve_paths(inst, graph, greedy_paths(inst, graph), LOCAL_SEARCH_ROUNDS_PER_COMMODITY)
}

/// Local search on a path set, `rounds` per commodity, in two phases:
/// 1. up to `rounds` smoothing passes ([`smooth_paths`]): each commodity moves to its cheapest path
///    under the marginal cost of a smooth stand-in for the MLU;
/// 2. up to `rounds × C` hot-link moves: while some commodity that crosses a most-utilised link
///    can be moved to its minimax path (given all other commodities) and that lowers the
///    (MLU, number of links at the MLU) pair, move it.
///
/// Returns the better (by that pair) of the input and the result, so it never raises the MLU. Used
/// by `greedy_ls` (the MILP's start) and by `keiro route --local-search` on a model's routing.
pub fn improve_paths(inst: &Instance, graph: &Graph, start: Vec<Vec<usize>>, rounds: usize) -> Vec<Vec<usize>> {
    let mut load = vec![0.0; graph.links.len()];
    for (c, p) in inst.commodities.iter().zip(&start) {
        _add(graph, &mut load, p, c.demand);
    }
    // (MLU, which links are at the MLU)
    let hot_links = |load: &[f64]| {
        let u: Vec<f64> = load.iter().zip(&graph.links).map(|(x, l)| x / l.capacity).collect();
        let m = u.iter().cloned().fold(0.0, f64::max);
        (m, u.iter().map(|&x| x >= m * (1.0 - 1e-12)).collect::<Vec<bool>>())
    };
    let score = |load: &[f64]| {
        let (m, hot) = hot_links(load);
        (m, hot.iter().filter(|&&h| h).count())
    };
    let start_score = score(&load);
    let mut paths = start.clone();
    smooth_paths(inst, graph, &mut paths, &mut load, rounds);
    for _ in 0..rounds * inst.commodities.len() {
        let (mlu, hot) = hot_links(&load);
        let ties = hot.iter().filter(|&&h| h).count();
        let mut moved = false;
        for (k, c) in inst.commodities.iter().enumerate() {
            let links = graph.path_links(&paths[k]).expect("paths follow links");
            if !links.iter().any(|&l| hot[l]) {
                continue;
            }
            _add(graph, &mut load, &paths[k], -c.demand);
            let candidate = minimax_path(graph, &load, c.src, c.dst, c.demand);
            _add(graph, &mut load, &candidate, c.demand);
            let (m2, t2) = score(&load);
            if m2 < mlu * (1.0 - 1e-12) || (m2 <= mlu && t2 < ties) {
                paths[k] = candidate;
                moved = true;
                break;
            }
            _add(graph, &mut load, &candidate, -c.demand);
            _add(graph, &mut load, &paths[k], c.demand);
        }
        if !moved {
            break;
        }
    }
    let (m, t) = score(&load);
    if m < start_score.0 * (1.0 - 1e-12) || (m <= start_score.0 && t <= start_score.1) {
        paths
    } else {
        start
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::te::shortest_path::shortest_paths;
    use crate::testing::{instance, mlu_of, TRAP};

    #[test]
    fn greedy_avoids_the_loaded_short_path() {
        // 0→2 directly (cap 10) or 0→1→2 (cap 10 each); two demands of 8.
        let t = r#"{"nodes":3,"edges":[{"src":0,"dst":2,"capacity":10},{"src":0,"dst":1,"capacity":10},{"src":1,"dst":2,"capacity":10}],"commodities":[{"src":0,"dst":2,"demand":8},{"src":0,"dst":2,"demand":8}]}"#;
        let (i, g) = instance(t);
        let sp = shortest_paths(&i, &g);
        assert_eq!(sp, vec![vec![0, 2], vec![0, 2]]);
        let gr = greedy_paths(&i, &g);
        assert_eq!(gr, vec![vec![0, 2], vec![0, 1, 2]]);
        assert!((mlu_of(&i, &g, &sp) - 1.6).abs() < 1e-12);
        assert!((mlu_of(&i, &g, &gr) - 0.8).abs() < 1e-12);
        assert_eq!(improve_paths(&i, &g, gr, 10), vec![vec![0, 2], vec![0, 1, 2]]);
    }

    #[test]
    fn local_search_solves_the_greedy_trap() {
        let (i, g) = instance(TRAP);
        let gr = greedy_paths(&i, &g);
        assert!((mlu_of(&i, &g, &gr) - 1.0).abs() < 1e-12);
        // no single hot-link move helps here (the optimum swaps the two commodities); the smoothing
        // passes do swap them
        let ls = improve_paths(&i, &g, gr, 10);
        assert_eq!(ls, vec![vec![0, 1, 2], vec![0, 2]]);
        assert!((mlu_of(&i, &g, &ls) - 5.0 / 6.0).abs() < 1e-12);
    }
}
