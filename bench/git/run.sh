#!/usr/bin/env bash
# A repository of 10,000 commits and 5,000 files served by git
# http-backend behind lighttpd on 127.0.0.1. Measures, with cfluxd's
# source-controller: the first artifact; a one-file commit to its new
# artifact; and, in the same run, `git clone --depth 1` of the same
# commit as the reference. Then 1,000 GitRepositories on an unchanged
# remote: cfluxd's idle CPU and RSS.
#
# usage: bench/git/run.sh [COMMITS] [FILES] [IDLE_REPOS]
set -euo pipefail

commits=${1:-10000}
files=${2:-5000}
idle=${3:-1000}
root=$(cd "$(dirname "$0")/../.." && pwd)
cfluxd=${CFLUXD:-$root/build/cfluxd}
gitserver=$root/tests/lib/gitserver.sh
work=$(mktemp -d /tmp/cf-bench-git.XXXXXX)
cleanup() {
	[ -n "${cf:-}" ] && kill "$cf" 2>/dev/null && wait "$cf" 2>/dev/null
	bash "$gitserver" stop "$work/http" 2>/dev/null || true
	rm -rf "$work"
}
trap cleanup EXIT
now() { date +%s.%N; }
secs() { echo "$2 - $1" | bc; }

# The repository, written with fast-import: commit i touches file
# i % FILES, so every file exists and the history is long.
mkdir -p "$work/srv/public"
git init -q --bare --initial-branch=main "$work/srv/public/big.git"
python3 - "$commits" "$files" <<'PY' | git -C "$work/srv/public/big.git" fast-import --quiet
import sys
commits, files = int(sys.argv[1]), int(sys.argv[2])
out = sys.stdout.buffer
def blob(data):
    out.write(b"data %d\n" % len(data) + data + b"\n")
for i in range(commits):
    out.write(b"commit refs/heads/main\n")
    out.write(b"committer b <b@e> %d +0000\n" % (1700000000 + i))
    blob(b"commit %d" % i)
    if i == 0:
        for f in range(files):
            out.write(b"M 100644 inline apps/d%03d/f%05d.yaml\n" % (f % 100, f))
            blob(b"kind: ConfigMap\nmetadata: {name: f%05d}\ndata: {v: '0'}\n" % f)
    else:
        f = i % files
        out.write(b"M 100644 inline apps/d%03d/f%05d.yaml\n" % (f % 100, f))
        blob(b"kind: ConfigMap\nmetadata: {name: f%05d}\ndata: {v: '%d'}\n" % (f, i))
PY
git -C "$work/srv/public/big.git" gc -q
port=$(bash "$gitserver" http-start "$work/http" "$work/srv" u p)
url=http://127.0.0.1:$port/git/public/big.git

"$cfluxd" --data-dir "$work/data" --listen 127.0.0.1:0 \
	--storage-addr 127.0.0.1:0 --log-level "${LOG_LEVEL:-error}" >"$work/cfluxd.log" 2>&1 &
cf=$!
export KUBECONFIG=$work/data/kubeconfig
k() { kubectl --cache-dir "$work/kcache" "$@"; }
for _ in $(seq 100); do [ -s "$KUBECONFIG" ] && k get --raw /readyz >/dev/null 2>&1 && break; sleep 0.1; done

# curl rather than kubectl while timing: a kubectl start costs ~0.1 s.
api() {
	curl -sf --cacert "$work/data/ca.crt" \
		-H "Authorization: Bearer $(cat "$work/data/admin-token")" "$@"
}
server() { sed -n 's/^ *server: //p' "$KUBECONFIG"; }
wait_rev() { # name revision
	local u
	u="$(server)/apis/source.toolkit.fluxcd.io/v1/namespaces/default/gitrepositories/$1"
	until api "$u" | grep -q "\"revision\":\"$2\""; do
		sleep 0.01
	done
}
request_now() {
	api -X PATCH -H 'Content-Type: application/merge-patch+json' \
		-d "{\"metadata\":{\"annotations\":{\"reconcile.fluxcd.io/requestedAt\":\"$(date +%s%N)\"}}}" \
		"$(server)/apis/source.toolkit.fluxcd.io/v1/namespaces/default/gitrepositories/$1" >/dev/null
}
head_rev() { echo "main@sha1:$(git -C "$work/srv/public/big.git" rev-parse main)"; }
# A watch opened before the request, so the time ends when the API server
# sends the status with the revision, not at the next poll (a curl start
# and up to 10 ms each).
watch_open() { # name -> fifo of the object's watch events
	local u
	u="$(server)/apis/source.toolkit.fluxcd.io/v1/namespaces/default/gitrepositories"
	mkfifo "$work/watch"
	api -N "$u?watch=1&fieldSelector=metadata.name%3D$1&resourceVersion=$(api "$u/$1" | jq -r .metadata.resourceVersion)" \
		>"$work/watch" &
	watcher=$!
	exec 3<"$work/watch"
}
watch_rev() { # revision
	grep -m1 -q "\"revision\":\"$1\"" <&3
	kill "$watcher" 2>/dev/null
	exec 3<&-
}

