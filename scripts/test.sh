#!/usr/bin/env bash
# Set up, build and run every test suite.
#   scripts/test.sh              normal build in build/
#   scripts/test.sh --sanitize   ASan + UBSan build in build-asan/
#   scripts/test.sh --fuzz       build the libFuzzer targets and run each briefly
# Ends with one "N passed, N failed" line.
set -uo pipefail
cd "$(dirname "$0")/.."

mode=normal
case "${1:-}" in
  --sanitize) mode=asan ;;
  --fuzz) mode=fuzz ;;
  "") ;;
  *) echo "usage: scripts/test.sh [--sanitize|--fuzz]" >&2; exit 2 ;;
esac

scripts/setup.sh || exit 1

case $mode in
normal)
  dir=build
  scripts/build.sh "$dir" || exit 1 ;;
asan)
  dir=build-asan
  export ASAN_OPTIONS=detect_leaks=1:abort_on_error=1
  export UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
  scripts/build.sh "$dir" -Db_sanitize=address,undefined -Db_lundef=false \
    -Dbuildtype=debug || exit 1 ;;
fuzz)
  exec tests/fuzz/run.sh ;;
esac

log=$(mktemp)
meson test -C "$dir" --print-errorlogs --num-processes 2 2>&1 | tee "$log"
rc=${PIPESTATUS[0]}
ok=$(sed -n 's/^Ok: *\([0-9]*\).*/\1/p' "$log" | tail -1)
fail=$(sed -n 's/^Fail: *\([0-9]*\).*/\1/p' "$log" | tail -1)
skip=$(sed -n 's/^Skipped: *\([0-9]*\).*/\1/p' "$log" | tail -1)
to=$(sed -n 's/^Timeout: *\([0-9]*\).*/\1/p' "$log" | tail -1)
rm -f "$log"
echo "tests ($mode): ${ok:-0} passed, $(( ${fail:-0} + ${to:-0} )) failed, ${skip:-0} skipped"
[ "$rc" -eq 0 ] && [ -n "$ok" ]
