//! keiro's thread-per-item CUDA kernels (`kernels/keiro.cu`) compiled for the host and run thread
//! after thread (`tests/host/kernels_host.cpp`), against the CPU code they mirror, where no GPU is
//! (`tests/gpu.rs` and `tests/gpu_models.rs` check them on a device):
//! - `walk` against `hybrid::walk`: the same hops, slot for slot, and the same valid-slot masks, for
//!   greedy and sampled episodes (temperature, top-p, counter-based streams) on NSFNET and on 60-node
//!   Waxman graphs, starting mid-walk;
//! - `topk_rows` against `glm::block_topk::select_rows`: the same columns in the same order, on scores
//!   with many ties, signed zeros, and rows split into pools;
//! - the float kernels of `gated_aggregate` (sum and mean), `link_sum`, `masked_log_softmax`, `spmm`,
//!   `edge_scores`, `sparse_dot`, `soft_topk`, `softplus`, `cgcnn_gate`, `weighted_softmax` and
//!   `batch_norm` (forward and backward, launched as the ops launch them) against the CPU ops and their autograd gradients of
//!   `(op(x) ⊙ G).sum()`, to a relative error of 1e-5 (`max|a − b| / max(1, max|a|)`).
//!
//! Needs a C++ compiler (`c++`); skipped with a message without one.

use std::fmt::Write;
use std::path::PathBuf;
use std::process::Command;

use std::sync::Arc;

use candle_core::{Device, Tensor, Var};
use keiro_core::glm::block_topk::select_rows;
use keiro_core::hybrid::episode_batch::EpisodeBatch;
use keiro_core::hybrid::rollout::{Choice, Decisions};
use keiro_core::hybrid::walk::{walk, WalkState};
use keiro_core::ops::batch_norm::{batch_norm, residual_batch_norm};
use keiro_core::ops::cgcnn_gate::cgcnn_gate;
use keiro_core::ops::edge_scores::{edge_scores, ScoreSpec};
use keiro_core::ops::gated_aggregate::gated_aggregate;
use keiro_core::ops::link_index::LinkIndex;
use keiro_core::ops::link_sum::link_sum;
use keiro_core::ops::masked_log_softmax::masked_log_softmax;
use keiro_core::ops::soft_topk::soft_topk;
use keiro_core::ops::softplus::softplus;
use keiro_core::ops::sparse_dot::sparse_dot;
use keiro_core::ops::spmm::spmm;
use keiro_core::ops::weighted_softmax::weighted_softmax;
use keiro_core::rng::Rng;
use keiro_core::te::generate::{GenOptions, TopologyKind};

/// The harness binary, compiled into `dir`, or `None` where there is no compiler.
fn harness(dir: &std::path::Path) -> Option<PathBuf> {
    let src = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/host/kernels_host.cpp");
    let bin = dir.join("kernels_host");
    match Command::new("c++").args(["-O1", "-std=c++17", "-o"]).arg(&bin).arg(&src).output() {
        Ok(o) if o.status.success() => Some(bin),
        Ok(o) => panic!("c++ failed on {}:\n{}", src.display(), String::from_utf8_lossy(&o.stderr)),
        Err(e) => {
            println!("skipped: no C++ compiler ({e})");
            None
        }
    }
}

/// Runs `kernel` of the harness on `case` (written to `dir`): its output lines.
fn run(bin: &PathBuf, dir: &std::path::Path, kernel: &str, case: String) -> Vec<String> {
    let path = dir.join(format!("{kernel}.txt"));
    std::fs::write(&path, case).unwrap();
    let out = Command::new(bin).arg(kernel).arg(&path).output().unwrap();
    assert!(out.status.success(), "{kernel}: {}", String::from_utf8_lossy(&out.stderr));
    String::from_utf8(out.stdout).unwrap().lines().map(str::to_string).collect()
}

