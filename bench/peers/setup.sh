#!/usr/bin/env bash
# Creates (idempotently) the venv of the PyTorch peer: $KEIRO_PEER_VENV or ~/.cache/keiro/peer-venv.
# Usage: bash bench/peers/setup.sh   then   "$(bash bench/peers/setup.sh --print)" bench/peers/hybrid_torch.py ...
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
venv="${KEIRO_PEER_VENV:-$HOME/.cache/keiro/peer-venv}"
if [[ "${1:-}" == "--print" ]]; then echo "$venv/bin/python"; exit 0; fi
want_torch="$(sed -n 's/^torch==//p' "$here/requirements.txt")"
want_numpy="$(sed -n 's/^numpy==//p' "$here/requirements.txt")"
if [[ -x "$venv/bin/python" ]] && "$venv/bin/python" - "$want_torch" "$want_numpy" <<'PY' 2>/dev/null; then
import sys, torch, numpy
ok = torch.__version__.split("+")[0] == sys.argv[1] and numpy.__version__ == sys.argv[2]
sys.exit(0 if ok else 1)
PY
  echo "peer venv ready: $venv (torch $want_torch, numpy $want_numpy)" >&2
  exit 0
fi
echo "creating peer venv $venv (torch $want_torch, numpy $want_numpy; downloads ~3 GB)" >&2
python3 -m venv "$venv"
"$venv/bin/pip" install --disable-pip-version-check -q -r "$here/requirements.txt"
"$venv/bin/python" -c 'import torch, numpy; print("peer venv ready:", torch.__version__, numpy.__version__)' >&2
