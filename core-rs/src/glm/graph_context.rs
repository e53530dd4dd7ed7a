//! The fixed graphs a [`GlmModel`] sees on one set of nodes: the input graph (`input`), the cosine
//! kNN graph of the features (`knn`, and the base graph of an `embedding` learner without an input
//! graph), and the input links mixed into a learned graph (`input+learned`).

use candle_core::{DType, Tensor};

use crate::error::{Error, Result};
use crate::glm::block_topk::block_topk;
use crate::glm::config::{GraphMode, LearnerInput};
use crate::glm::model::{GlmModel, GraphContext};
use crate::nn::weighted_graph::{GraphPart, WeightedGraph};
use crate::ops::edge_scores::ScoreSpec;

/// The symmetrised cosine kNN graph of `x` `[N, F]`.
pub fn knn_graph(x: &Tensor, k: usize, block: usize) -> Result<GraphPart> {
    let norm = (x.sqr()?.sum_keepdim(1)? + 1e-12)?.sqrt()?;
    let xn = x.broadcast_div(&norm)?;
    let n = x.dim(0)?;
    let cols = block_topk(&xn, &xn, ScoreSpec { heads: 1, scale: 1.0, slope: 1.0 }, k.min(n - 1), block, None)?;
    let c = cols.len() / n;
    let pairs: Vec<(usize, usize)> = cols.iter().enumerate().map(|(i, &j)| (i / c, j as usize)).collect();
    GraphPart { weights: Tensor::ones((pairs.len(), 1), DType::F32, x.device())?, pairs }.symmetrised()
}

/// The graph context of `model` on the nodes with features `x` `[N, F]` and undirected input links
/// `input` (None: no input graph).
/// # Errors
/// A usage error when the graph mode needs an input graph and there is none.
pub fn graph_context(model: &GlmModel, x: &Tensor, input: Option<GraphPart>) -> Result<GraphContext> {
    let cfg = &model.cfg;
    if matches!(cfg.graph, GraphMode::Input | GraphMode::InputLearned) && input.is_none() {
        let name = serde_json::to_value(cfg.graph).unwrap_or_default();
        return Err(Error::Usage(format!("graph {name} needs a dataset with edges; this one has none")));
    }
    let block = cfg.glm.block_rows;
    let base = match cfg.graph {
        GraphMode::None => None,
        GraphMode::Input => input.clone(),
        GraphMode::Knn => Some(knn_graph(x, cfg.knn_k, block)?),
        GraphMode::Learned | GraphMode::InputLearned if cfg.glm.input == LearnerInput::Embedding => match &input {
            Some(p) => Some(p.clone()),
            None => Some(knn_graph(x, cfg.knn_k, block)?),
        },
        GraphMode::Learned | GraphMode::InputLearned => None,
    };
    let fixed = match base {
        Some(p) => Some(model.ready(WeightedGraph::assemble(x.dim(0)?, &[p], cfg.glm.self_loops, x.device())?)?),
        None => None,
    };
    Ok(GraphContext { fixed, input_part: if cfg.graph == GraphMode::InputLearned { input } else { None } })
}
