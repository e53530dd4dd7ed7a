//! The splittable lower bound: the path-based multicommodity-flow LP, solved by column generation
//! with HiGHS.
//!
//! Commodities with the same source and destination are one *pair* k with the summed demand d_k.
//! The master LP over a set of paths P_k per pair is
//!
//! min U  s.t.  Σ_{p∈P_k} λ_p = 1 per pair (its duals σ_k),  Σ_k d_k Σ_{p∈P_k, p∋l} λ_p ≤ U·c_l per
//! link (its duals −y_l, y ≥ 0),  λ ≥ 0,
//!
//! with capacities and demands divided by the largest capacity; U is not bounded by 1. It starts
//! from each pair's hop-shortest path and its commodities' greedy paths. Each round solves the
//! master, builds one shortest-path tree under the link lengths y per source (it serves every pair
//! of that source; among the shortest it takes the fewest hops, since most links' y is 0), and adds each pair's tree path whose reduced cost d_k·dist_y(s_k, t_k) − σ_k is
//! negative; the next solve starts from the last basis (columns added to the same HiGHS model keep
//! it). When no path prices out, the master's optimum is the LP's: exact.
//!
//! Every round also gives a lower bound. For y ≥ 0 scaled so that Σ_l y_l·c_l = 1, any splittable
//! routing with MLU U loads the links with f_l ≤ U·c_l, so U ≥ Σ_l y_l·f_l ≥ Σ_k d_k·dist_y(s_k, t_k)
//! (each unit of demand pays at least its shortest distance): the Lagrangian bound. A run stopped
//! by its time limit (checked between rounds) reports the master's MLU, a feasible routing's, the
//! best such bound and their gap.

use std::collections::HashSet;
use std::time::Instant;

use highs::{ColProblem, HighsModelStatus, Model, Row, Sense};

use crate::error::{Error, Result};
use crate::te::graph::Graph;
use crate::te::greedy::greedy_paths;
use crate::te::instance::Instance;
use crate::te::shortest_path::shortest_paths;
use crate::te::shortest_path_tree::ShortestPathTree;

/// Options of the LP.
#[derive(Clone, Debug)]
pub struct LpOptions {
    /// Wall-clock limit in seconds, checked between rounds (`None` = until optimal).
    pub time_limit: Option<f64>,
    /// Report per-commodity flows.
    pub flows: bool,
}

/// The LP's result: its optimum or, at the time limit, the best routing found and a lower bound.
#[derive(Clone, Debug)]
pub struct LpSolution {
    /// MLU of the master's splittable routing: the optimum when `optimal`.
    pub mlu: f64,
    /// Proven optimal: no path prices out, or the bound meets `mlu`.
    pub optimal: bool,
    /// Lower bound on the splittable optimum (`mlu` when `optimal`).
    pub bound: f64,
    /// (mlu − bound) / mlu (0 when `optimal`).
    pub gap: f64,
    /// Master solves.
    pub iterations: usize,
    /// Path columns in the final master.
    pub columns: usize,
    /// On request, `flows[k]` = `(edge index, volume in the instance's units)` with volume > 0.
    pub flows: Option<Vec<Vec<(usize, f64)>>>,
}

/// Commodities with the same source and destination.
struct _Pair {
    src: usize,
    dst: usize,
    /// Normalised summed demand.
    demand: f64,
    /// The commodities it holds.
    commodities: Vec<usize>,
}

/// The master LP and its path columns.
struct _Master {
    model: Model,
    pair_rows: Vec<Row>,
    link_rows: Vec<Row>,
    /// (pair, links) per column, in column order after U.
    paths: Vec<(usize, Vec<usize>)>,
    seen: HashSet<(usize, Vec<usize>)>,
}

impl _Master {
    /// Adds the path `links` of pair `k` unless it is a column already; says whether it was added.
    fn add(&mut self, pairs: &[_Pair], k: usize, links: Vec<usize>) -> bool {
        if !self.seen.insert((k, links.clone())) {
            return false;
        }
        let d = pairs[k].demand;
        let rows = std::iter::once((self.pair_rows[k], 1.0)).chain(links.iter().map(|&l| (self.link_rows[l], d)));
        self.model.add_col(0.0, 0.0.., rows);
        self.paths.push((k, links));
        true
    }
}

