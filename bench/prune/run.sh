#!/usr/bin/env bash
# Issue 13's benchmark: the Keras Tuner tutorial's model on Fashion-MNIST, RandomSearch with and
# without MedianPruner (30 trials x 10 epochs by default): epochs trained, wall time, best
# val_accuracy of each. Target: >= 2x fewer epochs with pruning, at a best val_accuracy within
# 0.005 of the unpruned search. With REF_PYTHON (a Python with optuna and keras), Optuna's
# MedianPruner runs the same search on Keras in the same run.
#   bench/prune/run.sh [trials=30] [epochs=10] [samples=all, e.g. 6000 for a reduced run]
set -euo pipefail
cd "$(dirname "$0")/../.."
trials=${1:-30}; epochs=${2:-10}; samples=${3:-0}
scratch=${SCRATCH:-.build}
swift build -c release --product tunelua --scratch-path "$scratch" >/dev/null
bin="$scratch/release/tunelua"
lines=()
for mode in unpruned pruned; do
  out=$("$bin" bench/prune/prune.lua "$mode" "$trials" "$epochs" "$samples"); echo "$out"; lines+=("$out")
done
field() { sed -nE "s/.*, ([0-9]+) epochs trained, ([0-9.]+) s, best val_accuracy ([0-9.]+)/\\$1/p"; }
e0=$(printf '%s\n' "${lines[0]}" | field 1); e1=$(printf '%s\n' "${lines[1]}" | field 1)
a0=$(printf '%s\n' "${lines[0]}" | field 3); a1=$(printf '%s\n' "${lines[1]}" | field 3)
awk -v e0="$e0" -v e1="$e1" -v a0="$a0" -v a1="$a1" 'BEGIN {
  r = e0 / e1; d = a0 - a1
  printf "tunelua: %.2fx fewer epochs with MedianPruner (target >= 2x), best val_accuracy %+.4f vs unpruned (target within 0.005): %s\n",
         r, -d, (r >= 2 && d <= 0.005) ? "met" : "not met"
}'
if [ -n "${REF_PYTHON:-}" ]; then
  for mode in unpruned pruned; do "$REF_PYTHON" bench/prune/reference.py "$mode" "$trials" "$epochs" "$samples"; done
fi
