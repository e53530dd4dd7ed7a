//! The routing graph of an instance: parallel edges between the same ordered pair are merged
//! into one *link* whose capacity is their sum (a hop u→v spreads over them in proportion to
//! capacity), and each node's outgoing links are sorted by head so that every search is
//! deterministic.

use std::collections::VecDeque;

use crate::te::edge::Edge;

/// A merged directed link.
#[derive(Clone, Debug)]
pub struct Link {
    /// Tail node.
    pub src: usize,
    /// Head node.
    pub dst: usize,
    /// Sum of the capacities of the merged edges.
    pub capacity: f64,
    /// Indices of the instance's edges merged into this link.
    pub edges: Vec<usize>,
}

/// Adjacency over merged links.
#[derive(Clone, Debug)]
pub struct Graph {
    /// Number of nodes.
    pub num_nodes: usize,
    /// Merged links.
    pub links: Vec<Link>,
    /// Outgoing link ids per node, sorted by head node.
    pub out: Vec<Vec<usize>>,
    /// Incoming link ids per node.
    pub inc: Vec<Vec<usize>>,
}

impl Graph {
    /// Builds the merged-link graph of `n` nodes and `edges` (an instance's: [`Instance::graph`]).
    ///
    /// [`Instance::graph`]: crate::te::instance::Instance::graph
    pub fn new(n: usize, edges: &[Edge]) -> Graph {
        let mut order: Vec<usize> = (0..edges.len()).collect();
        order.sort_by_key(|&i| (edges[i].src, edges[i].dst, i));
        let mut links: Vec<Link> = Vec::new();
        for i in order {
            let e = &edges[i];
            match links.last_mut() {
                Some(l) if l.src == e.src && l.dst == e.dst => {
                    l.capacity += e.capacity;
                    l.edges.push(i);
                }
                _ => links.push(Link { src: e.src, dst: e.dst, capacity: e.capacity, edges: vec![i] }),
            }
        }
        let mut out = vec![Vec::new(); n];
        let mut inc = vec![Vec::new(); n];
        for (id, l) in links.iter().enumerate() {
            out[l.src].push(id);
            inc[l.dst].push(id);
        }
        Graph { num_nodes: n, links, out, inc }
    }

    /// The link from `u` to `v`, if any.
    pub fn link(&self, u: usize, v: usize) -> Option<usize> {
        let out = self.out.get(u)?;
        out.binary_search_by_key(&v, |&l| self.links[l].dst).ok().map(|k| out[k])
    }

    /// Hop distance from every node to `t` over the links `allowed` accepts (`None`: unreachable).
    pub fn hops_to(&self, t: usize, allowed: impl Fn(usize) -> bool) -> Vec<Option<usize>> {
        let mut dist = vec![None; self.num_nodes];
        dist[t] = Some(0);
        let mut queue = VecDeque::from([t]);
        while let Some(x) = queue.pop_front() {
            for &l in &self.inc[x] {
                let y = self.links[l].src;
                if dist[y].is_none() && allowed(l) {
                    dist[y] = dist[x].map(|d| d + 1);
                    queue.push_back(y);
                }
            }
        }
        dist
    }

    /// Which nodes can be reached from `s`.
    pub fn reachable_from(&self, s: usize) -> Vec<bool> {
        let mut seen = vec![false; self.num_nodes];
        seen[s] = true;
        let mut stack = vec![s];
        while let Some(u) = stack.pop() {
            for &l in &self.out[u] {
                let v = self.links[l].dst;
                if !seen[v] {
                    seen[v] = true;
                    stack.push(v);
                }
            }
        }
        seen
    }

    /// Fewest-hop path from `s` to `t` using only links for which `allowed` is true; ties go to
    /// the lexicographically smallest node sequence. Returns the node sequence.
    pub fn bfs_path(&self, s: usize, t: usize, allowed: impl Fn(usize) -> bool) -> Option<Vec<usize>> {
        // BFS backwards from t gives hop distances to t; then walk forwards from s always taking
        // the smallest-id neighbour one hop closer: the lexicographically smallest shortest path.
        let dist = self.hops_to(t, &allowed);
        dist[s]?;
        let mut path = vec![s];
        let mut u = s;
        while u != t {
            let next = self.out[u]
                .iter()
                .find(|&&l| allowed(l) && dist[self.links[l].dst].is_some_and(|d| Some(d + 1) == dist[u]))
                .map(|&l| self.links[l].dst)
                .expect("BFS distances are consistent");
            path.push(next);
            u = next;
        }
        Some(path)
    }

    /// Link ids along a node path, or `None` if some hop has no link.
    pub fn path_links(&self, path: &[usize]) -> Option<Vec<usize>> {
        path.windows(2).map(|w| self.link(w[0], w[1])).collect()
    }
}
