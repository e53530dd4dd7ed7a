//! The unsplittable optimum: one path per commodity, any simple path, solved exactly with HiGHS.
//!
//! Binaries y[k,l] (commodity k uses link l), unit flow conservation per commodity, at most one
//! outgoing link per node and commodity, Σ_k d_k·y[k,l] ≤ U·c_l, min U. Links into a source or
//! out of a destination are left out. The greedy routing is passed as the starting incumbent, so a
//! time limit always returns a path set. Paths are read off y from the source (stray cycles that
//! the objective does not see are dropped, which can only lower the load).

use std::ffi::CStr;

use highs::{HighsModelStatus, HighsSolutionStatus, RowProblem, Sense};

use crate::error::{Error, Result};
use crate::te::graph::Graph;
use crate::te::instance::Instance;

/// Options of the MILP.
#[derive(Clone, Debug)]
pub struct MilpOptions {
    /// Wall-clock limit in seconds (`None` = no limit).
    pub time_limit: Option<f64>,
    /// Relative optimality gap at which HiGHS stops.
    pub mip_gap: f64,
}

/// Result of the MILP.
#[derive(Clone, Debug)]
pub struct MilpSolution {
    /// One node path per commodity.
    pub paths: Vec<Vec<usize>>,
    /// Proven optimal (within `mip_gap`).
    pub optimal: bool,
    /// Proven lower bound on the unsplittable MLU.
    pub bound: f64,
}

/// Solves the unsplittable MLU problem of `inst`, starting from the `start` paths.
pub fn solve_milp(inst: &Instance, graph: &Graph, start: &[Vec<usize>], opts: &MilpOptions) -> Result<MilpSolution> {
    let scale = inst.max_capacity();
    let nl = graph.links.len();
    let mut pb = RowProblem::default();
    let u = pb.add_column(1.0, 0.0..);
    // y[k][l]: None where the link cannot be used by commodity k
    let y: Vec<Vec<Option<highs::Col>>> = inst
        .commodities
        .iter()
        .map(|c| graph.links.iter().map(|l| (l.dst != c.src && l.src != c.dst).then(|| pb.add_integer_column(0.0, 0..=1))).collect())
        .collect();
    for (k, c) in inst.commodities.iter().enumerate() {
        for v in 0..inst.num_nodes {
            let outs: Vec<_> = graph.out[v].iter().filter_map(|&l| y[k][l].map(|x| (x, 1.0))).collect();
            let mut row = outs.clone();
            row.extend(graph.inc[v].iter().filter_map(|&l| y[k][l].map(|x| (x, -1.0))));
            let b = if v == c.src {
                1.0
            } else if v == c.dst {
                -1.0
            } else {
                0.0
            };
            if !row.is_empty() {
                pb.add_row(b..=b, row);
            }
            if outs.len() > 1 {
                pb.add_row(..=1.0, outs);
            }
        }
    }
    for (l, link) in graph.links.iter().enumerate() {
        let mut row: Vec<_> = inst.commodities.iter().enumerate().filter_map(|(k, c)| y[k][l].map(|x| (x, c.demand / scale))).collect();
        row.push((u, -link.capacity / scale));
        pb.add_row(..=0.0, row);
    }
    // incumbent from the start paths
    let mut x0 = vec![0.0; pb.num_cols()];
    let mut load = vec![0.0; nl];
    for (k, p) in start.iter().enumerate() {
        for l in graph.path_links(p).ok_or_else(|| Error::Solver("start path is not a path".into()))? {
            if let Some(col) = y[k][l] {
                x0[col.index()] = 1.0;
            }
            load[l] += inst.commodities[k].demand / scale;
        }
    }
    x0[u.index()] = (0..nl).map(|l| load[l] / (graph.links[l].capacity / scale)).fold(0.0, f64::max);

    let mut model = pb.optimise(Sense::Minimise);
    model.make_quiet();
    let set =
        |m: &mut highs::Model, name: &str, v: f64| m.try_set_option(name, v).map_err(|e| Error::Solver(format!("option {name}: {e:?}")));
    set(&mut model, "mip_rel_gap", opts.mip_gap)?;
    if let Some(t) = opts.time_limit {
        set(&mut model, "time_limit", t)?;
    }
    model.try_set_solution(Some(&x0), None, None, None).map_err(|s| Error::Solver(format!("warm start: {s:?}")))?;
    let solved = model.try_solve().map_err(|s| Error::Solver(format!("HiGHS failed: {s:?}")))?;
    let status = solved.status();
    let optimal = status == HighsModelStatus::Optimal;
    if !optimal && status != HighsModelStatus::ReachedTimeLimit {
        return Err(Error::Solver(format!("MILP ended with status {status:?}")));
    }
    let info = |name: &CStr| solved.double_info_value(name).unwrap_or(f64::NAN);
    let bound = info(c"mip_dual_bound");
    let x = solved.get_solution().columns().to_vec();
    let paths = if x.len() == x0.len() && solved.primal_solution_status() == HighsSolutionStatus::Feasible {
        inst.commodities
            .iter()
            .enumerate()
            .map(|(k, c)| _trace(graph, &y[k], &x, c.src, c.dst))
            .collect::<Option<Vec<_>>>()
            .unwrap_or_else(|| start.to_vec())
    } else {
        start.to_vec()
    };
    Ok(MilpSolution { paths: _canonical(inst, graph, paths), optimal, bound: if bound.is_finite() { bound.max(0.0) } else { 0.0 } })
}

