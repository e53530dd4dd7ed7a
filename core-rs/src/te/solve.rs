//! The solver front: one method, one instance → one solution in the JSON form of docs/design.md; batches
//! are solved in parallel over a fixed number of threads with the output order preserved.

use std::time::Instant;

use rayon::prelude::*;
use serde::Deserialize;
use serde_json::{json, Map, Value};

use crate::error::{Error, Result};
use crate::te::evaluate::{evaluate, Routing};
use crate::te::greedy::{greedy_ls_paths, greedy_paths};
use crate::te::instance::Instance;
use crate::te::lp::{solve_lp, LpOptions};
use crate::te::milp::{solve_milp, MilpOptions};
use crate::te::shortest_path::shortest_paths;

/// The routing methods.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Method {
    /// Exact unsplittable optimum (HiGHS MILP).
    Milp,
    /// Splittable optimum, the lower bound (path LP by column generation over HiGHS).
    Lp,
    /// Hop shortest path.
    Sp,
    /// Sequential greedy minimax routing.
    Greedy,
    /// The greedy routing improved by local search ([`greedy_ls_paths`]; the MILP's start).
    #[serde(rename = "greedy_ls")]
    GreedyLs,
}

impl Method {
    /// The name used in JSON.
    pub fn name(self) -> &'static str {
        match self {
            Method::Milp => "milp",
            Method::Lp => "lp",
            Method::Sp => "sp",
            Method::Greedy => "greedy",
            Method::GreedyLs => "greedy_ls",
        }
    }
}

/// Options of a solve call (JSON from the CLI; unknown keys are rejected).
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SolveOptions {
    /// Which method.
    pub method: Method,
    /// MILP and LP time limit in seconds per instance.
    #[serde(default)]
    pub time_limit: Option<f64>,
    /// MILP relative gap.
    #[serde(default = "_default_gap")]
    pub mip_gap: f64,
    /// LP: report per-commodity flows.
    #[serde(default)]
    pub flows: bool,
    /// Worker threads for a batch (0 = all cores).
    #[serde(default)]
    pub threads: usize,
}

fn _default_gap() -> f64 {
    1e-6
}

/// Solves one instance and returns its solution object.
pub fn solve(inst: &Instance, opts: &SolveOptions) -> Result<Value> {
    let t0 = Instant::now();
    let graph = inst.graph();
    let mut extra = Map::new();
    let routing = match opts.method {
        Method::Sp => Routing::Paths(shortest_paths(inst, &graph).into_iter().map(Some).collect()),
        Method::Greedy => Routing::Paths(greedy_paths(inst, &graph).into_iter().map(Some).collect()),
        Method::GreedyLs => Routing::Paths(greedy_ls_paths(inst, &graph).into_iter().map(Some).collect()),
        Method::Milp => {
            let start = greedy_ls_paths(inst, &graph);
            let s = solve_milp(inst, &graph, &start, &MilpOptions { time_limit: opts.time_limit, mip_gap: opts.mip_gap })?;
            extra.insert("optimal".into(), s.optimal.into());
            extra.insert("bound".into(), s.bound.into());
            Routing::Paths(s.paths.into_iter().map(Some).collect())
        }
        Method::Lp => {
            let s = solve_lp(inst, &graph, &LpOptions { time_limit: opts.time_limit, flows: opts.flows })?;
            extra.insert("optimal".into(), s.optimal.into());
            extra.insert("bound".into(), s.bound.into());
            extra.insert("gap".into(), s.gap.into());
            extra.insert("iterations".into(), s.iterations.into());
            extra.insert("columns".into(), s.columns.into());
            match s.flows {
                Some(f) => Routing::Flows(f),
                None => {
                    return Ok(_solution(inst, opts.method, s.mlu, true, None, t0, extra));
                }
            }
        }
    };
    let ev = evaluate(inst, &graph, &routing);
    if let (Some(b), Method::Milp) = (extra.get("bound").and_then(Value::as_f64), opts.method) {
        extra.insert("gap".into(), (if ev.mlu > 0.0 { ((ev.mlu - b) / ev.mlu).max(0.0) } else { 0.0 }).into());
    }
    Ok(_solution(inst, opts.method, ev.mlu, ev.complete, Some(&routing), t0, extra))
}

fn _solution(
    inst: &Instance,
    method: Method,
    mlu: f64,
    complete: bool,
    routing: Option<&Routing>,
    t0: Instant,
    extra: Map<String, Value>,
) -> Value {
    let mut m = Map::new();
    if let Some(id) = &inst.id {
        m.insert("id".into(), id.clone());
    }
    m.insert("method".into(), method.name().into());
    m.insert("mlu".into(), mlu.into());
    m.insert("complete".into(), complete.into());
    match routing {
        Some(Routing::Paths(p)) => {
            m.insert("paths".into(), json!(p));
        }
        Some(Routing::Flows(f)) => {
            let flows: Vec<Value> =
                f.iter().map(|fk| Value::Array(fk.iter().map(|&(e, x)| json!({"edge": e, "flow": x})).collect())).collect();
            m.insert("flows".into(), Value::Array(flows));
        }
        None => {}
    }
    m.insert("time_ms".into(), (t0.elapsed().as_secs_f64() * 1e3).into());
    m.extend(extra);
    Value::Object(m)
}

/// Solves `insts` in parallel on `opts.threads` threads; results keep the input order.
pub fn solve_batch(insts: &[Instance], opts: &SolveOptions) -> Result<Vec<Value>> {
    if opts.mip_gap.is_nan() || opts.mip_gap < 0.0 || opts.time_limit.is_some_and(|t| t.is_nan() || t <= 0.0) {
        return Err(Error::Usage("mip_gap must be ≥ 0 and time_limit > 0".into()));
    }
    let pool = rayon::ThreadPoolBuilder::new().num_threads(opts.threads).build().map_err(|e| Error::Usage(format!("thread pool: {e}")))?;
    pool.install(|| insts.par_iter().map(|i| solve(i, opts)).collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_method_reports_the_evaluated_mlu() {
        let insts = Instance::parse_jsonl(crate::testing::TRAP, 1).unwrap();
        let g = insts[0].graph();
        for m in ["sp", "greedy", "greedy_ls", "milp", "lp"] {
            let opts: SolveOptions = serde_json::from_value(json!({"method": m, "flows": true, "threads": 2})).unwrap();
            let out = solve_batch(&insts, &opts).unwrap().remove(0);
            assert_eq!(out["id"], 7);
            let routing = if m == "lp" {
                let flows = out["flows"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .map(|f| {
                        f.as_array().unwrap().iter().map(|x| (x["edge"].as_u64().unwrap() as usize, x["flow"].as_f64().unwrap())).collect()
                    })
                    .collect();
                Routing::Flows(flows)
            } else {
                Routing::Paths(serde_json::from_value(out["paths"].clone()).unwrap())
            };
            let ev = evaluate(&insts[0], &g, &routing);
            assert!((ev.mlu - out["mlu"].as_f64().unwrap()).abs() < 1e-7, "{m}");
            assert!(ev.complete);
        }
        let bad: std::result::Result<SolveOptions, _> = serde_json::from_value(json!({"method": "sp", "bogus": 1}));
        assert!(bad.is_err());
    }
}
