#!/usr/bin/env bash
# Issue 3's benchmark: tuner overhead per trial over 2,000 trials with persistence, median of
# several runs, judged against the 100 us/trial target; with REF_PYTHON pointing at a Python that
# has keras-tuner and optuna, the references are measured in the same run.
#   bench/tuner/run.sh [trials] [runs]
set -euo pipefail
cd "$(dirname "$0")/../.."
trials=${1:-2000}; runs=${2:-5}
swift build -c release --product tunelua >/dev/null
figures=()
for _ in $(seq "$runs"); do
  line=$(.build/release/tunelua bench/tuner/overhead.lua "$trials")
  echo "$line"
  figures+=("$(sed -E 's/.*overhead ([0-9.]+) us.*/\1/' <<<"$line")")
done
median=$(printf '%s\n' "${figures[@]}" | sort -g | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}')
echo "median overhead: $median us/trial (target <= 100; ratio to target $(awk -v m="$median" 'BEGIN {printf "%.2f", m/100}'))"
if [ -n "${REF_PYTHON:-}" ]; then
  ref=$("$REF_PYTHON" bench/tuner/reference.py "$trials" 2>/dev/null | tee /dev/stderr)
  for name in keras-tuner optuna; do
    r=$(grep "^$name:" <<<"$ref" | sed -nE 's/.*overhead ([0-9.]+) us.*/\1/p')
    [ -n "$r" ] && echo "$name / tunelua overhead ratio: $(awk -v a="$r" -v b="$median" 'BEGIN {printf "%.0fx", a/b}')"
  done
fi
