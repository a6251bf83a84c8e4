#!/usr/bin/env bash
# 1,000 Kustomizations over one GitRepository, each applying an app shaped
# like flux-benchmark's (a Deployment with 0 replicas, a ServiceAccount, a
# Service, an Ingress), reconciled by cfluxd's controllers running in a
# process of their own against cfluxd's API server.
#
# usage: bench/kustomizations/run.sh [N]     (default 1000)
# Prints: time from creation to all Ready, the controllers' peak RSS and
# CPU time, and the API server's peak RSS.
set -euo pipefail

n=${1:-1000}
root=$(cd "$(dirname "$0")/../.." && pwd)
cfluxd=${CFLUXD:-$root/build/cfluxd}
work=$(mktemp -d /tmp/cf-bench-ks.XXXXXX)
pids=()
cleanup() {
	for p in "${pids[@]}"; do pkill -TERM -P "$p" 2>/dev/null || true; done
	wait 2>/dev/null || true
	rm -rf "$work"
}
trap cleanup EXIT
export KUBECONFIG=$work/api/kubeconfig
k() { kubectl --cache-dir "$work/kcache" "$@"; }

# The app every Kustomization applies (namePrefix keeps them apart).
git -c init.defaultBranch=main init -q "$work/repo"
mkdir -p "$work/repo/app"
cat >"$work/repo/app/app.yaml" <<'YAML'
apiVersion: v1
kind: ServiceAccount
metadata: {name: podinfo}
---
apiVersion: v1
kind: Service
metadata: {name: podinfo}
spec:
  selector: {app: podinfo}
  ports: [{name: http, port: 9898, targetPort: 9898}]
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: podinfo}
spec:
  replicas: 0
  selector: {matchLabels: {app: podinfo}}
  template:
    metadata: {labels: {app: podinfo}}
    spec:
      serviceAccountName: podinfo
      containers:
      - name: podinfod
        image: ghcr.io/stefanprodan/podinfo:6.7.1
        ports: [{containerPort: 9898}]
        resources: {requests: {cpu: 10m, memory: 16Mi}}
---
apiVersion: networking.k8s.io/v1
kind: Ingress
metadata: {name: podinfo}
spec:
  rules:
  - host: podinfo.example.com
    http:
      paths:
      - path: /
        pathType: Prefix
        backend: {service: {name: podinfo, port: {number: 9898}}}
YAML
git -C "$work/repo" add . && git -C "$work/repo" -c user.name=b -c user.email=b@e commit -qm app

/usr/bin/time -f "%M %U %S" -o "$work/api.time" \
	"$cfluxd" --data-dir "$work/api" --listen 127.0.0.1:0 --no-controllers \
	--log-level error >"$work/api.log" 2>&1 &
pids+=($!)
for _ in $(seq 100); do [ -s "$KUBECONFIG" ] && k get --raw /readyz >/dev/null 2>&1 && break; sleep 0.1; done

/usr/bin/time -f "%M %U %S" -o "$work/ctl.time" \
	"$cfluxd" --kubeconfig "$KUBECONFIG" --data-dir "$work/ctl" \
	--storage-addr 127.0.0.1:0 --log-level error >"$work/ctl.log" 2>&1 &
ctl=$!
pids+=($ctl)

k create ns flux-system >/dev/null
k create ns apps >/dev/null
{
	cat <<YAML
apiVersion: source.toolkit.fluxcd.io/v1
kind: GitRepository
metadata: {name: apps, namespace: flux-system}
spec: {interval: 1h, url: "file://$work/repo", ref: {branch: main}}
YAML
	for i in $(seq "$n"); do
		cat <<YAML
---
apiVersion: kustomize.toolkit.fluxcd.io/v1
kind: Kustomization
metadata: {name: app-$i, namespace: flux-system}
spec:
  interval: 1h
  path: ./app
  prune: true
  targetNamespace: apps
  namePrefix: app-$i-
  sourceRef: {kind: GitRepository, name: apps}
YAML
	done
} >"$work/objects.yaml"

t0=$(date +%s.%N)
k apply --server-side -f "$work/objects.yaml" >/dev/null
applied=$(date +%s.%N)
ready=0
while :; do
	ready=$(k get kustomizations -n flux-system -o \
		jsonpath='{range .items[*]}{.status.conditions[?(@.type=="Ready")].status}{"\n"}{end}' |
		grep -c '^True$' || true)
	[ -n "${PROGRESS:-}" ] && echo "$(echo "$(date +%s.%N) - $t0" | bc) $ready" >&2
	[ "$ready" -ge "$n" ] && break
	if [ "$(echo "$(date +%s.%N) - $t0 > 600" | bc)" = 1 ]; then
		echo "timeout: $ready/$n Ready" >&2
		exit 1
	fi
	sleep 0.25
done
t1=$(date +%s.%N)
objects=$(k get deploy,svc,sa,ingress -n apps -o name | grep -c "/app-" || true)
# /usr/bin/time does not pass signals on: stop the programs it runs.
pkill -TERM -P "$ctl"; wait "$ctl" 2>/dev/null || true
pkill -TERM -P "${pids[0]}"; wait "${pids[0]}" 2>/dev/null || true
read -r ctl_rss ctl_u ctl_s < <(tail -1 "$work/ctl.time")
read -r api_rss api_u api_s < <(tail -1 "$work/api.time")
printf 'kustomizations: %d, objects applied: %d\n' "$n" "$objects"
printf 'creation request (kubectl apply --server-side): %.2f s\n' "$(echo "$applied - $t0" | bc)"
printf 'creation to all Ready: %.2f s\n' "$(echo "$t1 - $t0" | bc)"
printf 'controllers: peak RSS %.1f MiB, CPU %.2f s user + %.2f s sys\n' \
	"$(echo "$ctl_rss / 1024" | bc -l)" "$ctl_u" "$ctl_s"
printf 'API server: peak RSS %.1f MiB, CPU %.2f s user + %.2f s sys\n' \
	"$(echo "$api_rss / 1024" | bc -l)" "$api_u" "$api_s"
