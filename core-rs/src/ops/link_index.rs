//! The sparse structure shared by the message-passing ops: links `(src, dst)` sorted by source, so
//! that each node's out-links are one contiguous range, plus each node's incoming links for the
//! scatter side of the backward passes.
//!
//! In keiro's ops a node *gathers* along its out-links: `out[src] = Σ_l f(l) · x[dst(l)]`. For a
//! weighted graph `A` that is `out = A x` with `src` the row and `dst` the column of an entry.

/// Link structure of a (batched) graph: links sorted by source node.
#[derive(Debug)]
pub struct LinkIndex {
    /// Number of node rows.
    pub num_nodes: usize,
    /// Number of columns links may point to (`num_nodes` for a graph; `F` for a sparse feature matrix).
    pub num_cols: usize,
    /// Tail (row) node of each link.
    pub src: Vec<usize>,
    /// Head (column) node of each link.
    pub dst: Vec<usize>,
    /// `out_start[v]..out_start[v + 1]` are the out-links of `v`.
    pub out_start: Vec<usize>,
    /// Incoming link ids of each node.
    pub inc: Vec<Vec<usize>>,
    /// Copies on CUDA devices, made on first use ([`LinkIndex::on_cuda`]).
    #[cfg(feature = "cuda")]
    cuda: crate::ops::cuda_links::DeviceCache,
}

impl LinkIndex {
    /// Builds the index from `(src, dst)` pairs that must be sorted by `src`.
    pub fn new(num_nodes: usize, links: &[(usize, usize)]) -> candle_core::Result<LinkIndex> {
        LinkIndex::rectangular(num_nodes, num_nodes, links)
    }

    /// Like [`LinkIndex::new`] with heads in `0..num_cols` (a sparse `[num_nodes, num_cols]` pattern).
    pub fn rectangular(num_nodes: usize, num_cols: usize, links: &[(usize, usize)]) -> candle_core::Result<LinkIndex> {
        let mut out_start = vec![0usize; num_nodes + 1];
        let mut inc = vec![Vec::new(); num_cols];
        for (l, &(s, d)) in links.iter().enumerate() {
            if s >= num_nodes || d >= num_cols || (l > 0 && links[l - 1].0 > s) {
                candle_core::bail!("link {l} ({s}, {d}) is out of range or not sorted by source");
            }
            out_start[s + 1] += 1;
            inc[d].push(l);
        }
        for v in 0..num_nodes {
            out_start[v + 1] += out_start[v];
        }
        Ok(LinkIndex {
            num_nodes,
            num_cols,
            src: links.iter().map(|l| l.0).collect(),
            dst: links.iter().map(|l| l.1).collect(),
            out_start,
            inc,
            #[cfg(feature = "cuda")]
            cuda: Default::default(),
        })
    }

    /// Builds the index from unsorted pairs; also returns `perm`, the original position of each
    /// sorted link (gather per-link values with it).
    pub fn sorted(num_nodes: usize, links: &[(usize, usize)]) -> candle_core::Result<(LinkIndex, Vec<u32>)> {
        let mut perm: Vec<u32> = (0..links.len() as u32).collect();
        perm.sort_by_key(|&l| links[l as usize]);
        let pairs: Vec<(usize, usize)> = perm.iter().map(|&l| links[l as usize]).collect();
        Ok((LinkIndex::new(num_nodes, &pairs)?, perm))
    }

    /// Number of links.
    pub fn num_links(&self) -> usize {
        self.dst.len()
    }

    /// Tail nodes as a `u32` tensor `[E]` (for `index_select`).
    pub fn src_ids(&self) -> candle_core::Result<candle_core::Tensor> {
        _ids(&self.src)
    }

    /// Head nodes as a `u32` tensor `[E]` (for `index_select`).
    pub fn dst_ids(&self) -> candle_core::Result<candle_core::Tensor> {
        _ids(&self.dst)
    }

    /// [`LinkIndex::src_ids`] on `device` (for `index_select` on tensors there).
    pub fn src_ids_on(&self, device: &candle_core::Device) -> candle_core::Result<candle_core::Tensor> {
        _ids(&self.src)?.to_device(device)
    }

    /// [`LinkIndex::dst_ids`] on `device` (for `index_select` on tensors there).
    pub fn dst_ids_on(&self, device: &candle_core::Device) -> candle_core::Result<candle_core::Tensor> {
        _ids(&self.dst)?.to_device(device)
    }

    /// The index on the CUDA device `dev`, uploaded on the first call for that device.
    #[cfg(feature = "cuda")]
    pub fn on_cuda(&self, dev: &candle_core::cuda::CudaDevice) -> candle_core::Result<std::sync::Arc<crate::ops::cuda_links::DeviceLinks>> {
        self.cuda.get(self, dev)
    }
}

fn _ids(v: &[usize]) -> candle_core::Result<candle_core::Tensor> {
    candle_core::Tensor::from_vec(v.iter().map(|&x| x as u32).collect::<Vec<_>>(), v.len(), &candle_core::Device::Cpu)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sorted_orders_by_source_and_reports_the_permutation() {
        let (ix, perm) = LinkIndex::sorted(3, &[(2, 0), (0, 1), (1, 2), (0, 2)]).unwrap();
        assert_eq!(perm, vec![1, 3, 2, 0]);
        assert_eq!((ix.src.clone(), ix.dst.clone()), (vec![0, 0, 1, 2], vec![1, 2, 2, 0]));
        assert_eq!(ix.out_start, vec![0, 2, 3, 4]);
        assert_eq!(ix.inc[2], vec![1, 2]);
        assert!(LinkIndex::new(3, &[(1, 0), (0, 1)]).is_err(), "unsorted input is rejected");
    }
}
