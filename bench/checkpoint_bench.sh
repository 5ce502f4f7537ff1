#!/usr/bin/env bash
# Checkpoint reading benchmark (issue: foundation). Generates, in the same run:
#   A: a checkpoint of 20,000 small variables -> time `inspect` (listing)
#   B: a checkpoint of 1 GiB of float32 data  -> time `inspect --verify`
# natively and as wasm under node, against `cat` of the same bytes to
# /dev/null (page cache warm for every contender). The contenders run in
# interleaved rounds (cat, native, wasm, cat, native, wasm, ...) so each sees
# the same machine load; each line gives the best round and the spread.
#   bench/checkpoint_bench.sh [WORKDIR]
# Environment: CKPT_BUILD_DIR (native build, default build/native),
# CKPT_WASM_BUILD_DIR (node CLI build, default build/wasm-node),
# CKPT_BENCH_RUNS (rounds, default 3).
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
work=${1:-$(mktemp -d /tmp/ckptbench.XXXX)}
build=${CKPT_BUILD_DIR:-$here/build/native}
native=$build/src/cli/ckptview
make=$build/bench/make_checkpoint
wasm=${CKPT_WASM_BUILD_DIR:-$here/build/wasm-node}/src/cli/ckptview.js
runs=${CKPT_BENCH_RUNS:-3}
mkdir -p "$work"

declare -A best worst
time_ms() {  # time_ms KEY COMMAND...: runs once, keeps the best and worst ms under KEY
  local key=$1; shift
  local t0 t1 ms; t0=$(date +%s%N); "$@" >/dev/null; t1=$(date +%s%N)
  ms=$(( (t1 - t0) / 1000000 ))
  if [ -z "${best[$key]:-}" ] || [ "$ms" -lt "${best[$key]}" ]; then best[$key]=$ms; fi
  if [ -z "${worst[$key]:-}" ] || [ "$ms" -gt "${worst[$key]}" ]; then worst[$key]=$ms; fi
}
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2fx", (b > 0 ? a / b : 0) }'; }
line() {  # line LABEL KEY BASE_KEY
  printf '%-44s %8d %12s %10s\n' "$1" "${best[$2]}" "${best[$2]}-${worst[$2]}" "$(ratio "${best[$2]}" "${best[$3]}")"
}

[ -f "$work/many.index" ] || "$make" "$work/many" --variables 20000 --bytes $((20000 * 64)) >/dev/null
[ -f "$work/big.index" ] || "$make" "$work/big" --variables 64 --bytes $((1 << 30)) >/dev/null
cat "$work"/big.* >/dev/null  # warm the page cache
have_wasm=0
[ -f "$wasm" ] && have_wasm=1

load_before=$(cut -d' ' -f1-3 /proc/loadavg)
for _ in $(seq "$runs"); do
  time_ms cat_list cat "$work/many.index"
  time_ms list_native "$native" inspect "$work/many"
  if [ $have_wasm = 1 ]; then time_ms list_wasm node "$wasm" inspect "$work/many"; fi
  time_ms cat_big cat "$work/big.data-00000-of-00001" "$work/big.index"
  time_ms verify_native "$native" inspect "$work/big" --verify
  if [ $have_wasm = 1 ]; then time_ms verify_wasm node "$wasm" inspect "$work/big" --verify; fi
done
load_after=$(cut -d' ' -f1-3 /proc/loadavg)

echo "checkpoint benchmark ($(nproc) cores; best of $runs interleaved rounds; ms; load average $load_before before, $load_after after)"
printf '%-44s %8s %12s %10s\n' "what" "best ms" "spread" "vs cat"
line "cat many.index (20,000 variables)" cat_list cat_list
line "native inspect (list 20,000 variables)" list_native cat_list
line "cat big (1 GiB data + index)" cat_big cat_big
line "native inspect --verify (1 GiB)" verify_native cat_big
if [ $have_wasm = 1 ]; then
  line "wasm (node) inspect (list 20,000 variables)" list_wasm cat_list
  line "wasm (node) inspect --verify (1 GiB)" verify_wasm cat_big
else
  echo "(no wasm CLI at $wasm: run scripts/bench.sh, which builds it)"
fi
