//! The fusion trainer end to end on synthetic crystals whose target depends on composition and
//! on neighbour distances.

use candle_core::Device;
use keiro_core::fusion::crystal_set::CrystalSet;
use keiro_core::fusion::trainer::{FusionData, FusionTrainer, PredictOptions};
use keiro_core::rng::Rng;
use serde_json::Value;

/// `n` crystals of 2–4 atoms of 3 elements (one-hot features), 4 neighbour slots each; target 0 =
/// Σ element weight + 0.5·(mean nearest distance − 3), target 1 = the fraction of element 2.
/// Descriptors: the element fractions. Splits 60/20/20.
fn _data(n: usize, seed: u64) -> FusionData {
    let mut rng = Rng::new(seed);
    let (mut feats, mut offsets, mut nbr, mut dist, mut desc, mut targets, mut split) =
        (vec![], vec![0u32], vec![], vec![], vec![], vec![], vec![]);
    for s in 0..n {
        let atoms = 2 + rng.below(3) as usize;
        let lo = *offsets.last().unwrap();
        let mut counts = [0f32; 3];
        let mut dsum = 0.0;
        for _ in 0..atoms {
            let e = rng.below(3) as usize;
            counts[e] += 1.0;
            feats.extend((0..3).map(|k| if k == e { 1.0f32 } else { 0.0 }));
            for m in 0..4 {
                nbr.push(lo + rng.below(atoms as u64) as u32);
                let d = 2.0 + 2.0 * rng.unit() as f32;
                if m == 0 {
                    dsum += d;
                }
                dist.push(d);
            }
        }
        offsets.push(lo + atoms as u32);
        let frac: Vec<f32> = counts.iter().map(|c| c / atoms as f32).collect();
        desc.extend(&frac);
        let y0 = (counts[0] * 1.0 + counts[1] * -0.5 + counts[2] * 0.8) / atoms as f32 + 0.5 * (dsum / atoms as f32 - 3.0);
        targets.extend([y0 * 2.0, frac[2] * 3.0 - 1.0]);
        split.push(match s % 5 {
            0 => 2,
            1 => 3,
            _ => 1,
        });
    }
    FusionData {
        crystals: CrystalSet {
            atom_features: feats,
            feature_dim: 3,
            offsets,
            neighbours: nbr,
            distances: dist,
            slots: 4,
            cosines: Vec::new(),
        },
        descriptors: desc,
        descriptor_dim: 3,
        targets,
        tasks: 2,
        split,
    }
}

fn _val_mae(m: &Value) -> f64 {
    m["val_mae"].as_array().unwrap().iter().map(|v| v.as_f64().unwrap()).sum()
}

const SMALL: &str = r#"{"hidden": 16, "conv_layers": 2, "fc_hidden": 32, "batch_size": 32, "lr": 0.005}"#;

