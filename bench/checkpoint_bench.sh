#!/usr/bin/env bash
# Checkpoint reading benchmark (issue: foundation). Generates, in the same run:
#   A: a checkpoint of 20,000 small variables -> time `inspect` (listing)
#   B: a checkpoint of 1 GiB of float32 data  -> time `inspect --verify`
# natively and as wasm under node, against `cat` of the same bytes to
# /dev/null (page cache warm for every contender). Best of 3 runs each.
#   bench/checkpoint_bench.sh [WORKDIR]
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
work=${1:-$(mktemp -d /tmp/ckptbench.XXXX)}
build=${CKPT_BUILD_DIR:-$here/build/native}
native=$build/src/cli/ckptview
make=$build/bench/make_checkpoint
wasm=$here/build/wasm-node/src/cli/ckptview.js
mkdir -p "$work"

best_of_3() {  # prints the best wall time in ms of a command
  local best=""
  for _ in 1 2 3; do
    local t0 t1; t0=$(date +%s%N); "$@" >/dev/null; t1=$(date +%s%N)
    local ms=$(( (t1 - t0) / 1000000 ))
    if [ -z "$best" ] || [ "$ms" -lt "$best" ]; then best=$ms; fi
  done
  echo "$best"
}
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2fx", (b > 0 ? a / b : 0) }'; }

[ -f "$work/many.index" ] || "$make" "$work/many" --variables 20000 --bytes $((20000 * 64)) >/dev/null
[ -f "$work/big.index" ] || "$make" "$work/big" --variables 64 --bytes $((1 << 30)) >/dev/null
cat "$work"/big.* >/dev/null  # warm the page cache

cat_list=$(best_of_3 cat "$work/many.index")
list_native=$(best_of_3 "$native" inspect "$work/many")
cat_big=$(best_of_3 cat "$work/big.data-00000-of-00001" "$work/big.index")
verify_native=$(best_of_3 "$native" inspect "$work/big" --verify)

echo "checkpoint benchmark ($(nproc) cores; best of 3; ms)"
printf '%-44s %8s %10s\n' "what" "ms" "vs cat"
printf '%-44s %8d %10s\n' "cat many.index (20,000 variables)" "$cat_list" "1.00x"
printf '%-44s %8d %10s\n' "native inspect (list 20,000 variables)" "$list_native" "$(ratio "$list_native" "$cat_list")"
printf '%-44s %8d %10s\n' "cat big (1 GiB data + index)" "$cat_big" "1.00x"
printf '%-44s %8d %10s\n' "native inspect --verify (1 GiB)" "$verify_native" "$(ratio "$verify_native" "$cat_big")"
if [ -f "$wasm" ]; then
  list_wasm=$(best_of_3 node "$wasm" inspect "$work/many")
  verify_wasm=$(best_of_3 node "$wasm" inspect "$work/big" --verify)
  printf '%-44s %8d %10s\n' "wasm (node) inspect (list 20,000 variables)" "$list_wasm" "$(ratio "$list_wasm" "$cat_list")"
  printf '%-44s %8d %10s\n' "wasm (node) inspect --verify (1 GiB)" "$verify_wasm" "$(ratio "$verify_wasm" "$cat_big")"
else
  echo "(no wasm CLI at $wasm: run scripts/bench.sh, which builds it)"
fi
