#!/usr/bin/env bash
# Server-side apply: create, update, conflicts between managers, force,
# removal of fields a manager stopped applying, dry runs; and kubectl's
# client-side apply on top.
. "$(dirname "$0")/lib.sh"
start_cfluxd

cat >"$TEST_TMP/cm1.yaml" <<EOF2
apiVersion: v1
kind: ConfigMap
metadata:
  name: cfg
  namespace: default
  labels:
    team: a
data:
  k1: one
  k2: two
EOF2
cd "$TEST_TMP" || exit 1

test_expect_success 'apply --server-side creates the object' '
	out=$(k apply --server-side -f cm1.yaml) &&
	expect_eq "$out" "configmap/cfg serverside-applied" &&
	k get cm cfg -o jsonpath="{.metadata.managedFields[0].manager}" | grep -qx kubectl &&
	k get cm cfg -o jsonpath="{.metadata.managedFields[0].operation}" | grep -qx Apply
'

test_expect_success 'managedFields record the applied fields' '
	fields=$(k get cm cfg -o jsonpath="{.metadata.managedFields[0].fieldsV1}" --show-managed-fields) &&
	expect_eq "$fields" "{\"f:data\":{\"f:k1\":{},\"f:k2\":{}},\"f:metadata\":{\"f:labels\":{\"f:team\":{}}}}"
'

test_expect_success 're-applying the same config is a no-op' '
	rv1=$(k get cm cfg -o jsonpath="{.metadata.resourceVersion}") &&
	k apply --server-side -f cm1.yaml &&
	rv2=$(k get cm cfg -o jsonpath="{.metadata.resourceVersion}") &&
	expect_eq "$rv2" "$rv1"
'

test_expect_success 'another manager changing a field conflicts' '
	sed "s/k1: one/k1: uno/" cm1.yaml >cm2.yaml &&
	! k apply --server-side --field-manager=other -f cm2.yaml 2>err &&
	grep -q "conflict with \"kubectl\"" err &&
	grep -q ".data.k1" err
'

test_expect_success '--force-conflicts takes the field over' '
	k apply --server-side --field-manager=other --force-conflicts -f cm2.yaml &&
	test "$(k get cm cfg -o jsonpath="{.data.k1}")" = uno &&
	k get cm cfg -o json --show-managed-fields | grep -q "\"manager\": \"other\""
'

test_expect_success 'fields dropped from a config are removed when nobody else owns them' '
	sed "s/k2: two/k2: two\n  k3: three/" cm2.yaml >cm4.yaml &&
	k apply --server-side -f cm4.yaml &&
	test "$(k get cm cfg -o jsonpath="{.data.k3}")" = three &&
	k apply --server-side -f cm2.yaml &&
	test -z "$(k get cm cfg -o jsonpath="{.data.k3}")" &&
	test "$(k get cm cfg -o jsonpath="{.data.k1}")" = uno
'

test_expect_success 'fields another manager still owns stay when dropped' '
	sed "/k1: uno/d" cm2.yaml >cm5.yaml &&
	k apply --server-side -f cm5.yaml &&
	test "$(k get cm cfg -o jsonpath="{.data.k1}")" = uno
'

test_expect_success 'dry-run=server changes nothing' '
	rv1=$(k get cm cfg -o jsonpath="{.metadata.resourceVersion}") &&
	sed "s/k2: two/k2: deux/" cm5.yaml >dry.yaml &&
	k apply --server-side --force-conflicts --dry-run=server -f dry.yaml | grep -q "(server dry run)" &&
	test "$(k get cm cfg -o jsonpath="{.data.k2}")" = two &&
	expect_eq "$(k get cm cfg -o jsonpath="{.metadata.resourceVersion}")" "$rv1"
'

test_expect_success 'a dry-run create returns no resourceVersion and stores nothing' '
	sed "s/name: cfg/name: ghost/" cm1.yaml >ghost.yaml &&
	out=$(k apply --server-side --dry-run=server -f ghost.yaml -o json) &&
	! expect_match "$out" "resourceVersion" >/dev/null &&
	! k get cm ghost 2>/dev/null
'

test_expect_success 'apply of a Deployment keeps the container list keyed by name' '
	cat >dep.yaml <<-EOT &&
	apiVersion: apps/v1
	kind: Deployment
	metadata:
	  name: web
	  namespace: default
	spec:
	  replicas: 0
	  selector:
	    matchLabels: {app: web}
	  template:
	    metadata:
	      labels: {app: web}
	    spec:
	      containers:
	      - name: web
	        image: nginx:1.27
	        ports:
	        - containerPort: 80
	EOT
	k apply --server-side -f dep.yaml &&
	k patch deploy web --type strategic -p "{\"spec\":{\"template\":{\"spec\":{\"containers\":[{\"name\":\"sidecar\",\"image\":\"busybox\"}]}}}}" &&
	k apply --server-side -f dep.yaml &&
	out=$(k get deploy web -o jsonpath="{.spec.template.spec.containers[*].name}") &&
	expect_eq "$out" "web sidecar"
'

test_expect_success 'changing an immutable selector is refused with 422' '
	sed "s/app: web}/app: web2}/g" dep.yaml >dep2.yaml &&
	! k apply --server-side -f dep2.yaml 2>err &&
	grep -q "field is immutable" err
'

test_expect_success 'client-side apply creates and then patches' '
	sed "s/name: cfg/name: csa/" cm1.yaml >csa.yaml &&
	k apply -f csa.yaml | grep -q "configmap/csa created" &&
	sed -i "s/k2: two/k2: zwei/" csa.yaml &&
	k apply -f csa.yaml | grep -q "configmap/csa configured" &&
	test "$(k get cm csa -o jsonpath="{.data.k2}")" = zwei
'

test_done
