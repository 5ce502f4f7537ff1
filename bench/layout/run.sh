#!/bin/sh
# Layout benchmark: builds layout_bench, lays out synthetic TF training graphs
# of 1k, 10k and 100k nodes (with and without hubs; expanded and collapsed),
# then lays out the same graphs with dagre and prints both side by side.
#   bench/layout/run.sh                        # everything (dagre: up to 120 s per graph)
#   SIZES=1000,10000 TIMEOUT=30 bench/layout/run.sh
# Environment: BUILD (build folder, default build/bench), OUT (results,
# default $BUILD/layout), SIZES, TIMEOUT (s per dagre run), HEAP (MB for
# dagre's node heap), DAGRE_ARGS (e.g. --compound), NODE_PATH (where
# @dagrejs/dagre is; default ~/.cache/ckptview/node/node_modules).
set -eu
cd "$(dirname "$0")/../.."
BUILD=${BUILD:-build/bench}
OUT=${OUT:-$BUILD/layout}
SIZES=${SIZES:-1000,10000,100000}
TIMEOUT=${TIMEOUT:-120}
HEAP=${HEAP:-4096}
export NODE_PATH="${NODE_PATH:-$HOME/.cache/ckptview/node/node_modules}"

if [ ! -f "$BUILD/build.ninja" ]; then
  cmake -S . -B "$BUILD" -G Ninja -DCKPT_BUILD_GUI=OFF -DCKPT_BUILD_TESTS=OFF >/dev/null
fi
ninja -C "$BUILD" -j2 layout_bench
mkdir -p "$OUT"
echo "== ours (C++, native) =="
"$BUILD/bench/layout_bench" --sizes "$SIZES" --out "$OUT"
echo
echo "== ours vs dagre (same visible graphs; crossings counted on both drawings) =="
# shellcheck disable=SC2086  # DAGRE_ARGS is a list of flags
node bench/layout/dagre_bench.mjs "$OUT" --timeout "$TIMEOUT" --heap "$HEAP" ${DAGRE_ARGS:-}
