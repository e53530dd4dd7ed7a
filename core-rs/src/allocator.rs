//! The process-wide allocator of keiro's Rust code: mimalloc.
//!
//! glibc's malloc gives every rayon worker its own arena and keeps freed pages in them, so the
//! resident memory of a long training run grew to 4–5× its live heap (Pubmed `glm train`: 1.4 GB
//! resident for a 260 MB peak heap). mimalloc returns freed pages to the system.
//!
//! Built as mimalloc v2 with `local_dynamic_tls`. Deno loads the cdylib with dlopen and calls it
//! from worker threads; with the crate's default (v3, initial-exec thread-locals) a long `deno task
//! test` run crashed in `_mi_subproc`, which dereferences `theap->tld` of a thread's empty
//! thread-local heap (null): segfault at address 0x18 in `tests/data_test.ts`, three CI runs in a
//! row, never when that file ran alone. `local_dynamic_tls` alone did not stop it.
//!
//! Freed pages go back to the system [`PURGE_DELAY_MS`] after they were freed (mimalloc's default
//! is 10 ms). With 10 ms, the multi-megabyte activations of a training step were returned and
//! faulted in again (zeroed by the kernel) between the step's own operations: a `perf` profile of
//! an h128_l8 A2C step spent 18 % of its time in the kernel's `clear_page_erms`.

use std::ffi::{c_int, c_long};
use std::sync::Once;

/// The global allocator (also used by the cdylib's Rust allocations inside the Deno process).
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// How long freed memory stays with the process before mimalloc returns it (arenas: 10× longer).
pub const PURGE_DELAY_MS: i64 = 1000;

/// `mi_option_purge_delay` of mimalloc v2's `mi_option_e` (`include/mimalloc.h`).
const _MI_OPTION_PURGE_DELAY: c_int = 15;

extern "C" {
    fn mi_option_set(option: c_int, value: c_long);
}

/// Sets the purge delay to [`PURGE_DELAY_MS`] (once per process; model constructors call it).
pub fn keep_freed_pages() {
    static ONCE: Once = Once::new();
    // SAFETY: plain setters of mimalloc's global options, which may be changed at any time.
    ONCE.call_once(|| unsafe { mi_option_set(_MI_OPTION_PURGE_DELAY, PURGE_DELAY_MS as c_long) });
}

#[cfg(test)]
mod tests {
    use super::*;

    extern "C" {
        fn mi_option_get(option: c_int) -> c_long;
    }

    fn purge_delay_ms() -> i64 {
        // SAFETY: reads a global option.
        unsafe { mi_option_get(_MI_OPTION_PURGE_DELAY) as i64 }
    }

    #[test]
    fn option_15_is_the_purge_delay() {
        // Before anything sets it, option 15 holds mimalloc's documented purge-delay default (10 ms)
        // unless the environment overrides it; afterwards it holds ours.
        if std::env::var_os("MIMALLOC_PURGE_DELAY").is_none() && std::env::var_os("MIMALLOC_RESET_DELAY").is_none() {
            let before = purge_delay_ms();
            assert!(before == 10 || before == PURGE_DELAY_MS, "option 15 = {before}");
        }
        keep_freed_pages();
        assert_eq!(purge_delay_ms(), PURGE_DELAY_MS);
    }
}
