#!/usr/bin/env bash
# Logs in the embedded default: cfluxd registers itself as a Pod in
# flux-system and serves its pods/NAME/log from its ring of recent log
# lines, so the real kubectl logs and cflux logs (flux's filters and line
# format) work without a kubelet.
. "$(dirname "$0")/lib.sh"
CF_CONTROLLERS=1 start_cfluxd
GIT="git -c user.name=t -c user.email=t@e -c init.defaultBranch=main"
export CFLUX_POLL_INTERVAL=200ms

$GIT init -q up
(cd up && printf 'kind: ConfigMap\n' >cm.yaml && $GIT add . && $GIT commit -qm one)

gitrepo() { # name url
	cat <<-EOT | k apply -f - >/dev/null
	apiVersion: source.toolkit.fluxcd.io/v1
	kind: GitRepository
	metadata: {name: $1, namespace: default}
	spec: {interval: 1m, url: "$2", ref: {branch: main}}
	EOT
}

# ready_is NAME STATUS: the GitRepository's Ready condition, up to 20 s.
ready_is() {
	wait_jsonpath gitrepository "$1" default \
		'{.status.conditions[?(@.type=="Ready")].status}' "$2"
}

# wait_grep FILE PATTERN: up to 20 s for a line to appear.
wait_grep() {
	local i
	for i in $(seq 200); do
		grep -q -- "$2" "$1" && return 0
		sleep 0.1
	done
	echo "no '$2' in $1:"
	cat "$1"
	return 1
}

POD=
test_expect_success 'kubectl get pods shows cfluxd Running in flux-system' '
	k -n flux-system get pods >out &&
	grep -E "^cfluxd-[0-9a-f]{10} +1/1 +Running +0 " out &&
	expect_eq "$(k -n flux-system get pods -l app.kubernetes.io/part-of=flux \
		-o jsonpath="{.items[*].spec.containers[*].name}")" manager
'
POD=$(k -n flux-system get pods -o jsonpath='{.items[0].metadata.name}')

test_expect_success 'objects reconcile: two that work, one that fails' '
	gitrepo podinfo "file://$TEST_TMP/up" &&
	gitrepo other "file://$TEST_TMP/up" &&
	gitrepo broken "file://$TEST_TMP/absent" &&
	ready_is podinfo True && ready_is other True &&
	ready_is broken False
'

test_expect_success 'kubectl logs --tail 5 gives the last 5 JSON lines' '
	k -n flux-system logs "$POD" --tail 5 >out &&
	expect_eq "$(wc -l <out)" 5 &&
	jq -e "has(\"level\") and has(\"ts\") and has(\"msg\")" out >/dev/null &&
	expect_eq "$(jq -s length out)" 5 &&
	k -n flux-system logs "$POD" >all &&
	test "$(wc -l <all)" -gt 5 &&
	while read -r line; do grep -qxF -- "$line" all || exit 1; done <out
'

test_expect_success 'kubectl logs options: limit-bytes, timestamps, since-time, container' '
	expect_eq "$(k -n flux-system logs "$POD" --limit-bytes=10 | wc -c)" 10 &&
	k -n flux-system logs "$POD" --tail 1 --timestamps >out &&
	grep -E "^20[0-9]{2}-[0-9]{2}-[0-9]{2}T[0-9:]{8}(\.[0-9]+)?Z \{\"level\":" out &&
	expect_eq "$(k -n flux-system logs "$POD" --since-time=2099-01-01T00:00:00Z | wc -c)" 0 &&
	test "$(k -n flux-system logs "$POD" --since=1h | wc -l)" -gt 5 &&
	k -n flux-system logs "$POD" -c manager --tail 1 >/dev/null &&
	! k -n flux-system logs "$POD" -c other 2>err &&
	grep "container other is not valid for pod $POD" err
'

test_expect_success 'a Pod without a host has no log' '
	k -n default run plain --image=nginx --restart=Never >/dev/null &&
	! k -n default logs plain 2>err &&
	grep "pod plain does not have a host assigned" err
'

test_expect_success 'cflux logs --kind --name -n keeps only that object, in flux format' '
	"$CFLUX" logs --kind GitRepository --name podinfo -n default >out &&
	test -s out &&
	! grep -v -E "^20[0-9-]{8}T[0-9:.]+Z (info|debug|error) GitRepository/podinfo\.default - " out &&
	! grep -E "other|broken" out &&
	grep -E " info GitRepository/podinfo\.default - stored artifact for revision .main@sha1:[0-9a-f]{40}. $" out
'

test_expect_success 'cflux logs: kind and name match without case, -n filters' '
	"$CFLUX" logs --kind gitrepository --name PODINFO -n default >out2 &&
	expect_eq "$(cat out2)" "$(cat out)" &&
	"$CFLUX" logs --kind GitRepository --name podinfo >out3 &&
	expect_eq "$(wc -c <out3)" 0
'

test_expect_success 'cflux logs --level error keeps only errors' '
	"$CFLUX" logs -A --level error >out &&
	grep -E " error GitRepository/broken\.default - .*absent" out &&
	! grep -v -E "^[^ ]+ error " out &&
	"$CFLUX" logs -A --level info >info &&
	grep " info GitRepository/podinfo.default - " info &&
	! grep "GitRepository/broken" info
'

