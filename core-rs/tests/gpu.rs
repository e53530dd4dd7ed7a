//! keiro's custom ops on CUDA against the CPU: for every op, the forward and the gradients of
//! `(op(x) ⊙ w).sum()` with respect to every input, on the same seeded inputs, agree to a relative
//! error of 1e-4 in f32 (`max|a − b| / max(1, max|a|)`, `a` the CPU's). Shapes are the NSFNET
//! model's (14 nodes, 42 links, batch 64, width 128 × 5) and edge cases (nodes without out-links,
//! widths that are not a multiple of 32).
//!
//! Built with `--features cuda`; each test opens CUDA device 0 and, when there is none, prints
//! "skipped: no CUDA device (…)" and passes. Build here, run on the GPU machine:
//! `cargo test -p keiro-core --features cuda --release --no-run` prints the binary's path.
#![cfg(feature = "cuda")]

use std::sync::Arc;

use candle_core::{DType, Device, Result, Tensor, Var};
use keiro_core::ops::batch_norm::{batch_norm, residual_batch_norm};
use keiro_core::ops::cgcnn_gate::cgcnn_gate;
use keiro_core::ops::edge_scores::{edge_scores, ScoreSpec};
use keiro_core::ops::gated_aggregate::gated_aggregate;
use keiro_core::ops::linear::linear;
use keiro_core::ops::link_index::LinkIndex;
use keiro_core::ops::link_sum::link_sum;
use keiro_core::ops::masked_log_softmax::masked_log_softmax;
use keiro_core::ops::soft_topk::soft_topk;
use keiro_core::ops::softplus::softplus;
use keiro_core::ops::sparse_dot::sparse_dot;
use keiro_core::ops::spmm::spmm;
use keiro_core::ops::weighted_softmax::weighted_softmax;

const TOL: f32 = 1e-4;

/// CUDA device 0, or `None` after printing why the test is skipped.
fn cuda() -> Option<Device> {
    match Device::new_cuda(0) {
        Ok(d) => Some(d),
        Err(e) => {
            println!("skipped: no CUDA device ({e})");
            None
        }
    }
}

/// A small deterministic generator (xorshift64*).
struct Rng(u64);

impl Rng {
    fn new(seed: u64) -> Rng {
        Rng(seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1)
    }

    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }

    /// Uniform in `[-1, 1)`.
    fn unit(&mut self) -> f32 {
        (self.next() >> 40) as f32 / (1u64 << 23) as f32 - 1.0
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
}

/// A CPU f32 tensor of `shape` with entries uniform in `[-scale, scale)`.
fn rand(seed: u64, shape: &[usize], scale: f32) -> Tensor {
    let mut rng = Rng::new(seed);
    let n: usize = shape.iter().product();
    Tensor::from_vec((0..n).map(|_| rng.unit() * scale).collect::<Vec<_>>(), shape, &Device::Cpu).unwrap()
}

/// `batch` copies of a random graph of `nodes` nodes and `links` links (no self-loops; the last
/// node of each copy has no out-links, so every copy has a node without out-links).
fn graph(seed: u64, nodes: usize, links: usize, batch: usize) -> Arc<LinkIndex> {
    let mut rng = Rng::new(seed);
    let base: Vec<(usize, usize)> = (0..links)
        .map(|_| {
            let s = rng.below(nodes - 1);
            let d = (s + 1 + rng.below(nodes - 1)) % nodes;
            (s, d)
        })
        .collect();
    let pairs: Vec<(usize, usize)> = (0..batch).flat_map(|b| base.iter().map(move |&(s, d)| (b * nodes + s, b * nodes + d))).collect();
    Arc::new(LinkIndex::sorted(nodes * batch, &pairs).unwrap().0)
}

/// `max|a − b| / max(1, max|a|)`.
fn rel_err(a: &Tensor, b: &Tensor) -> f32 {
    let (a, b) = (a.to_dtype(DType::F32).unwrap().flatten_all().unwrap(), b.to_dtype(DType::F32).unwrap().flatten_all().unwrap());
    let diff = (&a - &b).unwrap().abs().unwrap().max(0).unwrap().to_scalar::<f32>().unwrap();
    let top = a.abs().unwrap().max(0).unwrap().to_scalar::<f32>().unwrap();
    diff / top.max(1.0)
}

