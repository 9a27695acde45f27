#!/usr/bin/env bash
# Issue 15's benchmark: `tunelua report` of a 10,000-trial project (6 hyperparameters, one of them
# conditional, 10 intermediate values per trial): wall time and file size. Target: under 2 s and
# under 5 MB. Also times `tunelua export` (CSV and JSON) of the same project. CPU time (user +
# system) is printed beside the wall time: on a shared, loaded machine the wall clock also counts
# waiting for a core.
#   bench/report/run.sh [trials=10000]        (SCRATCH=folder picks the build folder, default .build)
set -euo pipefail
cd "$(dirname "$0")/../.."
trials=${1:-10000}
scratch=${SCRATCH:-.build}
swift build -c release --product tunelua --scratch-path "$scratch" >/dev/null
bin="$scratch/release/tunelua"
dir=$(mktemp -d /tmp/tunelua-bench-report.XXXXXX)
trap 'rm -rf "$dir"' EXIT
TIMEFORMAT='%R %U %S'
built=$( { time "$bin" bench/report/project.lua "$dir" "$trials" >/dev/null; } 2>&1 )
echo "project: $trials trials built in $(echo "$built" | awk '{ printf "%.1f", $1 }') s"
# "wall cpu" seconds of one run of the command.
measure() { { time "$@" >/dev/null; } 2>&1 | awk '{ printf "%.3f %.3f", $1, $2 + $3 }'; }
best_wall=""; best_cpu=""
for run in 1 2 3; do
  read -r wall cpu <<<"$(measure "$bin" report "$dir/bench_report" -o "$dir/report.html")"
  best_wall=$(awk -v t="$wall" -v b="$best_wall" 'BEGIN { print (b == "" || t < b) ? t : b }')
  best_cpu=$(awk -v t="$cpu" -v b="$best_cpu" 'BEGIN { print (b == "" || t < b) ? t : b }')
done
bytes=$(stat -c %s "$dir/report.html")
read -r csv_wall csv_cpu <<<"$(measure "$bin" export "$dir/bench_report" -o "$dir/trials.csv")"
read -r json_wall json_cpu <<<"$(measure "$bin" export "$dir/bench_report" --format json -o "$dir/trials.json")"
echo "export: csv ${csv_wall} s wall, ${csv_cpu} s CPU ($(stat -c %s "$dir/trials.csv") bytes); json ${json_wall} s wall, ${json_cpu} s CPU ($(stat -c %s "$dir/trials.json") bytes)"
echo "machine load while measuring: $(cut -d' ' -f1-3 /proc/loadavg) on $(nproc) CPUs"
awk -v t="$best_wall" -v c="$best_cpu" -v b="$bytes" 'BEGIN {
  mb = b / 1e6
  printf "report: %.3f s wall (%.2fx the 2 s target), %.3f s CPU (%.2fx), %.2f MB (%.2fx the 5 MB target), best of 3: %s\n",
         t, t / 2, c, c / 2, mb, mb / 5, (t < 2 && mb < 5) ? "met" : (c < 2 && mb < 5 ? "met in CPU time, not in wall time on this loaded machine" : "not met")
}'
