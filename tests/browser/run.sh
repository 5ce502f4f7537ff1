#!/usr/bin/env bash
# Browser end-to-end test: builds the page if anything changed, then drives it
# in headless Chromium (tests/browser/e2e.mjs). Exit status is the test's.
#
#   tests/browser/run.sh [--no-build]
# Needs: scripts/setup.sh --apt --wasm --npm (emscripten, chromium, playwright-core).
set -euo pipefail
here=$(cd "$(dirname "$0")/../.." && pwd)
node_dir=${CKPTVIEW_NODE_DIR:-${CKPTVIEW_CACHE:-$HOME/.cache/ckptview}/node}
if [ ! -d "$node_dir/node_modules/playwright-core" ]; then
  echo "run.sh: playwright-core is not in $node_dir (scripts/setup.sh --npm)" >&2
  exit 1
fi
if [ "${1:-}" != "--no-build" ]; then
  "$here/scripts/build_web.sh"
fi
export CKPTVIEW_NODE_DIR=$node_dir
exec node "$here/tests/browser/e2e.mjs" "$here/build/web"
