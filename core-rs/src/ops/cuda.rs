//! The CUDA backend: runs a [`Kernel`] on candle's CUDA storages. f32 inputs, contiguous, go to the
//! kernel's [`Kernel::cuda`] as device views (no copies); when the kernel has no CUDA version
//! (`Ok(None)`) or an input is not f32 (f64 models), the op runs through the host instead: inputs
//! copied to CPU storages, [`cpu::forward`], the output copied back. Same results, slower.
//!
//! On the host path today: every op on f64. `linear` does not reach its kernel on CUDA: it is
//! candle's matmul and broadcast add there (`ops::linear`).
//!
//! The device code is `kernels/keiro.cu`, compiled to PTX by `build.rs` and loaded once per device
//! as candle's custom module `keiro`; [`launch!`] runs one of its functions.

use candle_core::backend::{BackendDevice, BackendStorage};
use candle_core::cuda::cudarc::driver::{CudaSlice, CudaView, LaunchConfig};
use candle_core::cuda::{CudaDType, CudaDevice, CudaStorage};
use candle_core::{CpuStorage, DType, Layout, Result, Shape, Storage, Tensor};

use crate::ops::cpu;
use crate::ops::kernel::Kernel;

/// The PTX of `kernels/keiro.cu`.
pub const PTX: &str = include_str!(concat!(env!("OUT_DIR"), "/keiro.ptx"));

/// Threads per block of every launch.
const BLOCK: u32 = 128;

/// One input of a CUDA kernel: its f32 elements on the device, contiguous and row-major, and its shape.
pub struct CudaInput<'a> {
    /// The elements.
    pub data: CudaView<'a, f32>,
    /// The shape they have.
    pub shape: &'a Shape,
}

/// What a CUDA kernel returns: the output's elements (row-major, at least as many as the shape
/// holds) and shape.
pub type CudaOutput = (CudaSlice<f32>, Shape);

/// The output of `kernel` on `inputs`: on the device when the kernel has a CUDA version and the
/// inputs are f32, else through the host (see the module doc).
pub fn forward<K: Kernel<N>, const N: usize>(kernel: &K, inputs: [(&CudaStorage, &Layout); N]) -> Result<(CudaStorage, Shape)> {
    let Some(dev) = inputs.first().map(|(s, _)| s.device().clone()) else {
        candle_core::bail!("{} has no inputs", K::NAME);
    };
    if inputs.iter().all(|(s, _)| s.dtype() == DType::F32) {
        let offsets = inputs
            .iter()
            .map(|(_, l)| l.contiguous_offsets().ok_or_else(|| candle_core::Error::Msg(format!("{} needs contiguous inputs", K::NAME))))
            .collect::<Result<Vec<_>>>()?;
        let slices = inputs.iter().map(|(s, _)| s.as_cuda_slice::<f32>()).collect::<Result<Vec<_>>>()?;
        let views = std::array::from_fn(|i| CudaInput { data: slices[i].slice(offsets[i].0..offsets[i].1), shape: inputs[i].1.shape() });
        if let Some((out, shape)) = kernel.cuda(&dev, views)? {
            return Ok((CudaStorage::wrap_cuda_slice(out, dev), shape));
        }
    }
    let host = inputs.iter().map(|(s, _)| s.to_cpu_storage()).collect::<Result<Vec<CpuStorage>>>()?;
    let (out, shape) = cpu::forward(kernel, std::array::from_fn(|i| (&host[i], inputs[i].1)))?;
    Ok((dev.storage_from_cpu_storage_owned(out)?, shape))
}

/// `n` as a kernel argument (`u32`); `op` names the caller in the error.
pub fn u32_arg(n: usize, op: &str) -> Result<u32> {
    u32::try_from(n).map_err(|_| candle_core::Error::Cuda(format!("{op}: {n} exceeds the kernels' u32 sizes").into()))
}

/// `values` on `dev` as `u32` (at least one element: CUDA has no empty allocations, and kernels never
/// read past the sizes they are given); `op` names the caller when a value exceeds `u32`.
pub fn upload_u32(dev: &CudaDevice, values: impl IntoIterator<Item = usize>, op: &str) -> Result<CudaSlice<u32>> {
    let host = values.into_iter().map(|x| u32_arg(x, op)).collect::<Result<Vec<u32>>>()?;
    dev.clone_htod(if host.is_empty() { &[0u32][..] } else { &host[..] })
}

/// Runs `f` on the elements of `t` (a tensor on a CUDA device, of element type `T`) as one
/// contiguous device view, row-major (a strided `t` is copied first); `op` names the caller in errors.
pub fn with_view<T: CudaDType, R>(t: &Tensor, op: &str, f: impl FnOnce(CudaView<'_, T>) -> Result<R>) -> Result<R> {
    let t = t.contiguous()?;
    let (storage, layout) = t.storage_and_layout();
    let Storage::Cuda(s) = &*storage else {
        candle_core::bail!("{op}: a tensor is not on the CUDA device");
    };
    let (start, end) = layout.contiguous_offsets().ok_or_else(|| candle_core::Error::Msg(format!("{op}: strided input")))?;
    f(s.as_cuda_slice::<T>()?.slice(start..end))
}

/// One block of [`BLOCK`] threads per row, for `rows` rows.
pub fn per_row(rows: usize, op: &str) -> Result<LaunchConfig> {
    Ok(LaunchConfig { grid_dim: (u32_arg(rows, op)?, 1, 1), block_dim: (BLOCK, 1, 1), shared_mem_bytes: 0 })
}

/// One thread per item, for `items` items.
pub fn per_item(items: usize, op: &str) -> Result<LaunchConfig> {
    Ok(LaunchConfig { grid_dim: (u32_arg(items.div_ceil(BLOCK as usize), op)?, 1, 1), block_dim: (BLOCK, 1, 1), shared_mem_bytes: 0 })
}

/// An uninitialised f32 buffer of `len` elements (at least one: CUDA has no empty allocations),
/// for a kernel that writes every element.
pub fn alloc(dev: &CudaDevice, len: usize) -> Result<CudaSlice<f32>> {
    // SAFETY: f32 has no invalid bit patterns, and the caller's kernel writes the elements it reads back.
    unsafe { dev.alloc::<f32>(len.max(1)) }
}

/// `launch!(dev, "function", config, args…)`: runs the function of `kernels/keiro.cu` with the
/// arguments (references: `&view`, `&mut out`, `&n_u32`) in the device's stream; an empty grid
/// launches nothing. The arguments must match the function's parameters in order and type.
macro_rules! launch {
    ($dev:expr, $name:literal, $cfg:expr, $($arg:expr),+ $(,)?) => {{
        use candle_core::cuda::cudarc::driver::PushKernelArg as _;
        use candle_core::cuda::WrapErr as _;
        let cfg: candle_core::cuda::cudarc::driver::LaunchConfig = $cfg;
        if cfg.grid_dim.0 > 0 {
            let func = $dev.get_or_load_custom_func($name, "keiro", $crate::ops::cuda::PTX)?;
            let mut builder = func.builder();
            $(builder.arg($arg);)+
            // SAFETY: the arguments match the parameters of `$name` in keiro.cu (number, order and
            // types), and every buffer holds the elements the kernel indexes for this grid.
            unsafe { builder.launch(cfg) }.w()?;
        }
    }};
}
pub(crate) use launch;
