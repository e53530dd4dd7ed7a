//! Integration tests of the graph learning module and the node classifier (`keiro glm`).

use candle_core::{Device, Tensor};
use keiro_core::glm::config::LearnerConfig;
use keiro_core::glm::graph_learner::GraphLearner;
use keiro_core::glm::trainer::{GlmTrainer, NodeData};
use keiro_core::nn::node_features::NodeFeatures;
use keiro_core::nn::param_store::ParamStore;
use keiro_core::rng::Rng;
use keiro_core::Error;
use serde_json::{json, Value};

/// Three Gaussian blobs in 6 dimensions (20 nodes each); 3 train, 5 val per class, rest test.
fn blobs(seed: u64) -> NodeData {
    let mut r = Rng::new(seed);
    let (n, f) = (60, 6);
    let mut features = Vec::with_capacity(n * f);
    let mut labels = Vec::new();
    let mut split = Vec::new();
    for i in 0..n {
        let c = i % 3;
        for d in 0..f {
            let centre = if d % 3 == c { 3.0 } else { 0.0 };
            features.push((centre + 1.2 * (r.unit() * 2.0 - 1.0)) as f32);
        }
        labels.push(c as i32);
        split.push(match i / 3 {
            0..=2 => 1,
            3..=7 => 2,
            _ => 3,
        });
    }
    NodeData { features, num_features: f, labels, split, edges: vec![], classes: 3 }
}

fn train(config: Value, data: NodeData, seed: u64, epochs: usize) -> (GlmTrainer, Value) {
    let mut t = GlmTrainer::new(&config.to_string(), data, seed, &Device::Cpu).unwrap();
    let mut last = Value::Null;
    for e in 0..epochs {
        last = t.step(e).unwrap();
    }
    (t, last)
}

#[test]
fn every_graph_mode_and_sparsifier_classifies_separable_blobs() {
    for cfg in [
        json!({"graph": "none"}),
        json!({"graph": "knn", "knn_k": 5}),
        json!({"graph": "learned", "glm": {"k": 5}}),
        json!({"graph": "learned", "glm": {"k": 5, "projection": "diagonal"}}),
        json!({"graph": "learned", "glm": {"k": 5, "candidates": 10, "sparsify": "soft_topk", "edge_l1": 0.1, "smoothness": 1.0}}),
        json!({"graph": "learned", "glm": {"k": 5, "candidates": 10, "sparsify": "gumbel", "edge_l0": 0.1, "degree_barrier": 0.1}}),
        json!({"graph": "learned", "layer": "gat", "heads": 2, "glm": {"k": 5, "heads": 2, "scale": true}}),
        json!({"graph": "knn", "layer": "gat", "knn_k": 5}),
        json!({"graph": "knn", "knn_k": 5, "edge_dropout": 0.25}),
        json!({"graph": "learned", "layer": "gat", "edge_dropout": 0.25, "glm": {"k": 5, "dae": 1.0, "dae_hidden": 8, "dae_warmup": 10}}),
        json!({"graph": "learned", "layer": "appnp", "glm": {"k": 5}}),
        json!({"graph": "knn", "layer": "appnp", "knn_k": 5, "appnp_steps": 5, "appnp_alpha": 0.2}),
        json!({"graph": "learned", "layer": "appnp", "edge_dropout": 0.25, "glm": {"k": 5, "dae": 1.0, "dae_hidden": 8}}),
    ] {
        let (_, m) = train(cfg.clone(), blobs(1), 3, 60);
        let acc = m["test_acc"].as_f64().unwrap();
        assert!(acc >= 0.9, "{cfg}: test accuracy {acc}");
        assert!(m["loss"].as_f64().unwrap().is_finite());
    }
}

#[test]
fn appnp_carries_the_labels_of_the_training_nodes_along_the_input_graph() {
    // Noise features, so only the graph tells the classes apart: each node is linked to the next
    // six nodes of its class (rings of 20), with 3 labelled nodes per class.
    let rings = || {
        let mut data = blobs(4);
        let mut r = Rng::new(9);
        data.features.iter_mut().for_each(|v| *v = r.unit() as f32);
        data.edges = (0..60).flat_map(|i| (1..=6).map(move |j| (i, (i + 3 * j) % 60))).collect();
        data
    };
    let acc = |cfg: Value| train(cfg, rings(), 2, 100).1["test_acc"].as_f64().unwrap();
    let propagated = acc(json!({"graph": "input", "layer": "appnp"}));
    let alone = acc(json!({"graph": "input", "layer": "appnp", "appnp_steps": 0}));
    assert!(propagated >= 0.9, "APPNP over the rings: test accuracy {propagated}");
    assert!(alone < 0.6, "without propagation the noise features leave it near chance: {alone}");
}

