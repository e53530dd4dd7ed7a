//! What an op file implements: [`Kernel`], the op's math on plain slices, with no storage,
//! layout or device in sight (and, with the `cuda` feature, on device views). `backend` turns a
//! kernel into a candle custom op.

use candle_core::{CpuStorage, CpuStorageRef, DType, Result, Shape, Tensor, WithDType};

use crate::ops::fast_math::FastMath;

/// One input of a kernel: its elements, contiguous and row-major (it derefs to them), and its shape.
pub struct Input<'a, T> {
    /// The elements.
    pub data: &'a [T],
    /// The shape they have.
    pub shape: &'a Shape,
}

impl<T> std::ops::Deref for Input<'_, T> {
    type Target = [T];

    fn deref(&self) -> &[T] {
        self.data
    }
}

/// The element types the CPU kernels run on: f32 and f64, the float types with [`FastMath`].
pub trait Real: WithDType + FastMath {}

impl<T: WithDType + FastMath> Real for T {}

/// `kernel(inputs)` for a kernel written for f32 alone: inputs and output pass through as they are
/// (no copy) when `T` is f32; any other `T` is an error naming `op`.
pub fn f32_only<'a, T: Real, const N: usize>(
    op: &str,
    inputs: [Input<'a, T>; N],
    kernel: impl FnOnce([Input<'a, f32>; N]) -> Result<(Vec<f32>, Shape)>,
) -> Result<(Vec<T>, Shape)> {
    if T::DTYPE != DType::F32 {
        candle_core::bail!("{op} supports f32 only");
    }
    let inputs = inputs.map(|x| {
        // Always the first arm: `T` is f32.
        let data = match T::cpu_storage_ref(x.data) {
            CpuStorageRef::F32(d) => d,
            _ => &[],
        };
        Input { data, shape: x.shape }
    });
    let (out, shape) = kernel(inputs)?;
    Ok((T::cpu_storage_data(CpuStorage::F32(out))?, shape))
}

/// A custom op over `N` input tensors: its name, its CPU kernel and its backward.
pub trait Kernel<const N: usize>: Send + Sync + 'static {
    /// The op's name, in candle's graph and in errors.
    const NAME: &'static str;

    /// The forward on the CPU: the output's elements (row-major) and shape.
    fn cpu<T: Real>(&self, inputs: [Input<'_, T>; N]) -> Result<(Vec<T>, Shape)>;

    /// The forward on a CUDA device, for f32 inputs: the output's elements and shape, or `None`
    /// when the op has no CUDA kernel (then it runs through the host: `ops::cuda`).
    #[cfg(feature = "cuda")]
    fn cuda(
        &self,
        _dev: &candle_core::cuda::CudaDevice,
        _inputs: [crate::ops::cuda::CudaInput<'_>; N],
    ) -> Result<Option<crate::ops::cuda::CudaOutput>> {
        Ok(None)
    }

    /// The gradients of the inputs from the inputs, the output `res` and its gradient `grad`. By
    /// default the op has no backward: it is a backward itself, applied without one.
    fn bwd(&self, _inputs: [&Tensor; N], _res: &Tensor, _grad: &Tensor) -> Result<[Option<Tensor>; N]> {
        Err(candle_core::Error::BackwardNotSupported { op: Self::NAME })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn f32_only_passes_f32_through_without_copies_and_refuses_f64() {
        let (x, shape) = ([1.0f32, 2.0, 3.0], Shape::from(3));
        let mut out_ptr = std::ptr::null();
        let (y, s) = f32_only("op", [Input { data: &x, shape: &shape }], |[a]| {
            assert_eq!(a.as_ptr(), x.as_ptr(), "the input is borrowed, not copied");
            let y: Vec<f32> = a.iter().map(|v| v * 2.0).collect();
            out_ptr = y.as_ptr();
            Ok((y, a.shape.clone()))
        })
        .unwrap();
        assert_eq!((y.as_slice(), s.dims()), ([2.0, 4.0, 6.0].as_slice(), [3].as_slice()));
        assert_eq!(y.as_ptr(), out_ptr, "the output is moved, not copied");
        let e = f32_only("op", [Input { data: &[1.0f64], shape: &Shape::from(1) }], |_| panic!("not an f32 input")).unwrap_err();
        assert!(e.to_string().contains("op supports f32 only"), "{e}");
    }
}
