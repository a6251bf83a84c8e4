#!/usr/bin/env bash
# Discovery, version and OpenAPI as kubectl 1.32 reads them.
. "$(dirname "$0")/lib.sh"
start_cfluxd

test_expect_success 'kubectl version reports a 1.32 server' '
	out=$(k version -o json) &&
	expect_match "$out" "\"minor\": \"32\""
'

test_expect_success 'api-resources lists built-in kinds with scope and short names' '
	out=$(k api-resources) &&
	expect_match "$out" "^configmaps +cm +v1 +true +ConfigMap" &&
	expect_match "$out" "^deployments +deploy +apps/v1 +true +Deployment" &&
	expect_match "$out" "^namespaces +ns +v1 +false +Namespace" &&
	expect_match "$out" "^customresourcedefinitions +crd,crds +apiextensions.k8s.io/v1 +false" &&
	expect_match "$out" "^leases +coordination.k8s.io/v1 +true +Lease"
'

test_expect_success 'api-versions lists every group-version' '
	out=$(k api-versions) &&
	for gv in v1 apps/v1 batch/v1 rbac.authorization.k8s.io/v1 \
		coordination.k8s.io/v1 apiextensions.k8s.io/v1 \
		authorization.k8s.io/v1 networking.k8s.io/v1; do
		expect_match "$out" "^$gv\$" || return 1
	done
'

test_expect_success 'legacy discovery documents are served' '
	k get --raw /api | grep -q "\"APIVersions\"" &&
	k get --raw /apis | grep -q "\"APIGroupList\"" &&
	k get --raw /api/v1 | grep -q "\"configmaps\"" &&
	k get --raw /apis/apps/v1 | grep -q "\"deployments/scale\""
'

test_expect_success 'OpenAPI v3 root lists the group-versions' '
	out=$(k get --raw /openapi/v3) &&
	expect_match "$out" "apis/apps/v1" &&
	expect_match "$out" "serverRelativeURL"
'

test_expect_success 'unknown paths answer 404 with a Status' '
	! k get --raw /apis/nope.example.com/v1 2>err &&
	grep -q "NotFound" err
'

test_expect_success 'requests without a token are refused with 401' '
	code=$(curl -s -o /dev/null -w "%{http_code}" --cacert "$CF_DATA/ca.crt" \
		"$CF_SERVER/api/v1/namespaces") &&
	expect_eq "$code" 401
'

test_done
