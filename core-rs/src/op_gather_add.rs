//! Custom op: a CGCNN convolution's pre-activations, gathered and summed in one multi-threaded pass
//! (replaces `index_select` + two broadcast adds and their single-threaded backward passes).
//!
//! For `A` atoms with `M` neighbour slots each and `index[r]` the atom in slot `r = i·M + m`:
//! ```text
//! z[r, :]   = own[i, :] + nbr[index[r], :] + edge[r, :]      own, nbr [A, C], edge [A·M, C] → [A·M, C]
//! ∂own[i]   = Σ_m ∂z[i·M + m]
//! ∂nbr[j]   = Σ_{r: index[r] = j} ∂z[r]                       (walks the inverse index: no atomics)
//! ∂edge     = ∂z
//! ```

use std::sync::Arc;

use candle_core::{CpuStorage, CustomOp1, CustomOp3, Layout, Shape, Tensor};
use num_traits::Float;
use rayon::prelude::*;

use crate::op_cpu::{contiguous_slice, dispatch_float};

/// `own[r / M] + nbr[index[r]] + edge[r]` for every slot `r` (see the module doc).
pub fn gather_add(own: &Tensor, nbr: &Tensor, edge: &Tensor, index: &Arc<[u32]>) -> candle_core::Result<Tensor> {
    let ((a, c), (an, cn), (r, ce)) = (own.dims2()?, nbr.dims2()?, edge.dims2()?);
    if a == 0 || an != a || cn != c || ce != c || r != index.len() || r % a != 0 {
        candle_core::bail!("gather_add: own [{a}, {c}], nbr [{an}, {cn}], edge [{r}, {ce}] and {} slots do not fit", index.len());
    }
    if let Some(&j) = index.iter().find(|&&j| j as usize >= a) {
        candle_core::bail!("gather_add: slot index {j} is not an atom (0..{a})");
    }
    let op = GatherAdd { index: index.clone(), inverse: Arc::new(_Inverse::new(index, a)), slots: r / a };
    own.contiguous()?.apply_op3(&nbr.contiguous()?, &edge.contiguous()?, op)
}

/// For every atom, the slots that gather it (CSR).
struct _Inverse {
    start: Vec<usize>,
    slots: Vec<usize>,
}

impl _Inverse {
    fn new(index: &[u32], atoms: usize) -> _Inverse {
        let mut start = vec![0usize; atoms + 1];
        index.iter().for_each(|&j| start[j as usize + 1] += 1);
        (0..atoms).for_each(|j| start[j + 1] += start[j]);
        let mut fill = start.clone();
        let mut slots = vec![0usize; index.len()];
        for (r, &j) in index.iter().enumerate() {
            slots[fill[j as usize]] = r;
            fill[j as usize] += 1;
        }
        _Inverse { start, slots }
    }
}

struct GatherAdd {
    index: Arc<[u32]>,
    inverse: Arc<_Inverse>,
    slots: usize,
}

impl CustomOp3 for GatherAdd {
    fn name(&self) -> &'static str {
        "gather-add"
    }

    fn cpu_fwd(
        &self,
        s1: &CpuStorage,
        l1: &Layout,
        s2: &CpuStorage,
        l2: &Layout,
        s3: &CpuStorage,
        l3: &Layout,
    ) -> candle_core::Result<(CpuStorage, Shape)> {
        #[allow(clippy::too_many_arguments)]
        fn run<T: candle_core::WithDType + Float>(
            op: &GatherAdd,
            s1: &CpuStorage,
            l1: &Layout,
            s2: &CpuStorage,
            l2: &Layout,
            s3: &CpuStorage,
            l3: &Layout,
        ) -> candle_core::Result<(CpuStorage, Shape)> {
            let (own, nbr, edge) = (
                contiguous_slice::<T>(s1, l1, "gather_add")?,
                contiguous_slice::<T>(s2, l2, "gather_add")?,
                contiguous_slice::<T>(s3, l3, "gather_add")?,
            );
            let c = l1.shape().dims2()?.1;
            let mut out = vec![T::zero(); edge.len()];
            out.par_chunks_mut(c).zip(edge.par_chunks(c)).enumerate().for_each(|(r, (o, e))| {
                let (i, j) = (r / op.slots, op.index[r] as usize);
                for (((o, &e), &a), &b) in o.iter_mut().zip(e).zip(&own[i * c..(i + 1) * c]).zip(&nbr[j * c..(j + 1) * c]) {
                    *o = a + b + e;
                }
            });
            Ok((T::to_cpu_storage_owned(out), l3.shape().clone()))
        }
        dispatch_float!("gather_add", s1, run, self, s1, l1, s2, l2, s3, l3)
    }

    fn bwd(
        &self,
        own: &Tensor,
        _nbr: &Tensor,
        _edge: &Tensor,
        _res: &Tensor,
        grad: &Tensor,
    ) -> candle_core::Result<(Option<Tensor>, Option<Tensor>, Option<Tensor>)> {
        let a = own.dims2()?.0;
        let both = grad.contiguous()?.apply_op1_no_bwd(&GatherAddGrad { inverse: self.inverse.clone(), slots: self.slots })?; // [2A, C]
        Ok((Some(both.narrow(0, 0, a)?), Some(both.narrow(0, a, a)?), Some(grad.clone())))
    }
}

