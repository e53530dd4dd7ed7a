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

/// The row-major `[r, h]` values `row(i)(j)`: rows computed in parallel, written straight into
/// fresh memory (no zero fill first). `row(i)` does a row's setup and returns its value per column.
pub fn par_rows<T: Send, G: FnMut(usize) -> T>(r: usize, h: usize, row: impl Fn(usize) -> G + Sync) -> Vec<T> {
    use rayon::prelude::*;
    let mut out = Vec::with_capacity(r * h);
    if h > 0 {
        out.spare_capacity_mut()[..r * h].par_chunks_mut(h).enumerate().for_each(|(i, dst)| {
            let mut f = row(i);
            for (j, d) in dst.iter_mut().enumerate() {
                d.write(f(j));
            }
        });
    }
    // SAFETY: the loop above wrote each of the first r·h entries (none when h = 0).
    unsafe { out.set_len(r * h) };
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn par_rows_writes_every_entry_in_row_major_order() {
        let v = par_rows(300, 3, |i| move |j| i * 10 + j);
        assert_eq!(v.len(), 900);
        assert!(v.iter().enumerate().all(|(k, &x)| x == (k / 3) * 10 + k % 3));
        assert!(par_rows(5, 0, |_| |_| 1.0f32).is_empty());
    }
}
