#!/usr/bin/env bash
# Builds the page: app.js + app.wasm (emscripten) assembled with web/* and the
# bundled demo (tests/fixtures/tutorial/ckpts) into build/web, a static folder.
# Incremental: configures build/wasm once, then lets ninja decide.
#
#   scripts/build_web.sh            env: CKPT_JOBS (default 2), CKPT_WASM_BUILD
# Needs emscripten and build/deps (scripts/setup.sh --apt --wasm).
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
build=${CKPT_WASM_BUILD:-$here/build/wasm}
jobs=${CKPT_JOBS:-2}

if ! command -v emcmake >/dev/null; then
  echo "build_web.sh: emscripten is not installed (scripts/setup.sh --apt)" >&2
  exit 1
fi
for dep in imgui protobuf snappy; do
  if [ ! -d "$here/build/deps/$dep" ]; then
    echo "build_web.sh: build/deps/$dep is missing (scripts/setup.sh --wasm)" >&2
    exit 1
  fi
done
if [ ! -f "$build/build.ninja" ]; then
  emcmake cmake -S "$here" -B "$build" -G Ninja -DCKPT_BUILD_TESTS=OFF
fi
# Only what the page needs (the web_folder target depends on app.js/app.wasm).
ninja -C "$build" -j "$jobs" web_folder
echo "build_web.sh: page in $here/build/web ($(du -h "$here/build/web/app.wasm" | cut -f1) app.wasm)"
