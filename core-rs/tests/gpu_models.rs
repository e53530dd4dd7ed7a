//! The models on a CUDA device against the same models on the CPU (the CUDA build only; run by
//! `bench/gpu/run.sh` on a GPU machine, skipped with a message where no device opens):
//! - a greedy decode of 256 NSFNET c20 instances gives identical routes on both devices, and so does a
//!   sampled decode (8 samples, top-p 0.9), the network encoded per commodity and per hop;
//! - one A2C step gives the same loss within 1e-3;
//! - a model trained on the GPU and saved routes the same on the CPU (checkpoints are device-free);
//! - one GLM epoch gives the same loss within 1e-3.
#![cfg(feature = "cuda")]

use candle_core::Device;
use keiro_core::glm::trainer::{GlmTrainer, NodeData};
use keiro_core::hybrid::trainer::{RlRequest, RouteRequest, Trainer};
use keiro_core::rng::Rng;
use keiro_core::te::generate::GenOptions;
use keiro_core::te::instance::Instance;
use serde_json::{json, Value};

/// CUDA device 0, or `None` (and a message) where there is none.
fn cuda() -> Option<Device> {
    match Device::new_cuda(0) {
        Ok(d) => Some(d),
        Err(e) => {
            eprintln!("skipped: no CUDA device ({e})");
            None
        }
    }
}

/// The seed's model (h128_l8) for NSFNET with `c` commodities.
fn config(c: usize) -> String {
    json!({"num_nodes": 14, "num_commodities": c, "hidden_dim": 128, "num_layers": 8, "dropout_rate": 0.0}).to_string()
}

fn nsfnet(count: usize, c: usize, seed: u64) -> Vec<Instance> {
    let o = GenOptions { count, seed, commodities: c, ..GenOptions::default() };
    (0..count).map(|i| o.instance(i).unwrap()).collect()
}

/// The routes (paths and MLU) of a greedy decode, as JSON.
fn greedy(t: &Trainer, data: &[Instance]) -> Vec<Value> {
    let r: RouteRequest = serde_json::from_value(json!({"samples": 1, "batch": 256})).unwrap();
    t.route(data, &r).unwrap().iter().map(|s| json!([s.paths, s.mlu, s.complete])).collect()
}

#[test]
fn a_greedy_decode_routes_the_same_on_both_devices() {
    let Some(gpu) = cuda() else { return };
    let data = nsfnet(256, 20, 11);
    let (cpu_t, gpu_t) = (Trainer::new(&config(20), 5, &Device::Cpu).unwrap(), Trainer::new(&config(20), 5, &gpu).unwrap());
    let (a, b) = (greedy(&cpu_t, &data), greedy(&gpu_t, &data));
    let differ = a.iter().zip(&b).filter(|(x, y)| x[0] != y[0]).count();
    assert_eq!(differ, 0, "{differ} of 256 instances routed differently");
    for (x, y) in a.iter().zip(&b) {
        assert!((x[1].as_f64().unwrap() - y[1].as_f64().unwrap()).abs() < 1e-12, "{x} vs {y}");
    }
}

#[test]
fn a_sampled_decode_routes_the_same_on_both_devices() {
    let Some(gpu) = cuda() else { return };
    // The walk kernel's draws (temperature, top-p, counter-based streams) against the host's, with the
    // network encoded once per commodity (one launch for all hops) and before every hop.
    let data = nsfnet(256, 20, 12);
    let r: RouteRequest = serde_json::from_value(json!({"samples": 8, "temperature": 1.0, "top_p": 0.9, "seed": 5, "batch": 256})).unwrap();
    for update in ["per_commodity", "per_step"] {
        let mut cfg: Value = serde_json::from_str(&config(20)).unwrap();
        cfg["gnn_update_frequency"] = json!(update);
        let cfg = cfg.to_string();
        let (cpu_t, gpu_t) = (Trainer::new(&cfg, 7, &Device::Cpu).unwrap(), Trainer::new(&cfg, 7, &gpu).unwrap());
        let routes = |t: &Trainer| -> Vec<Value> { t.route(&data, &r).unwrap().iter().map(|s| json!([s.paths, s.complete])).collect() };
        let (a, b) = (routes(&cpu_t), routes(&gpu_t));
        let differ = a.iter().zip(&b).filter(|(x, y)| x != y).count();
        assert_eq!(differ, 0, "{update}: {differ} of 256 instances routed differently");
    }
}

