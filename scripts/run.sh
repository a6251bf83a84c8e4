#!/usr/bin/env bash
# The embedded default, from nothing: install what is missing, build, and
# start cfluxd in the background with its state in ./.cflux. Then use
#   kubectl --kubeconfig .cflux/kubeconfig get ns
# and stop it with: scripts/run.sh stop
set -euo pipefail
cd "$(dirname "$0")/.."

data=${CFLUX_DATA:-.cflux}
pidfile=$data/cfluxd.pid

if [ "${1:-}" = stop ]; then
  if [ -f "$pidfile" ] && kill "$(cat "$pidfile")" 2>/dev/null; then
    echo "cfluxd stopped"
  else
    echo "cfluxd is not running"
  fi
  rm -f "$pidfile"
  exit 0
fi

scripts/setup.sh
scripts/build.sh build

mkdir -p "$data"
if [ -f "$pidfile" ] && kill -0 "$(cat "$pidfile")" 2>/dev/null; then
  echo "cfluxd is already running (pid $(cat "$pidfile"))"
else
  rm -f "$data/kubeconfig"
  nohup build/cfluxd --data-dir "$data" "$@" >"$data/cfluxd.log" 2>&1 &
  echo $! >"$pidfile"
  for _ in $(seq 100); do
    [ -s "$data/kubeconfig" ] && break
    kill -0 "$(cat "$pidfile")" 2>/dev/null || { cat "$data/cfluxd.log"; exit 1; }
    sleep 0.1
  done
  echo "cfluxd started (pid $(cat "$pidfile")), log in $data/cfluxd.log"
fi

export KUBECONFIG=$PWD/$data/kubeconfig
for _ in $(seq 50); do
  kubectl get --raw /readyz >/dev/null 2>&1 && break
  sleep 0.1
done

# A small app in a local Git repository, reconciled by cfluxd's own
# source- and kustomize-controllers, driven with cflux as one would with
# flux.
repo=$PWD/$data/demo-repo
if [ ! -d "$repo/.git" ]; then
  git -c init.defaultBranch=main init -q "$repo"
  mkdir -p "$repo/app"
  cat >"$repo/app/app.yaml" <<'YAML'
apiVersion: v1
kind: Namespace
metadata:
  name: demo
---
apiVersion: v1
kind: ConfigMap
metadata:
  name: hello
  namespace: demo
data:
  greeting: hello from git
---
apiVersion: apps/v1
kind: Deployment
metadata:
  name: hello
  namespace: demo
spec:
  replicas: 1
  selector:
    matchLabels: {app: hello}
  template:
    metadata:
      labels: {app: hello}
    spec:
      containers:
      - name: hello
        image: ghcr.io/stefanprodan/podinfo:6.7.1
        ports: [{containerPort: 9898}]
---
apiVersion: v1
kind: Service
metadata:
  name: hello
  namespace: demo
spec:
  selector: {app: hello}
  ports: [{port: 80, targetPort: 9898}]
YAML
  git -C "$repo" add .
  git -C "$repo" -c user.name=cflux -c user.email=cflux@localhost \
    commit -qm "demo app"
fi
kubectl get namespace flux-system >/dev/null 2>&1 ||
  kubectl create namespace flux-system >/dev/null
build/cflux create source git demo --url="file://$repo" --branch=main \
  --interval=1m
build/cflux create kustomization demo --source=GitRepository/demo \
  --path=./app --prune=true --interval=5m
echo
build/cflux get all
echo
kubectl get deployments -A
cat <<MSG

cfluxd is running: its API server, source-controller and
kustomize-controller reconcile $repo into it.
Commit to that repository and run
  build/cflux reconcile kustomization demo --with-source
to see the change applied. With
  export KUBECONFIG=$PWD/$data/kubeconfig
kubectl and build/cflux talk to it. Stop it with: scripts/run.sh stop
MSG
