#!/usr/bin/env bash
# Small-GET throughput of the httpd layer, plain and TLS, measured with wrk
# on loopback against bench_httpd.c (a trivial handler answering a
# 150-byte JSON body). Client and server share the machine's cores, so
# the figure is a floor for the server alone.
#   bench/httpd/run.sh [BUILD_DIR] [SECONDS] [CONNECTIONS]
# Prints one "httpd <mode>: N requests/s" line per mode: plain and tls
# reuse keep-alive connections (as informers and controllers do);
# tls-handshake closes after every request, so each one pays a full
# ECDHE handshake (as one kubectl invocation does).
set -euo pipefail
cd "$(dirname "$0")/../.."
build=${1:-build}
secs=${2:-10}
conns=${3:-32}
bin=$build/tests/unit/httpd/httpd_bench
ninja -C "$build" tests/unit/httpd/httpd_bench >/dev/null
command -v wrk >/dev/null || { echo "run.sh: wrk is not installed" >&2; exit 1; }

tmp=$(mktemp -d)
pid=
cleanup() {
  [ -n "$pid" ] && kill "$pid" 2>/dev/null && wait "$pid" 2>/dev/null
  rm -rf "$tmp"
}
trap cleanup EXIT

for mode in plain tls tls-handshake; do
  extra=()
  [ $mode = tls-handshake ] && extra=(-H 'Connection: close')
  if [ $mode != plain ]; then
    "$bin" 0 "$tmp/pki" >"$tmp/port" & pid=$!
    scheme=https
  else
    "$bin" 0 >"$tmp/port" & pid=$!
    scheme=http
  fi
  for _ in $(seq 50); do [ -s "$tmp/port" ] && break; sleep 0.1; done
  port=$(head -1 "$tmp/port")
  # One wrk thread: the second core is the server's.
  wrk -t1 -c"$conns" -d"${secs}s" "${extra[@]}" "$scheme://127.0.0.1:$port/version" >"$tmp/wrk"
  rps=$(awk '/^Requests\/sec:/ {print $2}' "$tmp/wrk")
  lat=$(awk '/^    Latency/ {print $2}' "$tmp/wrk")
  errs=$(grep -E 'Non-2xx|Socket errors' "$tmp/wrk" || true)
  echo "httpd $mode: $rps requests/s (avg latency $lat, $conns connections, ${secs}s)${errs:+ [$errs]}"
  kill -TERM "$pid"; wait "$pid" || true; pid=
  : >"$tmp/port"
done