t0=$(now)
git clone -q --depth 1 "$url" "$work/clone1"
t_clone1=$(secs "$t0" "$(now)")

t0=$(now)
cat <<YAML | k apply -f - >/dev/null
apiVersion: source.toolkit.fluxcd.io/v1
kind: GitRepository
metadata: {name: big, namespace: default}
spec: {interval: 10m, url: "$url", ref: {branch: main}}
YAML
wait_rev big "$(head_rev)"
t_first=$(secs "$t0" "$(now)")

# One file changed in a new commit, pushed to the served repository.
git -C "$work/clone1" -c user.name=b -c user.email=b@e \
	commit -q --allow-empty -m noop >/dev/null
echo "changed" >"$work/clone1/apps/d007/f00007.yaml"
git -C "$work/clone1" -c user.name=b -c user.email=b@e commit -qam one
git -C "$work/clone1" push -q "$work/srv/public/big.git" HEAD:main 2>/dev/null
watch_open big
t0=$(now)
request_now big
watch_rev "$(head_rev)"
t_next=$(secs "$t0" "$(now)")

t0=$(now)
git clone -q --depth 1 "$url" "$work/clone2"
t_clone2=$(secs "$t0" "$(now)")

printf 'repository: %d commits, %d files, pack %s\n' "$commits" "$files" \
	"$(du -sh "$work/srv/public/big.git" | cut -f1)"
printf 'git clone --depth 1 (before, after the commit): %.2f s, %.2f s\n' "$t_clone1" "$t_clone2"
printf 'first artifact (ls-remote, fetch, export, pack): %.2f s\n' "$t_first"
printf 'new commit to new artifact (after a reconcile request): %.2f s (%.2fx the clone)\n' \
	"$t_next" "$(echo "$t_next / $t_clone2" | bc -l)"

# Idle: many GitRepositories whose remote does not change (a small
# repository: the first fetches are not what this measures).
git init -q --initial-branch=main "$work/small"
echo "kind: ConfigMap" >"$work/small/cm.yaml"
git -C "$work/small" add . && git -C "$work/small" -c user.name=b \
	-c user.email=b@e commit -qm small
git clone -q --bare "$work/small" "$work/srv/public/small.git"
{
	for i in $(seq "$idle"); do
		cat <<YAML
---
apiVersion: source.toolkit.fluxcd.io/v1
kind: GitRepository
metadata: {name: idle-$i, namespace: default}
spec: {interval: 1m, url: "file://$work/srv/public/small.git", ref: {branch: main}}
YAML
	done
} >"$work/idle.yaml"
k apply --server-side -f "$work/idle.yaml" >/dev/null
while [ "$(k get gitrepository -o jsonpath='{range .items[*]}{.status.conditions[?(@.type=="Ready")].status}{"\n"}{end}' | grep -c True)" -lt $((idle + 1)) ]; do
	sleep 1
done
sleep 5
# utime + stime + the reaped children's (every git the controller ran)
ticks() { awk '{print $14 + $15 + $16 + $17}' "/proc/$cf/stat"; }
c0=$(ticks); t0=$(now)
sleep 60
c1=$(ticks); t1=$(now)
hz=$(getconf CLK_TCK)
printf '%d idle GitRepositories (interval 1m): %.2f%% of a core over 60 s (git children included), RSS %d MiB (API server and controllers in one process)\n' \
	"$idle" "$(echo "($c1 - $c0) / $hz / ($t1 - $t0) * 100" | bc -l)" \
	"$(( $(awk '/VmRSS/ {print $2}' "/proc/$cf/status") / 1024 ))"
