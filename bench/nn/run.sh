#!/usr/bin/env bash
# Issue 4's benchmark: one Fashion-MNIST epoch at batch 32 and 256, median samples/s of several
# runs, judged against its targets. With REF_PYTHON pointing at a Python that has keras and
# tensorflow, Keras runs the same epoch alternately with tunelua, and the ratio is printed.
#   bench/nn/run.sh [runs] [bench-nn options, e.g. --threads 2]
set -euo pipefail
cd "$(dirname "$0")/../.."
runs=${1:-3}; shift || true
swift build -c release --product bench-nn >/dev/null
ours=(); theirs=()
for _ in $(seq "$runs"); do
  out=$(.build/release/bench-nn --runs 1 "$@"); echo "$out"
  ours+=("$out")
  if [ -n "${REF_PYTHON:-}" ]; then
    ref=$("$REF_PYTHON" bench/nn/keras_reference.py 2>/dev/null | grep '^keras batch'); echo "$ref"
    theirs+=("$ref")
  fi
done
median() { sort -g | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
for batch in 32 256; do
  m=$(printf '%s\n' "${ours[@]}" | sed -nE "s/^batch +$batch: +([0-9]+) samples.*/\1/p" | median)
  line="batch $batch: tunelua median $m samples/s over $runs runs"
  if [ ${#theirs[@]} -gt 0 ]; then
    k=$(printf '%s\n' "${theirs[@]}" | sed -nE "s/^keras batch $batch: ([0-9]+) samples.*/\1/p" | median)
    line="$line; Keras median $k; tunelua/Keras $(awk -v a="$m" -v b="$k" 'BEGIN {printf "%.2fx", a/b}')"
    [ "$batch" = 32 ] && line="$line (target >= 3x)"
  fi
  echo "$line"
done