#[test]
fn every_mode_learns_the_synthetic_targets() {
    for mode in ["gnn", "early", "attention", "multitask"] {
        let cfg = SMALL.replace('{', &format!(r#"{{"mode": "{mode}", "#));
        let mut t = FusionTrainer::new(&cfg, _data(300, 1), 3, &Device::Cpu).unwrap();
        let first = _val_mae(&t.step(1, None, None).unwrap());
        let mut last = first;
        for e in 2..=40 {
            last = _val_mae(&t.step(e, None, None).unwrap());
        }
        assert!(last < 0.6 * first && last < 0.5, "{mode}: validation MAE {first} → {last}");
        if mode == "attention" {
            t.keep_best().unwrap();
            let p = t.predict(PredictOptions { best: true, split: Some(3), ..Default::default() }).unwrap();
            let a: Vec<f64> = p["attention"].as_array().unwrap().iter().map(|v| v.as_f64().unwrap()).collect();
            assert!((a[0] + a[1] - 1.0).abs() < 1e-5 && a.iter().all(|&w| w > 0.0), "{a:?}");
        }
    }
}

/// `_data` with bond-angle cosines (random, symmetric per atom, 1 on the diagonal) and target 0
/// shifted by each crystal's mean cosine between the first two bonds of its atoms.
fn _with_angles(mut d: FusionData, seed: u64) -> FusionData {
    let mut rng = Rng::new(seed);
    let m = d.crystals.slots;
    let atoms = d.crystals.neighbours.len() / m;
    let mut cos = vec![0f32; atoms * m * m];
    for i in 0..atoms {
        for p in 0..m {
            cos[(i * m + p) * m + p] = 1.0;
            for q in p + 1..m {
                let c = 2.0 * rng.unit() as f32 - 1.0;
                cos[(i * m + p) * m + q] = c;
                cos[(i * m + q) * m + p] = c;
            }
        }
    }
    for s in 0..d.crystals.len() {
        let (lo, hi) = (d.crystals.offsets[s] as usize, d.crystals.offsets[s + 1] as usize);
        let mean: f32 = (lo..hi).map(|i| cos[i * m * m + 1]).sum::<f32>() / (hi - lo) as f32;
        d.targets[s * d.tasks] += mean;
    }
    d.crystals.cosines = cos;
    d
}

#[test]
fn alignn_learns_with_the_bond_angles_and_needs_them() {
    let cfg = SMALL.replace('{', r#"{"mode": "alignn", "#);
    let train = |d: FusionData| {
        let mut t = FusionTrainer::new(&cfg, d, 3, &Device::Cpu).unwrap();
        let first = _val_mae(&t.step(1, None, None).unwrap());
        let last = (2..=40).map(|e| _val_mae(&t.step(e, None, None).unwrap())).last().unwrap();
        (first, last, t)
    };
    let (first, last, mut t) = train(_with_angles(_data(300, 1), 7));
    assert!(last < 0.6 * first, "alignn: validation MAE {first} → {last}");
    // the same crystals and targets with other angles: the model had read the true ones
    let mut other = _with_angles(_data(300, 1), 7);
    other.crystals.cosines = _with_angles(_data(300, 1), 8).crystals.cosines;
    let (_, last_other, _) = train(other);
    assert!(last < last_other, "true angles {last} vs unrelated angles {last_other}");
    t.keep_best().unwrap();
    let p = t.predict(PredictOptions { best: true, split: Some(3), ..Default::default() }).unwrap();
    assert_eq!(p["ids"].as_array().unwrap().len(), 60);
    let e = FusionTrainer::new(&cfg, _data(20, 1), 0, &Device::Cpu).err().unwrap().to_string();
    assert!(e.contains("bond-angle cosines go with mode alignn"), "{e}");
    let gnn = SMALL.replace('{', r#"{"mode": "gnn", "#);
    assert!(FusionTrainer::new(&gnn, _with_angles(_data(20, 1), 7), 0, &Device::Cpu).is_err());
    let mut bad = _with_angles(_data(20, 1), 7);
    bad.crystals.cosines[5] = 1.5;
    let e = FusionTrainer::new(&cfg, bad, 0, &Device::Cpu).err().unwrap().to_string();
    assert!(e.contains("cosines[5]"), "{e}");
}

#[test]
fn the_best_snapshot_and_the_probes_behave() {
    let cfg = SMALL.replace('{', r#"{"mode": "early", "#);
    let mut t = FusionTrainer::new(&cfg, _data(200, 2), 5, &Device::Cpu).unwrap();
    for e in 1..=5 {
        t.step(e, None, None).unwrap();
    }
    t.keep_best().unwrap();
    let test = |t: &mut FusionTrainer, o: PredictOptions| t.predict(PredictOptions { split: Some(3), ..o }).unwrap()["predictions"].clone();
    let best = test(&mut t, PredictOptions { best: true, ..Default::default() });
    t.step(6, None, None).unwrap();
    assert_ne!(test(&mut t, PredictOptions::default()), best, "training moved the current parameters");
    assert_eq!(test(&mut t, PredictOptions { best: true, ..Default::default() }), best, "the snapshot (and BN statistics) came back");
    assert_ne!(test(&mut t, PredictOptions { best: true, zero_descriptors: true, ..Default::default() }), best);
    assert_ne!(test(&mut t, PredictOptions { best: true, permute_embeddings: Some(1), ..Default::default() }), best);
    let ids = t.predict(PredictOptions { split: Some(3), ..Default::default() }).unwrap()["ids"].as_array().unwrap().len();
    assert_eq!(ids, 40);
}

#[test]
fn kendall_learns_log_variances_and_the_same_seed_repeats() {
    let cfg = SMALL.replace('{', r#"{"mode": "multitask", "kendall": true, "#);
    let run = |seed| {
        let mut t = FusionTrainer::new(&cfg, _data(120, 4), seed, &Device::Cpu).unwrap();
        (1..=6).map(|e| t.step(e, None, None).unwrap()).last().unwrap()
    };
    let (a, b, c) = (run(1), run(1), run(2));
    assert_eq!(a["val_mae"], b["val_mae"]);
    assert_ne!(a["val_mae"], c["val_mae"]);
    let s: Vec<f64> = a["log_vars"].as_array().unwrap().iter().map(|v| v.as_f64().unwrap()).collect();
    assert!(s.iter().all(|v| *v < -0.01), "losses below 1 pull log σ² below 0: {s:?}");
}

#[test]
fn bad_data_and_weights_are_refused() {
    let mut d = _data(20, 5);
    d.descriptors[4] = f32::NAN;
    let e = FusionTrainer::new("", d, 0, &Device::Cpu).err().unwrap().to_string();
    assert!(e.contains("descriptors[1][1]"), "{e}");
    let e =
        FusionTrainer::new(r#"{"mode": "early"}"#, FusionData { descriptors: vec![], descriptor_dim: 0, .._data(20, 5) }, 0, &Device::Cpu)
            .err()
            .unwrap()
            .to_string();
    assert!(e.contains("descriptors"), "{e}");
    let mut t = FusionTrainer::new(SMALL, _data(20, 5), 0, &Device::Cpu).unwrap();
    assert!(t.step(1, Some(vec![1.0]), None).is_err(), "two targets need two weights");
}
