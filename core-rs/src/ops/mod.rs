//! The custom ops of the models: each a candle custom op with a CPU kernel (and, for training, a
//! backward checked against finite differences), plus the sparse link structure and fast math
//! they share.
//!
//! One op is one file holding only its math. `kernel` is the contract it implements: a
//! `Kernel<N>` over `N` input tensors has a `NAME`, a `cpu` kernel generic over `Real` (f32 and
//! f64) that reads contiguous row-major slices and returns the output's elements and shape, and
//! usually a `bwd` (candle's backward). `backend` is the one seam to the devices: `Op(kernel)` is
//! the candle `CustomOp1/2/3`, whose CPU forward runs the kernel through `cpu` (storage type →
//! element type, storages → slices, no copies) and whose other devices get candle's error for that
//! device from there. `par_rows`, `fast_math` and `link_index` serve the kernels.
//!
//! To add an op: a file with the op's settings in a struct, `impl Kernel<N>` for it, a public
//! function that checks the shapes and calls `x.contiguous()?.apply_opN(…, Op(the op))`, and tests
//! of the forward against a definition and of the backward against finite differences. A backward
//! that needs its own kernel is one more `Kernel`, applied with `apply_opN_no_bwd(…, &Op(…))`.
//!
//! CUDA (feature `cuda`): `Kernel::cuda` is the op's forward on device views (f32), written beside
//! its `cpu` and launching functions of `kernels/keiro.cu` (PTX built by `build.rs`); the default
//! `None` runs the CPU kernel through the host. `cuda` is the step from candle's CUDA storages to
//! it (module doc: which ops take the host path), `cuda_links` the per-device copies of a
//! `LinkIndex`. Backward kernels are `Kernel`s too, so they get a `cuda` the same way. Callers do
//! not change: tensors on a CUDA device reach `Op`'s `cuda_fwd`.
//!
//! To add a backend (e.g. Metal): give `Kernel` a method for the device beside `cpu` and `cuda`
//! (default: no kernel), write the device's step from storages to that method beside `cpu.rs` and
//! `cuda.rs`, and call it from `Op`'s `metal_fwd` in `backend.rs` where the error is returned today.

mod backend;
pub mod batch_norm;
pub mod cgcnn_gate;
mod cpu;
#[cfg(feature = "cuda")]
pub(crate) mod cuda;
#[cfg(feature = "cuda")]
mod cuda_links;
pub mod edge_scores;
pub mod fast_math;
pub mod gated_aggregate;
pub mod im2col3x3;
mod kernel;
pub mod linear;
pub mod link_index;
pub mod link_sum;
pub mod masked_log_softmax;
mod par_rows;
pub mod soft_topk;
pub mod softplus;
pub mod sparse_dot;
pub mod spmm;
pub mod weighted_softmax;
