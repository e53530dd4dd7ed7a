//! Device copies of a [`LinkIndex`] for the CUDA kernels, uploaded once per device and kept in the
//! index ([`LinkIndex::on_cuda`]), so that ops do not upload them per call.

use std::sync::{Arc, Mutex};

use candle_core::cuda::cudarc::driver::CudaSlice;
use candle_core::cuda::{CudaDevice, DeviceId};
use candle_core::Result;

use crate::ops::cuda::upload_u32;
use crate::ops::link_index::LinkIndex;

/// A [`LinkIndex`] on one device, as `u32` arrays (the layout `kernels/keiro.cu` reads).
pub struct DeviceLinks {
    /// Tail of each link `[M]`.
    pub src: CudaSlice<u32>,
    /// Head of each link `[M]`.
    pub dst: CudaSlice<u32>,
    /// `out_start[v]..out_start[v + 1]` are the out-links of `v` `[N + 1]`.
    pub out_start: CudaSlice<u32>,
    /// `inc[inc_start[u]..inc_start[u + 1]]` are the incoming links of `u` `[N_cols + 1]`.
    pub inc_start: CudaSlice<u32>,
    /// Incoming links of all nodes, node by node, each node's in the CPU index's order `[M]`.
    pub inc: CudaSlice<u32>,
}

/// The devices' copies of one index, filled on first use.
#[derive(Default)]
pub struct DeviceCache(Mutex<Vec<(DeviceId, Arc<DeviceLinks>)>>);

impl std::fmt::Debug for DeviceCache {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let n = self.0.lock().map_or(0, |v| v.len());
        write!(f, "DeviceCache({n} devices)")
    }
}

impl DeviceCache {
    /// `ix` on `dev`: the copy made earlier, or a new one.
    pub fn get(&self, ix: &LinkIndex, dev: &CudaDevice) -> Result<Arc<DeviceLinks>> {
        let mut copies = self.0.lock().map_err(|_| candle_core::Error::Cuda("link index cache poisoned".into()))?;
        if let Some((_, links)) = copies.iter().find(|(id, _)| *id == dev.id()) {
            return Ok(links.clone());
        }
        let up = |v: &mut dyn Iterator<Item = usize>| upload_u32(dev, v, "link index");
        let mut inc_start = vec![0usize; ix.inc.len() + 1];
        for (u, links) in ix.inc.iter().enumerate() {
            inc_start[u + 1] = inc_start[u] + links.len();
        }
        let links = Arc::new(DeviceLinks {
            src: up(&mut ix.src.iter().copied())?,
            dst: up(&mut ix.dst.iter().copied())?,
            out_start: up(&mut ix.out_start.iter().copied())?,
            inc_start: up(&mut inc_start.into_iter())?,
            inc: up(&mut ix.inc.iter().flatten().copied())?,
        });
        copies.push((dev.id(), links.clone()));
        Ok(links)
    }
}
