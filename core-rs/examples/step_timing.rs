//! Times training steps and inference of the hybrid model on generated NSFNET instances:
//! `cargo run --release -p keiro-core --example step_timing -- <config.json> <commodities> <batch> <steps> [train|infer]`
//! (both parts when the last argument is absent).
//! (bench/te_speed.ts is the benchmark; this is the profiling entry point it names.)
//! `KEIRO_DEVICE=cuda` runs it on the GPU (the CUDA build: `--features cuda`).

use std::time::Instant;

use keiro_core::hybrid::trainer::{RlRequest, RouteRequest, Trainer};
use keiro_core::te::generate::GenOptions;
use serde_json::json;

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let config = std::fs::read_to_string(&args[1]).expect("config file");
    let c: usize = args[2].parse().unwrap();
    let batch: usize = args[3].parse().unwrap();
    let steps: usize = args[4].parse().unwrap();
    let o = GenOptions { count: batch, commodities: c, seed: 1, ..GenOptions::default() };
    let data: Vec<_> = (0..batch).map(|i| o.instance(i).unwrap()).collect();
    let part = args.get(5).map(String::as_str);
    let mut t =
        Trainer::new(&config, 1, &keiro_core::device::device(&std::env::var("KEIRO_DEVICE").unwrap_or_else(|_| "cpu".into())).unwrap())
            .unwrap();
    println!("parameters {}", t.model.params.num_parameters());
    if part != Some("infer") {
        _train(&mut t, &data, steps, batch);
    }
    if part != Some("train") {
        _infer(&mut t, &data, steps, batch);
    }
}

fn _train(t: &mut Trainer, data: &[keiro_core::te::instance::Instance], steps: usize, batch: usize) {
    let req = |s: u64| -> RlRequest {
        serde_json::from_value(json!({"indices": (0..batch).collect::<Vec<_>>(), "algorithm": "a2c", "lr": 1e-4,
            "entropy_weight": 0.01, "value_loss_weight": 0.5, "seed": s, "reward": {"version": "continuous_v1"}}))
        .unwrap()
    };
    t.reinforce(data, &req(0)).unwrap();
    let t0 = Instant::now();
    for s in 0..steps {
        t.reinforce(data, &req(s as u64 + 1)).unwrap();
    }
    let dt = t0.elapsed().as_secs_f64();
    println!("train: {:.1} ms/step, {:.1} episodes/s", dt * 1e3 / steps as f64, (steps * batch) as f64 / dt);
}

fn _infer(t: &mut Trainer, data: &[keiro_core::te::instance::Instance], steps: usize, batch: usize) {
    let r: RouteRequest = serde_json::from_value(json!({"greedy": true, "batch": batch})).unwrap();
    t.route(data, &r).unwrap();
    let t0 = Instant::now();
    for _ in 0..steps {
        t.route(data, &r).unwrap();
    }
    let dt = t0.elapsed().as_secs_f64();
    println!("infer: {:.1} instances/s", (steps * batch) as f64 / dt);
}
