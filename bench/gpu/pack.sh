#!/usr/bin/env bash
# Packs into .gpu/ (git-ignored; the device tool carries it) what bench/gpu/run.sh needs on a GPU
# machine that has no Rust, Deno, Node or network: the CUDA build of the native library and the GPU
# test binaries (release, stripped, xz), the Deno binary (xz), the npm modules the CLI imports, the
# datasets the GPU checks read (Cora, Pubmed, a perov5 subset) and the commit. Builds what is missing
# (scripts/install.sh cuda's toolchain). Prints the sizes: everything carried must stay under 64 MiB.
#   bash bench/gpu/pack.sh [path/to/shared/data]
set -euo pipefail
cd "$(dirname "$0")/../.."
data="${1:-../shared/data}"
# shellcheck source=../../scripts/cuda_toolchain.sh
source scripts/cuda_toolchain.sh
target="${CARGO_TARGET_DIR:-$PWD/target}/cuda"
out=.gpu
rm -rf "$out"
mkdir -p "$out"

echo "pack: CUDA build and GPU test binaries (release) in $target" >&2
CARGO_TARGET_DIR="$target" cargo build --release -p keiro-core --features cuda >&2
mapfile -t tests < <(CARGO_TARGET_DIR="$target" cargo test --release -p keiro-core --features cuda \
  --test gpu --test gpu_models --no-run --message-format=json 2>/dev/null |
  python3 -c 'import json, sys
for line in sys.stdin:
    m = json.loads(line)
    if m.get("reason") == "compiler-artifact" and m.get("executable"):
        print(m["executable"])')
[ ${#tests[@]} -eq 2 ] || { echo "pack: expected the gpu and gpu_models test binaries, got: ${tests[*]}" >&2; exit 1; }
strip --strip-debug -o "$out/libkeiro_core.so" "$target/release/libkeiro_core.so"
for t in "${tests[@]}"; do
  name=$(basename "$t" | sed -E 's/-[0-9a-f]+$//')
  strip --strip-debug -o "$out/$name" "$t"
done
xz -T0 -6 "$out/libkeiro_core.so" "$out/gpu" "$out/gpu_models"

echo "pack: deno, npm modules, data" >&2
xz -T0 -6 -c "$(readlink -f node_modules/.bin/deno)" > "$out/deno.xz"
tar -chJf "$out/node_modules.tar.xz" --exclude=node_modules/deno --exclude='node_modules/@deno' \
  --exclude=node_modules/.bin node_modules
(cd "$data" && tar -cJf - gsl/planetoid/ind.cora.* gsl/planetoid/ind.pubmed.* \
  materials/perov5-castelli/train_subset1024.csv materials/perov5-castelli/val.csv \
  materials/perov5-castelli/test.csv materials/magpie materials/cgcnn-sample/atom_init.json) > "$out/data.tar.xz"
git rev-parse HEAD > "$out/COMMIT"
git status --porcelain --untracked-files=no | sed 's/^/dirty: /' >> "$out/COMMIT"
du -ch "$out"/* >&2
