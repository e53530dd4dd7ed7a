//! The test reference of the splittable LP: the edge-formulation multicommodity-flow LP, solved
//! with HiGHS in one go (the exact optimum the column-generation LP of `lp.rs` must match).
//!
//! min U  s.t.  flow conservation per source at every node (the flows of the commodities with the
//! same source aggregated, the smallest exact formulation),  Σ_sources f_l ≤ U·c_l,  f ≥ 0.
//! Capacities and demands are divided by the largest capacity first.

use highs::{HighsModelStatus, RowProblem, Sense};

use crate::te::graph::Graph;
use crate::te::instance::Instance;

/// The splittable optimum MLU of `inst` (panics if HiGHS does not prove one).
pub fn edge_lp_mlu(inst: &Instance, graph: &Graph) -> f64 {
    let scale = inst.max_capacity();
    let n = inst.num_nodes;
    // groups: (source, [(sink, normalised demand)])
    let mut groups: Vec<(usize, Vec<(usize, f64)>)> = Vec::new();
    for c in &inst.commodities {
        let d = c.demand / scale;
        match groups.iter_mut().find(|g| g.0 == c.src) {
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
            pb.add_row(b..=b, row);
        }
    }
    for (l, link) in graph.links.iter().enumerate() {
        let mut row: Vec<_> = (0..groups.len()).map(|g| (f[g * nl + l], 1.0)).collect();
        row.push((u, -link.capacity / scale));
        pb.add_row(..=0.0, row);
    }
    let mut model = pb.optimise(Sense::Minimise);
    model.make_quiet();
    let solved = model.solve();
    assert_eq!(solved.status(), HighsModelStatus::Optimal);
    solved.get_solution().columns()[u.index()]
}