/// Solves the splittable MLU LP of `inst` by column generation.
pub fn solve_lp(inst: &Instance, graph: &Graph, opts: &LpOptions) -> Result<LpSolution> {
    let t0 = Instant::now();
    let scale = inst.max_capacity();
    let mut pairs: Vec<_Pair> = Vec::new();
    let mut pair_of = std::collections::HashMap::new();
    for (i, c) in inst.commodities.iter().enumerate() {
        let k = *pair_of.entry((c.src, c.dst)).or_insert_with(|| {
            pairs.push(_Pair { src: c.src, dst: c.dst, demand: 0.0, commodities: Vec::new() });
            pairs.len() - 1
        });
        pairs[k].demand += c.demand / scale;
        pairs[k].commodities.push(i);
    }
    let mut sources: Vec<usize> = pairs.iter().map(|p| p.src).collect();
    sources.sort_unstable();
    sources.dedup();
    let mut of_source = vec![Vec::new(); inst.num_nodes];
    pairs.iter().enumerate().for_each(|(k, p)| of_source[p.src].push(k));

    let mut pb = ColProblem::default();
    let pair_rows: Vec<Row> = pairs.iter().map(|_| pb.add_row(1.0..=1.0)).collect();
    let link_rows: Vec<Row> = graph.links.iter().map(|_| pb.add_row(..=0.0)).collect();
    pb.add_column(1.0, 0.0.., link_rows.iter().zip(&graph.links).map(|(&r, l)| (r, -l.capacity / scale)));
    let mut model = pb.optimise(Sense::Minimise);
    model.make_quiet();
    // Added columns leave the basis primal feasible: primal simplex goes on from it (on Kdl, 4 to 5
    // times faster than HiGHS's default dual simplex).
    model.try_set_option("simplex_strategy", 4).map_err(|e| Error::Solver(format!("option simplex_strategy: {e:?}")))?;
    let mut master = _Master { model, pair_rows, link_rows, paths: Vec::new(), seen: HashSet::new() };
    let starts = shortest_paths(inst, graph).into_iter().zip(greedy_paths(inst, graph));
    for (i, (sp, greedy)) in starts.enumerate() {
        let k = pair_of[&(inst.commodities[i].src, inst.commodities[i].dst)];
        for p in [sp, greedy] {
            master.add(&pairs, k, graph.path_links(&p).expect("paths follow links"));
        }
    }

    let mut bound = 0.0f64;
    let mut iterations = 0;
    loop {
        let solved = master.model.try_solve().map_err(|s| Error::Solver(format!("HiGHS failed: {s:?}")))?;
        iterations += 1;
        if solved.status() != HighsModelStatus::Optimal {
            return Err(Error::Solver(format!("LP master ended with status {:?}", solved.status())));
        }
        let sol = solved.get_solution();
        let u = sol.columns()[0];
        let duals = sol.dual_rows();
        let (sigma, link_duals) = duals.split_at(pairs.len());
        let y: Vec<f64> = link_duals.iter().map(|&x| if x < 0.0 { -x } else { 0.0 }).collect();
        let weight: f64 = y.iter().zip(&graph.links).map(|(y, l)| y * l.capacity / scale).sum();
        // price every pair on its source's tree; the bound needs all distances, so no early exit
        let mut lagrangian = 0.0;
        let mut priced = Vec::new();
        for &s in &sources {
            let tree = ShortestPathTree::new(graph, s, &y);
            for &k in &of_source[s] {
                let p = &pairs[k];
                let dist = tree.dist[p.dst];
                lagrangian += p.demand * dist;
                if p.demand * dist < sigma[k] - 1e-9 * sigma[k].abs().max(1e-9) {
                    priced.push((k, tree.links_to(graph, p.dst).expect("validated instances are routable")));
                }
            }
        }
        if weight > 0.0 {
            bound = bound.max(lagrangian / weight);
        }
        master.model = Model::from(solved);
        let mut added = 0;
        for (k, links) in priced {
            added += usize::from(master.add(&pairs, k, links));
        }
        let optimal = added == 0 || u - bound <= 1e-9 * u;
        let out_of_time = opts.time_limit.is_some_and(|t| t0.elapsed().as_secs_f64() >= t);
        if optimal || out_of_time {
            let lambda = &sol.columns()[1..];
            let bound = if optimal { u } else { bound.min(u) };
            return Ok(LpSolution {
                mlu: u,
                optimal,
                bound,
                gap: if u > 0.0 { (u - bound) / u } else { 0.0 },
                iterations,
                columns: master.paths.len() - added,
                flows: opts.flows.then(|| _flows(inst, graph, &pairs, &master.paths, lambda)),
            });
        }
    }
}

