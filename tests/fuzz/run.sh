#!/usr/bin/env bash
# Build every libFuzzer target (tests/fuzz/meson.build) with clang and run
# each on a scratch copy of its seed corpus, so the tree stays clean.
#   tests/fuzz/run.sh            ~20 s per target, whole run under 3 minutes
#   FUZZ_SECONDS=60 tests/fuzz/run.sh   longer runs by hand
# Exits non-zero if any target crashes, leaks, hits UB or times out; the
# reproducer stays in the scratch directory printed at the end.
set -uo pipefail
cd "$(dirname "$0")/../.."

dir=${FUZZ_BUILD_DIR:-build-fuzz}
budget=150                       # seconds of fuzzing for all targets together
per=${FUZZ_SECONDS:-20}

if [ ! -f "$dir/build.ninja" ]; then
  # The libraries get coverage hooks (fuzzer-no-link) and sanitizers; only
  # the fuzz executables link libFuzzer itself (see meson.build).
  CC=clang meson setup "$dir" -Dfuzz=true -Db_lundef=false -Dtests=true \
    -Db_sanitize=address,undefined -Dbuildtype=debugoptimized \
    -Dc_args=-fsanitize=fuzzer-no-link >/dev/null || exit 1
fi

# Build only the fuzz targets: unrelated half-finished code elsewhere in
# the tree must not stop the fuzzers from running.
mapfile -t targets < <(ninja -C "$dir" -t targets all 2>/dev/null |
  sed -n 's|^\(tests/fuzz/fuzz_[A-Za-z0-9_]*\): .*|\1|p' | sort -u)
if ((${#targets[@]} == 0)); then
  echo "fuzz: no targets found in $dir" >&2
  exit 1
fi
ninja -C "$dir" "${targets[@]}" >/dev/null || { echo "fuzz: build failed" >&2; exit 1; }

# Small-input targets get a fixed short slice (unless FUZZ_SECONDS is set
# by hand); the rest share what is left, so the total stays under budget
# however many targets there are.
declare -A short=([envsubst]=8 [cel]=8 [untar]=8)
nlong=0 shortsum=0
for t in "${targets[@]}"; do
  name=${t##*/fuzz_}
  if [ -n "${short[$name]:-}" ] && [ -z "${FUZZ_SECONDS:-}" ]; then
    shortsum=$((shortsum + short[$name]))
  else
    nlong=$((nlong + 1))
  fi
done
if (( nlong > 0 && per * nlong > budget - shortsum )); then
  per=$(( (budget - shortsum) / nlong ))
  (( per < 5 )) && per=5
fi

scratch=$(mktemp -d "${TMPDIR:-/tmp}/cflux-fuzz.XXXXXX")
export ASAN_OPTIONS=detect_leaks=1:abort_on_error=1:allocator_may_return_null=1
export UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
failed=0 passed=0
for t in "${targets[@]}"; do
  name=${t##*/fuzz_}
  corpus=$scratch/$name/corpus
  mkdir -p "$corpus" "$scratch/$name/artifacts"
  if [ -d "tests/fuzz/seeds/$name" ]; then
    cp -r "tests/fuzz/seeds/$name/." "$corpus/"
  fi
  log=$scratch/$name/log
  secs=$per
  [ -z "${FUZZ_SECONDS:-}" ] && secs=${short[$name]:-$per}
  if "$dir/$t" -max_total_time="$secs" -timeout=10 -rss_limit_mb=2048 \
       -max_len=65536 -artifact_prefix="$scratch/$name/artifacts/" \
       "$corpus" >"$log" 2>&1; then
    runs=$(sed -n 's/^Done \([0-9]*\) runs.*/\1/p' "$log" | tail -1)
    echo "fuzz: $name ok (${runs:-?} runs in ${secs}s)"
    passed=$((passed + 1))
  else
    echo "fuzz: $name FAILED; log and reproducer in $scratch/$name" >&2
    grep -m5 -E 'ERROR|SUMMARY|runtime error' "$log" >&2
    failed=$((failed + 1))
  fi
done

if ((failed == 0)); then
  rm -rf "$scratch"
fi
echo "fuzz: $passed passed, $failed failed"
((failed == 0))
