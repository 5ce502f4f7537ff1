#!/bin/sh
# Layout benchmark, one table (bench/layout/compare.mjs): ours (the
# `ckptview layout` CLI, native and wasm under node) against @dagrejs/dagre on
# the same visible graphs, crossings counted on both drawings alike, on
#   - every graph file in ../shared/realdata, fully expanded;
#   - TF-generated ResNet-50 and BERT-base training graphs (make_tf_graphs.py,
#     written once into $OUT/tf-graphs with the TF venv, then reused);
#   - synthetic TF1 training graphs of 1k, 10k and 100k nodes, with and
#     without hubs (expanded, readable, hubs kept in the layout);
# and checks the goals of issue #4 (exit 1 if one is missed).
#   bench/layout/run.sh                          # everything, ~10-15 min (dagre timeouts)
#   SIZES=1000 TIMEOUT=20 ONLY=synth bench/layout/run.sh
# Environment: BUILD (native build folder, default build/bench), WASM_BUILD
# (emcmake build folder with -DCKPT_NODE_CLI=ON, default build/wasm-node;
# WASM=0 skips wasm), OUT (results, default $BUILD/layout), REALDATA
# (default ../shared/realdata), SIZES, TIMEOUT (s per dagre run, default 60),
# HEAP (MB for dagre's node heap), REPEAT (ours: best of N), ONLY (regex on
# case names), TF_VENV (default ~/.cache/ckptview/venv-tf), NODE_PATH (where
# @dagrejs/dagre is; default ~/.cache/ckptview/node/node_modules).
# INTERACTIVE=1 also runs layout_bench (expand/collapse re-layout times).
set -eu
cd "$(dirname "$0")/../.."
BUILD=${BUILD:-build/bench}
WASM_BUILD=${WASM_BUILD:-build/wasm-node}
OUT=${OUT:-$BUILD/layout}
REALDATA=${REALDATA:-../shared/realdata}
SIZES=${SIZES:-1000,10000,100000}
TIMEOUT=${TIMEOUT:-60}
HEAP=${HEAP:-4096}
REPEAT=${REPEAT:-3}
ONLY=${ONLY:-}
TF_VENV=${TF_VENV:-$HOME/.cache/ckptview/venv-tf}
export NODE_PATH="${NODE_PATH:-$HOME/.cache/ckptview/node/node_modules}"

if [ ! -f "$BUILD/build.ninja" ]; then
  cmake -S . -B "$BUILD" -G Ninja -DCKPT_BUILD_GUI=OFF -DCKPT_BUILD_TESTS=OFF >/dev/null
fi
quiet() {  # runs a build step, shows its output only if it fails
  if ! log=$("$@" 2>&1); then
    printf '%s\n' "$log" | tail -30 >&2
    exit 1
  fi
}
quiet ninja -C "$BUILD" -j2 ckptview layout_bench
set -- --native "$BUILD/src/cli/ckptview"
if [ "${WASM:-1}" != 0 ]; then
  if [ ! -f "$WASM_BUILD/build.ninja" ]; then
    NODE_PATH=/usr/share/nodejs emcmake cmake -S . -B "$WASM_BUILD" -G Ninja -DCKPT_NODE_CLI=ON \
      -DCKPT_BUILD_GUI=OFF -DCKPT_BUILD_TESTS=OFF >/dev/null
  fi
  quiet env NODE_PATH=/usr/share/nodejs ninja -C "$WASM_BUILD" -j2 ckptview
  set -- "$@" --wasm "$WASM_BUILD/src/cli/ckptview.js"
fi
mkdir -p "$OUT"

TF_GRAPHS=$OUT/tf-graphs
if [ -x "$TF_VENV/bin/python" ]; then
  "$TF_VENV/bin/python" bench/layout/make_tf_graphs.py "$TF_GRAPHS" 2>/dev/null |
    sed 's/^/tf graphs: /'
  set -- "$@" --tf-graphs "$TF_GRAPHS"
else
  echo "no TF venv at $TF_VENV (scripts/setup.sh): TF-generated graphs left out" >&2
fi
[ -d "$REALDATA" ] && set -- "$@" --realdata "$REALDATA"

if [ "${INTERACTIVE:-0}" = 1 ]; then
  echo "== ours, native: expand/collapse re-layouts (layout_bench) =="
  "$BUILD/bench/layout_bench" --sizes "$SIZES" --repeat 1 | grep -E '^\s+n[0-9]+-' || true
  echo
fi
echo "== layout: ours (native, wasm) vs dagre =="
node bench/layout/compare.mjs "$@" --out "$OUT" --sizes "$SIZES" --timeout "$TIMEOUT" \
  --heap "$HEAP" --repeat "$REPEAT" --only "$ONLY"
