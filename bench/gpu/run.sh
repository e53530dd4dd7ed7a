#!/usr/bin/env bash
# The GPU checks and benchmarks, in one go, on a GPU machine without Rust, Deno, Node or network
# (the device tool's; docs/gpu.md): unpacks .gpu/ (made here by bench/gpu/pack.sh), checks that the
# CUDA build loads, runs the GPU tests (each kernel against its CPU op; the models on both devices),
# the CLI checks (--device cuda end to end; a GPU checkpoint routed on the CPU) and the benchmarks
# (te_speed --device cuda against the PyTorch peer on the same GPU; GLM epoch on Pubmed and fusion
# epoch, CPU against GPU). Everything goes under $OUT (at most 8 files): run.log (all steps, with
# timings), tests.log, cli.json, te_speed_cuda.md, te_speed_cuda.json. About 8 minutes.
#   OUT=/some/dir bash bench/gpu/run.sh [rounds]      (rounds of te_speed, default 3)
set -uo pipefail
cd "$(dirname "$0")/../.."
: "${OUT:?set OUT to the folder the results go to}"
rounds="${1:-3}"
t0=$(date +%s)
log() { echo "[$(($(date +%s) - t0))s] $*" | tee -a "$OUT/run.log" >&2; }
step() { # step NAME SECONDS CMD...: runs CMD with a time limit, its output into run.log
  local name=$1 limit=$2
  shift 2
  log "== $name (limit ${limit}s): $*"
  timeout "$limit" "$@" >>"$OUT/run.log" 2>&1
  local rc=$?
  log "== $name: exit $rc"
  return $rc
}

W=/tmp/keiro-gpu
rm -rf "$W" && mkdir -p "$W/data"
log "unpacking .gpu ($(cat .gpu/COMMIT | head -1))"
xz -dc .gpu/deno.xz >"$W/deno" && chmod +x "$W/deno"
for f in libkeiro_core.so gpu gpu_models; do xz -dc ".gpu/$f.xz" >"$W/$f" && chmod +x "$W/$f"; done
tar -xJf .gpu/node_modules.tar.xz && mkdir -p node_modules/.bin && ln -sf "$W/deno" node_modules/.bin/deno
tar -xJf .gpu/data.tar.xz -C "$W/data"

# CUDA's libraries: the image's toolkit and the NVIDIA wheels PyTorch brings.
libdirs=$(python3 - <<'PY'
import glob, os, site
roots = site.getsitepackages() + ["/usr/local/cuda/lib64", "/usr/local/cuda/targets/x86_64-linux/lib"]
dirs = []
for r in roots:
    for pat in ("libcublas.so*", "libcublasLt.so*", "libcurand.so*", "libnvrtc.so*"):
        for f in glob.glob(os.path.join(r, "**", pat), recursive=True) if "site-packages" in r else glob.glob(os.path.join(r, pat)):
            d = os.path.dirname(f)
            if d not in dirs:
                dirs.append(d)
print(":".join(dirs))
PY
)
export LD_LIBRARY_PATH="$libdirs${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}"
export KEIRO_LIB="$W/libkeiro_core.so" KEIRO_COMMIT="$(head -1 .gpu/COMMIT)" KEIRO_PEER_PYTHON=python3
export RAYON_NUM_THREADS="${RAYON_NUM_THREADS:-$(nproc)}"
keiro() { "$W/deno" run -A cli/main.ts "$@"; }
log "LD_LIBRARY_PATH=$LD_LIBRARY_PATH"
nvidia-smi --query-gpu=name,driver_version,memory.total,compute_cap --format=csv >>"$OUT/run.log" 2>&1
python3 -c 'import torch; print("torch", torch.__version__, "cuda", torch.version.cuda, torch.cuda.get_device_name())' >>"$OUT/run.log" 2>&1
ldd "$KEIRO_LIB" >>"$OUT/run.log" 2>&1
if ldd "$KEIRO_LIB" | grep -q "not found"; then log "FAIL: the CUDA build misses libraries (ldd above)"; fi

# 1. Tests: every kernel against its CPU op, the models on both devices.
step "kernel tests" 150 bash -o pipefail -c "'$W/gpu' --test-threads=1 --nocapture 2>&1 | tee '$OUT/tests.log'"
step "model tests" 150 bash -o pipefail -c "'$W/gpu_models' --test-threads=1 --nocapture 2>&1 | tee -a '$OUT/tests.log'"

# 2. The CLI on the GPU: train on cuda, route the same instances on cpu and cuda.
cli() {
  keiro gen te --count 64 --commodities 3 --seed 7 >"$W/inst.jsonl" &&
    keiro train --config configs/tiny.json --device cuda --out "$W/run" -q &&
    keiro route --model "$W/run" --device cuda "$W/inst.jsonl" >"$W/cuda.jsonl" &&
    keiro route --model "$W/run" --device cpu "$W/inst.jsonl" >"$W/cpu.jsonl" &&
    python3 - "$W" "$OUT/cli.json" <<'PY'
import json, sys
w, out = sys.argv[1], sys.argv[2]
read = lambda f: [json.loads(l) for l in open(f"{w}/{f}") if l.strip()]
a, b = read("cpu.jsonl"), read("cuda.jsonl")
same = sum(x["paths"] == y["paths"] for x, y in zip(a, b))
res = {"instances": len(a), "same_routes_cpu_vs_cuda": same, "trained_on": "cuda:0",
       "config": json.load(open(f"{w}/run/config.json")).get("use_gpu")}
json.dump(res, open(out, "w"), indent=2)
print(res)
sys.exit(0 if same == len(a) == 64 else 1)
PY
}
export W OUT
export -f keiro cli
step "cli: train on cuda, route on cpu and cuda" 120 bash -c cli
step "cli: a bad device" 20 bash -c "$W/deno run -A cli/main.ts route --model $W/run --device cuda:7 </dev/null; test \$? -eq 2"

# 3. GLM epoch on Pubmed and fusion epochs, CPU against GPU (summary lines into run.log).
for d in cpu cuda; do
  step "glm pubmed $d" 90 "$W/deno" run -A cli/main.ts glm train "planetoid:$W/data/gsl/planetoid" --name pubmed \
    -c configs/glm_pubmed_learned.json --graph input+learned --epochs 20 --patience 20 --device "$d" --json
  step "fusion gnn $d" 90 "$W/deno" run -A cli/main.ts fuse train --mode gnn \
    --train "$W/data/materials/perov5-castelli/train_subset1024.csv" --val "$W/data/materials/perov5-castelli/val.csv" \
    --test "$W/data/materials/perov5-castelli/test.csv" --val-limit 256 --structure-column cif --target heat_all \
    --atom-init "$W/data/materials/cgcnn-sample/atom_init.json" --epochs 3 --device "$d" --json
done

# 4. keiro against the PyTorch peer on the same GPU.
step "te_speed --device cuda" 330 "$W/deno" run -A bench/te_speed.ts --device cuda --rounds "$rounds"
cp bench/results/te_speed_cuda.md bench/results/te_speed_cuda.json "$OUT/" 2>/dev/null
log "done"