#[test]
fn the_denoising_self_supervision_trains_on_binary_and_real_features() {
    // Binary features (bag-of-words-like): blob coordinates thresholded at 1.5.
    let mut binary = blobs(1);
    binary.features.iter_mut().for_each(|v| *v = if *v > 1.5 { 1.0 } else { 0.0 });
    for (name, data) in [("binary", binary), ("real", blobs(1))] {
        let cfg = json!({"graph": "learned", "glm": {"k": 5, "dae": 1.0, "dae_hidden": 16, "dae_ratio": 2, "dae_zeros": 1}});
        let mut t = GlmTrainer::new(&cfg.to_string(), data, 3, &Device::Cpu).unwrap();
        let first = t.step(0).unwrap()["dae"].as_f64().unwrap();
        let mut last = Value::Null;
        for e in 1..80 {
            last = t.step(e).unwrap();
        }
        let dae = last["dae"].as_f64().unwrap();
        assert!(first > 0.0 && dae < 0.8 * first, "{name}: denoising loss {first} → {dae}");
        assert!(last["test_acc"].as_f64().unwrap() >= 0.9, "{name}: {last}");
        let total = last["ce"].as_f64().unwrap() + last["reg"].as_f64().unwrap() + dae;
        assert!(last["loss"].as_f64().unwrap() >= total - 1e-4, "{name}: the loss holds L_dae: {last}");
    }
    let e = GlmTrainer::new(r#"{"graph": "knn", "glm": {"dae": 1.0}}"#, blobs(1), 0, &Device::Cpu).err().unwrap().to_string();
    assert!(e.contains("glm.dae supervises the learned graph"), "{e}");
}

#[test]
fn the_same_seed_gives_the_same_run() {
    let cfg = json!({"graph": "learned", "glm": {"k": 4, "candidates": 8, "sparsify": "gumbel"}});
    let (_, a) = train(cfg.clone(), blobs(2), 5, 15);
    let (_, b) = train(cfg.clone(), blobs(2), 5, 15);
    let (_, c) = train(cfg, blobs(2), 6, 15);
    let strip = |mut v: Value| {
        v.as_object_mut().unwrap().remove("ms");
        v
    };
    assert_eq!(strip(a.clone()), strip(b));
    assert_ne!(strip(a)["loss"], strip(c)["loss"], "another seed trains differently");
}

#[test]
fn exported_learned_graphs_are_sparse_and_symmetric() {
    let (mut t, _) = train(json!({"graph": "learned", "glm": {"k": 4}}), blobs(3), 1, 10);
    let g = t.graph(false, 10).unwrap();
    let edges: Vec<(usize, usize, f64)> = serde_json::from_value(g["edges"].clone()).unwrap();
    let mut w = std::collections::HashMap::new();
    for &(a, b, x) in &edges {
        assert_ne!(a, b, "no self loops in exports");
        w.insert((a, b), x);
    }
    for (&(a, b), &x) in &w {
        assert!((w[&(b, a)] - x).abs() < 1e-6, "({a}, {b}) is symmetric");
    }
    // Each node keeps 4 and may be kept by others: between 4 and 8 neighbours on average.
    assert!(edges.len() >= 60 * 4 && edges.len() <= 60 * 8, "{} edges", edges.len());
    t.keep_best().unwrap();
    assert_eq!(t.evaluate(true, 10).unwrap(), t.evaluate(false, 10).unwrap());
}

#[test]
fn sparse_and_dense_features_give_the_same_learned_graph() {
    // 10% non-zero features take the sparse path (sparse_dot for the diagonal learner).
    let (n, f) = (40, 30);
    let mut r = Rng::new(9);
    let v: Vec<f32> = (0..n * f).map(|_| if r.unit() < 0.1 { r.unit() as f32 + 0.5 } else { 0.0 }).collect();
    let x = Tensor::from_vec(v, (n, f), &Device::Cpu).unwrap();
    for projection in ["diagonal", "linear"] {
        let cfg: LearnerConfig = serde_json::from_value(json!({"projection": projection, "k": 3, "dim": 8})).unwrap();
        let mut ps = ParamStore::new(4, &Device::Cpu);
        let learner = GraphLearner::new(&mut ps, &cfg, f).unwrap();
        let w = ps.weights(false);
        let (sparse, dense) = (NodeFeatures::new(x.clone()).unwrap(), NodeFeatures::dense(x.clone()));
        let cand = learner.candidates(&w, &dense, &x, None).unwrap();
        let ws = learner.forward(&w, &sparse, &cand, 0, None).unwrap().part.weights.flatten_all().unwrap().to_vec1::<f32>().unwrap();
        let wd = learner.forward(&w, &dense, &cand, 0, None).unwrap().part.weights.flatten_all().unwrap().to_vec1::<f32>().unwrap();
        for (a, b) in ws.iter().zip(&wd) {
            assert!((a - b).abs() < 1e-5, "{projection}: {a} vs {b}");
        }
    }
}

#[test]
fn bad_data_names_the_field() {
    let mut d = blobs(1);
    d.labels[7] = -1;
    let e = GlmTrainer::new("{}", d, 0, &Device::Cpu).err().unwrap();
    assert!(matches!(&e, Error::Input { field, .. } if field == "nodes[7]"), "{e}");
    let mut d = blobs(1);
    d.edges = vec![(0, 1), (3, 60)];
    let e = GlmTrainer::new("{}", d, 0, &Device::Cpu).err().unwrap();
    assert!(matches!(&e, Error::Input { field, .. } if field == "edges[1]"), "{e}");
    let e = GlmTrainer::new(r#"{"graph": "input"}"#, blobs(1), 0, &Device::Cpu).err().unwrap().to_string();
    assert!(e.contains("needs a dataset with edges"), "{e}");
    let mut d = blobs(1);
    d.labels[4] = 3;
    let e = GlmTrainer::new("{}", d, 0, &Device::Cpu).err().unwrap();
    assert!(matches!(&e, Error::Input { field, .. } if field == "nodes[4]"), "a label ≥ classes: {e}");
}

/// `blobs(seed)` with every label and split removed: nodes to predict.
fn unlabelled(seed: u64) -> NodeData {
    let mut d = blobs(seed);
    d.labels.fill(-1);
    d.split.fill(0);
    d
}

#[test]
fn a_saved_model_predicts_alike_and_on_new_nodes() {
    let dir = std::env::temp_dir().join(format!("keiro-glm-save-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    // update_every 1000: the candidates stay those selected from the initial parameters, which the
    // trained ones would not select again; the saved model keeps them
    for cfg in [
        json!({"graph": "knn", "knn_k": 5}),
        json!({"graph": "learned", "glm": {"k": 5, "candidates": 10}}),
        json!({"graph": "learned", "glm": {"k": 5, "candidates": 10, "update_every": 1000}}),
    ] {
        let (mut t, _) = train(cfg.clone(), blobs(1), 3, 40);
        t.keep_best().unwrap();
        let path = dir.join("model.safetensors");
        t.save(&path).unwrap();
        // The same nodes: the loaded model predicts what the best snapshot predicts.
        let mut same = GlmTrainer::new(&cfg.to_string(), blobs(1), 99, &Device::Cpu).unwrap();
        same.load(&path).unwrap();
        assert_eq!(same.predict(false, 0).unwrap(), t.predict(true, 0).unwrap(), "{cfg}");
        assert_eq!(same.evaluate(false, 0).unwrap(), t.evaluate(true, 0).unwrap(), "{cfg}");
        // New nodes, no labels: the model is inductive (weights do not depend on the node count).
        let mut fresh = GlmTrainer::new(&cfg.to_string(), unlabelled(8), 99, &Device::Cpu).unwrap();
        fresh.load(&path).unwrap();
        let p = fresh.predict(false, 0).unwrap();
        let classes: Vec<u32> = serde_json::from_value(p["classes"].clone()).unwrap();
        let hits = classes.iter().enumerate().filter(|&(i, &c)| c as usize == i % 3).count();
        assert!(hits >= 54, "{cfg}: {hits} of 60 new nodes right");
        let probs: Vec<Vec<f32>> = serde_json::from_value(p["probabilities"].clone()).unwrap();
        assert!(probs.iter().all(|r| r.len() == 3 && (r.iter().sum::<f32>() - 1.0).abs() < 1e-5));
        // Nothing to train on.
        let e = fresh.step(1).err().unwrap().to_string();
        assert!(e.contains("no training nodes"), "{e}");
    }
    // Another class count: the checkpoint does not fit.
    let mut d = unlabelled(8);
    d.classes = 4;
    let mut other = GlmTrainer::new(r#"{"graph": "knn", "knn_k": 5}"#, d, 0, &Device::Cpu).unwrap();
    let e = other.load(&dir.join("model.safetensors")).err().unwrap().to_string();
    assert!(e.contains("has shape"), "{e}");
    std::fs::remove_dir_all(&dir).unwrap();
}
