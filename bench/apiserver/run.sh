#!/usr/bin/env bash
# Benchmark the embedded API server (not a test: figures, no pass/fail).
#   bench/apiserver/run.sh [BUILD_DIR]
# 1. kubectl apply --server-side of 1,000 objects
# 2. 10,000 ConfigMaps stored: list them all (JSON, and kubectl's Table)
# 3. GETs per second from wrk on loopback (TLS, keep-alive)
# 4. 100 watchers x 1,000 events, each checked complete and in order
# 5. RSS and database size
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
build=${1:-$root/build}
KUBECTL=${KUBECTL:-/usr/lib/google-cloud-sdk/bin/kubectl.1.32}
[ -x "$KUBECTL" ] || KUBECTL=kubectl
tmp=$(mktemp -d)
trap 'kill $pid 2>/dev/null; wait $pid 2>/dev/null; rm -rf "$tmp"' EXIT

"$build/cfluxd" --data-dir "$tmp/data" --listen 127.0.0.1:0 \
  --no-controllers >"$tmp/log" 2>&1 &
pid=$!
for _ in $(seq 100); do [ -s "$tmp/data/kubeconfig" ] && break; sleep 0.05; done
k() { "$KUBECTL" --kubeconfig "$tmp/data/kubeconfig" --cache-dir "$tmp/cache" "$@"; }
for _ in $(seq 100); do k get --raw /readyz >/dev/null 2>&1 && break; sleep 0.05; done
export CF_SERVER=$(sed -n 's/^ *server: //p' "$tmp/data/kubeconfig")
export CF_TOKEN=$(cat "$tmp/data/admin-token")
export CF_CA=$tmp/data/ca.crt
rss() { awk '/^VmRSS/{printf "%.1f MiB", $2/1024}' "/proc/$pid/status"; }
hwm() { awk '/^VmHWM/{printf "%.1f MiB", $2/1024}' "/proc/$pid/status"; }

echo "== cfluxd idle: RSS $(rss)"

# 1. server-side apply of 1,000 objects in one kubectl run
for i in $(seq 1 1000); do
  printf 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: ssa-%d\n  namespace: default\ndata:\n  k: v%d\n---\n' "$i" "$i"
done >"$tmp/ssa.yaml"
t0=$(date +%s.%N)
k apply --server-side -f "$tmp/ssa.yaml" >/dev/null
t1=$(date +%s.%N)
echo "== kubectl apply --server-side, 1,000 ConfigMaps: $(echo "$t1 - $t0" | bc) s"
t0=$(date +%s.%N)
k apply --server-side -f "$tmp/ssa.yaml" >/dev/null
t1=$(date +%s.%N)
echo "== the same again (all no-ops): $(echo "$t1 - $t0" | bc) s"
k delete cm -l '!bench' --field-selector metadata.namespace=default >/dev/null 2>&1 || true

# 2. 10,000 ConfigMaps
python3 "$root/bench/apiserver/load.py" create 10000 | sed 's/^/== /'
echo "== RSS with 10,000 ConfigMaps: $(rss)"
best=999
for _ in 1 2 3 4 5; do
  t=$(curl -s -o "$tmp/list.json" -w '%{time_total}' --cacert "$CF_CA" \
    -H "Authorization: Bearer $CF_TOKEN" "$CF_SERVER/api/v1/namespaces/default/configmaps")
  best=$(echo "if ($t < $best) $t else $best" | bc)
done
n=$(python3 -c 'import json,sys; print(len(json.load(open(sys.argv[1]))["items"]))' "$tmp/list.json")
echo "== list all ($n items, $(du -h "$tmp/list.json" | cut -f1) JSON): best of 5 $(echo "$best * 1000" | bc | cut -d. -f1) ms"
t0=$(date +%s.%N)
k get cm -n default --chunk-size=0 >/dev/null
t1=$(date +%s.%N)
echo "== kubectl get cm (Table, 10,000 rows, client included): $(echo "$t1 - $t0" | bc) s"

# 3. GETs per second
wrk -t1 -c32 -d10s -H "Authorization: Bearer $CF_TOKEN" \
  "$CF_SERVER/api/v1/namespaces/default/configmaps/cm-42" >"$tmp/wrk" 2>&1 || true
echo "== wrk GET one ConfigMap, TLS, 32 connections: $(awk '/Requests\/sec/{print $2}' "$tmp/wrk") req/s ($(awk '/Latency/{print "p50-ish avg", $2}' "$tmp/wrk"))"

# 4. watchers
python3 "$root/bench/apiserver/load.py" watch 100 1000 | sed 's/^/== /'

# 5. memory and size
echo "== RSS now $(rss), peak $(hwm)"
sqlite3 "$tmp/data/cflux.db" 'PRAGMA wal_checkpoint(TRUNCATE);' >/dev/null 2>&1 || true
echo "== database: $(du -h "$tmp/data/cflux.db" | cut -f1) ($(sqlite3 "$tmp/data/cflux.db" 'select count(*) from cur' 2>/dev/null || echo '?') objects)"
