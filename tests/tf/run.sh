#!/usr/bin/env bash
# TensorFlow interop tests: makes the fixtures if missing, then runs both
# suites in one pytest run: test_interop.py (checkpoints) and
# test_freeze_interop.py (`ckptview freeze`).
#   tests/tf/run.sh            # generate missing fixtures, run both suites
#   tests/tf/run.sh --regen    # regenerate all fixtures first
#   tests/tf/run.sh -- -k dtypes -x   # anything after -- goes to pytest
# Env: CKPT_TF_PYTHON (default ~/.cache/ckptview/venv-tf/bin/python), CKPTVIEW_BIN, CKPT_REALDATA.
# A binary without a working `freeze` command fails the freeze tests
# (CKPTVIEW_REQUIRE_FREEZE=1) instead of skipping them.
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
[[ -x "$py" ]] || { echo "run.sh: no TensorFlow python at $py (set CKPT_TF_PYTHON)" >&2; exit 2; }
"$py" -c 'import pytest' 2>/dev/null || "$py" -m pip install -q pytest

# Quiet CPU-only TensorFlow with oneDNN off, so both sides of every freeze
# comparison use the same plain kernels.
export TF_CPP_MIN_LOG_LEVEL="${TF_CPP_MIN_LOG_LEVEL:-2}"
export TF_ENABLE_ONEDNN_OPTS=0
export CUDA_VISIBLE_DEVICES=""
export PYTHONDONTWRITEBYTECODE=1
export CKPTVIEW_REQUIRE_FREEZE=1

start=$(date +%s.%N)
fixtures="$repo/tests/fixtures"
missing=()
for name in tutorial dtypes strings partitioned sharded tf2_checkpoint tf2_slots tf2_manager \
            keras_weights saved_model v1; do
  if [[ $regen == 1 || ! -d "$fixtures/$name" || -z "$(ls -A "$fixtures/$name" 2>/dev/null)" ]]; then
    missing+=("$name")
  fi
done
if [[ ${#missing[@]} -gt 0 ]]; then
  echo "run.sh: generating fixtures: ${missing[*]}"
  "$py" "$here/gen_fixtures.py" "${missing[@]}"
fi
if [[ $regen == 1 ]]; then
  "$py" "$here/gen_graph_fixtures.py"
else
  "$py" "$here/gen_graph_fixtures.py" --missing-only
fi
gen_done=$(date +%s.%N)

status=0
(cd "$repo" && "$py" -m pytest -q -p no:cacheprovider -rs --tb=short "$here/test_interop.py" \
  "$here/test_freeze_interop.py" ${pytest_args[@]+"${pytest_args[@]}"}) || status=$?
end=$(date +%s.%N)
awk -v a="$start" -v b="$gen_done" -v c="$end" \
  'BEGIN { printf "run.sh: fixtures %.1fs, tests %.1fs, total %.1fs\n", b - a, c - b, c - a }'
exit $status
