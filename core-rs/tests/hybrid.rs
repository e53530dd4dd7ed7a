//! The hybrid model end to end through the public API: rollouts complete and report the
//! evaluator's MLU, supervised training imitates labels, RL training improves the reward,
//! checkpoints round-trip, and the same seed gives the same result.

use candle_core::Device;
use keiro_core::hybrid::trainer::{RlRequest, RouteRecord, RouteRequest, SupervisedRequest, Trainer};
use keiro_core::te::evaluate::{evaluate, Routing};
use keiro_core::te::generate::GenOptions;
use keiro_core::te::greedy::improve_paths;
use keiro_core::te::instance::Instance;
use keiro_core::te::solve::{solve, SolveOptions};
use serde_json::{json, Value};

fn config(extra: Value) -> String {
    let mut c = json!({
        "num_nodes": 14, "num_commodities": 5, "hidden_dim": 16, "num_layers": 2, "aggregation": "mean",
        "dropout_rate": 0.0, "action_type": "node", "policy_head_mlp_layers": 1, "value_head_mlp_layers": 1,
        "value_type": "global", "gnn_update_frequency": "per_commodity"
    });
    c.as_object_mut().unwrap().extend(extra.as_object().unwrap().clone());
    c.to_string()
}

fn nsfnet(count: usize, seed: u64) -> Vec<Instance> {
    let o = GenOptions { count, seed, ..GenOptions::default() };
    (0..count).map(|i| o.instance(i).unwrap()).collect()
}

fn milp_paths(inst: &Instance) -> (Vec<Vec<usize>>, f64) {
    let o: SolveOptions = serde_json::from_value(json!({"method": "milp"})).unwrap();
    let s = solve(inst, &o).unwrap();
    (serde_json::from_value(s["paths"].clone()).unwrap(), s["mlu"].as_f64().unwrap())
}

/// Routes with `samples` candidates; the records as JSON without `time_ms`, so that results compare.
fn route(t: &Trainer, data: &[Instance], samples: usize) -> Vec<Value> {
    let r: RouteRequest = serde_json::from_value(json!({"samples": samples, "top_p": 0.9, "seed": 3})).unwrap();
    let mut out: Vec<Value> = t.route(data, &r).unwrap().iter().map(|s| serde_json::to_value(s).unwrap()).collect();
    out.iter_mut().for_each(|s| assert!(s.as_object_mut().unwrap().remove("time_ms").unwrap().as_f64().unwrap() >= 0.0));
    out
}

#[test]
fn rollouts_complete_with_the_evaluators_mlu_for_every_option() {
    let data = nsfnet(6, 1);
    for extra in [
        json!({}),
        json!({"gnn_update_frequency": "never"}),
        json!({"gnn_update_frequency": "per_step", "action_type": "edge", "aggregation": "sum"}),
        json!({"value_type": "mean_pool"}),
        json!({"graph_learning": "both"}),
        json!({"graph_learning": "learned", "action_type": "edge", "gnn_update_frequency": "never"}),
        json!({"normalization": "episode", "action_type": "edge"}),
    ] {
        let t = Trainer::new(&config(extra.clone()), 7, &Device::Cpu).unwrap();
        for (sol, inst) in route(&t, &data, 4).iter().zip(&data) {
            let paths: Vec<Vec<usize>> = serde_json::from_value(sol["paths"].clone()).unwrap();
            let ev = evaluate(inst, &inst.graph(), &Routing::Paths(paths.into_iter().map(Some).collect()));
            assert!(ev.complete && sol["complete"] == true, "{extra}: {:?}", ev.problems);
            assert!((ev.mlu - sol["mlu"].as_f64().unwrap()).abs() < 1e-9, "{extra}: {} vs {}", ev.mlu, sol["mlu"]);
        }
    }
}

/// With `normalization: episode` an instance's greedy routing is the same alone and in a batch;
/// with batch statistics (the default) it is not.
#[test]
fn episode_normalisation_routes_an_instance_the_same_in_any_batch() {
    let data = nsfnet(8, 2);
    let paths = |v: &Value| v["paths"].clone();
    for (norm, same) in [("episode", true), ("batch", false)] {
        let t = Trainer::new(&config(json!({"normalization": norm, "action_type": "edge"})), 11, &Device::Cpu).unwrap();
        let together: Vec<Value> = route(&t, &data, 1).iter().map(paths).collect();
        let alone: Vec<Value> = (0..data.len()).map(|i| paths(&route(&t, &data[i..i + 1], 1)[0])).collect();
        assert_eq!(together == alone, same, "{norm}: together {together:?} alone {alone:?}");
    }
}

