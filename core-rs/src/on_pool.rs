//! Runs work on a thread of rayon's global pool.
//!
//! A parallel op called from a thread outside the pool (the Deno thread that calls the C ABI, or a
//! program's main thread) hands its job to the pool and sleeps until the job is done; the model runs
//! thousands of such ops per training step, and a `perf` profile of small-model inference on 2 cores
//! spent 28 % of its time in the kernel, mostly putting threads to sleep and waking them (19 % after
//! this change); GLM training epochs took 17 % (cora, learned graph) to 47 % (wine) less time
//! (an exploratory `keiro glm train` A/B, not a bench: 60 epochs, seed 0, medians of 3 interleaved
//! runs of each build). Called from a pool thread, the same op runs part of the job on the calling
//! thread and wakes nobody when the other worker is already spinning.

/// `f()`, run on a worker of the global pool (on the calling thread when it is one already).
pub fn on_pool<R: Send>(f: impl FnOnce() -> R + Send) -> R {
    rayon::scope(|_| f())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn runs_on_a_pool_thread_and_returns_its_value() {
        assert!(rayon::current_thread_index().is_none(), "the test thread is not a pool thread");
        let (index, value) = on_pool(|| (rayon::current_thread_index(), 41 + 1));
        assert!(index.is_some(), "f ran outside the pool");
        assert_eq!(value, 42);
        // Nested: already on the pool, so it stays on the same thread.
        let nested = on_pool(|| {
            let outer = rayon::current_thread_index();
            (outer, on_pool(rayon::current_thread_index))
        });
        assert_eq!(nested.0, nested.1);
    }
}
