#!/usr/bin/env bash
# Graph view frame times (scripts/bench.sh graphview), each case next to a
# baseline measured in the same run (the same frame with an empty scene):
#   native   frame_bench under xvfb-run (Mesa llvmpipe, OpenGL 3.3 core)
#   browser  the page in headless Chromium (WebGL2, SwiftShader), browser_frames.mjs
# Both draw the same synthetic ~12k-op training graph, fully expanded.
#
#   bench/graphview/run.sh      env: BUILD (default build/native), NODES, FRAMES, CKPT_JOBS
set -euo pipefail
here=$(cd "$(dirname "$0")/../.." && pwd)
build=${BUILD:-$here/build/native}
nodes=${NODES:-12000}
frames=${FRAMES:-120}

[ -f "$build/build.ninja" ] || cmake -S "$here" -B "$build" -G Ninja >/dev/null
ninja -C "$build" -j "${CKPT_JOBS:-2}" frame_bench
echo "== native: frame_bench under xvfb-run (load average: $(cut -d' ' -f1-3 /proc/loadavg))"
xvfb-run -a -s "-screen 0 1600x1000x24" "$build/bench/graphview/frame_bench" --nodes "$nodes" --frames "$frames"

echo "== browser: the page in headless Chromium"
bash "$here/scripts/build_web.sh"
NODES=$nodes FRAMES=$frames node "$here/bench/graphview/browser_frames.mjs" "$here/build/web"
