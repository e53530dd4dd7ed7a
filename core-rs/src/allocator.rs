//! The process-wide allocator of keiro's Rust code: mimalloc.
//!
//! glibc's malloc gives every rayon worker its own arena and keeps freed pages in them, so the
//! resident memory of a long training run grew to 4–5× its live heap (Pubmed `glm train`: 1.4 GB
//! resident for a 260 MB peak heap). mimalloc returns freed pages to the system.

/// The global allocator (also used by the cdylib's Rust allocations inside the Deno process).
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;
