#!/usr/bin/env bash
# Issue 12's benchmark: PROCS peer processes share one PostgreSQL project of TRIALS trivial trials;
# prints trials per second, the per-trial overhead of one process alone, and with REF_PYTHON (a
# Python with optuna 5 and psycopg2) the same with Optuna's RDBStorage on the same server.
#   bench/postgres/run.sh [trials] [procs]
# Uses $TUNELUA_TEST_POSTGRES when set, else a private server (tools/postgres-server) with the
# server's default durability (fsync and synchronous_commit on). $TUNELUA_BIN picks the binary.
set -euo pipefail
cd "$(dirname "$0")/../.."
trials=${1:-2000}; procs=${2:-8}
if [ -z "${TUNELUA_BIN:-}" ]; then
  swift build -c release --product tunelua >/dev/null
  TUNELUA_BIN=.build/release/tunelua
fi
if [ -z "${TUNELUA_TEST_POSTGRES:-}" ]; then
  source tools/postgres-server
  trap postgres_server_stop EXIT
  postgres_server_start >/dev/null
fi
url=$TUNELUA_TEST_POSTGRES
psql -X -Atq -d "$url" -c "SHOW fsync" -c "SHOW synchronous_commit" | paste -sd' ' | sed 's/^/server: fsync, synchronous_commit = /'
now() { date +%s.%N; }
tag=$(date +%s)$$

# One process alone: per-trial overhead of the store (the trial itself does nothing).
start=$(now)
TUNELUA_STORAGE=$url "$TUNELUA_BIN" bench/postgres/peer.lua "solo_$tag" 500
solo=$(awk -v a="$start" -v b="$(now)" 'BEGIN {printf "%.0f", (b - a) / 500 * 1e6}')
echo "tunelua, 1 process: $solo us per trial (500 trials, process start included)"

start=$(now)
for _ in $(seq "$procs"); do
  TUNELUA_STORAGE=$url "$TUNELUA_BIN" bench/postgres/peer.lua "bench_$tag" "$trials" &
done
wait
elapsed=$(awk -v a="$start" -v b="$(now)" 'BEGIN {printf "%.3f", b - a}')
check=$(psql -X -Atq -d "$url" -c "SELECT count(DISTINCT trial_id) || ' distinct, ' || count(*) FILTER (WHERE status = 'COMPLETED') || ' completed' FROM tunelua_trials WHERE project = 'bench_$tag'")
ours=$(awk -v n="$trials" -v t="$elapsed" 'BEGIN {printf "%.1f", n / t}')
echo "tunelua, $procs processes: $trials trials in $elapsed s = $ours trials/s ($check)"

if [ -n "${REF_PYTHON:-}" ]; then
  # SQLAlchemy spells the driver in the URL.
  ref_url=${url/postgresql:\/\//postgresql+psycopg2://}
  "$REF_PYTHON" -c "import optuna; optuna.create_study(study_name='optuna_$tag', storage='$ref_url')" 2>/dev/null
  start=$(now)
  for _ in $(seq "$procs"); do
    "$REF_PYTHON" bench/postgres/reference.py "$ref_url" "optuna_$tag" "$trials" &
  done
  wait
  elapsed=$(awk -v a="$start" -v b="$(now)" 'BEGIN {printf "%.3f", b - a}')
  count=$("$REF_PYTHON" -c "import optuna; s = optuna.load_study(study_name='optuna_$tag', storage='$ref_url'); print(sum(t.state.name == 'COMPLETE' for t in s.trials))" 2>/dev/null)
  theirs=$(awk -v n="$count" -v t="$elapsed" 'BEGIN {printf "%.1f", n / t}')
  echo "optuna $("$REF_PYTHON" -c 'import optuna; print(optuna.__version__)'), $procs processes: $count trials in $elapsed s = $theirs trials/s"
  echo "tunelua / optuna throughput: $(awk -v a="$ours" -v b="$theirs" 'BEGIN {printf "%.1fx", a / b}') (target >= 20x)"
fi