/// A fresh directory for one test's files.
fn scratch(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("keiro-kernels-host-{}-{name}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

fn line<T: ToString>(s: &mut String, name: &str, xs: impl IntoIterator<Item = T>) {
    let xs: Vec<String> = xs.into_iter().map(|x| x.to_string()).collect();
    writeln!(s, "{name} {}", xs.join(" ")).unwrap();
}

/// Walks commodity `k` of 256 instances of `o` two hops on the CPU, then the rest on the CPU and in
/// the host-compiled kernel; asserts both took the same hops.
fn same_walks(o: GenOptions, temperature: f64, top_p: f64) {
    let dir = scratch(&format!("walk-{}", o.seed));
    let Some(bin) = harness(&dir) else { return };
    let insts: Vec<_> = (0..o.count).map(|i| o.instance(i).unwrap()).collect();
    let graphs: Vec<_> = insts.iter().map(|i| i.graph()).collect();
    let b = EpisodeBatch::new(insts.iter().zip(&graphs).collect(), None, &Device::Cpu).unwrap();
    let (ne, n, d, k) = (b.episodes(), b.rows(), b.d, 3);
    let mut rng = Rng::new(o.seed);
    let zv: Vec<f32> = (0..n * d).map(|_| (rng.unit() as f32 - 0.5) * 4.0).collect(); // [N, D]
    let z = Tensor::from_vec(zv.clone(), (n, d), &Device::Cpu).unwrap();
    let choices: Vec<Choice> = (0..ne).map(|e| if e % 3 == 0 { Choice::Greedy } else { Choice::Sample(1000 + e as u64) }).collect();
    let decisions = Decisions::Policy(choices.clone());
    let mut st = WalkState::start(&b, k);
    walk(&b, &z, k, &mut st, &decisions, 0..2, temperature, top_p).unwrap();

    let mut case = String::new();
    let ix = &b.index;
    line(&mut case, "z", zv.iter().map(|x| format!("{x:e}")));
    line(&mut case, "slot_link", b.slot_link.to_vec1::<u32>().unwrap());
    line(&mut case, "src", &ix.src);
    line(&mut case, "dst", &ix.dst);
    line(
        &mut case,
        "inc_start",
        std::iter::once(0).chain(ix.inc.iter().scan(0, |acc, l| {
            *acc += l.len();
            Some(*acc)
        })),
    );
    line(&mut case, "inc", ix.inc.iter().flatten());
    line(&mut case, "cur", &st.cur);
    line(&mut case, "visited", st.visited.iter().flatten().map(|&x| x as u8));
    line(&mut case, "active", st.active.iter().map(|&x| x as u8));
    line(&mut case, "target", insts.iter().map(|i| i.commodities[k].dst));
    line(&mut case, "stream", choices.iter().map(|c| if let Choice::Sample(s) = c { *s } else { 0 }));
    line(&mut case, "sample", choices.iter().map(|c| matches!(c, Choice::Sample(_)) as u8));
    line(&mut case, "dims", [ne, b.v, d, b.links(), k, 2, b.v - 3]);
    line(&mut case, "options", [format!("{temperature:e}"), format!("{top_p:e}")]);

    let steps = walk(&b, &z, k, &mut st, &decisions, 2..b.v - 1, temperature, top_p).unwrap();
    let mut want: Vec<String> = (0..ne).map(|e| e.to_string()).collect();
    for s in &steps {
        let mask: String = s.mask.iter().map(|&m| if m { '1' } else { '0' }).collect();
        write!(want[s.episode as usize], " {}:{mask}", s.slot).unwrap();
    }
    let got = run(&bin, &dir, "walk", case);
    assert_eq!(got.len(), ne);
    let differ: Vec<_> = got.iter().zip(&want).filter(|(g, w)| g != w).collect();
    assert!(
        differ.is_empty(),
        "{} of {ne} episodes walk differently, e.g.\n kernel {}\n cpu    {}",
        differ.len(),
        differ[0].0,
        differ[0].1
    );
    assert!(steps.len() > ne, "the case takes hops ({} for {ne} episodes)", steps.len());
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn the_kernel_walks_nsfnet_like_the_cpu() {
    same_walks(GenOptions { count: 256, seed: 3, commodities: 20, ..GenOptions::default() }, 0.7, 0.8);
}

#[test]
fn the_kernel_walks_waxman_graphs_like_the_cpu() {
    let o = GenOptions { count: 256, seed: 4, commodities: 20, topology: TopologyKind::Waxman, nodes: 60, ..GenOptions::default() };
    same_walks(o, 1.3, 1.0);
}

#[test]
fn the_topk_kernel_selects_like_the_cpu() {
    let dir = scratch("topk");
    let Some(bin) = harness(&dir) else { return };
    let (b, n, start, pool, c) = (96, 240, 48, 120, 40);
    let mut rng = Rng::new(5);
    // Scores on a coarse grid (many ties), mostly negative, with signed zeros, so that the 40 best
    // reach the zeros and the negatives: [b, n].
    let s: Vec<f32> = (0..b * n)
        .map(|_| match rng.below(10) {
            0 => 0.0,
            1 => -0.0,
            _ => (rng.below(12) as f32 - 10.0) / 4.0,
        })
        .collect();
    let mut want = vec![0u32; b * c];
    select_rows(&s, n, start, pool, c, &mut want);
    let mut case = String::new();
    line(&mut case, "s", s.iter().map(|x| format!("{x:e}")));
    line(&mut case, "dims", [b, n, start, pool, c]);
    let got = run(&bin, &dir, "topk_rows", case);
    let want: Vec<String> = want.chunks(c).map(|r| r.iter().map(|j| j.to_string()).collect::<Vec<_>>().join(" ")).collect();
    assert_eq!(got.len(), b);
    let differ: Vec<usize> = (0..b).filter(|&r| got[r] != want[r]).collect();
    assert!(
        differ.is_empty(),
        "{} of {b} rows differ, e.g. row {}:\n kernel {}\n cpu    {}",
        differ.len(),
        differ[0],
        got[differ[0]],
        want[differ[0]]
    );
    std::fs::remove_dir_all(&dir).unwrap();
}

/// `n` seeded f32 values in `[−scale, scale)`.
fn uniform(seed: u64, n: usize, scale: f32) -> Vec<f32> {
    let mut rng = Rng::new(seed);
    (0..n).map(|_| (rng.unit() as f32 * 2.0 - 1.0) * scale).collect()
}

fn floats(xs: &[f32]) -> impl Iterator<Item = String> + '_ {
    xs.iter().map(|x| format!("{x:e}"))
}

/// The array `name` of the harness's output.
fn output(lines: &[String], name: &str) -> Vec<f32> {
    let line = lines.iter().find(|l| l.split(' ').next() == Some(name)).unwrap_or_else(|| panic!("no {name} in the output"));
    line.split(' ').skip(1).map(|x| x.parse().unwrap()).collect()
}

/// Asserts `got` (the kernel's) matches `want` (the CPU op's) to 1e-5 relative.
fn close(what: &str, got: &[f32], want: &Tensor) {
    let want = want.flatten_all().unwrap().to_vec1::<f32>().unwrap();
    assert_eq!(got.len(), want.len(), "{what}: sizes");
    let scale = want.iter().fold(1.0f32, |m, x| m.max(x.abs()));
    let err = got.iter().zip(&want).fold(0.0f32, |m, (a, b)| m.max((a - b).abs())) / scale;
    assert!(err <= 1e-5, "{what}: relative error {err}");
}

/// `(y, grads)` of `f` at `inputs` with upstream gradient `g`: the CPU op's forward and the autograd
/// gradients of `(y ⊙ g).sum()` with respect to every input (`None` for an input it does not read).
fn cpu_op(inputs: &[Tensor], g: &[f32], f: impl Fn(&[Tensor]) -> Tensor) -> (Tensor, Vec<Option<Tensor>>) {
    let vars: Vec<Var> = inputs.iter().map(|t| Var::from_tensor(t).unwrap()).collect();
    let ts: Vec<Tensor> = vars.iter().map(|v| v.as_tensor().clone()).collect();
    let y = f(&ts);
    let gt = Tensor::from_vec(g.to_vec(), y.shape(), &Device::Cpu).unwrap();
    let grads = (&y * gt).unwrap().sum_all().unwrap().backward().unwrap();
    (y, ts.iter().map(|t| grads.get(t).cloned()).collect())
}

/// A 30-node graph, every third node without out-links (and some without incoming ones).
fn sparse_graph(seed: u64) -> Arc<LinkIndex> {
    let n = 30;
    let mut links = Vec::new();
    let mut rng = Rng::new(seed);
    for v in (0..n).filter(|v| v % 3 != 0) {
        let mut heads: Vec<usize> = (0..1 + rng.below(5) as usize).map(|_| rng.below(n as u64) as usize).collect();
        heads.sort_unstable();
        links.extend(heads.into_iter().map(|u| (v, u)));
    }
    Arc::new(LinkIndex::new(n, &links).unwrap())
}

/// `ix`'s arrays as the kernels read them (`ops::cuda_links`).
fn index_lines(case: &mut String, ix: &LinkIndex) {
    line(case, "out_start", &ix.out_start);
    line(case, "src", &ix.src);
    line(case, "dst", &ix.dst);
    line(
        case,
        "inc_start",
        std::iter::once(0).chain(ix.inc.iter().scan(0, |acc, l| {
            *acc += l.len();
            Some(*acc)
        })),
    );
    line(case, "inc", ix.inc.iter().flatten());
}

#[test]
fn the_hybrid_models_kernels_compute_what_the_cpu_ops_do() {
    let dir = scratch("hybrid");
    let Some(bin) = harness(&dir) else { return };
    // Widths above and below the 128 threads of a block, so threads stride and idle.
    let ix = sparse_graph(13);
    let (n, m) = (ix.num_nodes, ix.num_links());
    for (w, mean) in [(37, false), (37, true), (150, true)] {
        let (g, x, gr) = (uniform(14, m * w, 2.0), uniform(15, n * w, 1.0), uniform(16, n * w, 1.0));
        let (y, grads) =
            cpu_op(&[tensor(g.clone(), &[m, w]), tensor(x.clone(), &[n, w])], &gr, |t| gated_aggregate(&t[0], &t[1], &ix, mean).unwrap());
        let mut case = String::new();
        line(&mut case, "g", floats(&g));
        line(&mut case, "x", floats(&x));
        line(&mut case, "gr", floats(&gr));
        index_lines(&mut case, &ix);
        line(&mut case, "dims", [n, m, w, mean as usize]);
        let got = run(&bin, &dir, "gated_aggregate", case);
        let what = format!("gated_aggregate W {w} mean {mean}");
        close(&what, &output(&got, "y"), &y);
        close(&format!("{what} ∂g"), &output(&got, "dg"), grads[0].as_ref().unwrap());
        close(&format!("{what} ∂x"), &output(&got, "dx"), grads[1].as_ref().unwrap());
    }

    let c = 133;
    let (e, a, b, g) = (uniform(17, m * c, 1.0), uniform(18, n * c, 1.0), uniform(19, n * c, 1.0), uniform(20, m * c, 1.0));
    let inputs = [tensor(e.clone(), &[m, c]), tensor(a.clone(), &[n, c]), tensor(b.clone(), &[n, c])];
    let (z, grads) = cpu_op(&inputs, &g, |t| link_sum(&t[0], &t[1], &t[2], &ix).unwrap());
    let mut case = String::new();
    for (name, xs) in [("e", &e), ("a", &a), ("b", &b), ("g", &g)] {
        line(&mut case, name, floats(xs));
    }
    index_lines(&mut case, &ix);
    line(&mut case, "dims", [n, m, c]);
    let got = run(&bin, &dir, "link_sum", case);
    close("link_sum", &output(&got, "z"), &z);
    let dab = output(&got, "dab");
    close("link_sum ∂a", &dab[..n * c], grads[1].as_ref().unwrap());
    close("link_sum ∂b", &dab[n * c..], grads[2].as_ref().unwrap());

    let (t, d) = (200, 6);
    let (z, g) = (uniform(21, t * d, 5.0), uniform(22, t * d, 1.0));
    let mut rng = Rng::new(23);
    let mask: Vec<bool> = (0..t * d).map(|i| i % d == i / d % d || rng.below(3) > 0).collect();
    let (y, grads) = cpu_op(&[tensor(z.clone(), &[t, d])], &g, |x| masked_log_softmax(&x[0], Arc::new(mask.clone())).unwrap());
    let mut case = String::new();
    line(&mut case, "z", floats(&z));
    line(&mut case, "g", floats(&g));
    line(&mut case, "mask", mask.iter().map(|&v| v as u8));
    line(&mut case, "dims", [t, d]);
    let got = run(&bin, &dir, "masked_log_softmax", case);
    close("masked_log_softmax", &output(&got, "y"), &y);
    close("masked_log_softmax ∂z", &output(&got, "dz"), grads[0].as_ref().unwrap());
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn the_graph_learners_kernels_compute_what_the_cpu_ops_do() {
    let dir = scratch("glm");
    let Some(bin) = harness(&dir) else { return };
    let ix = sparse_graph(24);
    let (n, e) = (ix.num_nodes, ix.num_links());

    // Two heads of 70 columns: 140 columns, more than a block's threads.
    let (h, hd) = (2, 140);
    let (w, x, g) = (uniform(25, e * h, 1.0), uniform(26, n * hd, 1.0), uniform(27, n * hd, 1.0));
    let (y, grads) = cpu_op(&[tensor(w.clone(), &[e, h]), tensor(x.clone(), &[n, hd])], &g, |t| spmm(&t[0], &t[1], &ix).unwrap());
    let mut case = String::new();
    for (name, xs) in [("w", &w), ("x", &x), ("g", &g)] {
        line(&mut case, name, floats(xs));
    }
    index_lines(&mut case, &ix);
    line(&mut case, "dims", [n, e, h, hd]);
    let got = run(&bin, &dir, "spmm", case);
    close("spmm", &output(&got, "y"), &y);
    close("spmm ∂w", &output(&got, "dw"), grads[0].as_ref().unwrap());
    close("spmm ∂x", &output(&got, "dx"), grads[1].as_ref().unwrap());

    for (heads, d) in [(1, 16), (4, 9)] {
        let spec = ScoreSpec { heads, scale: 1.0 / (d as f64).sqrt(), slope: 0.2 };
        let (q, k, g) = (uniform(28, n * heads * d, 1.0), uniform(29, n * heads * d, 1.0), uniform(30, e, 1.0));
        let inputs = [tensor(q.clone(), &[n, heads * d]), tensor(k.clone(), &[n, heads * d])];
        let (y, grads) = cpu_op(&inputs, &g, |t| edge_scores(&t[0], &t[1], &ix, spec).unwrap());
        let mut case = String::new();
        for (name, xs) in [("q", &q), ("k", &k), ("g", &g)] {
            line(&mut case, name, floats(xs));
        }
        index_lines(&mut case, &ix);
        line(&mut case, "dims", [n, e, heads * d, heads]);
        let (scale, slope) = (spec.scale as f32, spec.slope as f32);
        line(&mut case, "options", floats(&[scale, slope, (1.0 / heads as f64) as f32, (spec.scale / heads as f64) as f32]));
        let got = run(&bin, &dir, "edge_scores", case);
        let what = format!("edge_scores H {heads}");
        close(&what, &output(&got, "y"), &y);
        close(&format!("{what} ∂q"), &output(&got, "dq"), grads[0].as_ref().unwrap());
        close(&format!("{what} ∂k"), &output(&got, "dk"), grads[1].as_ref().unwrap());
    }

    // A sparse feature pattern (rows of 0..8 sorted columns among 20) on the same nodes.
    let f = 20;
    let mut rng = Rng::new(31);
    let mut entries = Vec::new();
    for v in 0..n {
        let mut cols: Vec<usize> = (0..rng.below(8)).map(|_| rng.below(f as u64) as usize).collect();
        cols.sort_unstable();
        cols.dedup();
        entries.extend(cols.into_iter().map(|c| (v, c)));
    }
    let pattern = Arc::new(LinkIndex::rectangular(n, f, &entries).unwrap());
    let nnz = pattern.num_links();
    let (q, k, g) = (uniform(32, nnz, 1.0), uniform(33, nnz, 1.0), uniform(34, e, 1.0));
    let (y, grads) =
        cpu_op(&[tensor(q.clone(), &[nnz, 1]), tensor(k.clone(), &[nnz, 1])], &g, |t| sparse_dot(&t[0], &t[1], &pattern, &ix).unwrap());
    let mut case = String::new();
    for (name, xs) in [("q", &q), ("k", &k), ("g", &g)] {
        line(&mut case, name, floats(xs));
    }
    line(&mut case, "p_start", &pattern.out_start);
    line(&mut case, "p_col", &pattern.dst);
    index_lines(&mut case, &ix);
    line(&mut case, "dims", [n, e]);
    let got = run(&bin, &dir, "sparse_dot", case);
    close("sparse_dot", &output(&got, "y"), &y);
    close("sparse_dot ∂q", &output(&got, "dq"), grads[0].as_ref().unwrap());
    close("sparse_dot ∂k", &output(&got, "dk"), grads[1].as_ref().unwrap());

    let (rows, c, k, tau) = (50, 12, 4, 0.3);
    let (sc, g) = (uniform(35, rows * c, 2.0), uniform(36, rows * c, 1.0));
    let (y, grads) = cpu_op(&[tensor(sc.clone(), &[rows, c])], &g, |t| soft_topk(&t[0], k, tau).unwrap());
    let mut case = String::new();
    line(&mut case, "s", floats(&sc));
    line(&mut case, "g", floats(&g));
    line(&mut case, "dims", [rows, c]);
    line(&mut case, "options", [k.to_string(), format!("{tau:e}")]);
    let got = run(&bin, &dir, "soft_topk", case);
    close("soft_topk", &output(&got, "y"), &y);
    close("soft_topk ∂s", &output(&got, "dz"), grads[0].as_ref().unwrap());
    std::fs::remove_dir_all(&dir).unwrap();
}

fn tensor(xs: Vec<f32>, shape: &[usize]) -> Tensor {
    Tensor::from_vec(xs, shape, &Device::Cpu).unwrap()
}

#[test]
fn the_float_kernels_compute_what_the_cpu_ops_do() {
    let dir = scratch("floats");
    let Some(bin) = harness(&dir) else { return };

    let x = uniform(1, 3000, 12.0);
    let got = run(&bin, &dir, "softplus", format!("x {}\n", floats(&x).collect::<Vec<_>>().join(" ")));
    close("softplus", &output(&got, "y"), &softplus(&tensor(x, &[3000])).unwrap());

    let (n, m, h) = (40, 6, 13);
    let (z, g) = (uniform(2, n * m * 2 * h, 4.0), uniform(3, n * h, 1.0));
    let (y, grads) = cpu_op(&[tensor(z.clone(), &[n, m, 2 * h])], &g, |t| cgcnn_gate(&t[0]).unwrap());
    let mut case = String::new();
    line(&mut case, "z", floats(&z));
    line(&mut case, "g", floats(&g));
    line(&mut case, "dims", [n, m, h]);
    let got = run(&bin, &dir, "cgcnn_gate", case);
    close("cgcnn_gate", &output(&got, "y"), &y);
    close("cgcnn_gate ∂z", &output(&got, "dz"), grads[0].as_ref().unwrap());

    // 30 nodes, every third without out-links, one weight 0.
    let (ix, n) = (sparse_graph(4), 30);
    let (e, h) = (ix.num_links(), 4);
    let (z, g) = (uniform(5, e * h, 3.0), uniform(6, e * h, 1.0));
    let mut w: Vec<f32> = uniform(7, e, 1.0).into_iter().map(f32::abs).collect();
    w[2] = 0.0;
    let (y, grads) =
        cpu_op(&[tensor(z.clone(), &[e, h]), tensor(w.clone(), &[e, 1])], &g, |t| weighted_softmax(&t[0], &t[1], &ix).unwrap());
    let mut case = String::new();
    line(&mut case, "z", floats(&z));
    line(&mut case, "w", floats(&w));
    line(&mut case, "g", floats(&g));
    index_lines(&mut case, &ix);
    line(&mut case, "dims", [n, e, h]);
    let got = run(&bin, &dir, "weighted_softmax", case);
    close("weighted_softmax", &output(&got, "y"), &y);
    close("weighted_softmax ∂z", &output(&got, "dz"), grads[0].as_ref().unwrap());
    close("weighted_softmax ∂w", &output(&got, "dw"), grads[1].as_ref().unwrap());

    // Residual, masked and grouped; then plain (all rows, no ReLU, no mask).
    let (r, h) = (45, 7);
    let (x, res, g) = (uniform(8, r * h, 2.0), uniform(9, r * h, 1.0), uniform(10, r * h, 1.0));
    let gb: Vec<f32> = uniform(11, 2 * h, 0.5).into_iter().enumerate().map(|(i, v)| if i < h { v + 1.0 } else { v }).collect();
    let mask: Vec<f32> = uniform(12, r * h, 1.0).into_iter().map(|v| if v < -0.5 { 0.0 } else { 1.0 / 0.75 }).collect();
    let offsets = vec![0, 10, 30, 45];
    for (plain, label) in [(false, "residual_batch_norm"), (true, "batch_norm")] {
        let (y, grads) = cpu_op(&[tensor(x.clone(), &[r, h]), tensor(gb.clone(), &[2, h]), tensor(res.clone(), &[r, h])], &g, |t| {
            if plain {
                batch_norm(&t[0], &t[1]).unwrap()
            } else {
                residual_batch_norm(&t[0], &t[1], &t[2], Some(Arc::new(mask.clone())), Some(Arc::new(offsets.clone()))).unwrap()
            }
        });
        let mut case = String::new();
        line(&mut case, "x", floats(&x));
        line(&mut case, "gb", floats(&gb));
        line(&mut case, "res", floats(&if plain { vec![0.0; r * h] } else { res.clone() }));
        line(&mut case, "m", floats(&mask));
        line(&mut case, "g", floats(&g));
        line(&mut case, "offsets", if plain { vec![0, r] } else { offsets.clone() });
        line(&mut case, "dims", [r, h, !plain as usize, !plain as usize]);
        let got = run(&bin, &dir, "batch_norm", case);
        close(label, &output(&got, "y"), &y);
        let grad = output(&got, "grad");
        close(&format!("{label} ∂x"), &grad[..r * h], grads[0].as_ref().unwrap());
        close(&format!("{label} ∂γβ"), &grad[r * h..], grads[1].as_ref().unwrap());
    }
    std::fs::remove_dir_all(&dir).unwrap();
}
