#!/usr/bin/env bash
# Installs everything ckptview needs on a Debian 12 machine, idempotently:
# Debian packages, Debian source packages for the wasm build (extracted into
# the ignored build/deps/), the TensorFlow oracle venv and npm test packages.
# Machine-wide caches live in $CKPTVIEW_CACHE (default ~/.cache/ckptview) so a
# fresh clone does not download them again.
#
#   scripts/setup.sh [--apt] [--wasm] [--tf] [--npm]   (no flag = all)
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
cache=${CKPTVIEW_CACHE:-$HOME/.cache/ckptview}
mkdir -p "$cache"

want_apt=0 want_wasm=0 want_tf=0 want_npm=0
[ $# -eq 0 ] && set -- --apt --wasm --tf --npm
for a in "$@"; do
  case $a in
    --apt) want_apt=1 ;; --wasm) want_wasm=1 ;; --tf) want_tf=1 ;; --npm) want_npm=1 ;;
    *) echo "setup.sh: unknown option $a" >&2; exit 2 ;;
  esac
done

sudo_() { if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi; }

APT_PACKAGES="emscripten protobuf-compiler libprotobuf-dev libgtest-dev libglfw3-dev
  libsnappy-dev chromium xvfb xauth libgl1-mesa-dri cmake ninja-build g++ python3-venv
  dpkg-dev xz-utils fonts-dejavu-core"

if [ $want_apt = 1 ]; then
  missing=$(for p in $APT_PACKAGES; do dpkg-query -W -f='${Status}\n' "$p" 2>/dev/null | grep -q 'ok installed' || echo "$p"; done)
  src_list=/etc/apt/sources.list.d/debian-src.sources
  if [ -n "$missing" ] || [ ! -f "$src_list" ]; then
    if [ ! -f "$src_list" ]; then
      sudo_ tee "$src_list" >/dev/null <<'SRC'
Types: deb-src
URIs: http://deb.debian.org/debian
Suites: bookworm
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg
SRC
    fi
    sudo_ apt-get update -q
    # shellcheck disable=SC2086
    [ -z "$missing" ] || DEBIAN_FRONTEND=noninteractive sudo_ apt-get install -y -q $missing
  fi
fi

# Third-party sources for the wasm build: Debian source packages, downloaded
# once into the cache and extracted into build/deps (ignored by git).
if [ $want_wasm = 1 ]; then
  debsrc=$cache/debsrc
  mkdir -p "$debsrc" "$here/build/deps"
  for pkg in imgui protobuf snappy; do
    if ! ls "$debsrc/${pkg}_"*.orig.tar.* >/dev/null 2>&1; then
      (cd "$debsrc" && apt-get source --download-only "$pkg" >/dev/null)
    fi
  done
  extract() {  # extract TARBALL into build/deps/NAME unless present
    local tarball=$1 name=$2
    [ -d "$here/build/deps/$name" ] && return 0
    local tmp; tmp=$(mktemp -d "$here/build/deps/.x.XXXX")
    tar -xf "$tarball" -C "$tmp"
    mv "$tmp"/* "$here/build/deps/$name"; rmdir "$tmp"
  }
  extract "$(ls "$debsrc"/imgui_*.orig.tar.* | head -1)" imgui
  extract "$(ls "$debsrc"/protobuf_*.orig.tar.* | head -1)" protobuf
  extract "$(ls "$debsrc"/snappy_*.orig.tar.* | head -1)" snappy
fi

# The TensorFlow oracle: a venv outside the clone, reused across runs.
if [ $want_tf = 1 ]; then
  venv=$cache/venv-tf
  if [ ! -x "$venv/bin/python" ] || ! "$venv/bin/python" -c 'import tensorflow' 2>/dev/null; then
    python3 -m venv "$venv"
    "$venv/bin/pip" install -q --upgrade pip
    "$venv/bin/pip" install -q tensorflow-cpu numpy
  fi
fi

# playwright-core drives Debian's chromium; never downloads a browser.
if [ $want_npm = 1 ]; then
  nodedir=$cache/node
  if [ ! -d "$nodedir/node_modules/playwright-core" ] || [ ! -d "$nodedir/node_modules/@dagrejs/dagre" ]; then
    mkdir -p "$nodedir"
    (cd "$nodedir" && [ -f package.json ] || echo '{"private":true}' > package.json
     cd "$nodedir" && npm install -s --no-audit --no-fund playwright-core@1.65.1 @dagrejs/dagre@1)
  fi
fi
