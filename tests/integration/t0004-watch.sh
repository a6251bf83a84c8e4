#!/usr/bin/env bash
# Watches and waits: get -w, wait --for=condition and --for=delete, delete
# with a finalizer, and a watch from a compacted revision.
. "$(dirname "$0")/lib.sh"
start_cfluxd
cd "$TEST_TMP" || exit 1

test_expect_success 'get -w shows the list, then changes' '
	k create configmap w1 >/dev/null &&
	(timeout 5 "$KUBECTL" --kubeconfig "$KUBECONFIG" --cache-dir "$TEST_TMP/kube-cache" \
		get cm -w --output-watch-events >watch.out 2>&1 &) &&
	sleep 1.5 &&
	k create configmap w2 >/dev/null &&
	k delete configmap w1 >/dev/null &&
	sleep 1.5 &&
	grep -Eq "^EVENT +NAME +DATA +AGE" watch.out &&
	grep -Eq "^ADDED +w1 " watch.out &&
	grep -Eq "^ADDED +w2 " watch.out &&
	grep -Eq "^DELETED +w1 " watch.out
'

test_expect_success 'a raw watch from a revision replays later events in order' '
	rv=$(k get cm w2 -o jsonpath="{.metadata.resourceVersion}") &&
	for i in 1 2 3; do k label cm w2 n=$i --overwrite >/dev/null || return 1; done &&
	timeout 3 curl -sN --cacert "$CF_DATA/ca.crt" \
		-H "Authorization: Bearer $(cat "$CF_DATA/admin-token")" \
		"$CF_SERVER/api/v1/namespaces/default/configmaps?watch=true&resourceVersion=$rv&fieldSelector=metadata.name%3Dw2" \
		>raw.out; true &&
	test "$(grep -c MODIFIED raw.out)" = 3 &&
	grep -o "\"n\":\"[0-9]\"" raw.out | tr -d "\n" | grep -q "\"n\":\"1\"\"n\":\"2\"\"n\":\"3\""
'

test_expect_success 'delete with a finalizer waits for its removal' '
	cat >fin.yaml <<-EOT &&
	apiVersion: v1
	kind: ConfigMap
	metadata:
	  name: held
	  namespace: default
	  finalizers: [example.com/hold]
	EOT
	k apply -f fin.yaml &&
	k delete cm held --wait=false &&
	test -n "$(k get cm held -o jsonpath="{.metadata.deletionTimestamp}")" &&
	! k patch cm held --type json -p "[{\"op\":\"add\",\"path\":\"/metadata/finalizers/-\",\"value\":\"x/y\"}]" 2>err &&
	grep -q "no new finalizers" err &&
	(k wait --for=delete cm/held --timeout=10s >wait.out 2>&1 &
	 echo $! >wait.pid) &&
	sleep 1 &&
	k patch cm held --type merge -p "{\"metadata\":{\"finalizers\":null}}" &&
	for i in $(seq 50); do kill -0 $(cat wait.pid) 2>/dev/null || break; sleep 0.1; done &&
	grep -q "condition met" wait.out &&
	! k get cm held 2>/dev/null
'

test_expect_success 'wait --for=condition sees a status condition set later' '
	cat >dep.yaml <<-EOT &&
	apiVersion: apps/v1
	kind: Deployment
	metadata: {name: d1, namespace: default}
	spec:
	  replicas: 1
	  selector: {matchLabels: {app: d1}}
	  template:
	    metadata: {labels: {app: d1}}
	    spec: {containers: [{name: c, image: nginx}]}
	EOT
	k apply -f dep.yaml &&
	(k wait --for=condition=Available deploy/d1 --timeout=15s >wait2.out 2>&1 & echo $! >wait2.pid) &&
	sleep 1 &&
	gen=$(k get deploy d1 -o jsonpath="{.metadata.generation}") &&
	k patch deploy d1 --subresource=status --type merge -p \
		"{\"status\":{\"observedGeneration\":$gen,\"conditions\":[{\"type\":\"Available\",\"status\":\"True\",\"reason\":\"MinimumReplicasAvailable\",\"message\":\"ok\"}]}}" &&
	for i in $(seq 100); do kill -0 $(cat wait2.pid) 2>/dev/null || break; sleep 0.1; done &&
	grep -q "condition met" wait2.out
'

test_done
