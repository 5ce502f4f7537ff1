#!/usr/bin/env bash
# The wasm CLI under node (build/wasm-node/src/cli/ckptview.js, what the
# checkpoint benchmark times as "wasm") must print exactly what the native
# CLI prints, with the same exit code: `inspect --json --verify --values` on
# every fixture checkpoint, a frozen graph and a few real-data models, and
# `inspect --verify` on a generated checkpoint of 8 MiB tensors (ranges of
# 4 MiB or more are checksummed by two threads under node,
# src/cli/node_helper.js), intact and with bytes flipped in two tensors (one
# at a 1 MiB piece boundary): the same tensors are named corrupt.
#
#   tests/node_cli/run.sh [--no-build]
# Env: CKPTVIEW_BIN (native CLI, default build/native/src/cli/ckptview),
#      CKPT_MAKE_CHECKPOINT (default build/native/bench/make_checkpoint),
#      CKPT_REALDATA (default ../shared/realdata).
set -uo pipefail
here=$(cd "$(dirname "$0")/../.." && pwd)
cd "$here"
native=${CKPTVIEW_BIN:-build/native/src/cli/ckptview}
make_checkpoint=${CKPT_MAKE_CHECKPOINT:-build/native/bench/make_checkpoint}
realdata=${CKPT_REALDATA:-../shared/realdata}
build=build/wasm-node
if [ "${1:-}" != "--no-build" ]; then
  if [ ! -f "$build/build.ninja" ]; then
    NODE_PATH=/usr/share/nodejs emcmake cmake -S . -B "$build" -G Ninja -DCKPT_NODE_CLI=ON \
      -DCKPT_BUILD_GUI=OFF -DCKPT_BUILD_TESTS=OFF >/dev/null || exit 1
  fi
  NODE_PATH=/usr/share/nodejs ninja -C "$build" ckptview || exit 1
fi
wasm=$build/src/cli/ckptview.js
for f in "$native" "$make_checkpoint" "$wasm"; do
  [ -f "$f" ] || { echo "run.sh: $f is missing (build it first)" >&2; exit 1; }
done

work=$(mktemp -d /tmp/ckptview_node_cli.XXXX)
trap 'rm -rf "$work"' EXIT
passed=0 failed=0
same() {  # same NAME ARGS...: native and wasm print the same and exit alike
  local name=$1; shift
  "$native" "$@" >"$work/native.out" 2>"$work/native.err"; local rn=$?
  node "$wasm" "$@" >"$work/wasm.out" 2>"$work/wasm.err"; local rw=$?
  if [ $rn = $rw ] && cmp -s "$work/native.out" "$work/wasm.out" && cmp -s "$work/native.err" "$work/wasm.err"; then
    passed=$((passed + 1)); echo "ok - $name (exit $rn)"
  else
    failed=$((failed + 1)); echo "not ok - $name: exit native $rn, wasm $rw"
    diff <(head -c 2000 "$work/native.out"; cat "$work/native.err") \
         <(head -c 2000 "$work/wasm.out"; cat "$work/wasm.err") | head -10
  fi
}

for dir in tests/fixtures/*/; do
  case $dir in */graphs/ | */tutorial/) continue ;; esac
  same "fixture ${dir#tests/fixtures/}" inspect "$dir" --json --verify --values
done
same "fixture tutorial" inspect tests/fixtures/tutorial/ckpts --json --verify --values
if [ -d "$realdata" ]; then
  for m in tfonnx-fc-layers/frozen.pb haskell-mnist/MNISTWts.ckpt neuralenc-ckpt-and-frozen/checkpoint; do
    same "realdata $m" inspect "$realdata/$m" --json --verify --values
  done
fi

# 3 tensors of 8 MiB: each range goes to the two threads in 1 MiB pieces.
"$make_checkpoint" "$work/big" --variables 3 --bytes $((24 << 20)) >/dev/null || exit 1
same "8 MiB tensors, intact" inspect "$work/big" --verify
cp "$work/big.index" "$work/bad.index"
cp "$work/big.data-00000-of-00001" "$work/bad.data-00000-of-00001"
flip() {  # flip OFFSET: inverts one byte of the bad copy's data file
  local byte
  byte=$(od -An -tu1 -j "$1" -N1 "$work/bad.data-00000-of-00001" | tr -d ' ')
  printf "$(printf '\\%03o' $((255 - byte)))" |
    dd of="$work/bad.data-00000-of-00001" bs=1 seek="$1" conv=notrunc status=none
}
flip $(( (8 << 20) + (3 << 20) ))       # tensor 2, first byte of its fourth piece
flip $(( (16 << 20) + (5 << 20) - 1 ))  # tensor 3, last byte of its fifth piece
same "8 MiB tensors, two flipped bytes" inspect "$work/bad" --verify
same "8 MiB tensors, two flipped bytes (JSON)" inspect "$work/bad" --verify --json

# The same with the helper thread certainly in: each range waits for it.
for name in big bad; do
  out=$(CKPTVIEW_VERIFY_HELPER=wait node "$wasm" inspect "$work/$name" --verify 2>"$work/helper.err")
  helped=$(sed -n 's/^verify helper: \([0-9]*\) of 8 pieces$/\1/p' "$work/helper.err" | awk '{ s += $1 } END { print s + 0 }')
  corrupt=$(printf '%s\n' "$out" | grep -c '^CORRUPT')
  "$native" inspect "$work/$name" --verify >"$work/native.out"
  if [ "${helped:-0}" -gt 0 ] && [ "$out" = "$(cat "$work/native.out")" ]; then
    passed=$((passed + 1)); echo "ok - $name with the helper thread: it checksummed $helped of 24 pieces, $corrupt corrupt"
  else
    failed=$((failed + 1)); echo "not ok - $name with the helper thread: $(cat "$work/helper.err"); output differs or no piece helped"
  fi
done

echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