/// Per-commodity flows on instance edges of the master's solution `lambda` (the columns solved,
/// a prefix of `paths`): each commodity of a pair takes its share of the pair's paths, and each
/// link's flow spreads over its edges in proportion to capacity.
fn _flows(inst: &Instance, graph: &Graph, pairs: &[_Pair], paths: &[(usize, Vec<usize>)], lambda: &[f64]) -> Vec<Vec<(usize, f64)>> {
    let mut on_link: Vec<Vec<f64>> = pairs.iter().map(|_| Vec::new()).collect();
    for ((k, links), &x) in paths.iter().zip(lambda) {
        if x > 1e-12 {
            let f = &mut on_link[*k];
            if f.is_empty() {
                f.resize(graph.links.len(), 0.0);
            }
            links.iter().for_each(|&l| f[l] += x);
        }
    }
    let mut flows = vec![Vec::new(); inst.commodities.len()];
    for (k, p) in pairs.iter().enumerate() {
        for &i in &p.commodities {
            let d = inst.commodities[i].demand;
            let mut out: Vec<(usize, f64)> = Vec::new();
            for (l, &x) in on_link[k].iter().enumerate() {
                if x > 1e-9 {
                    let link = &graph.links[l];
                    link.edges.iter().for_each(|&e| out.push((e, x * d * inst.edges[e].capacity / link.capacity)));
                }
            }
            out.sort_by_key(|p| p.0);
            flows[i] = out;
        }
    }
    flows
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::te::edge_lp::edge_lp_mlu;
    use crate::te::evaluate::{evaluate, Routing};
    use crate::te::generate::{GenOptions, TopologyKind, Traffic};
    use crate::testing::{instance, TRAP};

    const EXACT: LpOptions = LpOptions { time_limit: None, flows: true };

    /// Checks an exact run against `want`: the bound, the gap and the evaluated flows agree.
    fn check_exact(inst: &Instance, want: f64) -> LpSolution {
        let g = inst.graph();
        let s = solve_lp(inst, &g, &EXACT).unwrap();
        assert!(s.optimal);
        assert!((s.mlu - want).abs() <= 1e-6 * want.max(1.0), "column generation {} vs {want}", s.mlu);
        assert_eq!((s.bound, s.gap), (s.mlu, 0.0));
        let e = evaluate(inst, &g, &Routing::Flows(s.flows.clone().unwrap()));
        assert!(e.complete, "{:?}", e.problems);
        assert!((e.mlu - s.mlu).abs() <= 1e-7 * s.mlu.max(1.0), "flows give {} vs {}", e.mlu, s.mlu);
        s
    }

    #[test]
    fn known_small_optima() {
        // 0→2 directly (cap 10) or via 1 (cap 10); demand 15 splits 10:5... optimum U = 0.75.
        let split = r#"{"nodes":3,"edges":[{"src":0,"dst":2,"capacity":10},{"src":0,"dst":1,"capacity":10},{"src":1,"dst":2,"capacity":10}],"commodities":[{"src":0,"dst":2,"demand":15}]}"#;
        let s = check_exact(&instance(split).0, 0.75);
        assert_eq!(s.columns, 2, "the direct path and the detour, priced in");
        assert!(s.iterations >= 2, "the start has only the direct path");
        // greedy's trap, as one pair of two commodities: 11 over the 10 + 6 cut
        let s = check_exact(&instance(TRAP).0, 11.0 / 16.0);
        let flows = s.flows.unwrap();
        let total = |k: usize| flows[k].iter().filter(|(e, _)| *e != 1).map(|(_, x)| x).sum::<f64>();
        assert!((total(0) - 5.0).abs() < 1e-9 && (total(1) - 6.0).abs() < 1e-9, "each commodity's demand arrives");
    }

    #[test]
    fn column_generation_matches_the_edge_lp_on_generated_instances() {
        let topologies = [TopologyKind::Nsfnet, TopologyKind::Nws, TopologyKind::Grid, TopologyKind::Waxman];
        let mut priced = 0;
        for topology in topologies {
            for (traffic, commodities, load) in [(Traffic::Pairs, 30, 1.0), (Traffic::Gravity, 80, 1.5)] {
                let o = GenOptions {
                    topology: topology.clone(),
                    nodes: 20,
                    commodities,
                    traffic,
                    load,
                    count: 3,
                    seed: 11,
                    ..Default::default()
                };
                for inst in Instance::parse_jsonl(&o.generate_jsonl().unwrap(), 1).unwrap() {
                    let s = check_exact(&inst, edge_lp_mlu(&inst, &inst.graph()));
                    priced += usize::from(s.iterations > 1);
                }
            }
        }
        assert!(priced >= 12, "most instances need priced columns, only {priced} of 24 did");
    }

    #[test]
    fn a_time_limit_returns_a_routing_and_a_bound_around_the_optimum() {
        let o = GenOptions {
            topology: TopologyKind::Grid,
            nodes: 30,
            commodities: 0,
            traffic: Traffic::Gravity,
            load: 1.5,
            count: 2,
            seed: 5,
            ..Default::default()
        };
        for inst in Instance::parse_jsonl(&o.generate_jsonl().unwrap(), 1).unwrap() {
            let g = inst.graph();
            let opt = edge_lp_mlu(&inst, &g);
            let s = solve_lp(&inst, &g, &LpOptions { time_limit: Some(1e-9), flows: false }).unwrap();
            assert_eq!(s.iterations, 1);
            assert!(!s.optimal && s.flows.is_none());
            assert!(s.bound > 0.0 && s.bound <= opt * (1.0 + 1e-9) && opt <= s.mlu * (1.0 + 1e-9), "{} ≤ {opt} ≤ {}", s.bound, s.mlu);
            assert!((s.gap - (s.mlu - s.bound) / s.mlu).abs() < 1e-12 && s.gap > 0.0);
        }
    }
}
