//! Helpers shared by the custom ops' CPU kernels: contiguous slices of a storage and dispatch on
//! the float type.

use candle_core::{CpuStorage, Layout};

/// The elements of a contiguous tensor `(s, l)`; `op` names the caller in the error.
pub fn contiguous_slice<'a, T: candle_core::WithDType>(s: &'a CpuStorage, l: &Layout, op: &str) -> candle_core::Result<&'a [T]> {
    match l.contiguous_offsets() {
        Some((a, b)) => Ok(&s.as_slice::<T>()?[a..b]),
        None => candle_core::bail!("{op} needs contiguous inputs"),
    }
}

/// Calls the generic kernel `$f::<f32>` or `$f::<f64>` according to the storage's type.
macro_rules! dispatch_float {
    ($op:expr, $s:expr, $f:ident, $($arg:expr),*) => {
        match $s {
            candle_core::CpuStorage::F32(_) => $f::<f32>($($arg),*),
            candle_core::CpuStorage::F64(_) => $f::<f64>($($arg),*),
            _ => candle_core::bail!("{} supports f32 and f64", $op),
        }
    };
}
pub(crate) use dispatch_float;
