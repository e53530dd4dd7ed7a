//! The splittable lower bound: the edge-formulation multicommodity-flow LP solved with HiGHS.
//!
//! min U  s.t.  flow conservation per group at every node,  Σ_groups f_l ≤ U·c_l,  f ≥ 0,
//! where a group is one source (flows of commodities with the same source aggregated, the
//! smallest exact formulation) or, when per-commodity flows are requested, one commodity.
//! Capacities and demands are divided by the largest capacity first; U is not bounded by 1.

use highs::{HighsModelStatus, RowProblem, Sense};

use crate::error::{Error, Result};
use crate::te::graph::Graph;
use crate::te::instance::Instance;

/// The LP optimum and, on request, per-commodity flows on instance edges.
#[derive(Clone, Debug)]
pub struct LpSolution {
    /// Optimal splittable MLU.
    pub mlu: f64,
    /// `flows[k]` = `(edge index, volume in the instance's units)` with volume > 0.
    pub flows: Option<Vec<Vec<(usize, f64)>>>,
}

/// Solves the splittable MLU LP of `inst`.
pub fn solve_lp(inst: &Instance, graph: &Graph, per_commodity: bool) -> Result<LpSolution> {
    let scale = inst.max_capacity();
    let n = inst.num_nodes;
    // groups: (source, [(sink, normalised demand)]) and, per group, the commodities it carries
    let mut groups: Vec<(usize, Vec<(usize, f64)>)> = Vec::new();
    for c in &inst.commodities {
        let d = c.demand / scale;
        match groups.iter_mut().find(|g| !per_commodity && g.0 == c.src) {
            Some(g) => g.1.push((c.dst, d)),
            None => groups.push((c.src, vec![(c.dst, d)])),
        }
    }
    let nl = graph.links.len();
    let mut pb = RowProblem::default();
    let u = pb.add_column(1.0, 0.0..);
    // f[g * nl + l]
    let f: Vec<_> = (0..groups.len() * nl).map(|_| pb.add_column(0.0, 0.0..)).collect();
    for (gi, (src, sinks)) in groups.iter().enumerate() {
        let mut supply = vec![0.0; n];
        for &(t, d) in sinks {
            supply[*src] += d;
            supply[t] -= d;
        }
        for (v, &b) in supply.iter().enumerate() {
            let mut row: Vec<_> = graph.out[v].iter().map(|&l| (f[gi * nl + l], 1.0)).collect();
            row.extend(graph.inc[v].iter().map(|&l| (f[gi * nl + l], -1.0)));
            if !row.is_empty() {
                pb.add_row(b..=b, row);
            } else if b != 0.0 {
                return Err(Error::Solver(format!("node {v} has demand but no edges")));
            }
        }
    }
    for (l, link) in graph.links.iter().enumerate() {
        let mut row: Vec<_> = (0..groups.len()).map(|g| (f[g * nl + l], 1.0)).collect();
        row.push((u, -link.capacity / scale));
        pb.add_row(..=0.0, row);
    }
    let mut model = pb.optimise(Sense::Minimise);
    model.make_quiet();
    let solved = model.try_solve().map_err(|s| Error::Solver(format!("HiGHS failed: {s:?}")))?;
    if solved.status() != HighsModelStatus::Optimal {
        return Err(Error::Solver(format!("LP ended with status {:?}", solved.status())));
    }
    let x = solved.get_solution().columns().to_vec();
    let flows = per_commodity.then(|| {
        (0..groups.len())
            .map(|g| {
                let mut out = Vec::new();
                for (l, link) in graph.links.iter().enumerate() {
                    let v = x[f[g * nl + l].index()] * scale;
                    if v > 1e-9 * scale {
                        link.edges.iter().for_each(|&e| out.push((e, v * inst.edges[e].capacity / link.capacity)));
                    }
                }
                out.sort_by_key(|p| p.0);
                out
            })
            .collect()
    });
    Ok(LpSolution { mlu: x[u.index()], flows })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::te::evaluate::{evaluate, Routing};

    #[test]
    fn lp_splits_over_two_paths() {
        // 0→2 directly (cap 10) or via 1 (cap 10); demand 15 splits 10:5... optimum U = 0.75.
        let t = r#"{"nodes":3,"edges":[{"src":0,"dst":2,"capacity":10},{"src":0,"dst":1,"capacity":10},{"src":1,"dst":2,"capacity":10}],"commodities":[{"src":0,"dst":2,"demand":15}]}"#;
        let i = Instance::parse_jsonl(t, 1).unwrap().remove(0);
        let g = i.graph();
        let s = solve_lp(&i, &g, true).unwrap();
        assert!((s.mlu - 0.75).abs() < 1e-9, "{}", s.mlu);
        let e = evaluate(&i, &g, &Routing::Flows(s.flows.unwrap()));
        assert!(e.complete);
        assert!((e.mlu - s.mlu).abs() < 1e-7);
        let agg = solve_lp(&i, &g, false).unwrap();
        assert!((agg.mlu - 0.75).abs() < 1e-9);
    }
}
