//! Image → parameter regression (docs/params.md): a small CNN with one head per target, trained on
//! the generated images of `keiro params gen`. Imports `nn`, `ops` (through `nn`) and the crate-wide
//! modules.

pub mod config;
pub mod image_cnn;
pub mod trainer;
