#!/usr/bin/env bash
# The everyday verbs: create, get in every output, label, annotate, the
# three client-side patch types, replace with a stale resourceVersion,
# selectors, paging, generateName and delete.
. "$(dirname "$0")/lib.sh"
start_cfluxd

test_expect_success 'the built-in namespaces exist' '
	out=$(k get ns -o name) &&
	expect_match "$out" "namespace/default" &&
	expect_match "$out" "namespace/kube-system" &&
	expect_match "$out" "namespace/kube-public"
'

test_expect_success 'create namespace (a protobuf body from kubectl 1.32)' '
	k create namespace team-a &&
	k get ns team-a -o jsonpath="{.status.phase}" | grep -qx Active &&
	k get ns team-a -o jsonpath="{.metadata.labels.kubernetes\.io/metadata\.name}" | grep -qx team-a
'

test_expect_success 'create configmap and read it back as yaml and json' '
	k -n team-a create configmap app --from-literal=color=blue --from-literal=size=L &&
	k -n team-a get cm app -o yaml >out.yaml &&
	grep -q "color: blue" out.yaml &&
	grep -q "uid: " out.yaml &&
	grep -q "creationTimestamp: " out.yaml &&
	k -n team-a get cm app -o json | grep -q "\"size\": \"L\""
'

test_expect_success 'get prints a table with server-side columns' '
	out=$(k -n team-a get cm app) &&
	expect_match "$out" "^NAME +DATA +AGE" &&
	expect_match "$out" "^app +2 +"
'

test_expect_success 'get -o wide and --show-labels and -A' '
	k -n team-a label cm app tier=web &&
	out=$(k -n team-a get cm --show-labels) &&
	expect_match "$out" "tier=web" &&
	out=$(k get cm -A) &&
	expect_match "$out" "^team-a +app +2"
'

test_expect_success 'annotate and remove a label' '
	k -n team-a annotate cm app note=hello &&
	k -n team-a label cm app tier- &&
	test "$(k -n team-a get cm app -o jsonpath="{.metadata.annotations.note}")" = hello &&
	test -z "$(k -n team-a get cm app -o jsonpath="{.metadata.labels.tier}")"
'

test_expect_success 'strategic, merge and json patches' '
	k -n team-a patch cm app -p "{\"data\":{\"color\":\"red\"}}" &&
	k -n team-a patch cm app --type merge -p "{\"data\":{\"size\":null}}" &&
	k -n team-a patch cm app --type json -p "[{\"op\":\"add\",\"path\":\"/data/shape\",\"value\":\"round\"}]" &&
	out=$(k -n team-a get cm app -o jsonpath="{.data}") &&
	expect_eq "$out" "{\"color\":\"red\",\"shape\":\"round\"}"
'

test_expect_success 'a failing json patch test op changes nothing' '
	! k -n team-a patch cm app --type json -p "[{\"op\":\"test\",\"path\":\"/data/color\",\"value\":\"green\"}]" &&
	test "$(k -n team-a get cm app -o jsonpath="{.data.color}")" = red
'

test_expect_success 'replace with a stale resourceVersion is a conflict' '
	k -n team-a get cm app -o json >cm.json &&
	k -n team-a patch cm app -p "{\"data\":{\"color\":\"green\"}}" &&
	! k replace -f cm.json 2>err &&
	grep -q "the object has been modified" err
'

test_expect_success 'resourceVersion increases and no-op writes keep it' '
	rv1=$(k -n team-a get cm app -o jsonpath="{.metadata.resourceVersion}") &&
	k -n team-a patch cm app -p "{\"data\":{\"color\":\"green\"}}" &&
	rv2=$(k -n team-a get cm app -o jsonpath="{.metadata.resourceVersion}") &&
	expect_eq "$rv2" "$rv1" &&
	k -n team-a patch cm app -p "{\"data\":{\"color\":\"blue\"}}" &&
	rv3=$(k -n team-a get cm app -o jsonpath="{.metadata.resourceVersion}") &&
	test "$rv3" -gt "$rv2"
'

test_expect_success 'label selectors and field selectors' '
	for i in 1 2 3 4 5; do
		k -n team-a create configmap "c$i" --from-literal=i=$i >/dev/null || return 1
	done &&
	k -n team-a label cm c1 c2 c3 group=x >/dev/null &&
	out=$(k -n team-a get cm -l group=x -o name | wc -l) &&
	expect_eq "$out" 3 &&
	out=$(k -n team-a get cm -l "group!=x" -o name | wc -l) &&
	expect_eq "$out" 3 &&
	out=$(k -n team-a get cm --field-selector metadata.name=c4 -o name) &&
	expect_eq "$out" "configmap/c4"
