//! Hop shortest-path routing: each commodity on its fewest-hop path, ties broken towards the
//! lexicographically smallest node sequence.

use crate::te::graph::Graph;
use crate::te::instance::Instance;

/// Routes every commodity of `inst` on its hop shortest path.
pub fn shortest_paths(inst: &Instance, graph: &Graph) -> Vec<Vec<usize>> {
    inst.commodities.iter().map(|c| graph.bfs_path(c.src, c.dst, |_| true).expect("validated instances are routable")).collect()
}
