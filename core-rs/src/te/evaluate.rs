//! The evaluator: scores any routing of an instance with the metric definitions of docs/design.md.

use crate::te::graph::Graph;
use crate::te::instance::Instance;

/// How a routing sends traffic: one node path per commodity, or split flows per link.
#[derive(Clone, Debug, PartialEq)]
pub enum Routing {
    /// `paths[k]` is the node sequence of commodity `k` (`None` = not routed).
    Paths(Vec<Option<Vec<usize>>>),
    /// Per-commodity flow on instance edges: `flows[k]` lists `(edge index, volume)`.
    Flows(Vec<Vec<(usize, f64)>>),
}

/// The score of one routing.
#[derive(Clone, Debug, PartialEq)]
pub struct Evaluation {
    /// Max over edges of load / capacity (over the commodities that were routed validly).
    pub mlu: f64,
    /// Every commodity has a simple path from its src to its dst over existing edges.
    pub complete: bool,
    /// Load on each instance edge (merged links split in proportion to capacity).
    pub edge_loads: Vec<f64>,
    /// Why the routing is incomplete, one message per faulty commodity.
    pub problems: Vec<String>,
}

/// Checks that `path` is a simple path of `graph` from `src` to `dst`; returns its link ids.
pub fn check_path(graph: &Graph, path: &[usize], src: usize, dst: usize) -> Result<Vec<usize>, String> {
    if path.first() != Some(&src) || path.last() != Some(&dst) {
        return Err(format!("does not run from {src} to {dst}"));
    }
    let mut seen = vec![false; graph.num_nodes];
    for &v in path {
        if v >= graph.num_nodes {
            return Err(format!("node {v} is out of range"));
        }
        if std::mem::replace(&mut seen[v], true) {
            return Err(format!("visits node {v} twice"));
        }
    }
    graph.path_links(path).ok_or_else(|| "uses a hop that is not an edge".to_string())
}

/// Scores `routing` on `inst`.
pub fn evaluate(inst: &Instance, graph: &Graph, routing: &Routing) -> Evaluation {
    let mut problems = Vec::new();
    let mut edge_loads = vec![0.0; inst.edges.len()];
    match routing {
        Routing::Paths(paths) => {
            let mut link_loads = vec![0.0; graph.links.len()];
            for (k, c) in inst.commodities.iter().enumerate() {
                match paths.get(k).and_then(|p| p.as_ref()) {
                    None => problems.push(format!("commodity {k} has no path")),
                    Some(p) => match check_path(graph, p, c.src, c.dst) {
                        Ok(links) => links.iter().for_each(|&l| link_loads[l] += c.demand),
                        Err(why) => problems.push(format!("commodity {k}: path {why}")),
                    },
                }
            }
            for (l, link) in graph.links.iter().enumerate() {
                for &e in &link.edges {
                    edge_loads[e] = link_loads[l] * inst.edges[e].capacity / link.capacity;
                }
            }
            if paths.len() > inst.commodities.len() {
                problems.push(format!("{} paths for {} commodities", paths.len(), inst.commodities.len()));
            }
        }
        Routing::Flows(flows) => {
            for (k, c) in inst.commodities.iter().enumerate() {
                let Some(f) = flows.get(k) else {
                    problems.push(format!("commodity {k} has no flow"));
                    continue;
                };
                let mut net = vec![0.0; inst.num_nodes];
                for &(e, x) in f {
                    edge_loads[e] += x;
                    net[inst.edges[e].src] += x;
                    net[inst.edges[e].dst] -= x;
                }
                let tol = 1e-6 * c.demand.max(1.0);
                let ok = net.iter().enumerate().all(|(v, &b)| {
                    let want = if v == c.src {
                        c.demand
                    } else if v == c.dst {
                        -c.demand
                    } else {
                        0.0
                    };
                    (b - want).abs() <= tol
                });
                if !ok {
                    problems.push(format!("commodity {k}: flow does not conserve its demand"));
                }
            }
        }
    }
    let mlu = inst.edges.iter().zip(&edge_loads).map(|(e, l)| l / e.capacity).fold(0.0, f64::max);
    Evaluation { mlu, complete: problems.is_empty(), edge_loads, problems }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn inst() -> Instance {
        let t = r#"{"nodes":3,"edges":[{"src":0,"dst":1,"capacity":10},{"src":1,"dst":2,"capacity":5},{"src":0,"dst":2,"capacity":2},{"src":0,"dst":2,"capacity":2}],"commodities":[{"src":0,"dst":2,"demand":4},{"src":0,"dst":1,"demand":1}]}"#;
        Instance::parse_jsonl(t, 1).unwrap().remove(0)
    }

    #[test]
    fn mlu_completeness_and_parallel_edges() {
        let i = inst();
        let g = i.graph();
        let r = evaluate(&i, &g, &Routing::Paths(vec![Some(vec![0, 1, 2]), Some(vec![0, 1])]));
        assert!(r.complete);
        assert_eq!(r.edge_loads, vec![5.0, 4.0, 0.0, 0.0]);
        assert!((r.mlu - 0.8).abs() < 1e-12);
        // the direct hop uses the two parallel edges of capacity 2 as one link of capacity 4
        let r = evaluate(&i, &g, &Routing::Paths(vec![Some(vec![0, 2]), Some(vec![0, 1])]));
        assert_eq!(r.edge_loads, vec![1.0, 0.0, 2.0, 2.0]);
        assert!((r.mlu - 1.0).abs() < 1e-12);
        let r = evaluate(&i, &g, &Routing::Paths(vec![Some(vec![0, 2, 1]), None]));
        assert!(!r.complete);
        assert_eq!(r.problems.len(), 2);
        assert_eq!(r.mlu, 0.0);
    }

    #[test]
    fn flows_are_checked_for_conservation() {
        let i = inst();
        let g = i.graph();
        let good = Routing::Flows(vec![vec![(0, 2.0), (1, 2.0), (2, 2.0)], vec![(0, 1.0)]]);
        let r = evaluate(&i, &g, &good);
        assert!(r.complete, "{:?}", r.problems);
        assert!((r.mlu - 1.0).abs() < 1e-12);
        let bad = Routing::Flows(vec![vec![(0, 2.0), (2, 2.0)], vec![(0, 1.0)]]);
        assert!(!evaluate(&i, &g, &bad).complete);
    }
}