test_expect_success 'a failed reconciliation logs Flux keys: cflux logs --kind --name finds it' '
	for i in $(seq 100); do
		"$CFLUX" logs --kind GitRepository --name broken -n default >out &&
		grep -q " - Reconciler error " out && break
		sleep 0.1
	done &&
	grep -E "^[^ ]+ error GitRepository/broken\.default - Reconciler error .*absent" out &&
	k -n flux-system logs "$POD" | grep "\"msg\":\"Reconciler error\"" |
		grep "\"name\":\"broken\"" | tail -1 >line &&
	jq -e ".controller == \"gitrepository\" and
		.controllerGroup == \"source.toolkit.fluxcd.io\" and
		.controllerKind == \"GitRepository\" and
		.GitRepository == {name: \"broken\", namespace: \"default\"} and
		.namespace == \"default\" and .level == \"error\" and
		(.reconcileID | test(\"^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$\")) and
		(.error | contains(\"absent\"))" line &&
	! grep -E " - Reconciler error " <("$CFLUX" logs --kind GitRepository --name podinfo -n default)
'

test_expect_success 'cflux logs -A shows lines about no object as flux does' '
	"$CFLUX" logs -A >out &&
	grep -E "^[^ ]+ info  - API server listening $" out &&
	"$CFLUX" logs -A --tail 3 >out &&
	test "$(wc -l <out)" -le 3
'

test_expect_success 'cflux logs refuses bad flags with flux wording' '
	! "$CFLUX" logs --level warn 2>err &&
	grep "unsupported log level .warn., must be one of: debug, info, error" err &&
	! "$CFLUX" logs --since 1m --since-time 2024-01-01T00:00:00Z 2>err &&
	grep "at most one of .sinceTime. or .sinceDuration. may be specified" err &&
	! "$CFLUX" logs --since-time yesterday 2>err &&
	grep "yesterday is not a valid (RFC3339) time" err &&
	! "$CFLUX" logs extra 2>err && grep "no argument required" err &&
	! "$CFLUX" logs --flux-namespace default 2>err &&
	grep "no Flux pods found in namespace \"default\"" err
'

test_expect_success 'kubectl logs -f receives a line logged after it started' '
	timeout 30 "$KUBECTL" --kubeconfig "$KUBECONFIG" \
		--cache-dir "$TEST_TMP/kube-cache" -n flux-system logs -f "$POD" \
		--tail 1 >follow 2>&1 &
	fpid=$! && track_pid $fpid &&
	wait_grep follow "\"level\"" &&
	! grep "\"name\":\"late\"" follow &&
	gitrepo late "file://$TEST_TMP/up" &&
	wait_grep follow "\"reconciler kind\":\"GitRepository\",\"name\":\"late\"" &&
	kill -0 $fpid && kill $fpid
'

test_expect_success 'cflux logs -f follows, filtered, until its --timeout' '
	timeout 30 "$CFLUX" logs -f --kind GitRepository --name late2 -n default \
		--timeout 15s >cfollow 2>&1 &
	fpid=$! && track_pid $fpid &&
	sleep 1 && ! test -s cfollow &&
	gitrepo late2 "file://$TEST_TMP/up" &&
	wait_grep cfollow "GitRepository/late2.default - stored artifact" &&
	! grep -v "GitRepository/late2.default" cfollow &&
	wait $fpid
'

test_expect_success 'on a cluster: one Pod per Flux Deployment, by its template labels' '
	k -n flux-system run stray --image=x --labels=app=stray --restart=Never >/dev/null &&
	k -n flux-system create deployment stray --image=x >/dev/null &&
	k -n flux-system label deployment stray app.kubernetes.io/part-of=flux >/dev/null &&
	! "$CFLUX" logs -A >out 2>err &&
	expect_eq "$(wc -c <out)" 0 &&
	grep "failed getting logs: pod stray does not have a host assigned" err &&
	grep "failed to collect logs from all Flux pods" err &&
	k -n flux-system create deployment cfluxd --image=x >/dev/null &&
	k -n flux-system label deployment cfluxd app.kubernetes.io/part-of=flux >/dev/null &&
	! "$CFLUX" logs -A >out 2>err &&
	grep " info  - API server listening $" out &&
	grep "failed getting logs: pod stray" err &&
	k -n flux-system delete deployment stray cfluxd >/dev/null &&
	k -n flux-system delete pod stray --wait=false >/dev/null
'

test_expect_success 'pods/log needs get on pods/log: RBAC' '
	! k --as=eve get --raw "/api/v1/namespaces/flux-system/pods/$POD/log" 2>err &&
	grep "User \"eve\" cannot get resource \"pods/log\" in API group \"\" in the namespace \"flux-system\"" err &&
	k -n flux-system create role pods-only --verb=get,list --resource=pods &&
	k -n flux-system create rolebinding frank-pods --role=pods-only --user=frank &&
	k --as=frank -n flux-system get pod "$POD" >/dev/null &&
	! k --as=frank -n flux-system logs "$POD" 2>err &&
	grep "cannot get resource \"pods/log\"" err &&
	k -n flux-system create rolebinding grace-view --clusterrole=view --user=grace &&
	k --as=grace -n flux-system logs "$POD" --tail 1 | grep "\"level\""
'

test_expect_success 'the Pod keeps its name across a restart and is replaced' '
	uid=$(k -n flux-system get pod "$POD" -o jsonpath="{.metadata.uid}") &&
	stop_cfluxd && CF_CONTROLLERS=1 start_cfluxd &&
	expect_eq "$(k -n flux-system get pods -o name)" "pod/$POD" &&
	test "$(k -n flux-system get pod "$POD" -o jsonpath="{.metadata.uid}")" != "$uid" &&
	expect_eq "$(k -n flux-system logs "$POD" | grep -c "API server listening")" 1
'

test_done
