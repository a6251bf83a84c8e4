#!/usr/bin/env bash
# Kustomizations that apply to another cluster (spec.kubeConfig): a second
# cfluxd, API server only, plays the remote cluster. Its kubeconfig sits
# in a Secret of the first; objects, pruning, impersonation and deletion
# must all happen there and not in the cluster the controllers run in.
# cfluxd runs with --no-cross-namespace-refs, checked at the end.
. "$(dirname "$0")/lib.sh"

# The remote cluster.
RDATA=$TEST_TMP/remote
mkdir -p "$RDATA"
"$CFLUXD" --data-dir "$RDATA" --listen 127.0.0.1:0 --no-controllers \
	>>"$TEST_TMP/remote.log" 2>&1 &
track_pid $!
for i in $(seq 100); do
	[ -s "$RDATA/kubeconfig" ] && "$KUBECTL" --kubeconfig "$RDATA/kubeconfig" \
		get --raw /readyz >/dev/null 2>&1 && break
	sleep 0.1
done
rk() {
	"$KUBECTL" --kubeconfig "$RDATA/kubeconfig" \
		--cache-dir "$TEST_TMP/remote-cache" "$@"
}

CF_CONTROLLERS=1 start_cfluxd --no-cross-namespace-refs
GIT="git -c user.name=t -c user.email=t@e -c init.defaultBranch=main"
$GIT init -q repo
mkdir -p repo/app
cat >repo/app/a.yaml <<'EOT'
apiVersion: v1
kind: ConfigMap
metadata: {name: remote-a, namespace: default}
data: {k: a}
EOT
cat >repo/app/b.yaml <<'EOT'
apiVersion: v1
kind: ConfigMap
metadata: {name: remote-b, namespace: default}
data: {k: b}
EOT
(cd repo && $GIT add . && $GIT commit -qm one)

k create ns flux-system >/dev/null
k -n flux-system create secret generic remote-kubeconfig \
	--from-file=value="$RDATA/kubeconfig" >/dev/null
apply_gitrepository repo "file://$TEST_TMP/repo"
# ks NAME SECRET [EXTRA]: a Kustomization in $NS (flux-system) of ./app
# from flux-system/repo, applied with the kubeconfig in Secret SECRET.
ks() {
	apply_kustomization "$1" flux-system/repo ./app "  kubeConfig:
	    secretRef: {name: $2}
	${3:-}"
}

test_expect_success 'objects land in the remote cluster, not the local one' '
	ks remote remote-kubeconfig &&
	wait_ks remote "$READY" True &&
	expect_eq "$(rk -n default get cm remote-a -o jsonpath={.data.k})" a &&
	expect_eq "$(rk -n default get cm remote-b -o jsonpath={.data.k})" b &&
	! k -n default get cm remote-a 2>/dev/null &&
	expect_match "$(kfield remote "{.status.inventory.entries[*].id}")" \
		"default_remote-a__ConfigMap"
'

test_expect_success 'a file removed from Git is pruned from the remote cluster' '
	(cd repo && $GIT rm -q app/b.yaml && $GIT commit -qm two) &&
	request_reconcile gitrepository/repo &&
	wait_ks remote "{.status.lastAppliedRevision}" \
		"main@sha1:$(git -C repo rev-parse HEAD)" &&
	! rk -n default get cm remote-b 2>/dev/null &&
	rk -n default get cm remote-a >/dev/null
'

test_expect_success 'a missing kubeconfig Secret is reported, then recovers' '
	ks late late-kubeconfig &&
	wait_ks late "$REASON" ReconciliationFailed &&
	expect_match "$(kfield late "$MESSAGE")" \
		"Secret .flux-system/late-kubeconfig. not found" &&
	k -n flux-system create secret generic late-kubeconfig \
		--from-file=value.yaml="$RDATA/kubeconfig" >/dev/null &&
	request_reconcile kustomization/late &&
	wait_ks late "$READY" True
'

test_expect_success 'a kubeconfig with an exec plugin is refused, nothing runs' '
	server=$(sed -n "s/^ *server: //p" "$RDATA/kubeconfig") &&
	cat >evil.yaml <<-EOT &&
	apiVersion: v1
	kind: Config
	clusters: [{name: c, cluster: {server: "$server", insecure-skip-tls-verify: true}}]
	users: [{name: u, user: {exec: {apiVersion: client.authentication.k8s.io/v1, command: /usr/bin/touch, args: ["$TEST_TMP/pwned"]}}}]
	contexts: [{name: x, context: {cluster: c, user: u}}]
	current-context: x
	EOT
	k -n flux-system create secret generic evil --from-file=value=evil.yaml \
		>/dev/null &&
	ks evil evil &&
	wait_ks evil "$REASON" ReconciliationFailed &&
	expect_match "$(kfield evil "$MESSAGE")" "evil.*refused.*exec" &&
	[ ! -e "$TEST_TMP/pwned" ]
'

test_expect_success 'serviceAccountName is impersonated on the remote cluster' '
	rk create ns flux-system >/dev/null &&
	rk -n flux-system create serviceaccount tenant >/dev/null &&
	ks tenant remote-kubeconfig "  serviceAccountName: tenant" &&
	wait_ks tenant "$REASON" ReconciliationFailed &&
	expect_match "$(kfield tenant "$MESSAGE")" \
		"system:serviceaccount:flux-system:tenant.*forbidden|forbidden.*system:serviceaccount:flux-system:tenant" &&
	rk create rolebinding tenant-edit -n default --clusterrole=edit \
		--serviceaccount=flux-system:tenant >/dev/null &&
	request_reconcile kustomization/tenant &&
	wait_ks tenant "$READY" True
'

test_expect_success 'deleting Kustomizations prunes in the remote cluster' '
	# evil never reached its cluster: it goes at once, pruning nothing.
	k -n flux-system delete kustomization evil --wait=true --timeout=20s \
		>/dev/null &&
	rk -n default get cm remote-a >/dev/null &&
	k -n flux-system delete kustomization tenant late remote --wait=true \
		--timeout=20s >/dev/null &&
	! rk -n default get cm remote-a 2>/dev/null
'

test_expect_success '--no-cross-namespace-refs stalls a source in another namespace' '
	k create ns team >/dev/null &&
	k -n team create secret generic remote-kubeconfig \
		--from-file=value="$RDATA/kubeconfig" >/dev/null &&
	NS=team ks cross remote-kubeconfig &&
	NS=team wait_ks cross "$REASON" AccessDenied &&
	expect_match "$(NS=team kfield cross "$MESSAGE")" \
		"cross-namespace references have been blocked" &&
	expect_eq "$(NS=team kfield cross "{.status.conditions[?(@.type==\"Stalled\")].status}")" True
'

test_done
