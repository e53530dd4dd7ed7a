//! A shortest-path tree from one source under non-negative link lengths (Dijkstra): the pricing
//! step of the column-generation LP, where one tree serves every commodity of its source.

use std::cmp::Reverse;
use std::collections::BinaryHeap;

use crate::te::graph::Graph;

/// Distances from one source and the link each node is reached by.
#[derive(Clone, Debug)]
pub struct ShortestPathTree {
    /// Distance from the source to every node (infinity where unreachable).
    pub dist: Vec<f64>,
    /// The tree's link into each node (`None` at the source and at unreachable nodes).
    pred: Vec<Option<usize>>,
}

impl ShortestPathTree {
    /// Dijkstra from `source` over `graph` with `length[l]` for link `l`, each finite and ≥ 0.
    /// Ties keep the first link that reached a node, so the tree is deterministic.
    pub fn new(graph: &Graph, source: usize, length: &[f64]) -> ShortestPathTree {
        debug_assert!(length.iter().all(|&x| x >= 0.0 && x.is_finite()));
        let mut dist = vec![f64::INFINITY; graph.num_nodes];
        let mut pred = vec![None; graph.num_nodes];
        dist[source] = 0.0;
        // The bits of a non-negative f64 order as its value does, so the heap keys on them.
        let mut heap = BinaryHeap::from([Reverse((0u64, source))]);
        while let Some(Reverse((bits, u))) = heap.pop() {
            let d = f64::from_bits(bits);
            if d > dist[u] {
                continue;
            }
            for &l in &graph.out[u] {
                let v = graph.links[l].dst;
                let nd = d + length[l];
                if nd < dist[v] {
                    dist[v] = nd;
                    pred[v] = Some(l);
                    heap.push(Reverse((nd.to_bits(), v)));
                }
            }
        }
        ShortestPathTree { dist, pred }
    }

    /// The links of the tree path from the source to `t`, in order (`None` if `t` is unreachable).
    pub fn links_to(&self, graph: &Graph, t: usize) -> Option<Vec<usize>> {
        if !self.dist[t].is_finite() {
            return None;
        }
        let mut links = Vec::new();
        let mut v = t;
        while let Some(l) = self.pred[v] {
            links.push(l);
            v = graph.links[l].src;
        }
        links.reverse();
        Some(links)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::instance;

    #[test]
    fn the_tree_follows_the_lighter_detour_and_skips_unreachable_nodes() {
        // 0→2 direct (length 5) or 0→1→2 (1 + 1); node 3 only has an edge out.
        let t = r#"{"nodes":4,"edges":[{"src":0,"dst":2,"capacity":1},{"src":0,"dst":1,"capacity":1},{"src":1,"dst":2,"capacity":1},{"src":3,"dst":0,"capacity":1}],"commodities":[{"src":0,"dst":2,"demand":1}]}"#;
        let (_, g) = instance(t);
        let mut length = vec![0.0; g.links.len()];
        length[g.link(0, 2).unwrap()] = 5.0;
        length[g.link(0, 1).unwrap()] = 1.0;
        length[g.link(1, 2).unwrap()] = 1.0;
        let tree = ShortestPathTree::new(&g, 0, &length);
        assert_eq!(tree.dist[..3], [0.0, 1.0, 2.0]);
        assert_eq!(tree.links_to(&g, 2), g.path_links(&[0, 1, 2]));
        assert_eq!(tree.links_to(&g, 0), Some(vec![]));
        assert_eq!(tree.links_to(&g, 3), None);
        length[g.link(0, 2).unwrap()] = 1.5;
        assert_eq!(ShortestPathTree::new(&g, 0, &length).links_to(&g, 2), g.path_links(&[0, 2]));
    }
}