/// Each instance samples from its own stream (seed, instance, sample): routing the second batch
/// alone gives the same records. Records carry the instance's id (when it has one) and the method.
#[test]
fn a_batch_routes_the_same_alone_and_records_carry_id_and_method() {
    let mut data = nsfnet(8, 2);
    data[5].id = None;
    let t = Trainer::new(&config(json!({})), 3, &Device::Cpu).unwrap();
    let req = |seed: u64, indices: Option<Vec<usize>>| -> RouteRequest {
        serde_json::from_value(json!({"indices": indices, "samples": 6, "temperature": 3.0, "seed": seed, "batch": 4, "method": "m"}))
            .unwrap()
    };
    let strip = |v: Vec<RouteRecord>| v.into_iter().map(|r| RouteRecord { time_ms: 0.0, ..r }).collect::<Vec<_>>();
    let all = strip(t.route(&data, &req(9, None)).unwrap());
    let second = Some((4..8).collect());
    assert_eq!(all[4..], strip(t.route(&data, &req(9, second.clone())).unwrap())[..]);
    assert_ne!(all[4..], strip(t.route(&data, &req(10, second)).unwrap())[..], "another seed, other samples");
    let text = serde_json::to_string(&all[0]).unwrap();
    assert!(text.starts_with(&format!(r#"{{"id":{},"method":"m","mlu":"#, data[0].id.as_ref().unwrap())), "{text}");
    assert!(serde_json::to_string(&all[5]).unwrap().starts_with(r#"{"method":"m","mlu":"#));
}

#[test]
fn a_mismatched_instance_is_a_usage_error() {
    let t = Trainer::new(&config(json!({"num_commodities": 4})), 7, &Device::Cpu).unwrap();
    let r: RouteRequest = serde_json::from_value(json!({"samples": 1})).unwrap();
    let e = t.route(&nsfnet(1, 1), &r).unwrap_err().to_string();
    assert!(e.contains("4 commodities"), "{e}");
}

#[test]
fn supervised_training_imitates_milp_labels() {
    let data = nsfnet(8, 2);
    let labels: Vec<Vec<Vec<usize>>> = data.iter().map(|i| milp_paths(i).0).collect();
    let mut t = Trainer::new(&config(json!({})), 1, &Device::Cpu).unwrap();
    let step = |t: &mut Trainer, seed: u64| -> Value {
        let r: SupervisedRequest =
            serde_json::from_value(json!({"indices": (0..8).collect::<Vec<_>>(), "labels": labels, "lr": 0.01, "seed": seed})).unwrap();
        t.supervised(&data, &r).unwrap()
    };
    let first = step(&mut t, 0);
    let mut last = first.clone();
    for s in 1..150 {
        last = step(&mut t, s);
    }
    let (p0, p1) = (first["label_prob"].as_f64().unwrap(), last["label_prob"].as_f64().unwrap());
    assert!(p1 > 0.9 && p1 > p0 + 0.3, "label probability {p0} → {p1}");
    let r: RouteRequest = serde_json::from_value(json!({"samples": 1})).unwrap();
    let routed = t.route(&data, &r).unwrap();
    let same = routed.iter().zip(&labels).filter(|(s, l)| s.paths == **l).count();
    assert!(same >= 6, "greedy decode reproduces {same}/8 label routings");
    // Batch norm normalises with the statistics of the batch being encoded: best-of-N must decode
    // its greedy candidate apart from the hot samples, or the sharp policy's choices change.
    // `sample_floats` 1: every instance's samples are a rollout of their own.
    for cap in [json!(null), json!(1)] {
        let mut q = json!({"samples": 32, "temperature": 100.0, "top_p": 1.0, "seed": 4});
        if !cap.is_null() {
            q["sample_floats"] = cap.clone();
        }
        let r: RouteRequest = serde_json::from_value(q).unwrap();
        for (i, ((g, b), inst)) in routed.iter().zip(t.route(&data, &r).unwrap()).zip(&data).enumerate() {
            let (gm, bm) = (g.mlu, b.mlu);
            assert!(bm <= gm + 1e-12, "cap {cap}, instance {i}: best-of-32 {bm} > greedy decode {gm}");
            let ev = evaluate(inst, &inst.graph(), &Routing::Paths(b.paths.into_iter().map(Some).collect()));
            assert!(ev.complete && (ev.mlu - bm).abs() < 1e-9, "cap {cap}, instance {i}: {:?} {} vs {bm}", ev.problems, ev.mlu);
        }
    }
}

#[test]
fn a_learned_encoder_graph_trains() {
    // graph_learning = learned: node messages only over the learned per-instance graph.
    let data = nsfnet(8, 2);
    let labels: Vec<Vec<Vec<usize>>> = data.iter().map(|i| milp_paths(i).0).collect();
    let mut t = Trainer::new(&config(json!({"graph_learning": "learned"})), 1, &Device::Cpu).unwrap();
    let mut probs = Vec::new();
    for s in 0..80 {
        let r: SupervisedRequest =
            serde_json::from_value(json!({"indices": (0..8).collect::<Vec<_>>(), "labels": labels, "lr": 0.01, "seed": s})).unwrap();
        probs.push(t.supervised(&data, &r).unwrap()["label_prob"].as_f64().unwrap());
    }
    assert!(probs[79] > probs[0] + 0.2, "label probability {} → {}", probs[0], probs[79]);
    assert!(t.model.params.names().iter().any(|n| n == "glm.wq"), "the learner's parameters exist");
}

fn rl_request(indices: Vec<usize>, algorithm: &str, seed: u64) -> RlRequest {
    serde_json::from_value(json!({
        "indices": indices, "algorithm": algorithm, "samples": 8, "lr": 0.003, "entropy_weight": 0.0,
        "value_loss_weight": 0.5, "seed": seed, "ppo_epochs": 2,
        "reward": {"version": "continuous_v1"}
    }))
    .unwrap()
}

#[test]
fn rl_training_lowers_the_mlu_and_is_deterministic() {
    let data = nsfnet(4, 5);
    let mean_mlu = |t: &Trainer| route(t, &data, 1).iter().map(|s| s["mlu"].as_f64().unwrap()).sum::<f64>() / data.len() as f64;
    for algorithm in ["a2c", "ppo", "reinforce_baseline"] {
        let mut t = Trainer::new(&config(json!({})), 3, &Device::Cpu).unwrap();
        let before = mean_mlu(&t);
        let mut metrics = Vec::new();
        for s in 0..60 {
            metrics.push(t.reinforce(&data, &rl_request(vec![0, 1, 2, 3], algorithm, s)).unwrap());
        }
        let after = mean_mlu(&t);
        assert!(after < before * 0.97, "{algorithm}: greedy mean MLU {before} → {after}");
        assert!(metrics.iter().all(|m| m["complete_rate"] == 1.0), "{algorithm}: incomplete rollouts");
        // Same seed, same numbers.
        let mut u = Trainer::new(&config(json!({})), 3, &Device::Cpu).unwrap();
        let again = u.reinforce(&data, &rl_request(vec![0, 1, 2, 3], algorithm, 0)).unwrap();
        assert_eq!(again, metrics[0], "{algorithm}");
    }
}

#[test]
fn checkpoints_round_trip() {
    let data = nsfnet(3, 9);
    let mut t = Trainer::new(&config(json!({})), 4, &Device::Cpu).unwrap();
    t.reinforce(&data, &rl_request(vec![0, 1, 2], "a2c", 1)).unwrap();
    let dir = std::env::temp_dir().join(format!("keiro-ckpt-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let (w, o) = (dir.join("model.safetensors"), dir.join("optimizer.safetensors"));
    t.save(&w, Some(&o)).unwrap();
    let mut u = Trainer::load(&config(json!({})), &w, Some(&o), &Device::Cpu).unwrap();
    assert_eq!(route(&t, &data, 8), route(&u, &data, 8));
    // The optimiser state came back too: the next updates agree.
    let a = t.reinforce(&data, &rl_request(vec![0, 1, 2], "a2c", 2)).unwrap();
    let b = u.reinforce(&data, &rl_request(vec![0, 1, 2], "a2c", 2)).unwrap();
    assert_eq!(a, b);
    let wrong = Trainer::load(&config(json!({"hidden_dim": 8})), &w, None, &Device::Cpu).err().unwrap().to_string();
    assert!(wrong.contains("shape"), "{wrong}");
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn with_episode_statistics_an_instance_routes_the_same_alone_or_in_any_batch() {
    let data = nsfnet(7, 21);
    let t = Trainer::new(&config(json!({"normalization": "episode"})), 2, &Device::Cpu).unwrap();
    let request = |indices: Option<Vec<usize>>, batch: usize| -> Vec<Value> {
        let r: RouteRequest =
            serde_json::from_value(json!({"indices": indices, "samples": 6, "batch": batch, "seed": 4, "sample_floats": 2000})).unwrap();
        t.route(&data, &r).unwrap().iter().map(|s| json!([s.paths, s.mlu])).collect()
    };
    let all = request(None, 64);
    // sample_floats 2000 puts one episode in each sampled rollout; by default all fit in one.
    let r: RouteRequest = serde_json::from_value(json!({"samples": 6, "seed": 4})).unwrap();
    let unsplit: Vec<Value> = t.route(&data, &r).unwrap().iter().map(|s| json!([s.paths, s.mlu])).collect();
    assert_eq!(unsplit, all, "split samples");
    let huge: RouteRequest = serde_json::from_value(json!({"samples": 1_000_000_000usize})).unwrap();
    let e = t.route(&data, &huge).unwrap_err().to_string();
    assert!(e.contains("samples must be ≤ 1048576"), "{e}");
    for batch in [1, 2, 3] {
        assert_eq!(request(None, batch), all, "batch {batch}");
    }
    for i in [0, 4, 6] {
        assert_eq!(request(Some(vec![i]), 64), vec![all[i].clone()], "instance {i} alone");
    }
    let reversed: Vec<Value> = request(Some((0..7).rev().collect()), 2).into_iter().rev().collect();
    assert_eq!(reversed, all, "in another order and batch split");
    let other_seed: Vec<Value> = {
        let r: RouteRequest = serde_json::from_value(json!({"samples": 6, "seed": 5})).unwrap();
        t.route(&data, &r).unwrap().iter().map(|s| json!([s.paths, s.mlu])).collect()
    };
    assert_ne!(other_seed, all, "the seed matters");
}

#[test]
fn a_default_model_routes_any_shape_each_instance_as_it_would_alone() {
    use keiro_core::te::generate::TopologyKind;
    let nws = GenOptions { topology: TopologyKind::Nws, nodes: 20, commodities: 12, count: 2, seed: 8, ..GenOptions::default() };
    let grid = GenOptions { topology: TopologyKind::Grid, nodes: 9, commodities: 3, count: 2, seed: 9, ..GenOptions::default() };
    // Shapes interleaved: NSFNET c5, NWS-20 c12, grid-9 c3.
    let mut data = nsfnet(3, 7);
    data.insert(1, nws.instance(0).unwrap());
    data.insert(3, grid.instance(0).unwrap());
    data.push(nws.instance(1).unwrap());
    data.push(grid.instance(1).unwrap());
    let t = Trainer::new(&json!({"hidden_dim": 16, "num_layers": 2}).to_string(), 2, &Device::Cpu).unwrap();
    let request = |indices: Option<Vec<usize>>, batch: usize| -> Vec<RouteRecord> {
        let r: RouteRequest = serde_json::from_value(json!({"indices": indices, "samples": 4, "batch": batch, "seed": 4})).unwrap();
        t.route(&data, &r).unwrap()
    };
    let all = request(None, 64);
    assert_eq!(all.iter().map(|s| s.id.clone()).collect::<Vec<_>>(), data.iter().map(|i| i.id.clone()).collect::<Vec<_>>());
    for (s, inst) in all.iter().zip(&data) {
        let ev = evaluate(inst, &inst.graph(), &Routing::Paths(s.paths.iter().cloned().map(Some).collect()));
        assert!(ev.complete && s.complete && (ev.mlu - s.mlu).abs() < 1e-9, "{:?}: {:?}", s.id, ev.problems);
    }
    let same = |a: &RouteRecord, b: &RouteRecord| a.paths == b.paths && a.mlu == b.mlu;
    for (i, alone) in all.iter().enumerate() {
        assert!(same(&request(Some(vec![i]), 64)[0], alone), "instance {i} alone");
    }
    for (a, b) in request(None, 2).iter().zip(&all) {
        assert!(same(a, b), "{:?} in batches of 2", a.id);
    }
    // Local search only lowers a complete routing's MLU, keeps it valid, and is bounded.
    let ls = |rounds: usize| -> Vec<RouteRecord> {
        let r: RouteRequest = serde_json::from_value(json!({"samples": 4, "seed": 4, "local_search": rounds})).unwrap();
        t.route(&data, &r).unwrap()
    };
    let improved = ls(10);
    assert!(improved.iter().zip(&all).all(|(a, b)| a.mlu <= b.mlu + 1e-12), "local search raised an MLU");
    assert!(improved.iter().zip(&all).any(|(a, b)| a.mlu < b.mlu - 1e-9), "local search changed nothing on an untrained model");
    for (s, inst) in improved.iter().zip(&data) {
        let ev = evaluate(inst, &inst.graph(), &Routing::Paths(s.paths.iter().cloned().map(Some).collect()));
        assert!(ev.complete && (ev.mlu - s.mlu).abs() < 1e-9, "{:?}: {:?}", s.id, ev.problems);
    }
    // Every candidate is a starting point: the result is at least as good as the local search of
    // the best candidate alone and of the greedy decode alone, and independent of the batch.
    let greedy_ls: Vec<RouteRecord> = t.route(&data, &serde_json::from_value(json!({"samples": 1, "local_search": 10})).unwrap()).unwrap();
    for ((s, inst), (raw, g)) in improved.iter().zip(&data).zip(all.iter().zip(&greedy_ls)) {
        let graph = inst.graph();
        let paths = improve_paths(inst, &graph, raw.paths.clone(), 10);
        let from_best = evaluate(inst, &graph, &Routing::Paths(paths.into_iter().map(Some).collect())).mlu;
        assert!(s.mlu <= from_best + 1e-12 && s.mlu <= g.mlu + 1e-12, "{:?}: {} vs {from_best}, {}", s.id, s.mlu, g.mlu);
    }
    let r: RouteRequest = serde_json::from_value(json!({"samples": 4, "seed": 4, "local_search": 10, "batch": 2})).unwrap();
    assert!(t.route(&data, &r).unwrap().iter().zip(&improved).all(|(a, b)| same(a, b)), "local search in batches of 2");
    // One decode, both rows: with `decode_method`, the records before the local search (named so)
    // come first, equal to a request without local search, then the same records as `improved`.
    let r: RouteRequest = serde_json::from_value(json!({"samples": 4, "seed": 4, "local_search": 10, "decode_method": "plain"})).unwrap();
    let both = t.route(&data, &r).unwrap();
    assert_eq!(both.len(), 2 * data.len());
    for (a, b) in both[..data.len()].iter().zip(&all) {
        assert!(same(a, b) && a.method.as_deref() == Some("plain") && a.id == b.id, "{:?} before the local search", a.id);
    }
    for (a, b) in both[data.len()..].iter().zip(&improved) {
        assert!(same(a, b) && a.method.is_none(), "{:?} after the local search", a.id);
    }
    let r: RouteRequest = serde_json::from_value(json!({"samples": 1, "local_search": 1001})).unwrap();
    let e = t.route(&data, &r).err().unwrap().to_string();
    assert!(e.contains("local_search must be ≤ 1000"), "{e}");
    // A model tied to a shape still refuses the others.
    let tied = Trainer::new(&config(json!({})), 2, &Device::Cpu).unwrap();
    let r: RouteRequest = serde_json::from_value(json!({"indices": [1], "samples": 1})).unwrap();
    let e = tied.route(&data, &r).err().unwrap().to_string();
    assert!(e.contains("the model routes instances with 14 nodes and 5 commodities"), "{e}");
}
