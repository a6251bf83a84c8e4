#!/usr/bin/env bash
# A watch from a revision the server no longer keeps ends with an ERROR
# event carrying 410 Expired, and a fresh list-then-watch works again.
. "$(dirname "$0")/lib.sh"
start_cfluxd --history-revisions 0 --history-seconds 0

watch_from() { # watch_from RV OUT
	timeout 3 curl -sN --cacert "$CF_DATA/ca.crt" \
		-H "Authorization: Bearer $(cat "$CF_DATA/admin-token")" \
		"$CF_SERVER/api/v1/namespaces/default/configmaps?watch=true&resourceVersion=$1" >"$2"
	true
}

test_expect_success 'a watch from a compacted revision gets 410 Expired' '
	k create configmap old >/dev/null &&
	rv=$(k get cm old -o jsonpath="{.metadata.resourceVersion}") &&
	for i in 1 2 3 4 5; do k label cm old n=$i --overwrite >/dev/null || return 1; done &&
	sleep 2.5 &&
	watch_from "$rv" out.json &&
	grep -q "\"type\":\"ERROR\"" out.json &&
	grep -q "\"code\":410" out.json &&
	grep -q "too old resource version: $rv" out.json
'

test_expect_success 'list-then-watch from the current revision works' '
	rv=$(k get --raw /api/v1/namespaces/default/configmaps | jq -r .metadata.resourceVersion) &&
	{ (sleep 1; k label cm old n=6 --overwrite >/dev/null) & } &&
	watch_from "$rv" out2.json &&
	grep -q "\"type\":\"MODIFIED\"" out2.json
'

test_done
