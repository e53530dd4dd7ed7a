#!/usr/bin/env bash
# Installs everything keiro needs on a fresh Debian machine of this kind and builds the native
# library: cmake + libclang-dev (HiGHS is built from source by the highs crate), Deno from npm
# (package.json pins it), then the Rust core in the profile given as $1 (debug|release|both), or
# the Node.js addon (bindings/node/keiro.node, same profile), or
# with `cuda` the CUDA build (release, cargo feature cuda, into <target>/cuda; docs/gpu.md): NVIDIA's
# nvcc 13.0 from PyPI (scripts/cuda_toolchain.sh) compiles the kernels to PTX; no GPU is needed.
set -euo pipefail
cd "$(dirname "$0")/.."
profile="${1:-release}"

need=()
command -v cmake >/dev/null 2>&1 || need+=(cmake)
# libclang itself, not libclang-cpp (which other LLVM packages bring and bindgen rejects).
ls /usr/lib/llvm-*/lib/libclang.so >/dev/null 2>&1 || need+=(libclang-dev)
command -v c++ >/dev/null 2>&1 || need+=(g++)
if [ ${#need[@]} -gt 0 ]; then
  echo "install: apt-get install ${need[*]}" >&2
  SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${need[@]}" >/dev/null
fi
command -v cargo >/dev/null 2>&1 || { echo "install: cargo (Rust ≥ 1.80) is required" >&2; exit 1; }

if [ ! -x node_modules/.bin/deno ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  # `npm ci` rejects this lock file: npm 11 leaves the other platforms' optional @deno/* binaries
  # out of it. `npm install --no-save` installs the locked versions and changes no file.
  echo "install: npm install (locked versions)" >&2
  npm install --no-save --no-audit --no-fund --loglevel=error >&2
fi

build() {
  echo "install: cargo build ($1) of core-rs (the first build compiles HiGHS: several minutes)" >&2
  if [ "$1" = release ]; then cargo build --release -p keiro-core >&2; else cargo build -p keiro-core >&2; fi
  echo "install: cargo build ($1) of the Node.js addon (bindings/node/keiro.node)" >&2
  if [ "$1" = release ]; then cargo build --release -p keiro-node >&2; else cargo build -p keiro-node >&2; fi
  cp "${CARGO_TARGET_DIR:-$PWD/target}/$1/libkeiro_node.so" bindings/node/keiro.node
}
cuda() {
  # shellcheck source=cuda_toolchain.sh
  source scripts/cuda_toolchain.sh
  local target="${CARGO_TARGET_DIR:-$PWD/target}/cuda"
  echo "install: cargo build --release --features cuda of core-rs into $target (candle's kernels compile with nvcc: about 7 minutes the first time)" >&2
  CARGO_TARGET_DIR="$target" cargo build --release -p keiro-core --features cuda >&2
}
case "$profile" in
  debug|release) build "$profile" ;;
  both) build debug; build release ;;
  cuda) cuda ;;
  *) echo "usage: scripts/install.sh [debug|release|both|cuda]" >&2; exit 2 ;;
esac
