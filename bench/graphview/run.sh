#!/usr/bin/env bash
# Graph view frame times (scripts/bench.sh graphview), each case next to a
# baseline measured in the same run (the same frame with an empty scene):
#   native   frame_bench under xvfb-run (Mesa llvmpipe, OpenGL 3.3 core)
#   browser  the page in headless Chromium (WebGL2, SwiftShader), browser_frames.mjs
# Both draw the same synthetic ~12k-op training graph, fully expanded. Then
# frames while groups expand, the relayout sliced and the upload streamed
# against both in the click's frame (the baseline, in the same run):
#   native   expand_bench: a 100k-op graph, from the readable start, and in a
#            bigger view (after 160 expands: ~8,000 boxes, ~700k edge pieces)
#   browser  browser_frames.mjs EXPANDS (NODES' graph, from its start)
# And the search box's regular expressions over a 100k-op graph's names and
# ops (search_bench: the lazy DFA against the NFA it replaced, std::regex and
# a plain substring scan).
#
#   bench/graphview/run.sh      env: BUILD (default build/native), NODES, FRAMES, CKPT_JOBS
set -euo pipefail
here=$(cd "$(dirname "$0")/../.." && pwd)
build=${BUILD:-$here/build/native}
nodes=${NODES:-12000}
frames=${FRAMES:-120}

[ -f "$build/build.ninja" ] || cmake -S "$here" -B "$build" -G Ninja >/dev/null
ninja -C "$build" -j "${CKPT_JOBS:-2}" frame_bench expand_bench search_bench
echo "== native: frame_bench under xvfb-run (load average: $(cut -d' ' -f1-3 /proc/loadavg))"
xvfb-run -a -s "-screen 0 1600x1000x24" "$build/bench/graphview/frame_bench" --nodes "$nodes" --frames "$frames"

echo "== native: expand_bench under xvfb-run, from the readable start"
xvfb-run -a -s "-screen 0 1600x1000x24" "$build/bench/graphview/expand_bench" --expands 60
echo "== native: expand_bench in a bigger view"
xvfb-run -a -s "-screen 0 1600x1000x24" "$build/bench/graphview/expand_bench" --from 160 --expands 200

echo "== native: search_bench (the graph search's regular expressions over 100k names and ops)"
"$build/bench/graphview/search_bench"

echo "== browser: the page in headless Chromium"
bash "$here/scripts/build_web.sh"
NODES=$nodes FRAMES=$frames node "$here/bench/graphview/browser_frames.mjs" "$here/build/web"
