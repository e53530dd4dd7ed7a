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

/// The global allocator (also used by the cdylib's Rust allocations inside the Deno process).
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;
