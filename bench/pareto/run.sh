#!/usr/bin/env bash
# Issue 14's benchmark: hypervolume after N trials (100) on ZDT1 (2 objectives) and DTLZ2 (3
# objectives), over S seeds (10), for tunelua's TPE (MOTPE), BayesianOptimization (ParEGO) and
# RandomSearch in Pareto mode; with REF_PYTHON (a Python with optuna), Optuna's TPESampler and
# NSGAIISampler in the same run. Prints each median and, per problem, the ratio of tunelua TPE's
# and BayesianOptimization's medians to the better of Optuna's. Target: ratio >= 1.
#   bench/pareto/run.sh [trials=100] [seeds=10] [oracles="TPE BayesianOptimization RandomSearch"]
#   bench/pareto/run.sh --summary LOG   (the medians of a saved run's output)
set -euo pipefail
cd "$(dirname "$0")/../.."
oracles="TPE BayesianOptimization RandomSearch"
if [ "${1:-}" = "--summary" ]; then
  log=$2; keep=1
else
trials=${1:-100}; seeds=${2:-10}; oracles=${3:-$oracles}; keep=0
scratch=${SCRATCH:-.build}
swift build -c release -j 1 --product tunelua --scratch-path "$scratch" >/dev/null
bin="$scratch/release/tunelua"
log=$(mktemp)
for problem in zdt1 dtlz2; do
  for oracle in $oracles; do
    for seed in $(seq 1 "$seeds"); do "$bin" bench/pareto/pareto.lua "$problem" "$oracle" "$seed" "$trials" | tee -a "$log"; done
  done
  if [ -n "${REF_PYTHON:-}" ]; then
    for sampler in tpe nsga2; do
      for seed in $(seq 1 "$seeds"); do "$REF_PYTHON" bench/pareto/reference.py "$problem" "$sampler" "$seed" "$trials" | tee -a "$log"; done
    done
  fi
done
fi
echo
# Lines read "<tool> <method> <problem> seed <s>: hypervolume <hv> …".
median() { grep "^$1 $2 $3 seed" "$log" | awk '{ print $7 }' | sort -g | awk '{ a[NR] = $1 } END { if (NR) print (NR % 2) ? a[(NR + 1) / 2] : (a[NR / 2] + a[NR / 2 + 1]) / 2 }'; }
for problem in zdt1 dtlz2; do
  for key in $(for o in $oracles; do echo "tunelua:$o"; done) optuna:tpe optuna:nsga2; do
    m=$(median "${key%%:*}" "${key#*:}" "$problem")
    [ -n "$m" ] && printf 'median hypervolume %-7s %-8s %-21s %s\n' "$problem" "${key%%:*}" "${key#*:}" "$m"
  done
  tpe=$(median optuna tpe "$problem"); nsga=$(median optuna nsga2 "$problem")
  for oracle in TPE BayesianOptimization; do
    ours=$(median tunelua "$oracle" "$problem")
    [ -n "$tpe" ] && [ -n "$ours" ] || continue
    awk -v p="$problem" -v name="$oracle" -v o="$ours" -v t="$tpe" -v n="${nsga:-0}" 'BEGIN {
      b = (t > n) ? t : n
      verdict = (o >= b) ? "met" : "not met"
      printf "%s: tunelua %s / best of Optuna TPE, NSGA-II = %.4f (target >= 1): %s\n", p, name, o / b, verdict
    }'
  done
done
[ "$keep" = 1 ] || rm -f "$log"
