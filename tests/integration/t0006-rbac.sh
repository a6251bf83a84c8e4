#!/usr/bin/env bash
# Authorization: RBAC with roles and bindings, impersonation, access
# reviews (kubectl auth can-i, protobuf bodies), ServiceAccount tokens.
. "$(dirname "$0")/lib.sh"
start_cfluxd
cd "$TEST_TMP" || exit 1

test_expect_success 'the admin can do anything' '
	test "$(k auth can-i "*" "*")" = yes
'

test_expect_success 'an unknown user can do nothing' '
	test "$(k auth can-i get pods --as=alice 2>/dev/null)" = no
'

test_expect_success 'a RoleBinding to the view ClusterRole grants reads in one namespace' '
	k create namespace dev &&
	k -n dev create rolebinding alice-view --clusterrole=view --user=alice &&
	test "$(k auth can-i list configmaps -n dev --as=alice)" = yes &&
	test "$(k auth can-i create configmaps -n dev --as=alice 2>/dev/null)" = no &&
	test "$(k auth can-i list configmaps -n default --as=alice 2>/dev/null)" = no
'

test_expect_success 'a forbidden request names user, verb and resource' '
	! k -n default get configmaps --as=alice 2>err &&
	grep -q "User \"alice\" cannot list resource \"configmaps\" in API group \"\" in the namespace \"default\"" err
'

test_expect_success 'resourceNames limit a rule to named objects' '
	k -n dev create role one-cm --verb=get --resource=configmaps --resource-name=allowed &&
	k -n dev create rolebinding bob-one --role=one-cm --user=bob &&
	test "$(k -n dev auth can-i get configmaps/allowed --as=bob)" = yes &&
	test "$(k -n dev auth can-i get configmaps/other --as=bob 2>/dev/null)" = no
'

test_expect_success 'a ServiceAccount token authenticates as the service account' '
	k -n dev create serviceaccount robot &&
	k -n dev create rolebinding robot-edit --clusterrole=edit --serviceaccount=dev:robot &&
	tok=$(k -n dev create token robot) &&
	"$KUBECTL" --server "$CF_SERVER" --certificate-authority "$CF_DATA/ca.crt" \
		--token "$tok" --cache-dir "$TEST_TMP/kc2" -n dev create configmap by-robot &&
	! "$KUBECTL" --server "$CF_SERVER" --certificate-authority "$CF_DATA/ca.crt" \
		--token "$tok" --cache-dir "$TEST_TMP/kc2" -n default create configmap nope 2>err &&
	grep -q "system:serviceaccount:dev:robot" err
'

test_expect_success 'a token stops working when its ServiceAccount is deleted' '
	tok=$(k -n dev create token robot) &&
	k -n dev delete serviceaccount robot &&
	! "$KUBECTL" --server "$CF_SERVER" --certificate-authority "$CF_DATA/ca.crt" \
		--token "$tok" --cache-dir "$TEST_TMP/kc3" -n dev get configmaps 2>err &&
	grep -Eqi "unauthorized|provide credentials" err
'

test_expect_success 'impersonation needs the impersonate verb' '
	k -n dev create serviceaccount imp &&
	tok=$(k -n dev create token imp) &&
	curl -s --cacert "$CF_DATA/ca.crt" -H "Authorization: Bearer $tok" \
		-H "Impersonate-User: alice" "$CF_SERVER/api/v1/namespaces" >err &&
	grep -q "system:serviceaccount:dev:imp" err &&
	grep -q "cannot impersonate resource" err &&
	k create clusterrole impersonator --verb=impersonate --resource=users &&
	k create clusterrolebinding imp --clusterrole=impersonator --serviceaccount=dev:imp &&
	out=$("$KUBECTL" --server "$CF_SERVER" --certificate-authority "$CF_DATA/ca.crt" \
		--token "$tok" --cache-dir "$TEST_TMP/kc4" --as=alice auth whoami -o jsonpath="{.status.userInfo.username}") &&
	expect_eq "$out" alice
'

test_expect_success 'a user cannot grant more than they hold' '
	k create namespace esc &&
	k -n esc create rolebinding carol-admin --clusterrole=admin --user=carol &&
	k -n esc create rolebinding dave-view --clusterrole=view --user=dave --as=carol &&
	! k -n esc create rolebinding carol-cluster --clusterrole=cluster-admin --user=carol --as=carol 2>err &&
	grep -q "attempting to grant RBAC permissions not currently held" err
'

test_expect_success 'auth can-i --list shows the rules' '
	out=$(k auth can-i --list -n dev --as=alice) &&
	expect_match "$out" "configmaps"
'

test_done
