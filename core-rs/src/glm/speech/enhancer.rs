//! A mask estimator for speech enhancement over a graph of time-frequency bins (the GLM seed's
//! application), trained on synthetic clips ([`synth_clip`]) and scored by SI-SDR.
//!
//! ```text
//! X = STFT(noisy), S = STFT(clean)                       [T, F] per clip, N = T·F bins
//! features  x_(t,f) = [L(t,f), L(t±1,f), L(t±2,f), L(t,f±1), f/(F−1)]   [N, 8]
//!           L = ln(10⁻³ + |X|), standardised per clip (0 outside the clip)
//! graph     none (MLP) | input: the T-F grid (time and frequency neighbours) | knn | learned |
//!           input+learned, built per clip over its own bins (glm/graph_context.rs)
//! mask      m = σ(GlmModel(x, A))                        [N, 1]
//! loss      mse: Σ (m·|X| − |S|)² / Σ |S|²,  or  si_sdr: −SI-SDR(iSTFT(m ⊙ X), s)  (dB)
//!           (+ β·L_reg of a learned graph), one Adam step per clip
//! output    ŝ = iSTFT(m ⊙ X) with the noisy phase;  SI-SDR(ŝ, clean) − SI-SDR(noisy, clean)
//! ```

use std::time::Instant;

use candle_core::{Device, Tensor};
use serde::{Deserialize, Serialize};
use serde_json::{json, Value};

use crate::config_json::{count_problem, parse_config, Check, MAX_EPOCHS, MAX_ITEMS, MAX_WIDTH};
use crate::error::{Error, Result};
use crate::glm::config::GlmConfig;
use crate::glm::graph_context::graph_context;
use crate::glm::graph_learner::Candidates;
use crate::glm::model::{GlmModel, GraphContext};
use crate::glm::speech::masked_inverse::MaskedInverse;
use crate::glm::speech::si_sdr::si_sdr;
use crate::glm::speech::si_sdr_loss::si_sdr_loss;
use crate::glm::speech::stft::{Spectrum, Stft};
use crate::glm::speech::synth::{synth_clip, SpeechConfig};
use crate::nn::node_features::NodeFeatures;
use crate::nn::sigmoid::sigmoid;
use crate::nn::weighted_graph::GraphPart;
use crate::on_pool::on_pool;
use crate::rng::Rng;

/// Features per bin.
const FEATURES: usize = 8;

/// A run of `keiro glm enhance`: the data, the transform, the training length and the model.
#[derive(Clone, Debug, Deserialize, Serialize)]
#[serde(deny_unknown_fields, default)]
pub struct EnhanceConfig {
    /// How clips are drawn.
    pub speech: SpeechConfig,
    /// STFT size (hop `n_fft / 2`).
    pub n_fft: usize,
    /// Training clips (drawn from the seed).
    pub train_clips: usize,
    /// Test clips (drawn after the training ones).
    pub test_clips: usize,
    /// Passes over the training clips.
    pub epochs: usize,
    /// The training loss.
    pub loss: EnhanceLoss,
    /// The mask estimator: a GLM config (`graph`, `layer`, `hidden`, `knn_k`, `glm`, `lr`, …; its
    /// `input` graph is the T-F grid). Keys given override [`default_model`]'s, `glm` key by key.
    pub model: Value,
}

/// The enhancer's training loss.
#[derive(Clone, Copy, Debug, Deserialize, Serialize, PartialEq, Eq)]
#[serde(rename_all = "snake_case")]
pub enum EnhanceLoss {
    /// The masked magnitude's squared error, relative to the clean energy.
    Mse,
    /// Negative SI-SDR of the enhanced waveform, through a differentiable inverse STFT.
    SiSdr,
}

/// The mask estimator's default keys (the GLM defaults otherwise).
pub fn default_model() -> Value {
    json!({"hidden": 32, "knn_k": 8, "dropout": 0.0, "lr": 0.01, "glm": {"k": 8, "update_every": 1}})
}

/// `given` over `base`, one level deep for objects (`glm` key by key).
fn _overlay(base: Value, given: &Value) -> Value {
    match (base, given) {
        (Value::Object(mut b), Value::Object(g)) => {
            for (k, v) in g {
                let merged = match b.remove(k) {
                    Some(old @ Value::Object(_)) if v.is_object() => _overlay(old, v),
                    _ => v.clone(),
                };
                b.insert(k.clone(), merged);
            }
            Value::Object(b)
        }
        (_, g) => g.clone(),
    }
}

