#!/usr/bin/env bash
# Runs the peer's benchmark grid: {h128_l8, h64_l4} x threads {1, 2} x {train, infer}, one JSON line each
# (with the command line added) to stdout. Usage: bash bench/peers/bench_grid.sh INSTANCES.jsonl
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
instances="${1:?usage: bench_grid.sh INSTANCES.jsonl}"
# OpenMP threads spin while they wait by default; on a machine shared with other jobs (load above the
# core count) a spinning thread that loses its core stalls every parallel region: 2 threads ran ~35x
# slower than 1 here. PASSIVE (sleeping waits) is the default of this script; OMP_WAIT_POLICY= overrides.
export OMP_WAIT_POLICY="${OMP_WAIT_POLICY-PASSIVE}"
bash "$here/setup.sh"
py="$(bash "$here/setup.sh" --print)"
TRAIN="${TRAIN:---batch 32 --samples 4 --steps 5 --warmup 1}"
INFER="${INFER:---batch 64 --samples 1 --steps 10 --warmup 2}"
for cfg in h128_l8 h64_l4; do
  for threads in 1 2; do
    for mode in train infer; do
      if [[ $mode == train ]]; then sizes=$TRAIN; else sizes=$INFER; fi
      cmd="OMP_WAIT_POLICY=$OMP_WAIT_POLICY python bench/peers/hybrid_torch.py --instances $instances --config bench/peers/configs/$cfg.json --mode $mode $sizes --threads $threads --seed 1"
      # shellcheck disable=SC2086
      line="$("$py" "$here/hybrid_torch.py" --instances "$instances" --config "$here/configs/$cfg.json" \
        --mode "$mode" $sizes --threads "$threads" --seed 1)"
      "$py" -c 'import json,sys; d=json.loads(sys.argv[1]); d["config"]=sys.argv[2]; d["command"]=sys.argv[3]; print(json.dumps(d))' \
        "$line" "$cfg" "$cmd"
    done
  done
done
