#!/usr/bin/env bash
# Runs the benchmarks, each against a baseline measured in the same run:
#   checkpoint  list 20,000 variables and verify 1 GiB, native and wasm (node), vs cat
#   layout      our layout (native and wasm) vs dagre (npm) on every realdata graph, TF-made
#               ResNet-50/BERT-base training graphs and synthetic graphs of 1k-100k nodes
#   freeze      ckptview freeze vs TensorFlow's freeze_graph on a 100k-node, 1 GB model
#   graphview   graph view frame times with >= 10,000 visible nodes vs an empty scene, and
#               frames while groups expand vs the relayout and upload in the click's frame:
#               native under xvfb-run (Mesa llvmpipe) and the page in headless Chromium
#   scripts/bench.sh [checkpoint|layout|freeze|graphview|all]     (default all)
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
cd "$here"
export NODE_PATH=/usr/share/nodejs
bash scripts/setup.sh

build_native() {
  cmake -S . -B build/native -G Ninja >/dev/null && ninja -C build/native ckptview make_checkpoint layout_bench
}
build_wasm_cli() {  # the same CLI as wasm for node: build/wasm-node/src/cli/ckptview.js
  [ -f build/wasm-node/build.ninja ] ||
    emcmake cmake -S . -B build/wasm-node -G Ninja -DCKPT_NODE_CLI=ON -DCKPT_BUILD_GUI=OFF -DCKPT_BUILD_TESTS=OFF >/dev/null
  ninja -C build/wasm-node ckptview
}

what=${1:-all}
build_native
case $what in
  checkpoint|all) build_wasm_cli; bash bench/checkpoint_bench.sh ;;&
  layout|all) build_wasm_cli
    BUILD=build/native WASM_BUILD=build/wasm-node NODE_PATH=$HOME/.cache/ckptview/node/node_modules \
      sh bench/layout/run.sh ;;&
  graphview|all) bash bench/graphview/run.sh ;;&
  freeze|all) CKPTVIEW=build/native/src/cli/ckptview bash bench/freeze/run.sh ;;
  checkpoint|layout|graphview) ;;
  *) echo "usage: scripts/bench.sh [checkpoint|layout|freeze|graphview|all]" >&2; exit 2 ;;
esac