impl Default for EnhanceConfig {
    fn default() -> Self {
        EnhanceConfig {
            speech: SpeechConfig::default(),
            n_fft: 128,
            train_clips: 24,
            test_clips: 8,
            epochs: 15,
            loss: EnhanceLoss::SiSdr,
            model: default_model(),
        }
    }
}

/// One clip ready for the model.
struct _Prepared {
    x: NodeFeatures,
    ctx: GraphContext,
    cand: Option<Candidates>,
    /// `[N, 1]` |X| and |S|.
    mag: Tensor,
    clean_mag: Tensor,
    spec: Spectrum,
    clean: Vec<f32>,
    noisy: Vec<f32>,
    /// The differentiable inverse and the clean signal `[L]` (loss si_sdr only).
    waveform: Option<(MaskedInverse, Tensor)>,
}

/// `[N, 8]` bin features of the spectrum (row `t·F + f`).
fn _features(s: &Spectrum) -> Vec<f32> {
    let (t_n, f_n) = (s.frames, s.bins);
    let l: Vec<f32> = s.values.iter().map(|c| (1e-3 + c.norm()).ln()).collect();
    let mean = l.iter().sum::<f32>() / l.len() as f32;
    let std = (l.iter().map(|v| (v - mean).powi(2)).sum::<f32>() / l.len() as f32).sqrt().max(1e-6);
    let at = |t: isize, f: isize| {
        if t < 0 || f < 0 || t >= t_n as isize || f >= f_n as isize {
            0.0
        } else {
            (l[t as usize * f_n + f as usize] - mean) / std
        }
    };
    let mut out = Vec::with_capacity(t_n * f_n * FEATURES);
    for t in 0..t_n as isize {
        for f in 0..f_n as isize {
            out.extend([at(t, f), at(t - 1, f), at(t + 1, f), at(t - 2, f), at(t + 2, f), at(t, f - 1), at(t, f + 1)]);
            out.push(f as f32 / (f_n - 1) as f32);
        }
    }
    out
}

/// The T-F grid: each bin linked to its next frame and its next bin.
fn _grid(t_n: usize, f_n: usize) -> Vec<(usize, usize)> {
    let mut pairs = Vec::new();
    for t in 0..t_n {
        for f in 0..f_n {
            let i = t * f_n + f;
            if t + 1 < t_n {
                pairs.push((i, i + f_n));
            }
            if f + 1 < f_n {
                pairs.push((i, i + 1));
            }
        }
    }
    pairs
}

fn _column(v: Vec<f32>, device: &Device) -> Result<Tensor> {
    let n = v.len();
    Ok(Tensor::from_vec(v, (n, 1), device)?)
}

fn _prepare(model: &GlmModel, stft: &Stft, clip: crate::glm::speech::synth::Clip, loss: EnhanceLoss, device: &Device) -> Result<_Prepared> {
    let spec = stft.forward(&clip.noisy);
    let waveform = match loss {
        EnhanceLoss::Mse => None,
        EnhanceLoss::SiSdr => Some((
            MaskedInverse::new(stft, &spec, clip.clean.len(), device)?,
            Tensor::from_vec(clip.clean.clone(), clip.clean.len(), device)?,
        )),
    };
    let clean_spec = stft.forward(&clip.clean);
    let n = spec.values.len();
    let x = Tensor::from_vec(_features(&spec), (n, FEATURES), device)?;
    let ctx = graph_context(model, &x, Some(GraphPart::undirected(&_grid(spec.frames, spec.bins), device)?))?;
    Ok(_Prepared {
        x: NodeFeatures::dense(x),
        ctx,
        cand: None,
        mag: _column(spec.values.iter().map(|c| c.norm()).collect(), device)?,
        clean_mag: _column(clean_spec.values.iter().map(|c| c.norm()).collect(), device)?,
        spec,
        clean: clip.clean,
        noisy: clip.noisy,
        waveform,
    })
}

