//! Helpers shared by the unit tests.

use crate::evaluate::{evaluate, Routing};
use crate::graph::Graph;
use crate::instance::Instance;

/// Greedy's trap: greedy puts the first demand (5) on the wide direct link 0→2, so the second (6)
/// must take the narrow detour 0→1→2 (MLU 1.0); the optimum swaps them (MLU 5/6).
pub const TRAP: &str = r#"{"id":7,"nodes":3,"edges":[{"src":0,"dst":2,"capacity":10},{"src":0,"dst":1,"capacity":6},{"src":1,"dst":2,"capacity":6}],"commodities":[{"src":0,"dst":2,"demand":5},{"src":0,"dst":2,"demand":6}]}"#;

/// Parses one instance and builds its graph.
pub fn instance(json: &str) -> (Instance, Graph) {
    let i = Instance::parse_jsonl(json, 1).unwrap().remove(0);
    let g = Graph::new(&i);
    (i, g)
}

/// The evaluator's MLU of a path set.
pub fn mlu_of(inst: &Instance, graph: &Graph, paths: &[Vec<usize>]) -> f64 {
    evaluate(inst, graph, &Routing::Paths(paths.iter().cloned().map(Some).collect())).mlu
}
