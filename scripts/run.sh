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
kubectl version
kubectl get namespaces
cat <<MSG

The API server is up. Try:
  export KUBECONFIG=$PWD/$data/kubeconfig
  kubectl create configmap hello --from-literal=greeting=hi
  kubectl get configmaps
Stop it with: scripts/run.sh stop
MSG
