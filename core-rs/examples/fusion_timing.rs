//! Times fusion training epochs on synthetic crystals shaped like the Castelli perovskites
//! (5 atoms, 12 neighbour slots, 92 atom features): `cargo run --release --example fusion_timing -- [crystals] [config]`.
//! `KEIRO_DEVICE=cuda` runs it on the GPU (the CUDA build: `--features cuda`).

use std::time::Instant;

use keiro_core::fusion::crystal_set::CrystalSet;
use keiro_core::fusion::trainer::{FusionData, FusionTrainer};
use keiro_core::rng::Rng;

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let n: usize = args.get(1).map_or(1024, |s| s.parse().unwrap());
    let cfg = args.get(2).cloned().unwrap_or_default();
    let mut rng = Rng::new(0);
    let (atoms, m, f) = (5usize, 12usize, 92usize);
    let feats: Vec<f32> = (0..n * atoms * f).map(|_| if rng.unit() < 0.1 { 1.0 } else { 0.0 }).collect();
    let offsets: Vec<u32> = (0..=n).map(|s| (s * atoms) as u32).collect();
    let nbr: Vec<u32> = (0..n * atoms * m).map(|k| ((k / (atoms * m)) * atoms + rng.below(atoms as u64) as usize) as u32).collect();
    let dist: Vec<f32> = (0..n * atoms * m).map(|_| 2.0 + 4.0 * rng.unit() as f32).collect();
    let data = FusionData {
        crystals: CrystalSet {
            atom_features: feats,
            feature_dim: f,
            offsets,
            neighbours: nbr,
            distances: dist,
            slots: m,
            cosines: Vec::new(),
        },
        descriptors: vec![],
        descriptor_dim: 0,
        targets: (0..n).map(|_| rng.unit() as f32).collect(),
        tasks: 1,
        split: (0..n).map(|i| if i % 5 == 0 { 2 } else { 1 }).collect(),
    };
    let mut t = FusionTrainer::new(
        &cfg,
        data,
        0,
        &keiro_core::device::device(&std::env::var("KEIRO_DEVICE").unwrap_or_else(|_| "cpu".into())).unwrap(),
    )
    .unwrap();
    for e in 1..=3 {
        let t0 = Instant::now();
        let v = t.step(e, None, None).unwrap();
        println!("epoch {e}: {:.0} ms ({} ms native)", t0.elapsed().as_secs_f64() * 1e3, v["ms"]);
    }
}
