//! A CGCNN encoder with descriptor-fusion heads (the seed's composition/GNN fusion; docs/fusion.md):
//!
//! ```text
//! encoder   v⁰ = W_emb a                       atom features a [A, F] → [A, H]
//!           vᵏ = CGCNNConv(vᵏ⁻¹), k = 1..K      [A, H]
//!           e  = mean over each crystal's atoms  [B, H]
//! gnn       ŷ = MLP_[H, fc, T](e)
//! early     ŷ = MLP_[D+H, fc, fc/2, T]([d ‖ e])                   d: descriptors [B, D]
//! attention c = W_c d;  (w_c, w_e) = softmax(s_c·c, s_e·e);  ŷ = MLP_[H, fc/2, T](w_c c + w_e e)
//! multitask ŷ_t = MLP_t,[H, fc, 1](e) for every target t
//! alignn    b⁰ = W_b u                          bonds: distance Gaussians u [A·M, G] → [A·M, H]
//!           bᵏ = CGCNNConv_line(bᵏ⁻¹)           line graph: the bonds of an atom, angle Gaussians
//!           vᵏ = CGCNNConv_atom(vᵏ⁻¹; bᵏ)        the updated bonds as the atom graph's edges
//!           ŷ = MLP_[D+H, fc, fc/2, T]([d ‖ e])  descriptors joined at the pooled hidden layer
//! ```
//! Hidden activations are softplus (CGCNN), with optional dropout in the heads. With `kendall`,
//! the model also holds one learned log σ²_t per target (see [`crate::fusion::trainer`]).

use candle_core::{DType, Device, Tensor};

use crate::error::{Error, Result};
use crate::fusion::cgcnn_conv::CgcnnConv;
use crate::fusion::config::{FusionConfig, FusionMode};
use crate::fusion::crystal_set::{CrystalBatch, ANGLE_CENTRES};
use crate::nn::mlp::{Activation, Linear, Mlp};
use crate::nn::param_store::{ParamStore, Weights};
use crate::ops::masked_log_softmax::masked_log_softmax;
use crate::rng::Rng;

enum _Head {
    Gnn(Mlp),
    Early(Mlp),
    Attention { comp: Linear, score_comp: Linear, score_emb: Linear, mlp: Mlp },
    PerTask(Vec<Mlp>),
}

/// What the heads return.
pub struct HeadOutput {
    /// `[B, T]` predictions (z-scored units).
    pub pred: Tensor,
    /// `[B, 2]` attention weights (descriptors, embedding), attention mode only.
    pub attention: Option<Tensor>,
}

/// The encoder, the heads and their parameters.
pub struct FusionModel {
    /// Resolved config.
    pub cfg: FusionConfig,
    /// Trainable parameters.
    pub params: ParamStore,
    embed: Linear,
    convs: Vec<CgcnnConv>,
    /// `alignn`: the bond embedding and one line-graph convolution per atom convolution.
    line: Option<(Linear, Vec<CgcnnConv>)>,
    head: _Head,
    /// Kendall log σ² `[T]` parameter id.
    pub log_vars: Option<usize>,
    /// Number of targets.
    pub tasks: usize,
}

impl FusionModel {
    /// A model on `device` for `f` atom features, `d` descriptors and `t` targets, initialised
    /// from `seed`.
    pub fn new(cfg: FusionConfig, f: usize, d: usize, t: usize, seed: u64, device: &Device) -> Result<FusionModel> {
        if t == 0 {
            return Err(Error::Usage("fusion: at least one target is needed".into()));
        }
        if matches!(cfg.mode, FusionMode::Early | FusionMode::Attention | FusionMode::Alignn) && d == 0 {
            let name = serde_json::to_value(cfg.mode).unwrap_or_default();
            return Err(Error::Usage(format!("fusion mode {name} needs composition descriptors; none were given")));
        }
        let mut ps = ParamStore::new(seed, device);
        let (h, fc, g) = (cfg.hidden, cfg.fc_hidden, cfg.gaussian.centres().len());
        let embed = Linear::new(&mut ps, "embed", f, h)?;
        let alignn = cfg.mode == FusionMode::Alignn;
        // alignn: the atom convolutions read the H-wide bond states instead of the G Gaussians
        let edge_width = if alignn { h } else { g };
        let convs = (0..cfg.conv_layers)
            .map(|k| CgcnnConv::new(&mut ps, &format!("conv{k}"), h, edge_width, cfg.bn_momentum))
            .collect::<Result<_>>()?;
        let line = if alignn {
            let bond = Linear::new(&mut ps, "bond_embed", g, h)?;
            let convs = (0..cfg.conv_layers)
                .map(|k| CgcnnConv::new(&mut ps, &format!("line{k}"), h, ANGLE_CENTRES, cfg.bn_momentum))
                .collect::<Result<_>>()?;
            Some((bond, convs))
        } else {
            None
        };
        let sp = Activation::Softplus;
        let head = match cfg.mode {
            FusionMode::Gnn => _Head::Gnn(Mlp::from_dims(&mut ps, "head", &[h, fc, t], sp)?),
            FusionMode::Early | FusionMode::Alignn => _Head::Early(Mlp::from_dims(&mut ps, "head", &[d + h, fc, fc / 2, t], sp)?),
            FusionMode::Attention => _Head::Attention {
                comp: Linear::new(&mut ps, "attention.comp", d, h)?,
                score_comp: Linear::new(&mut ps, "attention.score_comp", h, 1)?,
                score_emb: Linear::new(&mut ps, "attention.score_gnn", h, 1)?,
                mlp: Mlp::from_dims(&mut ps, "head", &[h, fc / 2, t], sp)?,
            },
            FusionMode::Multitask => {
                _Head::PerTask((0..t).map(|k| Mlp::from_dims(&mut ps, &format!("head{k}"), &[h, fc, 1], sp)).collect::<Result<_>>()?)
            }
        };
        let log_vars = if cfg.kendall { Some(ps.constant("kendall.log_var", Tensor::zeros(t, DType::F32, &Device::Cpu)?)?) } else { None };
        Ok(FusionModel { cfg, params: ps, embed, convs, line, head, log_vars, tasks: t })
    }

