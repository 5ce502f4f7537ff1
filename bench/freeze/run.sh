#!/usr/bin/env bash
# Freeze benchmark (issue: freeze). In the same run:
#   - generates once per WORKDIR, with real TensorFlow, a TF1 checkpoint
#     folder: a graph of ~100,000 nodes holding ~1 GB of float32 variables
#     (make_graph.py; reused when present);
#   - times `ckptview freeze WORKDIR/model --output_node_names=output -o ...`
#     and TensorFlow's freeze of the same graph (tf_freeze.py: freeze_graph.py's
#     steps), interleaved, RUNS times each (default 2), best wall time and
#     largest peak RSS (ru_maxrss of the child); page cache warm, `sync` first;
#   - checks both outputs have the same nodes and constants (check.py) and
#     prints the reference sizes, the table and the goals.
#   bench/freeze/run.sh [WORKDIR]      (default /tmp/ckptview-freeze-bench)
# Environment: CKPTVIEW (binary; default build/native),
#   TF_PYTHON (default ~/.cache/ckptview/venv-tf/bin/python), RUNS, NODES, MIB.
# Outputs go to WORKDIR/out (2 x ~1 GB kept); all numbers to WORKDIR/result.json.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
work=${1:-${TMPDIR:-/tmp}/ckptview-freeze-bench}
tf_python=${TF_PYTHON:-$HOME/.cache/ckptview/venv-tf/bin/python}
ckptview=${CKPTVIEW:-$root/build/native/src/cli/ckptview}
[ -x "${ckptview:-}" ] || { echo "run.sh: no ckptview binary (set CKPTVIEW)" >&2; exit 2; }
[ -x "$tf_python" ] || { echo "run.sh: no TensorFlow python at $tf_python (set TF_PYTHON)" >&2; exit 2; }
mkdir -p "$work"
export TF_CPP_MIN_LOG_LEVEL=2

echo "generating (once per work dir) in $work ..." >&2
"$tf_python" "$here/make_graph.py" "$work" --nodes "${NODES:-100000}" --mib "${MIB:-1024}" \
  2> >(grep -v -E '^(WARNING|I0000|E0000|W0000|Instructions|non-resource|This API)' >&2)
echo "ckptview: $ckptview" >&2
exec "$tf_python" "$here/bench.py" --workdir "$work" --ckptview "$ckptview" \
  --tf-python "$tf_python" --runs "${RUNS:-2}"
