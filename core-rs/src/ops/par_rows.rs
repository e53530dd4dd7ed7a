//! Row-parallel output for the CPU kernels.

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
