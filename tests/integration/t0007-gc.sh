#!/usr/bin/env bash
# Garbage collection by ownerReferences and namespace deletion.
. "$(dirname "$0")/lib.sh"
start_cfluxd
cd "$TEST_TMP" || exit 1

own() { # own OWNER_KIND OWNER_NAME UID CHILD
	cat <<EOT
apiVersion: v1
kind: ConfigMap
metadata:
  name: $4
  namespace: default
  ownerReferences:
  - apiVersion: v1
    kind: $1
    name: $2
    uid: $3
EOT
}

test_expect_success 'background deletion removes dependents' '
	k create configmap parent &&
	uid=$(k get cm parent -o jsonpath="{.metadata.uid}") &&
	own ConfigMap parent "$uid" child1 | k apply -f - &&
	own ConfigMap parent "$uid" child2 | k apply -f - &&
	k delete cm parent &&
	for i in $(seq 30); do k get cm child1 >/dev/null 2>&1 || break; sleep 0.1; done &&
	! k get cm child1 2>/dev/null && ! k get cm child2 2>/dev/null
'

test_expect_success 'orphan deletion keeps dependents and drops the reference' '
	k create configmap p2 &&
	uid=$(k get cm p2 -o jsonpath="{.metadata.uid}") &&
	own ConfigMap p2 "$uid" kept | k apply -f - &&
	k delete cm p2 --cascade=orphan &&
	for i in $(seq 30); do k get cm p2 >/dev/null 2>&1 || break; sleep 0.1; done &&
	k get cm kept &&
	test -z "$(k get cm kept -o jsonpath="{.metadata.ownerReferences}")"
'

test_expect_success 'foreground deletion waits for dependents' '
	k create configmap p3 &&
	uid=$(k get cm p3 -o jsonpath="{.metadata.uid}") &&
	own ConfigMap p3 "$uid" c3 | k apply -f - &&
	k delete cm p3 --cascade=foreground --timeout=10s &&
	! k get cm p3 2>/dev/null && ! k get cm c3 2>/dev/null
'

test_expect_success 'deleting a namespace removes its content, then itself' '
	k create namespace doomed &&
	k -n doomed create configmap a &&
	k -n doomed create secret generic b --from-literal=x=y &&
	k delete namespace doomed --timeout=10s &&
	! k get namespace doomed 2>/dev/null &&
	test -z "$(k get cm -A --field-selector metadata.namespace=doomed -o name)"
'

test_expect_success 'no new content in a terminating namespace' '
	k create namespace slow &&
	k -n slow create configmap held &&
	k -n slow patch cm held --type merge -p "{\"metadata\":{\"finalizers\":[\"example.com/hold\"]}}" &&
	k delete namespace slow --wait=false &&
	sleep 0.5 &&
	test "$(k get ns slow -o jsonpath="{.status.phase}")" = Terminating &&
	! k -n slow create configmap new 2>err &&
	grep -q "because it is being terminated" err &&
	k -n slow patch cm held --type merge -p "{\"metadata\":{\"finalizers\":null}}" &&
	for i in $(seq 50); do k get ns slow >/dev/null 2>&1 || break; sleep 0.1; done &&
	! k get ns slow 2>/dev/null
'

test_done
