#!/usr/bin/env bash
# Installs what is missing, builds the page and serves it on 127.0.0.1 with
# the bundled demo checkpoint (TF's save/restore tutorial model) open.
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
bash "$here/scripts/setup.sh" --apt --wasm
exec bash "$here/scripts/serve.sh" "$@"
