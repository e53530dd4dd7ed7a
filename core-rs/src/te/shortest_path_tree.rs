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
    /// Among shortest paths the tree takes one of the fewest hops (many links may have length 0),
    /// and then the first link that reached the node, so it is deterministic.
    pub fn new(graph: &Graph, source: usize, length: &[f64]) -> ShortestPathTree {
        debug_assert!(length.iter().all(|&x| x >= 0.0 && x.is_finite()));
        let mut dist = vec![f64::INFINITY; graph.num_nodes];
        let mut hops = vec![usize::MAX; graph.num_nodes];
        let mut pred = vec![None; graph.num_nodes];
        dist[source] = 0.0;
        hops[source] = 0;
        // The bits of a non-negative f64 order as its value does, so the heap keys on them.
        let mut heap = BinaryHeap::from([Reverse((0u64, 0, source))]);
        while let Some(Reverse((bits, h, u))) = heap.pop() {
            let d = f64::from_bits(bits);
            if (d, h) > (dist[u], hops[u]) {
                continue;
            }
            for &l in &graph.out[u] {
                let v = graph.links[l].dst;
                let (nd, nh) = (d + length[l], h + 1);
                if (nd, nh) < (dist[v], hops[v]) {
                    (dist[v], hops[v]) = (nd, nh);
                    pred[v] = Some(l);
                    heap.push(Reverse((nd.to_bits(), nh, v)));
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
    fn the_tree_takes_the_shortest_then_the_fewest_hops_and_skips_unreachable_nodes() {
        // to 3: 0→1→2→3 (lengths 0, 0, 1) or 0→4→3 (0, 1): equally short, the second has fewer hops;
        // node 5 only has an edge out.
        let t = r#"{"nodes":6,"edges":[{"src":0,"dst":1,"capacity":1},{"src":1,"dst":2,"capacity":1},{"src":2,"dst":3,"capacity":1},{"src":0,"dst":4,"capacity":1},{"src":4,"dst":3,"capacity":1},{"src":5,"dst":0,"capacity":1}],"commodities":[{"src":0,"dst":3,"demand":1}]}"#;
        let (_, g) = instance(t);
        let mut length = vec![0.0; g.links.len()];
        length[g.link(2, 3).unwrap()] = 1.0;
        length[g.link(4, 3).unwrap()] = 1.0;
        let tree = ShortestPathTree::new(&g, 0, &length);
        assert_eq!(tree.dist[..5], [0.0, 0.0, 0.0, 1.0, 0.0]);
        assert_eq!(tree.links_to(&g, 3), g.path_links(&[0, 4, 3]));
        assert_eq!(tree.links_to(&g, 2), g.path_links(&[0, 1, 2]));
        assert_eq!(tree.links_to(&g, 0), Some(vec![]));
        assert_eq!(tree.links_to(&g, 5), None);
        // a shorter path wins over fewer hops
        length[g.link(4, 3).unwrap()] = 1.5;
        assert_eq!(ShortestPathTree::new(&g, 0, &length).links_to(&g, 3), g.path_links(&[0, 1, 2, 3]));
    }
}