/// Trains a mask estimator on `cfg.train_clips` clips drawn from `seed` (model initialisation,
/// dropout and sampling from `seed` too) and scores it on `cfg.test_clips` further clips. Returns
/// `{"config", "graph", "seed", "nodes", "epochs": [{"epoch", "loss", "ms"}], "noisy_si_sdr",
/// "enhanced_si_sdr", "improvement", "per_clip": [{"noisy", "enhanced"}], "sample": {"clean",
/// "noisy", "enhanced"}, "sample_rate"}` (SI-SDR in dB, means over the test clips; the sample is
/// the first test clip).
pub fn run_enhance(config: &str, seed: u64, device: &Device) -> Result<Value> {
    let mut cfg: EnhanceConfig = parse_config(config, "enhance")?;
    cfg.model = _overlay(default_model(), &cfg.model);
    cfg.speech.check()?;
    let counts = [
        ("n_fft", cfg.n_fft, Check::EvenInt(4, MAX_WIDTH)),
        ("train_clips", cfg.train_clips, Check::IntIn(1, MAX_ITEMS)),
        ("test_clips", cfg.test_clips, Check::IntIn(1, MAX_ITEMS)),
        ("epochs", cfg.epochs, Check::IntIn(1, MAX_EPOCHS)),
    ];
    if let Some(p) = count_problem(&counts) {
        return Err(Error::Usage(format!("enhance: {p}")));
    }
    let model_cfg = GlmConfig::parse(&cfg.model.to_string())?;
    let stft = Stft::new(cfg.n_fft)?;
    on_pool(|| _run(&cfg, &model_cfg, &stft, seed, device))
}

