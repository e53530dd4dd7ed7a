//! Compiles keiro's CUDA kernels (`kernels/keiro.cu`) to PTX when the `cuda` feature is on; the
//! default build runs nothing here and needs no CUDA install.
//!
//! Decision: PTX at build time, for `compute_90` (H100/H200) unless `CUDA_COMPUTE_CAP` says
//! otherwise, loaded by the driver's JIT at run time (`ops::cuda`). The GPU machines run driver 580
//! (CUDA 13.0): PTX from nvcc 13.0 (ISA 9.0) loads there, a newer nvcc's PTX would not, so the
//! build uses nvcc 13.0 (`scripts/cuda_toolchain.sh`, `scripts/install.sh cuda`).

use std::path::PathBuf;
use std::process::Command;

fn main() {
    println!("cargo::rerun-if-changed=build.rs");
    println!("cargo::rerun-if-env-changed=CARGO_FEATURE_CUDA");
    if std::env::var_os("CARGO_FEATURE_CUDA").is_none() {
        return;
    }
    let src = "kernels/keiro.cu";
    println!("cargo::rerun-if-changed={src}");
    for var in ["NVCC", "CUDA_ROOT", "CUDA_COMPUTE_CAP", "PATH"] {
        println!("cargo::rerun-if-env-changed={var}");
    }
    let nvcc = std::env::var_os("NVCC")
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("CUDA_ROOT").map(|r| PathBuf::from(r).join("bin").join("nvcc")))
        .unwrap_or_else(|| PathBuf::from("nvcc"));
    let cap = std::env::var("CUDA_COMPUTE_CAP").unwrap_or_else(|_| "90".into());
    let out = PathBuf::from(std::env::var("OUT_DIR").expect("OUT_DIR")).join("keiro.ptx");
    let status = Command::new(&nvcc)
        .args(["--ptx", &format!("-arch=compute_{cap}"), "-O3", "-std=c++17", "-o"])
        .arg(&out)
        .arg(src)
        .status()
        .unwrap_or_else(|e| {
            panic!(
                "the cuda feature needs nvcc ({}: {e}); run `bash scripts/install.sh cuda` \
                 (or `source scripts/cuda_toolchain.sh`), or set NVCC or CUDA_ROOT",
                nvcc.display()
            )
        });
    if !status.success() {
        panic!("{} failed on {src} ({status})", nvcc.display());
    }
}