/// Replaces each path, in commodity order, by the lexicographically smallest fewest-hop path whose
/// links stay within the routing's own MLU. The MLU does not change, but the many equally optimal
/// routings (commodities off the bottleneck may wander) collapse into one canonical choice — what a
/// model imitating the MILP can learn.
fn _canonical(inst: &Instance, graph: &Graph, mut paths: Vec<Vec<usize>>) -> Vec<Vec<usize>> {
    let mut load = vec![0.0f64; graph.links.len()];
    let links: Vec<Vec<usize>> = paths.iter().map(|p| graph.path_links(p).unwrap_or_default()).collect();
    for (k, ls) in links.iter().enumerate() {
        ls.iter().for_each(|&l| load[l] += inst.commodities[k].demand);
    }
    let mlu = load.iter().zip(&graph.links).map(|(x, l)| x / l.capacity).fold(0.0, f64::max);
    for (k, c) in inst.commodities.iter().enumerate() {
        let Some(old) = graph.path_links(&paths[k]) else { continue };
        old.iter().for_each(|&l| load[l] -= c.demand);
        let fits = |l: usize| (load[l] + c.demand) / graph.links[l].capacity <= mlu * (1.0 + 1e-9);
        if let Some(p) = graph.bfs_path(c.src, c.dst, fits) {
            paths[k] = p;
        }
        graph.path_links(&paths[k]).unwrap_or_default().iter().for_each(|&l| load[l] += c.demand);
    }
    paths
}

/// Follows the chosen links of one commodity from `src` to `dst`.
fn _trace(graph: &Graph, y: &[Option<highs::Col>], x: &[f64], src: usize, dst: usize) -> Option<Vec<usize>> {
    let mut path = vec![src];
    let mut seen = vec![false; graph.num_nodes];
    seen[src] = true;
    let mut v = src;
    while v != dst {
        let l = *graph.out[v].iter().find(|&&l| y[l].is_some_and(|c| x[c.index()] > 0.5))?;
        v = graph.links[l].dst;
        if std::mem::replace(&mut seen[v], true) {
            return None;
        }
        path.push(v);
    }
    Some(path)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::te::evaluate::{evaluate, Routing};
    use crate::te::greedy::greedy_paths;
    use crate::testing::{instance, mlu_of, TRAP};

    #[test]
    fn milp_beats_greedy_on_a_trap() {
        let (i, g) = instance(TRAP);
        let start = greedy_paths(&i, &g);
        assert!((mlu_of(&i, &g, &start) - 1.0).abs() < 1e-9);
        let s = solve_milp(&i, &g, &start, &MilpOptions { time_limit: None, mip_gap: 1e-6 }).unwrap();
        assert!(s.optimal);
        let e = evaluate(&i, &g, &Routing::Paths(s.paths.iter().cloned().map(Some).collect()));
        assert!(e.complete);
        assert!((e.mlu - 5.0 / 6.0).abs() < 1e-9, "{}", e.mlu);
        assert!((s.bound - 5.0 / 6.0).abs() < 1e-6);
    }
}
