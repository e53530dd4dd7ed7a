//! Helpers shared by the unit tests.

use crate::te::evaluate::{evaluate, Routing};
use crate::te::graph::Graph;
use crate::te::instance::Instance;

/// Greedy's trap: greedy puts the first demand (5) on the wide direct link 0→2, so the second (6)
/// must take the narrow detour 0→1→2 (MLU 1.0); the optimum swaps them (MLU 5/6).
pub const TRAP: &str = r#"{"id":7,"nodes":3,"edges":[{"src":0,"dst":2,"capacity":10},{"src":0,"dst":1,"capacity":6},{"src":1,"dst":2,"capacity":6}],"commodities":[{"src":0,"dst":2,"demand":5},{"src":0,"dst":2,"demand":6}]}"#;

/// Parses one instance and builds its graph.
pub fn instance(json: &str) -> (Instance, Graph) {
    let i = Instance::parse_jsonl(json, 1).unwrap().remove(0);
    let g = i.graph();
    (i, g)
}

/// The evaluator's MLU of a path set.
pub fn mlu_of(inst: &Instance, graph: &Graph, paths: &[Vec<usize>]) -> f64 {
    evaluate(inst, graph, &Routing::Paths(paths.iter().cloned().map(Some).collect())).mlu
}

/// An f64 tensor of the given shape with entries uniform in [-1, 1) from `seed`.
pub fn seeded_tensor(seed: u64, shape: &[usize]) -> candle_core::Tensor {
    let mut rng = crate::rng::Rng::new(seed);
    let n: usize = shape.iter().product();
    let v: Vec<f64> = (0..n).map(|_| 2.0 * rng.unit() - 1.0).collect();
    candle_core::Tensor::from_vec(v, shape, &candle_core::Device::Cpu).unwrap()
}

/// Checks the autograd gradient of the scalar `f(inputs)` with respect to every input (f64)
/// against central finite differences (step 1e-6, tolerance 1e-6 relative to the larger side + 1e-7).
pub fn finite_difference_check(
    inputs: &[candle_core::Tensor],
    f: impl Fn(&[candle_core::Tensor]) -> candle_core::Result<candle_core::Tensor>,
) {
    use candle_core::Var;
    let vars: Vec<Var> = inputs.iter().map(|t| Var::from_tensor(t).unwrap()).collect();
    let ts: Vec<candle_core::Tensor> = vars.iter().map(|v| v.as_tensor().clone()).collect();
    let grads = f(&ts).unwrap().backward().unwrap();
    let h = 1e-6;
    for (i, v) in vars.iter().enumerate() {
        let analytic = grads.get(v).expect("no gradient").flatten_all().unwrap().to_vec1::<f64>().unwrap();
        let base = v.as_tensor().flatten_all().unwrap().to_vec1::<f64>().unwrap();
        for k in 0..base.len() {
            let eval = |delta: f64| {
                let mut p = base.clone();
                p[k] += delta;
                let mut args: Vec<candle_core::Tensor> = inputs.iter().map(|t| t.detach()).collect();
                args[i] = candle_core::Tensor::from_vec(p, inputs[i].shape(), &candle_core::Device::Cpu).unwrap();
                f(&args).unwrap().to_scalar::<f64>().unwrap()
            };
            let numeric = (eval(h) - eval(-h)) / (2.0 * h);
            let tol = 1e-6 * numeric.abs().max(analytic[k].abs()) + 1e-7;
            assert!(
                (numeric - analytic[k]).abs() <= tol.max(1e-5),
                "input {i} entry {k}: autograd {} vs finite difference {numeric}",
                analytic[k]
            );
        }
    }
}