/// The output and the gradients of `(f(inputs) ⊙ w).sum()` (w seeded) on `dev`, back on the CPU.
fn run(dev: &Device, inputs: &[Tensor], f: &dyn Fn(&[Tensor]) -> Result<Tensor>) -> Result<(Tensor, Vec<Option<Tensor>>)> {
    let vars = inputs.iter().map(|t| Var::from_tensor(&t.to_device(dev)?)).collect::<Result<Vec<_>>>()?;
    let ts: Vec<Tensor> = vars.iter().map(|v| v.as_tensor().clone()).collect();
    let y = f(&ts)?;
    let w = rand(999, y.dims(), 1.0).to_dtype(y.dtype())?.to_device(dev)?;
    let grads = (&y * &w)?.sum_all()?.backward()?;
    let g = vars.iter().map(|v| grads.get(v).map(|g| g.to_device(&Device::Cpu)).transpose()).collect::<Result<Vec<_>>>()?;
    Ok((y.to_device(&Device::Cpu)?, g))
}

/// `f` on the CPU and on CUDA agree, forward and every input's gradient (see the module doc).
fn check(what: &str, inputs: &[Tensor], f: impl Fn(&[Tensor]) -> Result<Tensor>) {
    let Some(dev) = cuda() else { return };
    let (y_cpu, g_cpu) = run(&Device::Cpu, inputs, &f).unwrap_or_else(|e| panic!("{what} on the CPU: {e}"));
    let (y_gpu, g_gpu) = run(&dev, inputs, &f).unwrap_or_else(|e| panic!("{what} on CUDA: {e}"));
    assert_eq!(y_cpu.dims(), y_gpu.dims(), "{what}: output shapes");
    let e = rel_err(&y_cpu, &y_gpu);
    println!("{what}: forward {e:.2e}");
    assert!(e <= TOL, "{what}: forward relative error {e}");
    for (k, (a, b)) in g_cpu.iter().zip(&g_gpu).enumerate() {
        match (a, b) {
            (Some(a), Some(b)) => {
                let e = rel_err(a, b);
                println!("{what}: ∂input {k} {e:.2e}");
                assert!(e <= TOL, "{what}: gradient of input {k}, relative error {e}");
            }
            (None, None) => {}
            _ => panic!("{what}: input {k} has a gradient on one device only"),
        }
    }
}

/// NSFNET batch: 14 nodes, 42 links, 64 episodes.
fn nsfnet() -> Arc<LinkIndex> {
    graph(1, 14, 42, 64)
}

/// A small graph, with nodes without out-links.
fn small() -> Arc<LinkIndex> {
    graph(2, 5, 7, 3)
}

#[test]
fn gated_aggregate_sum_and_mean() {
    for (ix, w) in [(nsfnet(), 128 * 5), (small(), 37)] {
        for mean in [false, true] {
            let inputs = [rand(10, &[ix.num_links(), w], 2.0), rand(11, &[ix.num_nodes, w], 1.0)];
            check(&format!("gated_aggregate mean={mean} W={w}"), &inputs, |t| gated_aggregate(&t[0], &t[1], &ix, mean));
        }
    }
}

#[test]
fn link_sum_rows_and_both_scatters() {
    for (ix, c) in [(nsfnet(), 128 * 5), (small(), 37)] {
        let inputs = [rand(20, &[ix.num_links(), c], 1.0), rand(21, &[ix.num_nodes, c], 1.0), rand(22, &[ix.num_cols, c], 1.0)];
        check(&format!("link_sum C={c}"), &inputs, |t| link_sum(&t[0], &t[1], &t[2], &ix));
    }
}

#[test]
fn masked_log_softmax_over_valid_slots() {
    for (t, d) in [(64 * 42, 8), (33, 5)] {
        let mut rng = Rng::new(30);
        let mut mask: Vec<bool> = (0..t * d).map(|_| rng.below(3) > 0).collect();
        (0..t).for_each(|r| mask[r * d + rng.below(d)] = true);
        let keep = Tensor::from_vec(mask.iter().map(|&m| m as u8 as f32).collect::<Vec<_>>(), (t, d), &Device::Cpu).unwrap();
        let mask = Arc::new(mask);
        // Masked slots hold −1e9 on both devices; the comparison looks at the valid ones.
        check(&format!("masked_log_softmax [{t}, {d}]"), &[rand(31, &[t, d], 3.0), keep], |x| {
            masked_log_softmax(&x[0], mask.clone())? * x[1].detach()
        });
    }
}

