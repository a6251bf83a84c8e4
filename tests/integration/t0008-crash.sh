#!/usr/bin/env bash
# kill -9 during a stream of writes: after a restart every acknowledged
# write is there and the store is consistent.
. "$(dirname "$0")/lib.sh"
start_cfluxd
cd "$TEST_TMP" || exit 1

token=$(cat "$CF_DATA/admin-token")
ca=$CF_DATA/ca.crt

# One writer: POST ConfigMaps in a loop, record each one the server
# acknowledged with 201 (the write is durable from that moment).
writer() {
	local i=0 code
	while :; do
		i=$((i + 1))
		code=$(curl -s -o /dev/null -w "%{http_code}" --cacert "$ca" \
			-H "Authorization: Bearer $token" -H "Content-Type: application/json" \
			-X POST "$CF_SERVER/api/v1/namespaces/default/configmaps" \
			-d "{\"apiVersion\":\"v1\",\"kind\":\"ConfigMap\",\"metadata\":{\"name\":\"w$i\"},\"data\":{\"i\":\"$i\"}}") || break
		[ "$code" = 201 ] && echo "w$i" >>acked || break
	done
}

test_expect_success 'acknowledged writes survive kill -9' '
	: >acked &&
	writer & wpid=$! &&
	sleep 2 &&
	kill -9 "$CF_PID" &&
	wait "$wpid" 2>/dev/null; wait "$CF_PID" 2>/dev/null;
	n=$(wc -l <acked) &&
	test "$n" -gt 10 &&
	start_cfluxd &&
	missing=0 &&
	for name in $(cat acked); do
		test "$(k get cm "$name" -o jsonpath="{.data.i}")" = "${name#w}" ||
			{ echo "lost $name"; missing=$((missing + 1)); }
	done &&
	expect_eq "$missing" 0
'

test_expect_success 'the store is consistent after the crash' '
	test "$(sqlite3 "$CF_DATA/cflux.db" "PRAGMA integrity_check")" = ok &&
	k create configmap after-crash &&
	k get cm after-crash
'

test_expect_success 'revisions keep increasing across the restart' '
	rv1=$(k get cm after-crash -o jsonpath="{.metadata.resourceVersion}") &&
	k create configmap after-crash-2 &&
	rv2=$(k get cm after-crash-2 -o jsonpath="{.metadata.resourceVersion}") &&
	test "$rv2" -gt "$rv1"
'

test_done
