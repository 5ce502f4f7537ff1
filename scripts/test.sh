#!/usr/bin/env bash
# Runs every ckptview suite on a fresh Debian 12 machine: installs what is
# missing (scripts/setup.sh), builds native and wasm, then runs GoogleTest
# (ctest), the TensorFlow interop tests, the browser end-to-end tests and the
# wasm CLI under node against the native one (it builds that CLI itself).
# Prints each suite's time and a closing "N passed, M failed" line (suites).
set -uo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
cd "$here"
export NODE_PATH=/usr/share/nodejs  # emscripten 3.1.6 needs Debian's node modules

bash scripts/setup.sh || { echo "setup failed"; exit 1; }

passed=0 failed=0 failed_names=()
suite() {  # suite NAME COMMAND...
  local name=$1; shift
  local t0=$SECONDS
  echo "=== $name"
  if "$@"; then passed=$((passed + 1)); result=ok; else failed=$((failed + 1)); failed_names+=("$name"); result=FAILED; fi
  echo "=== $name: $result in $((SECONDS - t0)) s"
}

build_native() {
  cmake -S . -B build/native -G Ninja -DCKPT_WARNINGS_AS_ERRORS=ON >/dev/null && ninja -C build/native
}
build_wasm() {
  bash scripts/build_web.sh
}

suite "native build" build_native
suite "wasm build" build_wasm
suite "unit tests (ctest)" ctest --test-dir build/native --output-on-failure -j2
suite "TensorFlow interop" env CKPTVIEW_BIN="$here/build/native/src/cli/ckptview" bash tests/tf/run.sh
suite "browser end-to-end" bash tests/browser/run.sh
suite "wasm CLI under node" env CKPTVIEW_BIN="$here/build/native/src/cli/ckptview" \
  CKPT_MAKE_CHECKPOINT="$here/build/native/bench/make_checkpoint" bash tests/node_cli/run.sh

echo
[ ${#failed_names[@]} -eq 0 ] || echo "failed suites: ${failed_names[*]}"
echo "suites: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