'

test_expect_success 'paging with --chunk-size returns every item' '
	out=$(k -n team-a get cm --chunk-size=2 -o name | sort | tr "\n" " ") &&
	expect_eq "$out" "configmap/app configmap/c1 configmap/c2 configmap/c3 configmap/c4 configmap/c5 "
'

test_expect_success 'generateName gets a random suffix' '
	cat >gen.yaml <<-EOT &&
	apiVersion: v1
	kind: ConfigMap
	metadata:
	  generateName: gen-
	  namespace: team-a
	EOT
	out=$(k create -f gen.yaml -o name) &&
	expect_match "$out" "^configmap/gen-[bcdfghjklmnpqrstvwxz2456789]{5}$"
'

test_expect_success 'invalid names are refused with 422 and the field' '
	! k -n team-a create configmap Bad_Name 2>err &&
	grep -q "metadata.name: Invalid value" err
'

test_expect_success 'creating into a missing namespace is a 404' '
	! k -n nope create configmap x 2>err &&
	grep -q "namespaces \"nope\" not found" err
'

test_expect_success 'create of an existing name is AlreadyExists' '
	! k -n team-a create configmap app 2>err &&
	grep -q "configmaps \"app\" already exists" err
'

test_expect_success 'delete removes the object' '
	k -n team-a delete cm c5 &&
	! k -n team-a get cm c5 2>err &&
	grep -q "configmaps \"c5\" not found" err
'

test_expect_success 'delete --dry-run=server keeps the object' '
	k -n team-a delete cm c4 --dry-run=server | grep -q "(server dry run)" &&
	k -n team-a get cm c4 >/dev/null
'

test_expect_success 'deletecollection removes what the selector matches' '
	curl -sf --cacert "$CF_DATA/ca.crt" -X DELETE \
		-H "Authorization: Bearer $(cat "$CF_DATA/admin-token")" \
		"$CF_SERVER/api/v1/namespaces/team-a/configmaps?labelSelector=group%3Dx" >dc.json &&
	test "$(jq ".items | length" dc.json)" = 3 &&
	test -z "$(k -n team-a get cm -l group=x -o name)" &&
	k -n team-a get cm c4 >/dev/null
'

test_expect_success 'the default namespaces cannot be deleted' '
	! k delete ns default 2>err &&
	grep -q "may not be deleted" err
'

test_expect_success 'scale goes through the scale subresource' '
	k -n team-a create deployment web --image=nginx:1.27 &&
	k -n team-a scale deploy web --replicas=3 &&
	test "$(k -n team-a get deploy web -o jsonpath="{.spec.replicas}")" = 3
'

test_expect_success 'generation moves with spec, not with labels or status' '
	g1=$(k -n team-a get deploy web -o jsonpath="{.metadata.generation}") &&
	k -n team-a label deploy web x=y &&
	g2=$(k -n team-a get deploy web -o jsonpath="{.metadata.generation}") &&
	expect_eq "$g2" "$g1" &&
	k -n team-a set image deploy/web nginx=nginx:1.28 &&
	g3=$(k -n team-a get deploy web -o jsonpath="{.metadata.generation}") &&
	test "$g3" -gt "$g2"
'

test_expect_success 'get -o wide shows the wide columns' '
	out=$(k -n team-a get deploy web -o wide) &&
	expect_match "$out" "^NAME +READY +UP-TO-DATE +AVAILABLE +AGE +CONTAINERS +IMAGES +SELECTOR" &&
	expect_match "$out" "nginx:1.28 +app=web"
'

test_expect_success 'a secret made from literals stores base64 data' '
	k -n team-a create secret generic s1 --from-literal=password=hunter2 &&
	test "$(k -n team-a get secret s1 -o jsonpath="{.data.password}")" = "$(printf hunter2 | base64)"
'

# curl announces its body (Expect: 100-continue), so the 413 comes before
# a byte of it is read; the server never buffers more than the cap.
test_expect_success 'a body over 3 MiB is refused with 413 unread' '
	head -c 3300000 /dev/zero | tr "\0" a >big.txt &&
	code=$(curl -s -o /dev/null -w "%{http_code}" --cacert "$CF_DATA/ca.crt" \
		-H "Authorization: Bearer $(cat "$CF_DATA/admin-token")" \
		-H "Content-Type: application/json" --data-binary @big.txt \
		"$CF_SERVER/api/v1/namespaces/team-a/configmaps") &&
	expect_eq "$code" 413 &&
	k get ns team-a >/dev/null
'

test_done
