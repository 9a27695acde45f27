#!/usr/bin/env bash
# Runs the bridge soak loop (Lua -> Swift -> Lua -> Swift, errors at every depth) under valgrind's
# leak checker. Not part of CI (it takes minutes). Usage: tools/leakcheck.sh [iterations]
set -euo pipefail
cd "$(dirname "$0")/.."
command -v valgrind >/dev/null || apt-get install -y valgrind
swift build -c release --product bridge-soak
valgrind --leak-check=full --show-leak-kinds=definite,indirect --errors-for-leak-kinds=definite,indirect \
  --error-exitcode=3 .build/release/bridge-soak "${1:-100000}"
