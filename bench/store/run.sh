#!/usr/bin/env bash
# Build and run the store benchmark; its figures go to docs/benchmarks.md.
#   bench/store/run.sh [BUILD_DIR] [N] [CACHE_KIB]   (defaults: build-store, 10000, 1024)
# The default build type (debugoptimized: -O2 -g) is what the figures use;
# do not measure a sanitizer or plain debug build.
set -euo pipefail
cd "$(dirname "$0")/../.."
dir=${1:-build-store}
n=${2:-10000}
if [ ! -f "$dir/build.ninja" ]; then
  meson setup "$dir" || { echo "run.sh: meson setup $dir failed" >&2; exit 1; }
fi
ninja -C "$dir" tests/unit/store/store_bench >/dev/null
echo "build: $dir ($(meson introspect "$dir" --buildoptions 2>/dev/null |
  python3 -c 'import json,sys; print(next(o["value"] for o in json.load(sys.stdin) if o["name"]=="buildtype"))' 2>/dev/null || echo '?'))"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
"$dir/tests/unit/store/store_bench" "$tmp/bench.db" "$n" ${3:+"$3"}