fn _run(cfg: &EnhanceConfig, model_cfg: &GlmConfig, stft: &Stft, seed: u64, device: &Device) -> Result<Value> {
    let model = GlmModel::new(model_cfg, FEATURES, 1, seed, device)?;
    let mut data = Rng::new(seed ^ 0x5eed_da7a);
    let mut clips = (0..cfg.train_clips + cfg.test_clips)
        .map(|_| _prepare(&model, stft, synth_clip(&mut data, &cfg.speech), cfg.loss, device))
        .collect::<Result<Vec<_>>>()?;
    let test = clips.split_off(cfg.train_clips);
    let mut train = clips;
    let nodes = train[0].spec.values.len();
    let mut adam = model.adam()?;
    let mut rng = Rng::new(seed ^ 0x9e37_79b9_7f4a_7c15);
    let mut order: Vec<usize> = (0..train.len()).collect();
    let mut epochs = Vec::new();
    for epoch in 1..=cfg.epochs {
        let t0 = Instant::now();
        rng.shuffle(&mut order);
        let mut total = 0.0;
        for &i in &order {
            let c = &mut train[i];
            if model.cfg.learns_graph() && (c.cand.is_none() || epoch.is_multiple_of(model.cfg.glm.update_every)) {
                c.cand = model.candidates(&c.x, &c.ctx)?;
            }
            let w = model.params.weights(true);
            let f = model.forward(&w, &c.x, &c.ctx, c.cand.as_ref(), epoch, Some(&mut rng))?;
            let mask = sigmoid(&f.logits)?; // [N, 1]
            let main = match &c.waveform {
                Some((inverse, clean)) => si_sdr_loss(&inverse.forward(&mask)?, clean)?,
                None => {
                    let energy = c.clean_mag.sqr()?.sum_all()?.to_scalar::<f32>()?.max(1e-12) as f64;
                    (((mask * &c.mag)? - &c.clean_mag)?.sqr()?.sum_all()? / energy)?
                }
            };
            let loss = (main + &f.reg)?;
            let grads = loss.backward()?;
            adam.step(model.params.vars(), &grads, model.cfg.lr, 0.0, 0.0)?;
            total += loss.to_scalar::<f32>()? as f64;
        }
        epochs.push(json!({"epoch": epoch, "loss": total / train.len() as f64, "ms": t0.elapsed().as_secs_f64() * 1e3}));
    }
    let mut per_clip = Vec::new();
    let mut sample = Value::Null;
    for (k, mut c) in test.into_iter().enumerate() {
        if model.cfg.learns_graph() {
            c.cand = model.candidates(&c.x, &c.ctx)?;
        }
        let w = model.params.weights(false);
        let f = model.forward(&w, &c.x, &c.ctx, c.cand.as_ref(), cfg.epochs, None)?;
        let mask = sigmoid(&f.logits)?.flatten_all()?.to_vec1::<f32>()?;
        let enhanced = Spectrum { values: c.spec.values.iter().zip(&mask).map(|(v, m)| v * m).collect(), ..c.spec };
        let y = stft.inverse(&enhanced, c.clean.len());
        per_clip.push((si_sdr(&c.noisy, &c.clean), si_sdr(&y, &c.clean)));
        if k == 0 {
            sample = json!({"clean": c.clean, "noisy": c.noisy, "enhanced": y});
        }
    }
    let mean = |f: fn(&(f64, f64)) -> f64| per_clip.iter().map(f).sum::<f64>() / per_clip.len() as f64;
    let (noisy, enhanced) = (mean(|p| p.0), mean(|p| p.1));
    Ok(json!({
        "config": serde_json::to_value(cfg).expect("config serialises"),
        "model": model.cfg.to_json(),
        "graph": model.cfg.to_json()["graph"],
        "seed": seed,
        "nodes": nodes,
        "epochs": epochs,
        "noisy_si_sdr": noisy,
        "enhanced_si_sdr": enhanced,
        "improvement": enhanced - noisy,
        "per_clip": per_clip.iter().map(|&(n, e)| json!({"noisy": n, "enhanced": e})).collect::<Vec<_>>(),
        "sample": sample,
        "sample_rate": cfg.speech.sample_rate,
    }))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn grid_links_time_and_frequency_neighbours() {
        let g = _grid(3, 2);
        assert_eq!(g, vec![(0, 2), (0, 1), (1, 3), (2, 4), (2, 3), (3, 5), (4, 5)]);
    }

    #[test]
    fn model_keys_override_the_defaults_key_by_key() {
        let m = _overlay(default_model(), &json!({"graph": "knn", "hidden": 8, "glm": {"k": 4}}));
        assert_eq!(m, json!({"hidden": 8, "knn_k": 8, "dropout": 0.0, "lr": 0.01, "glm": {"k": 4, "update_every": 1}, "graph": "knn"}));
    }

    #[test]
    fn a_short_run_improves_si_sdr_and_is_seeded() {
        let cfg = json!({"train_clips": 6, "test_clips": 3, "epochs": 6, "model": {"graph": "input", "hidden": 16, "lr": 0.01}});
        let mut mse = cfg.clone();
        mse["loss"] = json!("mse");
        let s = run_enhance(&mse.to_string(), 3, &Device::Cpu).unwrap();
        let (first, last) = (s["epochs"][0]["loss"].as_f64().unwrap(), s["epochs"][5]["loss"].as_f64().unwrap());
        assert!(last < first, "magnitude MSE {first} → {last}");
        assert!(s["improvement"].as_f64().unwrap() > 0.0, "MSE training improves SI-SDR too: {}", s["improvement"]);
        let a = run_enhance(&cfg.to_string(), 3, &Device::Cpu).unwrap();
        let b = run_enhance(&cfg.to_string(), 3, &Device::Cpu).unwrap();
        assert_eq!(a["per_clip"], b["per_clip"], "same seed, same result");
        let first = a["epochs"][0]["loss"].as_f64().unwrap();
        let last = a["epochs"][5]["loss"].as_f64().unwrap();
        assert!(last < first, "training loss (−SI-SDR, the default) {first} → {last}");
        assert_eq!(a["config"]["loss"], json!("si_sdr"), "the default loss");
        assert_eq!(s["config"]["loss"], json!("mse"));
        assert!(a["improvement"].as_f64().unwrap() > 0.0, "SI-SDR improvement {}", a["improvement"]);
        assert_eq!(a["sample"]["enhanced"].as_array().unwrap().len(), 4000);
        for (cfg, want) in [
            (r#"{"epochs": 0}"#, "epochs must be"),
            (r#"{"n_fft": 1000000000}"#, "n_fft must be"),
            (r#"{"n_fft": 129}"#, "n_fft must be"),
            (r#"{"train_clips": 10000000}"#, "train_clips must be"),
            (r#"{"loss": "l1"}"#, "loss"),
        ] {
            let bad = run_enhance(cfg, 0, &Device::Cpu).err().unwrap().to_string();
            assert!(bad.contains(want), "{cfg}: {bad}");
        }
        let key = run_enhance(r#"{"epoch": 3}"#, 0, &Device::Cpu).err().unwrap().to_string();
        assert!(key.contains("epoch"), "{key}");
    }
}