#[test]
fn batch_norm_plain_residual_masked_and_grouped() {
    let (r, h) = (64 * 14, 128);
    let x = rand(40, &[r, h], 2.0);
    let gb = (rand(41, &[2, h], 0.5) + 1.0).unwrap();
    let res = rand(42, &[r, h], 1.0);
    check("batch_norm", &[x.clone(), gb.clone()], |t| batch_norm(&t[0], &t[1]));
    let mut rng = Rng::new(43);
    let mask = Arc::new((0..r * h).map(|_| if rng.below(5) == 0 { 0.0 } else { 1.25 }).collect::<Vec<f32>>());
    let groups = Arc::new((0..=64).map(|g| g * 14).collect::<Vec<usize>>());
    check("residual_batch_norm", &[x.clone(), gb.clone(), res.clone()], |t| residual_batch_norm(&t[0], &t[1], &t[2], None, None));
    check("residual_batch_norm masked, grouped", &[x.clone(), gb.clone(), res.clone()], |t| {
        residual_batch_norm(&t[0], &t[1], &t[2], Some(mask.clone()), Some(groups.clone()))
    });
    let (x, res) = (rand(44, &[37, 45], 1.0), rand(45, &[37, 45], 1.0));
    let gb = (rand(46, &[2, 45], 0.5) + 1.0).unwrap();
    check("residual_batch_norm [37, 45]", &[x, gb, res], |t| residual_batch_norm(&t[0], &t[1], &t[2], None, None));
}

#[test]
fn edge_scores_over_links() {
    for (ix, heads, d) in [(nsfnet(), 4, 32), (small(), 3, 7)] {
        let spec = ScoreSpec { heads, scale: 1.0 / (d as f64).sqrt(), slope: 0.2 };
        let inputs = [rand(50, &[ix.num_nodes, heads * d], 1.0), rand(51, &[ix.num_nodes, heads * d], 1.0)];
        check(&format!("edge_scores H={heads} d={d}"), &inputs, |t| edge_scores(&t[0], &t[1], &ix, spec));
    }
}

#[test]
fn soft_topk_rows() {
    for (n, c, k) in [(64 * 14, 41, 3), (7, 5, 2)] {
        check(&format!("soft_topk [{n}, {c}] k={k}"), &[rand(60, &[n, c], 2.0)], |t| soft_topk(&t[0], k, 0.5));
    }
}

#[test]
fn spmm_heads() {
    for (ix, h, d) in [(nsfnet(), 4, 32), (small(), 3, 13)] {
        let inputs = [rand(70, &[ix.num_links(), h], 1.0), rand(71, &[ix.num_cols, h * d], 1.0)];
        check(&format!("spmm h={h} d={d}"), &inputs, |t| spmm(&t[0], &t[1], &ix));
    }
}

#[test]
fn sparse_dot_on_links() {
    let (n, f) = (64 * 14, 300);
    let mut rng = Rng::new(80);
    // Pattern rows of 0..12 distinct sorted columns (some rows empty).
    let mut entries = Vec::new();
    for v in 0..n {
        let mut cols: Vec<usize> = (0..rng.below(12)).map(|_| rng.below(f)).collect();
        cols.sort_unstable();
        cols.dedup();
        entries.extend(cols.into_iter().map(|c| (v, c)));
    }
    let pattern = Arc::new(LinkIndex::rectangular(n, f, &entries).unwrap());
    // Links between nodes sharing columns often: close node ids.
    let links = graph(81, 14, 42, 64);
    let nnz = pattern.num_links();
    check("sparse_dot", &[rand(82, &[nnz, 1], 1.0), rand(83, &[nnz, 1], 1.0)], |t| sparse_dot(&t[0], &t[1], &pattern, &links));
}

/// The ops without a CUDA kernel run through the host and agree all the same.
#[test]
fn fusion_and_attention_ops() {
    check("softplus", &[rand(90, &[300, 37], 4.0)], |t| softplus(&t[0]));
    check("cgcnn_gate", &[rand(91, &[50, 12, 2 * 37], 2.0)], |t| cgcnn_gate(&t[0]));
    check("linear", &[rand(92, &[200, 37], 1.0), rand(93, &[45, 37], 1.0), rand(94, &[45], 1.0)], |t| linear(&t[0], &t[1], &t[2]));
    let ix = nsfnet();
    let w = rand(95, &[ix.num_links(), 1], 1.0).abs().unwrap();
    check("weighted_softmax", &[rand(96, &[ix.num_links(), 4], 2.0), w], |t| weighted_softmax(&t[0], &t[1], &ix));
}

/// f64 inputs on CUDA run the CPU kernels through the host.
#[test]
fn f64_runs_through_the_host() {
    let ix = small();
    let inputs = [
        rand(100, &[ix.num_links(), 37], 2.0).to_dtype(DType::F64).unwrap(),
        rand(101, &[ix.num_nodes, 37], 1.0).to_dtype(DType::F64).unwrap(),
    ];
    check("gated_aggregate f64", &inputs, |t| gated_aggregate(&t[0], &t[1], &ix, true));
}
