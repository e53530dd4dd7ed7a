//! The CPU backend: runs a [`Kernel`] on candle's CPU storages, choosing the kernel's element type
//! by the storage's.

use candle_core::{CpuStorage, Layout, Result, Shape, WithDType};

use crate::ops::kernel::{Input, Kernel, Real};

/// The output of `kernel` on `inputs` (f32 or f64, all of the first input's type; contiguous).
pub fn forward<K: Kernel<N>, const N: usize>(kernel: &K, inputs: [(&CpuStorage, &Layout); N]) -> Result<(CpuStorage, Shape)> {
    match inputs.first() {
        Some((CpuStorage::F32(_), _)) => _run::<f32, K, N>(kernel, inputs),
        Some((CpuStorage::F64(_), _)) => _run::<f64, K, N>(kernel, inputs),
        _ => candle_core::bail!("{} supports f32 and f64", K::NAME),
    }
}

/// `kernel::<T>` on the elements of `inputs`, borrowed in place (no copy).
fn _run<T: Real, K: Kernel<N>, const N: usize>(kernel: &K, inputs: [(&CpuStorage, &Layout); N]) -> Result<(CpuStorage, Shape)> {
    let mut failed = Ok(());
    let inputs = inputs.map(|(s, l)| Input {
        data: _contiguous(s, l, K::NAME).unwrap_or_else(|e| {
            failed = Err(e);
            &[]
        }),
        shape: l.shape(),
    });
    failed?;
    let (out, shape) = kernel.cpu(inputs)?;
    Ok((T::to_cpu_storage_owned(out), shape))
}

/// The elements of the contiguous tensor `(s, l)`; `op` names the caller in the error.
fn _contiguous<'a, T: WithDType>(s: &'a CpuStorage, l: &Layout, op: &str) -> Result<&'a [T]> {
    match l.contiguous_offsets() {
        Some((a, b)) => Ok(&s.as_slice::<T>()?[a..b]),
        None => candle_core::bail!("{op} needs contiguous inputs"),
    }
}
