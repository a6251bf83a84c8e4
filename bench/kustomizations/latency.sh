#!/usr/bin/env bash
# From a GitRepository's new artifact to its Kustomization applying it:
# cfluxd (API server and controllers in one process), a local repository,
# ten commits; both objects polled with curl every 10 ms.
#
# usage: bench/kustomizations/latency.sh [COMMITS]
set -euo pipefail

n=${1:-10}
root=$(cd "$(dirname "$0")/../.." && pwd)
cfluxd=${CFLUXD:-$root/build/cfluxd}
work=$(mktemp -d /tmp/cf-bench-lat.XXXXXX)
cleanup() {
	[ -n "${cf:-}" ] && kill "$cf" 2>/dev/null && wait "$cf" 2>/dev/null
	rm -rf "$work"
}
trap cleanup EXIT
export KUBECONFIG=$work/data/kubeconfig
k() { kubectl --cache-dir "$work/kcache" "$@"; }
GIT="git -c user.name=b -c user.email=b@e -c init.defaultBranch=main"

$GIT init -q "$work/repo"
mkdir -p "$work/repo/app"
printf 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: lat, namespace: default}\ndata: {n: "0"}\n' \
	>"$work/repo/app/cm.yaml"
$GIT -C "$work/repo" add . && $GIT -C "$work/repo" commit -qm zero

"$cfluxd" --data-dir "$work/data" --listen 127.0.0.1:0 \
	--storage-addr 127.0.0.1:0 --log-level error >"$work/cfluxd.log" 2>&1 &
cf=$!
for _ in $(seq 100); do [ -s "$KUBECONFIG" ] && k get --raw /readyz >/dev/null 2>&1 && break; sleep 0.1; done
cat <<YAML | k apply -f - >/dev/null
apiVersion: source.toolkit.fluxcd.io/v1
kind: GitRepository
metadata: {name: lat, namespace: default}
spec: {interval: 1h, url: "file://$work/repo", ref: {branch: main}}
---
apiVersion: kustomize.toolkit.fluxcd.io/v1
kind: Kustomization
metadata: {name: lat, namespace: default}
spec: {interval: 1h, path: ./app, prune: true, sourceRef: {kind: GitRepository, name: lat}}
YAML
k wait --for=condition=Ready kustomization/lat --timeout=60s >/dev/null

server=$(sed -n 's/^ *server: //p' "$KUBECONFIG")
api() {
	curl -sf --cacert "$work/data/ca.crt" \
		-H "Authorization: Bearer $(cat "$work/data/admin-token")" "$@"
}
gr=$server/apis/source.toolkit.fluxcd.io/v1/namespaces/default/gitrepositories/lat
ks=$server/apis/kustomize.toolkit.fluxcd.io/v1/namespaces/default/kustomizations/lat
total=0 worst=0
for i in $(seq "$n"); do
	sed -i "s/n: \".*\"/n: \"$i\"/" "$work/repo/app/cm.yaml"
	$GIT -C "$work/repo" commit -qam "c$i"
	rev="main@sha1:$(git -C "$work/repo" rev-parse HEAD)"
	api -X PATCH -H 'Content-Type: application/merge-patch+json' -d \
		"{\"metadata\":{\"annotations\":{\"reconcile.fluxcd.io/requestedAt\":\"$(date +%s%N)\"}}}" \
		"$gr" >/dev/null
	until api "$gr" | grep -q "\"revision\":\"$rev\""; do sleep 0.01; done
	t0=$(date +%s%N)
	until api "$ks" | grep -q "\"lastAppliedRevision\":\"$rev\""; do sleep 0.01; done
	ms=$(( ($(date +%s%N) - t0) / 1000000 ))
	total=$((total + ms)); [ "$ms" -gt "$worst" ] && worst=$ms
done
printf 'artifact to applied, %d commits: mean %d ms, worst %d ms (poll step 10 ms + one curl)\n' \
	"$n" $((total / n)) "$worst"