    /// The pooled crystal embeddings `[B, H]` of a batch.
    pub fn embed(&self, w: &Weights, b: &CrystalBatch, train: bool) -> Result<Tensor> {
        let mut v = self.embed.forward(w, &b.atoms)?; // [A, H]
        match &self.line {
            None => {
                for c in &self.convs {
                    v = c.forward(w, &v, &b.links, &b.edges, train)?;
                }
            }
            Some((bond, line_convs)) => {
                let l = b.line.as_ref().ok_or_else(|| Error::Usage("fusion mode alignn needs the bond angles".into()))?;
                let mut e = bond.forward(w, &b.edges)?; // [A·M, H]
                for (lc, c) in line_convs.iter().zip(&self.convs) {
                    e = lc.forward(w, &e, &l.links, &l.edges, train)?;
                    v = c.forward(w, &v, &b.links, &e, train)?;
                }
            }
        }
        Ok(b.pool.matmul(&v)?) // [B, H]
    }

    /// Predictions from embeddings `e` `[B, H]` and descriptors `d` `[B, D]` (unused by gnn and
    /// multitask); `rng` turns dropout on.
    pub fn head(&self, w: &Weights, e: &Tensor, d: Option<&Tensor>, mut rng: Option<&mut Rng>) -> Result<HeadOutput> {
        let p = self.cfg.dropout;
        let need = || d.ok_or_else(|| Error::Usage("fusion: this mode needs descriptors".into()));
        Ok(match &self.head {
            _Head::Early(mlp) => HeadOutput { pred: mlp.forward_dropout(w, &Tensor::cat(&[need()?, e], 1)?, p, rng)?, attention: None },
            _Head::Gnn(mlp) => HeadOutput { pred: mlp.forward_dropout(w, e, p, rng)?, attention: None },
            _Head::Attention { comp, score_comp, score_emb, mlp } => {
                let c = comp.forward(w, need()?)?; // [B, H]
                let s = Tensor::cat(&[score_comp.forward(w, &c)?, score_emb.forward(w, e)?], 1)?; // [B, 2]
                let all = std::sync::Arc::new(vec![true; s.elem_count()]);
                let a = masked_log_softmax(&s, all)?.exp()?; // [B, 2]
                let fused = (c.broadcast_mul(&a.narrow(1, 0, 1)?)? + e.broadcast_mul(&a.narrow(1, 1, 1)?)?)?;
                HeadOutput { pred: mlp.forward_dropout(w, &fused, p, rng)?, attention: Some(a) }
            }
            _Head::PerTask(mlps) => {
                let cols = mlps.iter().map(|m| m.forward_dropout(w, e, p, rng.as_deref_mut())).collect::<Result<Vec<_>>>()?;
                HeadOutput { pred: Tensor::cat(&cols, 1)?, attention: None }
            }
        })
    }

    /// Running batch-norm statistics of every layer (for snapshots).
    pub fn bn_states(&self) -> Vec<(Vec<f32>, Vec<f32>)> {
        self._all_convs().flat_map(|c| c.bn.iter().map(|b| b.state())).collect()
    }

    /// The atom convolutions, then the line-graph ones (alignn).
    fn _all_convs(&self) -> impl Iterator<Item = &CgcnnConv> {
        self.convs.iter().chain(self.line.iter().flat_map(|(_, c)| c.iter()))
    }

    /// Restores statistics saved by [`FusionModel::bn_states`].
    pub fn set_bn_states(&self, s: &[(Vec<f32>, Vec<f32>)]) {
        self._all_convs().flat_map(|c| c.bn.iter()).zip(s).for_each(|(b, v)| b.set_state(v.clone()));
    }
}
