//! Sequential greedy routing: commodities in the given order, each on the path that minimises the
//! maximum utilisation along it after adding its demand (a minimax path), ties broken towards the
//! fewest hops and then the lexicographically smallest node sequence.

use std::cmp::Reverse;
use std::collections::BinaryHeap;

use crate::graph::Graph;
use crate::instance::Instance;

#[derive(PartialEq, PartialOrd)]
struct _Key(f64);
impl Eq for _Key {}
impl Ord for _Key {
    fn cmp(&self, other: &Self) -> std::cmp::Ordering {
        self.0.total_cmp(&other.0)
    }
}

/// The smallest achievable bottleneck of `weight` over paths from `s` to `t` (Dijkstra on max).
fn _bottleneck(graph: &Graph, s: usize, t: usize, weight: impl Fn(usize) -> f64) -> f64 {
    let mut best = vec![f64::INFINITY; graph.num_nodes];
    best[s] = 0.0;
    let mut heap = BinaryHeap::from([Reverse((_Key(0.0), s))]);
    while let Some(Reverse((_Key(b), u))) = heap.pop() {
        if u == t {
            return b;
        }
        if b > best[u] {
            continue;
        }
        for &l in &graph.out[u] {
            let v = graph.links[l].dst;
            let nb = b.max(weight(l));
            if nb < best[v] {
                best[v] = nb;
                heap.push(Reverse((_Key(nb), v)));
            }
        }
    }
    best[t]
}

/// Routes the commodities of `inst` greedily in order; returns one node path per commodity.
pub fn greedy_paths(inst: &Instance, graph: &Graph) -> Vec<Vec<usize>> {
    let mut load = vec![0.0; graph.links.len()];
    inst.commodities
        .iter()
        .map(|c| {
            let util = |l: usize| (load[l] + c.demand) / graph.links[l].capacity;
            let b = _bottleneck(graph, c.src, c.dst, util);
            let path = graph.bfs_path(c.src, c.dst, |l| util(l) <= b).expect("validated instances are routable");
            for l in graph.path_links(&path).expect("bfs paths follow links") {
                load[l] += c.demand;
            }
            path
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::evaluate::{evaluate, Routing};
    use crate::shortest_path::shortest_paths;

    #[test]
    fn greedy_avoids_the_loaded_short_path() {
        // 0→2 directly (cap 10) or 0→1→2 (cap 10 each); two demands of 8.
        let t = r#"{"nodes":3,"edges":[{"src":0,"dst":2,"capacity":10},{"src":0,"dst":1,"capacity":10},{"src":1,"dst":2,"capacity":10}],"commodities":[{"src":0,"dst":2,"demand":8},{"src":0,"dst":2,"demand":8}]}"#;
        let i = Instance::parse_jsonl(t, 1).unwrap().remove(0);
        let g = Graph::new(&i);
        let sp = shortest_paths(&i, &g);
        assert_eq!(sp, vec![vec![0, 2], vec![0, 2]]);
        let gr = greedy_paths(&i, &g);
        assert_eq!(gr, vec![vec![0, 2], vec![0, 1, 2]]);
        let m = |p: Vec<Vec<usize>>| evaluate(&i, &g, &Routing::Paths(p.into_iter().map(Some).collect())).mlu;
        assert!((m(sp) - 1.6).abs() < 1e-12);
        assert!((m(gr) - 0.8).abs() < 1e-12);
    }
}
