//! The one seam between the custom ops and the devices. [`Op`] makes a [`Kernel`] a candle
//! `CustomOp1/2/3`; candle calls its `cpu_fwd`, `cuda_fwd` or `metal_fwd` by the inputs' device, and
//! each forwards here: the CPU to [`cpu::forward`]; CUDA, in the `cuda` build, to `cuda::forward`
//! (the kernel's CUDA version, or the CPU kernel through the host); any other device (CUDA in the
//! default build, Metal) to candle's error of that device (`Error::Cuda`, `Error::Metal`), saying the
//! op has no kernel there.

use candle_core::{CpuStorage, CudaStorage, CustomOp1, CustomOp2, CustomOp3, Layout, MetalStorage, Result, Shape, Tensor};

use crate::ops::cpu;
use crate::ops::kernel::Kernel;

/// The kernel `K` as a candle custom op: `x.apply_op1(Op(kernel))`, `a.apply_op2_no_bwd(&b, &Op(grad))`.
pub struct Op<K>(pub K);

/// The message for op `op` on a `device` it has no kernel for.
fn _no_kernel(op: &str, device: &str) -> String {
    format!("{op} has no kernel for the {device} device (keiro's custom ops run on the CPU)")
}

/// `impl $custom for Op<K: Kernel<$n>>`: one `(storage, layout, input tensor)` name triple per input;
/// `$grads` is the type candle's backward returns for `$n` inputs.
macro_rules! custom_op {
    ($custom:ident, $n:literal, $grads:ty, $(($s:ident, $l:ident, $x:ident)),+) => {
        impl<K: Kernel<$n>> $custom for Op<K> {
            fn name(&self) -> &'static str {
                K::NAME
            }

            fn cpu_fwd(&self, $($s: &CpuStorage, $l: &Layout),+) -> Result<(CpuStorage, Shape)> {
                cpu::forward(&self.0, [$(($s, $l)),+])
            }

            #[cfg(feature = "cuda")]
            fn cuda_fwd(&self, $($s: &CudaStorage, $l: &Layout),+) -> Result<(CudaStorage, Shape)> {
                crate::ops::cuda::forward(&self.0, [$(($s, $l)),+])
            }

            #[cfg(not(feature = "cuda"))]
            #[allow(unused_variables)]
            fn cuda_fwd(&self, $($s: &CudaStorage, $l: &Layout),+) -> Result<(CudaStorage, Shape)> {
                Err(candle_core::Error::Cuda(_no_kernel(K::NAME, "cuda").into()))
            }

            #[allow(unused_variables)]
            fn metal_fwd(&self, $($s: &MetalStorage, $l: &Layout),+) -> Result<(MetalStorage, Shape)> {
                Err(candle_core::Error::Metal(_no_kernel(K::NAME, "metal").into()))
            }

            #[allow(unused_parens)]
            fn bwd(&self, $($x: &Tensor,)+ res: &Tensor, grad: &Tensor) -> Result<$grads> {
                let [$($x),+] = self.0.bwd([$($x),+], res, grad)?;
                Ok(($($x),+))
            }
        }
    };
}

custom_op!(CustomOp1, 1, Option<Tensor>, (s1, l1, x1));
custom_op!(CustomOp2, 2, (Option<Tensor>, Option<Tensor>), (s1, l1, x1), (s2, l2, x2));
custom_op!(CustomOp3, 3, (Option<Tensor>, Option<Tensor>, Option<Tensor>), (s1, l1, x1), (s2, l2, x2), (s3, l3, x3));

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ops::kernel::{Input, Real};
    use candle_core::{DType, Device};

    /// `x + 2y` element-wise, and its gradients.
    struct AddTwice;

    impl Kernel<2> for AddTwice {
        const NAME: &'static str = "add-twice";

        fn cpu<T: Real>(&self, [x, y]: [Input<'_, T>; 2]) -> Result<(Vec<T>, Shape)> {
            Ok((x.data.iter().zip(y.data).map(|(&a, &b)| a + b + b).collect(), x.shape.clone()))
        }

        fn bwd(&self, _: [&Tensor; 2], _res: &Tensor, grad: &Tensor) -> Result<[Option<Tensor>; 2]> {
            Ok([Some(grad.clone()), Some((grad * 2.0)?)])
        }
    }

    #[test]
    fn the_cpu_runs_the_kernel_on_either_float_type_with_its_backward() {
        for dtype in [DType::F32, DType::F64] {
            let x = Tensor::new(&[1.0f64, 2.0, 3.0], &Device::Cpu).unwrap().to_dtype(dtype).unwrap();
            let x = candle_core::Var::from_tensor(&x).unwrap();
            let y = Tensor::new(&[10.0f64, 20.0, 30.0], &Device::Cpu).unwrap().to_dtype(dtype).unwrap();
            let z = x.apply_op2(&y, Op(AddTwice)).unwrap();
            assert_eq!(z.to_dtype(DType::F64).unwrap().to_vec1::<f64>().unwrap(), [21.0, 42.0, 63.0]);
            let g = z.sum_all().unwrap().backward().unwrap();
            assert_eq!(g.get(&x).unwrap().to_dtype(DType::F64).unwrap().to_vec1::<f64>().unwrap(), [1.0; 3]);
        }
    }

    #[test]
    fn other_types_and_strided_inputs_are_refused_by_name() {
        let ints = Tensor::new(&[1u32, 2], &Device::Cpu).unwrap();
        let e = ints.apply_op2_no_bwd(&ints, &Op(AddTwice)).unwrap_err().to_string();
        assert!(e.contains("add-twice supports f32 and f64"), "{e}");
        let m = Tensor::new(&[[1.0f32, 2.0], [3.0, 4.0]], &Device::Cpu).unwrap().t().unwrap();
        let e = m.apply_op2_no_bwd(&m, &Op(AddTwice)).unwrap_err().to_string();
        assert!(e.contains("add-twice needs contiguous inputs"), "{e}");
        let e =
            Tensor::new(&[1.0f32], &Device::Cpu).unwrap().apply_op2_no_bwd(&Tensor::new(&[1.0f64], &Device::Cpu).unwrap(), &Op(AddTwice));
        assert!(e.is_err(), "mixed float types");
    }

    #[cfg(not(feature = "cuda"))]
    #[test]
    fn other_devices_get_the_no_kernel_error() {
        // candle built without CUDA or Metal has placeholder storages, enough to reach the seam.
        let l = Layout::contiguous(3);
        let e = Op(AddTwice).cuda_fwd(&CudaStorage, &l, &CudaStorage, &l).err().unwrap();
        assert!(matches!(e, candle_core::Error::Cuda(_)), "{e:?}");
        assert_eq!(e.to_string(), "add-twice has no kernel for the cuda device (keiro's custom ops run on the CPU)");
        let e = Op(AddTwice).metal_fwd(&MetalStorage, &l, &MetalStorage, &l).err().unwrap();
        assert!(matches!(e, candle_core::Error::Metal(_)), "{e:?}");
        assert_eq!(e.to_string(), "Metal error add-twice has no kernel for the metal device (keiro's custom ops run on the CPU)");
    }
}