#[test]
fn an_a2c_step_has_the_same_loss_and_a_gpu_checkpoint_routes_the_same_on_the_cpu() {
    let Some(gpu) = cuda() else { return };
    let data = nsfnet(32, 5, 3);
    let r: RlRequest = serde_json::from_value(json!({
        "indices": (0..32).collect::<Vec<_>>(), "algorithm": "a2c", "samples": 4, "lr": 0.001,
        "entropy_weight": 0.01, "value_loss_weight": 0.5, "seed": 9, "reward": {"version": "continuous_v1"}
    }))
    .unwrap();
    let mut on_cpu = Trainer::new(&config(5), 1, &Device::Cpu).unwrap();
    let mut on_gpu = Trainer::new(&config(5), 1, &gpu).unwrap();
    let (a, b) = (on_cpu.reinforce(&data, &r).unwrap(), on_gpu.reinforce(&data, &r).unwrap());
    for key in ["loss", "actor_loss", "critic_loss", "reward_mean"] {
        let (x, y) = (a[key].as_f64().unwrap(), b[key].as_f64().unwrap());
        assert!((x - y).abs() <= 1e-3 * x.abs().max(1.0), "{key}: cpu {x}, cuda {y}");
    }
    let dir = std::env::temp_dir().join(format!("keiro-gpu-ckpt-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let w = dir.join("weights.safetensors");
    on_gpu.save(&w, None).unwrap();
    let back = Trainer::load(&config(5), &w, None, &Device::Cpu).unwrap();
    assert_eq!(greedy(&back, &data), greedy(&on_gpu, &data), "a GPU checkpoint routes the same on the CPU");
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn a_glm_epoch_has_the_same_loss_on_both_devices() {
    let Some(gpu) = cuda() else { return };
    // A Cora-sized random problem: 2,708 nodes, 1,433 sparse binary features, 7 classes, 5,278 edges.
    let (n, f, c, m) = (2708, 1433, 7, 5278);
    let data = || {
        let mut rng = Rng::new(4);
        NodeData {
            features: (0..n * f).map(|_| if rng.unit() < 0.0127 { 1.0 } else { 0.0 }).collect(),
            num_features: f,
            labels: (0..n).map(|_| rng.below(c as u64) as i32).collect(),
            split: (0..n)
                .map(|i| {
                    if i < 140 {
                        1
                    } else if i < 640 {
                        2
                    } else {
                        3
                    }
                })
                .collect(),
            edges: (0..m).map(|_| (rng.below(n as u64) as usize, rng.below(n as u64) as usize)).collect(),
            classes: c,
        }
    };
    for cfg in [json!({"graph": "input"}), json!({"graph": "input+learned", "glm": {"k": 8}})] {
        let mut on_cpu = GlmTrainer::new(&cfg.to_string(), data(), 0, &Device::Cpu).unwrap();
        let mut on_gpu = GlmTrainer::new(&cfg.to_string(), data(), 0, &gpu).unwrap();
        let (a, b) = (on_cpu.step(1).unwrap(), on_gpu.step(1).unwrap());
        for key in ["loss", "val_loss"] {
            let (x, y) = (a[key].as_f64().unwrap(), b[key].as_f64().unwrap());
            assert!((x - y).abs() <= 1e-3 * x.abs().max(1.0), "{cfg} {key}: cpu {x}, cuda {y}");
        }
    }
}
