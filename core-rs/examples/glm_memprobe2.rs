use candle_core::{Device, Tensor};
use keiro_core::glm_config::GlmConfig;
use keiro_core::glm_model::{GlmModel, GraphContext};
fn rss() -> usize {
    let s = std::fs::read_to_string("/proc/self/statm").unwrap();
    s.split_whitespace().nth(1).unwrap().parse::<usize>().unwrap() * 4096 / (1 << 20)
}
fn main() {
    let (n, f) = (2708, 1433);
    let mode: usize = std::env::args().nth(1).unwrap().parse().unwrap();
    let mut r = keiro_core::rng::Rng::new(1);
    let features: Vec<f32> = (0..n * f).map(|_| if r.unit() < 0.01 { 1.0 } else { 0.0 }).collect();
    let x = Tensor::from_vec(features, (n, f), &Device::Cpu).unwrap();
    let cfg = GlmConfig::parse(&std::env::args().nth(2).unwrap()).unwrap();
    let m = GlmModel::new(&cfg, f, 7, 0).unwrap();
    let ctx = GraphContext { fixed: None, input_part: None };
    let mut adam = keiro_core::adam::Adam::new(m.params.vars()).unwrap();
    for e in 0..40 {
        let w = m.params.weights(true);
        if mode == 0 {
            let out = x.matmul(w.get(0)).unwrap();
            let _ = out.sum_all().unwrap().backward().unwrap();
        } else if mode == 1 {
            let fw = m.forward(&w, &x, &ctx, None, e, None).unwrap();
            let _ = fw.logits.sum_all().unwrap();
        } else if mode == 5 {
            let fw = m.forward(&w, &x, &ctx, None, e, None).unwrap();
            let g = fw.logits.sum_all().unwrap().backward().unwrap();
            adam.step(m.params.vars(), &g, 0.01, 0.0, 0.0).unwrap();
        } else if mode == 3 {
            let fw = m.forward(&w, &x, &ctx, None, e, Some(&mut r)).unwrap();
            let _ = fw.logits.sum_all().unwrap().backward().unwrap();
        } else if mode == 4 {
            let lp = keiro_core::op_masked_log_softmax::masked_log_softmax(&m.forward(&w, &x, &ctx, None, e, None).unwrap().logits, std::sync::Arc::new(vec![true; n * 7])).unwrap();
            let _ = lp.sum_all().unwrap().backward().unwrap();
        } else {
            let fw = m.forward(&w, &x, &ctx, None, e, None).unwrap();
            let _ = fw.logits.sum_all().unwrap().backward().unwrap();
        }
        if e % 10 == 9 { println!("mode {mode} {e} rss {} MB", rss()); }
    }
}
