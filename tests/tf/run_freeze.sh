#!/usr/bin/env bash
# Freeze interop tests: `ckptview freeze` against real TensorFlow.
#   tests/tf/run_freeze.sh               # write missing graph fixtures, run test_freeze_interop.py
#   tests/tf/run_freeze.sh --regen       # rewrite all graph fixtures first
#   tests/tf/run_freeze.sh -- -k dense -x   # anything after -- goes to pytest
# Env: CKPT_TF_PYTHON (default ~/.cache/ckptview/venv-tf/bin/python),
#      CKPTVIEW_BIN (default build/native/src/cli/ckptview),
#      CKPTVIEW_REQUIRE_FREEZE=1 (fail instead of skip when the binary has no freeze).
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo="$(cd "$here/../.." && pwd)"
py="${CKPT_TF_PYTHON:-$HOME/.cache/ckptview/venv-tf/bin/python}"
regen=0
pytest_args=()
while [[ $# -gt 0 ]]; do
  case "$1" in
    --regen) regen=1; shift ;;
    --) shift; pytest_args+=("$@"); break ;;
    *) pytest_args+=("$1"); shift ;;
  esac
done
[[ -x "$py" ]] || { echo "run_freeze.sh: no TensorFlow python at $py (set CKPT_TF_PYTHON)" >&2; exit 2; }
"$py" -c 'import pytest' 2>/dev/null || "$py" -m pip install -q pytest

# Quiet CPU-only TensorFlow with oneDNN off, so both sides of every
# comparison use the same plain kernels.
export TF_CPP_MIN_LOG_LEVEL="${TF_CPP_MIN_LOG_LEVEL:-2}"
export TF_ENABLE_ONEDNN_OPTS=0
export CUDA_VISIBLE_DEVICES=""
export PYTHONDONTWRITEBYTECODE=1

start=$(date +%s.%N)
if [[ $regen == 1 ]]; then
  "$py" "$here/gen_graph_fixtures.py"
else
  "$py" "$here/gen_graph_fixtures.py" --missing-only
fi
gen_done=$(date +%s.%N)

status=0
(cd "$repo" && "$py" -m pytest -q -p no:cacheprovider -rs --tb=short "$here/test_freeze_interop.py" \
  ${pytest_args[@]+"${pytest_args[@]}"}) || status=$?
end=$(date +%s.%N)
awk -v a="$start" -v b="$gen_done" -v c="$end" \
  'BEGIN { printf "run_freeze.sh: fixtures %.1fs, tests %.1fs, total %.1fs\n", b - a, c - b, c - a }'
exit $status
