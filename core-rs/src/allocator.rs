//! The process-wide allocator of keiro's Rust code: mimalloc.
//!
//! glibc's malloc gives every rayon worker its own arena and keeps freed pages in them, so the
//! resident memory of a long training run grew to 4–5× its live heap (Pubmed `glm train`: 1.4 GB
//! resident for a 260 MB peak heap). mimalloc returns freed pages to the system.
//!
//! Built with `local_dynamic_tls`: Deno loads the cdylib with dlopen and calls it from worker
//! threads that exist before the load; with mimalloc's default initial-exec thread-locals, a long
//! `deno task test` run crashed in `_mi_subproc` reading a null thread-local heap (segfault at
//! address 0x18, twice in a row in `tests/data_test.ts`, never when that file ran alone).

/// The global allocator (also used by the cdylib's Rust allocations inside the Deno process).
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;
