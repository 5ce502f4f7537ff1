#!/usr/bin/env bash
# Serves the page from build/web on 127.0.0.1 only (building it first if
# anything changed), and prints its URL.
#
#   scripts/serve.sh [PORT]          default port 8080; --no-build skips the build
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
port=8080
build=1
for a in "$@"; do
  case $a in
    --no-build) build=0 ;;
    [0-9]*) port=$a ;;
    *) echo "usage: scripts/serve.sh [PORT] [--no-build]" >&2; exit 2 ;;
  esac
done
web=$here/build/web
if [ $build = 1 ]; then
  "$here/scripts/build_web.sh"
elif [ ! -f "$web/app.wasm" ]; then
  echo "serve.sh: $web/app.wasm is missing; run without --no-build" >&2
  exit 1
fi
echo "ckptview: http://127.0.0.1:$port/   (Ctrl-C stops the server)"
exec python3 -m http.server "$port" --bind 127.0.0.1 --directory "$web"
