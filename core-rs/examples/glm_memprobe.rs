//! Times epochs of the GLM trainer on random sparse features (`cargo run --release --example glm_memprobe -- '<config>'`).
//! `KEIRO_DEVICE=cuda` runs it on the GPU (the CUDA build: `--features cuda`).
use keiro_core::glm::trainer::{GlmTrainer, NodeData};
fn main() {
    let (n, f) = (2708, 1433);
    let mut r = keiro_core::rng::Rng::new(1);
    let features: Vec<f32> = (0..n * f).map(|_| if r.unit() < 0.013 { 1.0 } else { 0.0 }).collect();
    let labels: Vec<i32> = (0..n).map(|i| (i % 7) as i32).collect();
    let split: Vec<u8> = (0..n)
        .map(|i| {
            if i < 140 {
                1
            } else if i < 640 {
                2
            } else {
                3
            }
        })
        .collect();
    let cfg = std::env::args().nth(1).unwrap_or("{}".into());
    let mut t = GlmTrainer::new(
        &cfg,
        NodeData { features, num_features: f, labels, split, edges: vec![(0, 1), (1, 2)], classes: 7 },
        0,
        &keiro_core::device::device(&std::env::var("KEIRO_DEVICE").unwrap_or_else(|_| "cpu".into())).unwrap(),
    )
    .unwrap();
    for e in 0..6 {
        let t0 = std::time::Instant::now();
        t.step(e).unwrap();
        println!("epoch {e}: {:?}", t0.elapsed());
    }
}
