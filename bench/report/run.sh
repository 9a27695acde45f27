#!/usr/bin/env bash
# Issue 15's benchmark: `tunelua report` of a 10,000-trial project (6 hyperparameters, one of them
# conditional, 10 intermediate values per trial): wall time and file size. Target: under 2 s and
# under 5 MB. Also times `tunelua export` (CSV and JSON) of the same project.
#   bench/report/run.sh [trials=10000]        (SCRATCH=folder picks the build folder, default .build)
set -euo pipefail
cd "$(dirname "$0")/../.."
trials=${1:-10000}
scratch=${SCRATCH:-.build}
swift build -c release --product tunelua --scratch-path "$scratch" >/dev/null
bin="$scratch/release/tunelua"
dir=$(mktemp -d /tmp/tunelua-bench-report.XXXXXX)
trap 'rm -rf "$dir"' EXIT
start=$(date +%s.%N)
"$bin" bench/report/project.lua "$dir" "$trials"
built=$(date +%s.%N)
echo "project: $trials trials built in $(awk -v a="$start" -v b="$built" 'BEGIN { printf "%.1f", b - a }') s"
seconds() { local t0 t1; t0=$(date +%s.%N); "$@" >/dev/null; t1=$(date +%s.%N); awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.3f", b - a }'; }
best=""
for run in 1 2 3; do
  t=$(seconds "$bin" report "$dir/bench_report" -o "$dir/report.html")
  best=$(awk -v t="$t" -v b="$best" 'BEGIN { print (b == "" || t < b) ? t : b }')
done
bytes=$(stat -c %s "$dir/report.html")
csv=$(seconds "$bin" export "$dir/bench_report" -o "$dir/trials.csv")
json=$(seconds "$bin" export "$dir/bench_report" --format json -o "$dir/trials.json")
echo "export: csv $csv s ($(stat -c %s "$dir/trials.csv") bytes), json $json s ($(stat -c %s "$dir/trials.json") bytes)"
awk -v t="$best" -v b="$bytes" 'BEGIN {
  mb = b / 1e6
  printf "report: %.3f s (best of 3; %.2fx the 2 s target), %.2f MB (%.2fx the 5 MB target): %s\n",
         t, t / 2, mb, mb / 5, (t < 2 && mb < 5) ? "met" : "not met"
}'
