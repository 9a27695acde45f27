#!/usr/bin/env bash
# Issue 19's benchmark: one Fashion-MNIST epoch of the tutorial MLP (batch 32 and 256) and of the
# CNN (batch 64), median samples/s of several runs. With REF_PYTHON pointing at a Python that has
# keras and tensorflow, Keras runs the same epochs alternately with tunelua (so both see the same
# machine load), and the ratios are printed against the issue's targets.
#   bench/nn/run.sh [runs] [bench-nn options, e.g. --threads 2 or --model cnn]
set -euo pipefail
cd "$(dirname "$0")/../.."
runs=${1:-3}; shift || true
scratch=${SCRATCH:-.build}
swift build -c release --scratch-path "$scratch" --product bench-nn >/dev/null
ours=(); theirs=()
model=""
for ((i = 1; i <= $#; i++)); do [ "${!i}" = --model ] && { j=$((i + 1)); model=${!j}; }; done
echo "load average: $(cut -d' ' -f1-3 /proc/loadavg)"
for _ in $(seq "$runs"); do
  out=$("$scratch"/release/bench-nn --runs 1 "$@"); echo "$out" | grep -E '^(mlp|cnn) batch'
  ours+=("$out")
  if [ -n "${REF_PYTHON:-}" ]; then
    ref=$("$REF_PYTHON" bench/nn/keras_reference.py --runs 1 ${model:+--model "$model"} 2>/dev/null | grep '^keras'); echo "$ref"
    theirs+=("$ref")
  fi
done
echo "load average: $(cut -d' ' -f1-3 /proc/loadavg)"
median() { sort -g | awk '{a[NR]=$1} END {if (NR) print a[int((NR+1)/2)]}'; }
for spec in "mlp 32 5.0" "mlp 256 2.5" "cnn 64 2.0"; do
  set -- $spec
  m=$(printf '%s\n' "${ours[@]}" | sed -nE "s/^$1 batch +$2: +([0-9]+) samples.*/\1/p" | median)
  [ -n "$m" ] || continue
  line="$1 batch $2: tunelua median $m samples/s over $runs runs"
  if [ ${#theirs[@]} -gt 0 ]; then
    k=$(printf '%s\n' "${theirs[@]}" | sed -nE "s/^keras $1 batch $2: ([0-9]+) samples.*/\1/p" | median)
    line="$line; Keras median $k; tunelua/Keras $(awk -v a="$m" -v b="$k" 'BEGIN {printf "%.2fx", a/b}') (target >= $3x)"
    # CPU time per sample moves less with the machine's load than wall-clock time does.
    oc=$(printf '%s\n' "${ours[@]}" | sed -nE "s/^$1 batch +$2: .*CPU ([0-9.]+) µs.*/\1/p" | median)
    kc=$(printf '%s\n' "${theirs[@]}" | sed -nE "s/^keras $1 batch $2: .*CPU ([0-9.]+) µs.*/\1/p" | median)
    [ -n "$oc" ] && [ -n "$kc" ] && line="$line; CPU µs per sample: tunelua $oc, Keras $kc (Keras/tunelua $(awk -v a="$kc" -v b="$oc" 'BEGIN {printf "%.2fx", a/b}'))"
  fi
  echo "$line"
done