/// Backward of [`GatherAdd`]: `[∂own; ∂nbr]` `[2A, C]` from `∂z` `[A·M, C]`.
struct GatherAddGrad {
    inverse: Arc<_Inverse>,
    slots: usize,
}

impl CustomOp1 for GatherAddGrad {
    fn name(&self) -> &'static str {
        "gather-add-grad"
    }

    fn cpu_fwd(&self, s: &CpuStorage, l: &Layout) -> candle_core::Result<(CpuStorage, Shape)> {
        fn run<T: candle_core::WithDType + Float>(
            op: &GatherAddGrad,
            s: &CpuStorage,
            l: &Layout,
        ) -> candle_core::Result<(CpuStorage, Shape)> {
            let g = contiguous_slice::<T>(s, l, "gather_add")?;
            let (r, c) = l.shape().dims2()?;
            let a = r / op.slots;
            let mut out = vec![T::zero(); 2 * a * c];
            let add = |o: &mut [T], row: usize| o.iter_mut().zip(&g[row * c..(row + 1) * c]).for_each(|(o, &v)| *o += v);
            out.par_chunks_mut(c).enumerate().for_each(|(k, o)| {
                if k < a {
                    (k * op.slots..(k + 1) * op.slots).for_each(|row| add(o, row));
                } else {
                    let inv = &op.inverse;
                    inv.slots[inv.start[k - a]..inv.start[k - a + 1]].iter().for_each(|&row| add(o, row));
                }
            });
            Ok((T::to_cpu_storage_owned(out), Shape::from((2 * a, c))))
        }
        dispatch_float!("gather_add", s, run, self, s, l)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::{finite_difference_check, seeded_tensor};

    fn _index() -> Arc<[u32]> {
        // Three atoms, two slots each; atom 2 is gathered three times, atom 1 never.
        Arc::from(vec![2u32, 0, 2, 2, 0, 0])
    }

    #[test]
    fn forward_matches_index_select_and_adds() {
        let (own, nbr, edge) = (seeded_tensor(1, &[3, 4]), seeded_tensor(2, &[3, 4]), seeded_tensor(3, &[6, 4]));
        let ix = _index();
        let got = gather_add(&own, &nbr, &edge, &ix).unwrap();
        let ids = Tensor::from_vec(ix.to_vec(), 6, own.device()).unwrap();
        let own_rep = own.unsqueeze(1).unwrap().repeat((1, 2, 1)).unwrap().reshape((6, 4)).unwrap();
        let want = ((own_rep + nbr.index_select(&ids, 0).unwrap()).unwrap() + &edge).unwrap();
        let diff = (got - want).unwrap().abs().unwrap().max_all().unwrap().to_scalar::<f64>().unwrap();
        assert!(diff < 1e-12, "{diff}");
    }

    #[test]
    fn backward_matches_finite_differences() {
        let w = seeded_tensor(4, &[6, 4]);
        let ix = _index();
        let inputs = [seeded_tensor(1, &[3, 4]), seeded_tensor(2, &[3, 4]), seeded_tensor(3, &[6, 4])];
        finite_difference_check(&inputs, |t| (gather_add(&t[0], &t[1], &t[2], &ix)?.sqr()? * &w)?.sum_all());
    }

    #[test]
    fn shapes_and_indices_out_of_range_are_refused() {
        let (own, nbr, edge) = (seeded_tensor(1, &[3, 4]), seeded_tensor(2, &[3, 4]), seeded_tensor(3, &[6, 4]));
        assert!(gather_add(&own, &nbr, &edge, &Arc::from(vec![0u32, 1, 2, 3, 0, 0])).is_err(), "atom 3 of 3");
        assert!(gather_add(&own, &nbr, &edge, &Arc::from(vec![0u32; 5])).is_err(), "5 slots for 6 rows");
        assert!(gather_add(&own, &seeded_tensor(2, &[2, 4]), &edge, &_index()).is_err(), "nbr rows ≠ own rows");
    }
}
