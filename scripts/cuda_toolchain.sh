#!/usr/bin/env bash
# The CUDA toolchain keiro-core's `cuda` feature needs to *build* (not to run) on a machine without
# a GPU or a CUDA install (Debian 12 x86_64, glibc 2.36, PyPI reachable): nvcc 13.0 with its headers
# from NVIDIA's PyPI wheels, unpacked into $HOME/.cache/keiro/cuda, and link-time stub libraries for
# the driver and the CUDA libraries that candle's cudarc links dynamically.
#
#   bash scripts/cuda_toolchain.sh      installs (idempotent) and prints the environment to export
#   source scripts/cuda_toolchain.sh    installs (idempotent) and exports it into this shell
#
# Then, from the repository root:
#   cargo build -p keiro-core --features cuda --release            (target/release/libkeiro_core.so)
#   cargo test -p keiro-core --features cuda --release --no-run    (the GPU test binary, tests/gpu.rs)
#
# Why CUDA 13.0: the GPU machines run driver 580 (CUDA 13.0). PTX from nvcc 13.0 (ISA 9.0) loads
# there; a newer nvcc's PTX would not. Compute capability 9.0 (H100/H200).
#
# The stubs: cudarc is built with `dynamic-linking`, so the linker wants libcuda, libcublas,
# libcublasLt, libcurand and libnvrtc. The stubs in $KEIRO_CUDA/stubs define every function cudarc
# declares (each body aborts) under the real sonames (libcuda.so.1, libcublas.so.13,
# libcublasLt.so.13, libcurand.so.10, libnvrtc.so.13), so the binaries record those names and the
# GPU machine's real libraries are found at run time. They reach the linker through LIBRARY_PATH
# only (no rpath, nothing in the binaries points at them). libcudart.so.13 (candle-kernels links it)
# is the real one from the runtime wheel, also link-time only.
# Strict mode only when run: sourcing must not change the caller's shell options.
if [ "${BASH_SOURCE[0]}" = "$0" ]; then set -euo pipefail; fi

_keiro_cuda_main() {
    local root="$HOME/.cache/keiro/cuda"
    local wheels="$HOME/.cache/keiro/cuda-wheels"
    local pkgs=(nvidia-cuda-nvcc==13.0.88 nvidia-nvvm==13.0.88 nvidia-cuda-crt==13.0.88 nvidia-cuda-runtime==13.0.96 nvidia-cuda-cccl==13.0.85)
    local cuda="$root/nvidia/cu13"
    mkdir -p "$wheels" "$root"

    if [ ! -x "$cuda/bin/nvcc" ] || [ ! -f "$root/.unpacked" ]; then
        local pkg name version whl
        for pkg in "${pkgs[@]}"; do
            name="${pkg%%==*}"
            version="${pkg##*==}"
            whl=$(ls "$wheels"/"${name//-/_}-$version"-*.whl 2>/dev/null | head -n1 || true)
            if [ -z "$whl" ]; then
                echo "cuda_toolchain: downloading $pkg" >&2
                python3 -m pip download --quiet --no-deps --only-binary=:all: \
                    --platform manylinux2014_x86_64 --platform manylinux_2_17_x86_64 --python-version 3.11 \
                    --dest "$wheels" "$pkg" >&2
                whl=$(ls "$wheels"/"${name//-/_}-$version"-*.whl | head -n1)
            fi
            echo "cuda_toolchain: unpacking $(basename "$whl")" >&2
            python3 -m zipfile -e "$whl" "$root"
        done
        chmod +x "$cuda"/bin/* "$cuda"/nvvm/bin/*
        touch "$root/.unpacked"
    fi

    local stubs="$root/stubs"
    if [ ! -f "$stubs/.built" ]; then
        _keiro_cuda_stubs "$stubs" "$cuda"
        touch "$stubs/.built"
    fi

    KEIRO_CUDA_ENV=(
        "CUDA_ROOT=$cuda"
        "PATH=$cuda/bin:$PATH"
        "CUDA_COMPUTE_CAP=90"
        "CUDARC_CUDA_VERSION=13000"
        "LIBRARY_PATH=$stubs${LIBRARY_PATH:+:$LIBRARY_PATH}"
    )
}

# The link-time stubs, from the function names in cudarc 0.19's bindings (the crate's sources in
# cargo's registry; `cargo fetch` puts them there).
_keiro_cuda_stubs() {
    local stubs="$1" cuda="$2"
    local cudarc
    cudarc=$(ls -d "${CARGO_HOME:-$HOME/.cargo}"/registry/src/*/cudarc-0.19.* 2>/dev/null | sort -V | tail -n1 || true)
    if [ -z "$cudarc" ]; then
        (cd "$(dirname "${BASH_SOURCE[0]}")/.." && cargo fetch --quiet)
        cudarc=$(ls -d "${CARGO_HOME:-$HOME/.cargo}"/registry/src/*/cudarc-0.19.* | sort -V | tail -n1)
    fi
    rm -rf "$stubs"
    mkdir -p "$stubs"
    local spec lib soname dir c
    for spec in cuda:libcuda.so.1:driver cublas:libcublas.so.13:cublas cublasLt:libcublasLt.so.13:cublaslt \
        curand:libcurand.so.10:curand nvrtc:libnvrtc.so.13:nvrtc; do
        IFS=: read -r lib soname dir <<<"$spec"
        c="$stubs/$lib.c"
        {
            echo "/* Link-time stub of $soname (scripts/cuda_toolchain.sh): never loaded at run time. */"
            echo "#include <stdlib.h>"
            grep -ho '^pub unsafe fn [A-Za-z_][A-Za-z0-9_]*' "$cudarc/src/$dir/sys/mod.rs" | sed 's/^pub unsafe fn //' | sort -u |
                sed 's/.*/void &(void) { abort(); }/'
        } >"$c"
        cc -shared -fPIC -o "$stubs/$soname" -Wl,-soname,"$soname" "$c"
        ln -sf "$soname" "$stubs/lib$lib.so"
    done
    ln -sf "$cuda/lib/libcudart.so.13" "$stubs/libcudart.so"
    echo "cuda_toolchain: stubs in $stubs" >&2
}

_keiro_cuda_main
if [ "${BASH_SOURCE[0]}" != "$0" ]; then
    for _kv in "${KEIRO_CUDA_ENV[@]}"; do export "${_kv?}"; done
    unset _kv
else
    for _kv in "${KEIRO_CUDA_ENV[@]}"; do printf 'export %s=%q\n' "${_kv%%=*}" "${_kv#*=}"; done
fi
