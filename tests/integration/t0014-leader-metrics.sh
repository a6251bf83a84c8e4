#!/usr/bin/env bash
# cfluxd's controllers with --enable-leader-election, --metrics-addr and
# --health-addr: they reconcile only once they hold the Lease, expose
# Flux's metrics and probes, and release the Lease when stopped.
. "$(dirname "$0")/lib.sh"
free_port() {
	python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'
}
mport=$(free_port) hport=$(free_port)
CF_CONTROLLERS=1 start_cfluxd --enable-leader-election \
	--metrics-addr "127.0.0.1:$mport" --health-addr "127.0.0.1:$hport"
GIT="git -c user.name=t -c user.email=t@e -c init.defaultBranch=main"
$GIT init -q repo && (cd repo && echo a >a.yaml && $GIT add . && $GIT commit -qm one)

lease() { k -n flux-system get lease cflux-controllers-leader-election -o jsonpath="$1" 2>/dev/null; }

# The embedded server creates its runtime namespace at start (for its
# own Pod), so this process takes the Lease at once.
test_expect_success 'the Lease is taken and work starts' '
	for i in $(seq 100); do [ -n "$(lease "{.spec.holderIdentity}")" ] && break; sleep 0.1; done &&
	expect_match "$(lease "{.spec.holderIdentity}")" "_[0-9a-f]{16}$" &&
	expect_eq "$(lease "{.spec.leaseDurationSeconds}")" 35 &&
	cat <<-EOT | k apply -f - >/dev/null &&
	apiVersion: source.toolkit.fluxcd.io/v1
	kind: GitRepository
	metadata: {name: r, namespace: flux-system}
	spec: {interval: 1m, url: "file://$TEST_TMP/repo", ref: {branch: main}}
	EOT
	for i in $(seq 100); do
		[ "$(k -n flux-system get gitrepository r -o jsonpath="{.status.conditions[?(@.type==\"Ready\")].status}")" = True ] && break
		sleep 0.1
	done &&
	expect_eq "$(curl -s -o /dev/null -w "%{http_code}" "http://127.0.0.1:$hport/readyz")" 200
'

test_expect_success 'a second controller process waits: not ready, no Lease' '
	h2=$(free_port)
	holder=$(lease "{.spec.holderIdentity}")
	"$CFLUXD" --kubeconfig "$CF_DATA/kubeconfig" --enable-leader-election \
		--data-dir "$TEST_TMP/second" --storage-addr 127.0.0.1:0 \
		--health-addr "127.0.0.1:$h2" >second.log 2>&1 &
	pid=$! && track_pid $pid &&
	for i in $(seq 50); do curl -sf "http://127.0.0.1:$h2/healthz" >/dev/null && break; sleep 0.1; done &&
	sleep 1 &&
	expect_eq "$(curl -sf "http://127.0.0.1:$h2/healthz")" ok &&
	expect_eq "$(curl -s -o /dev/null -w "%{http_code}" "http://127.0.0.1:$h2/readyz")" 500 &&
	expect_eq "$(lease "{.spec.holderIdentity}")" "$holder" || {
		cat second.log; false; }
	kill $pid 2>/dev/null; wait_gone $pid
'

test_expect_success '/metrics has Flux reconcile durations and work-queue series' '
	m=$(curl -sf "http://127.0.0.1:$mport/metrics") &&
	expect_match "$m" "gotk_reconcile_duration_seconds_count\{kind=\"GitRepository\",name=\"r\",namespace=\"flux-system\"\} [1-9]" &&
	expect_match "$m" "workqueue_adds_total\{name=\"GitRepository\"\}"
'

test_expect_success 'SIGTERM releases the Lease' '
	stop_cfluxd &&
	CF_CONTROLLERS= start_cfluxd &&
	expect_eq "$(lease "{.spec.holderIdentity}")" "" &&
	expect_eq "$(lease "{.spec.leaseDurationSeconds}")" 1
'

test_expect_success '--no-apiserver outside a cluster says why and exits 1' '
	rc=0 &&
	env -u KUBERNETES_SERVICE_HOST -u KUBECONFIG timeout 10 "$CFLUXD" \
		--no-apiserver --data-dir "$TEST_TMP/na" >na.log 2>&1 || rc=$? &&
	expect_eq "$rc" 1 &&
	grep -q "KUBERNETES_SERVICE_HOST and KUBERNETES_SERVICE_PORT must be set" na.log
'

test_done
