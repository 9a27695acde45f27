#!/usr/bin/env bash
# Issue 11's benchmark: parallel workers on one machine.
#  1. 16 CPU-bound black-box trials (bench/workers/cpu_bound.lua), wall time with 1 and 2 workers,
#     median of N runs; judged by the speed-up (target >= 1.85x on 2 cores).
#  2. With TUTORIAL=1: Keras Tuner's tutorial search (scripts/tune_model.lua fashion, Hyperband
#     10/3 on Fashion-MNIST) with 1 and 2 workers, its best val_accuracy, and — when REF_PYTHON
#     names a Python with keras-tuner and tensorflow — Keras Tuner's own run of it in the same
#     run (bench/workers/keras_tuner_tutorial.py); judged by Keras Tuner's time / ours
#     (target >= 8x with 2 workers at best val_accuracy >= 0.885).
#   bench/workers/run.sh [runs]        (SKIP_CPU=1 skips part 1)
set -euo pipefail
cd "$(dirname "$0")/../.."
runs=${1:-3}
swift build -c release --product tunelua >/dev/null
bin=.build/release/tunelua
scratch=$(mktemp -d); trap 'rm -rf "$scratch"' EXIT
median() { sort -g | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
seconds() { local t0 t1; t0=$(date +%s.%N); "$@" >/dev/null; t1=$(date +%s.%N); awk -v a="$t0" -v b="$t1" 'BEGIN {printf "%.2f", b-a}'; }

[ -n "${SKIP_CPU:-}" ] || {
one=(); two=()
for _ in $(seq "$runs"); do
  one+=("$(seconds "$bin" bench/workers/cpu_bound.lua 1 "$scratch")")
  two+=("$(seconds "$bin" bench/workers/cpu_bound.lua 2 "$scratch")")
  echo "cpu-bound 16 trials: 1 worker ${one[-1]} s, 2 workers ${two[-1]} s"
done
m1=$(printf '%s\n' "${one[@]}" | median); m2=$(printf '%s\n' "${two[@]}" | median)
echo "cpu-bound: median 1 worker $m1 s, 2 workers $m2 s over $runs runs; speed-up $(awk -v a="$m1" -v b="$m2" 'BEGIN {printf "%.2fx", a/b}') (target >= 1.85x on 2 cores)"
}

[ -n "${TUTORIAL:-}" ] || exit 0
tutorial() {  # workers → "seconds best_val_accuracy peak_resident_MB"
  local t0 t1 out rss="$scratch/rss"
  t0=$(date +%s.%N)
  out=$(cd "$scratch" && TUNELUA_WORKERS=$1 $timer "$OLDPWD/$bin" "$OLDPWD/scripts/tune_model.lua" fashion 2>&1)
  t1=$(date +%s.%N)
  local best; best=$(printf '%s\n' "$out" | sed -nE 's/^best val_accuracy ([0-9.]+).*/\1/p' | tail -1)
  local peak; peak=$( [ -s "$rss" ] && awk '{printf "%d", $1/1024}' "$rss" || echo "?")
  awk -v a="$t0" -v b="$t1" -v v="$best" -v m="$peak" 'BEGIN {printf "%.1f %s %s\n", b-a, v, m}'
}
# Peak resident size through GNU time when the machine has it (Debian's package `time`).
timer=""; [ -x /usr/bin/time ] && timer="/usr/bin/time -o $scratch/rss -f %M"
read -r s1 v1 m1 < <(tutorial 1); echo "tutorial, 1 worker: $s1 s, best val_accuracy $v1, peak resident $m1 MB"
read -r s2 v2 m2 < <(tutorial 2); echo "tutorial, 2 workers: $s2 s, best val_accuracy $v2, peak resident $m2 MB"
echo "tutorial: 2 workers / 1 worker: time $(awk -v a="$s1" -v b="$s2" 'BEGIN {printf "%.2fx faster", a/b}'), peak memory $(awk -v a="$m1" -v b="$m2" 'BEGIN {if (a > 0) printf "%.2fx", b/a; else print "?"}') (target <= 1.3x)"
if [ -n "${REF_PYTHON:-}" ]; then
  t0=$(date +%s.%N)
  ref=$(cd "$scratch" && "$REF_PYTHON" "$OLDPWD/bench/workers/keras_tuner_tutorial.py" 2>/dev/null | tail -1)
  t1=$(date +%s.%N)
  sk=$(awk -v a="$t0" -v b="$t1" 'BEGIN {printf "%.1f", b-a}')
  echo "Keras Tuner 1.4 tutorial: $sk s, $ref"
  echo "tutorial: Keras Tuner / tunelua with 2 workers $(awk -v a="$sk" -v b="$s2" 'BEGIN {printf "%.2fx", a/b}') (target >= 8x at best val_accuracy >= 0.885); with 1 worker $(awk -v a="$sk" -v b="$s1" 'BEGIN {printf "%.2fx", a/b}')"
fi
