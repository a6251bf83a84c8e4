#!/usr/bin/env bash
# End to end: a local Git repository reconciled into cfluxd's API server
# by its own source- and kustomize-controllers, driven with kubectl. Each
# case asserts what a Flux user sees: objects, inventory, revisions,
# conditions and reasons. The test plays the kubelet where health needs
# it, by patching a Deployment's status.
. "$(dirname "$0")/lib.sh"
CF_CONTROLLERS=1 start_cfluxd
GIT="git -c user.name=t -c user.email=t@e -c init.defaultBranch=main"

$GIT init -q repo
mkdir -p repo/app repo/base
cat >repo/app/cm.yaml <<'EOT'
apiVersion: v1
kind: ConfigMap
metadata: {name: app-config}
data: {color: blue, greeting: "${greeting:=hello}", tier: "${tier}"}
EOT
cat >repo/app/extra.yaml <<'EOT'
apiVersion: v1
kind: ConfigMap
metadata: {name: extra}
data: {k: v}
EOT
cat >repo/base/ns.yaml <<'EOT'
apiVersion: v1
kind: Namespace
metadata: {name: team-a}
EOT
(cd repo && $GIT add . && $GIT commit -qm one)
commit() { (cd repo && $GIT add -A . && $GIT commit -qm "$1"); }
head_rev() { echo "main@sha1:$(git -C repo rev-parse HEAD)"; }

k create ns flux-system >/dev/null
k -n flux-system create configmap vars --from-literal=tier=gold >/dev/null
k -n flux-system create secret generic secret-vars \
	--from-literal=greeting=hi-from-secret >/dev/null
apply_gitrepository repo "file://$TEST_TMP/repo"
ks() { apply_kustomization "$1" repo "$2" "${3:-}"; } # name path [extra spec]

test_expect_success 'a Kustomization applies the repository with substitutions' '
	ks app ./app "  targetNamespace: default
	  postBuild:
	    substituteFrom:
	    - {kind: ConfigMap, name: vars}
	    - {kind: Secret, name: secret-vars}" &&
	wait_ks app "$READY" True &&
	expect_eq "$(kfield app "{.status.lastAppliedRevision}")" "$(head_rev)" &&
	expect_eq "$(kfield app "$MESSAGE")" \
		"Applied revision: $(head_rev)" &&
	expect_eq "$(k get cm app-config -o jsonpath="{.data.tier}")" gold &&
	expect_eq "$(k get cm app-config -o jsonpath="{.data.greeting}")" hi-from-secret &&
	expect_eq "$(k get cm app-config -o jsonpath="{.metadata.labels.kustomize\.toolkit\.fluxcd\.io/name}")" app &&
	expect_eq "$(kfield app "{.status.inventory.entries[*].id}")" \
		"default_app-config__ConfigMap default_extra__ConfigMap"
'

test_expect_success 'server-side apply is done by kustomize-controller' '
	k get cm app-config -o jsonpath="{.metadata.managedFields[*].manager}" |
		grep -qw kustomize-controller
'

test_expect_success 'a new commit is applied, and a deleted file is pruned' '
	sed -i "s/blue/green/" repo/app/cm.yaml && rm repo/app/extra.yaml &&
	commit two &&
	request_reconcile gitrepository/repo &&
	wait_ks app "{.status.lastAppliedRevision}" "$(head_rev)" &&
	expect_eq "$(k get cm app-config -o jsonpath="{.data.color}")" green &&
	! k get cm extra 2>/dev/null &&
	expect_eq "$(kfield app "{.status.inventory.entries[*].id}")" \
		"default_app-config__ConfigMap"
'

test_expect_success 'drift is corrected on the next run' '
	k patch cm app-config --type=merge -p "{\"data\":{\"color\":\"red\"}}" >/dev/null &&
	request_reconcile kustomization/app &&
	wait_jsonpath configmap app-config default "{.data.color}" green 5
'

test_expect_success 'status.history keeps one snapshot per built set, counting runs' '
	h=$(kfield app "{.status.history[0].lastReconciledStatus} {.status.history[0].metadata.revision} {.status.history[0].totalReconciliations}") &&
	expect_match "$h" "^ReconciliationSucceeded $(head_rev) [2-9]" &&
	expect_match "$(kfield app "{.status.history[0].digest}")" "^sha256:[0-9a-f]{64}$" &&
	test "$(kfield app "{.status.history[*].digest}" | wc -w)" -ge 2 &&
	test "$(kfield app "{.status.history[1].metadata.revision}")" != "$(head_rev)"
'

test_expect_success 'strict substitution names the missing variable' '
	ks strict ./app "  targetNamespace: strict-ns
	  postBuild:
	    substitute: {greeting: x}" &&
	wait_ks strict "$REASON" BuildFailed &&
	expect_match "$(kfield strict "$MESSAGE")" "tier"
'

test_expect_success 'dependsOn holds a Kustomization until its dependency is Ready' '
	mkdir -p repo/team && cat >repo/team/cm.yaml <<-EOT &&
	apiVersion: v1
	kind: ConfigMap
	metadata: {name: team-config, namespace: team-a}
	data: {k: v}
	EOT
	commit team && request_reconcile gitrepository/repo &&
	ks team ./team "  dependsOn: [{name: base}]" &&
	wait_ks team "$REASON" DependencyNotReady &&
	! k -n team-a get cm team-config 2>/dev/null &&
	ks base ./base &&
	wait_ks base "$READY" True &&
	request_reconcile kustomization/team &&
	wait_ks team "$READY" True &&
	k -n team-a get cm team-config >/dev/null
'

test_expect_success 'a failing health check is HealthCheckFailed, then recovers' '
	mkdir -p repo/web && cat >repo/web/deploy.yaml <<-EOT &&
	apiVersion: apps/v1
	kind: Deployment
	metadata: {name: web, namespace: default}
	spec:
	  replicas: 1
	  selector: {matchLabels: {app: web}}
	  template:
	    metadata: {labels: {app: web}}
	    spec: {containers: [{name: web, image: nginx}]}
	EOT
	commit web && request_reconcile gitrepository/repo &&
	ks web ./web "  wait: true
	  timeout: 3s" &&
	wait_ks web "$REASON" HealthCheckFailed 30 &&
	expect_eq "$(kfield web "{.status.conditions[?(@.type==\"Healthy\")].status}")" False &&
	expect_eq "$(kfield web "{.status.history[0].lastReconciledStatus}")" HealthCheckFailed &&
	gen=$(k get deploy web -o jsonpath="{.metadata.generation}") &&
	k patch deploy web --subresource=status --type=merge -p "{\"status\":{
		\"observedGeneration\":$gen,\"replicas\":1,\"updatedReplicas\":1,
		\"readyReplicas\":1,\"availableReplicas\":1,
		\"conditions\":[{\"type\":\"Available\",\"status\":\"True\",\"reason\":\"MinimumReplicasAvailable\"},
		{\"type\":\"Progressing\",\"status\":\"True\",\"reason\":\"NewReplicaSetAvailable\"}]}}" >/dev/null &&
	request_reconcile kustomization/web &&
	wait_ks web "$READY" True 30 &&
	expect_eq "$(kfield web "{.status.conditions[?(@.type==\"Healthy\")].status}")" True
'

test_expect_success 'healthCheckExprs judge a kind with CEL: current passes, failed fails fast' '
	mkdir -p repo/cel && cat >repo/cel/cm.yaml <<-EOT &&
	apiVersion: v1
	kind: ConfigMap
	metadata: {name: cel-cm, namespace: default}
	data: {state: ok}
	---
	apiVersion: v1
	kind: ConfigMap
	metadata: {name: cel-broken, namespace: default}
	data: {state: broken}
	EOT
	commit cel && request_reconcile gitrepository/repo &&
	ks cel ./cel "  wait: true
	  timeout: 20s
	  healthCheckExprs:
	  - apiVersion: v1
	    kind: ConfigMap
	    current: data.state == \"ok\"
	    failed: data.state == \"broken\"" &&
	wait_ks cel "$REASON" HealthCheckFailed 15 &&
	expect_match "$(kfield cel "$MESSAGE")" "ConfigMap/default/cel-broken" &&
	sed -i "s/state: broken/state: ok/" repo/cel/cm.yaml && commit cel-fixed &&
	request_reconcile gitrepository/repo &&
	wait_ks cel "$READY" True 20
'

test_expect_success 'an invalid healthCheckExprs or readyExpr is Stalled with InvalidCELExpression' '
	ks badcel ./cel "  wait: true
	  healthCheckExprs:
	  - {apiVersion: v1, kind: ConfigMap, current: \"data.state ==\"}" &&
	wait_ks badcel "{.status.conditions[?(@.type==\"Stalled\")].reason}" InvalidCELExpression &&
	ks badready ./cel "  dependsOn: [{name: cel, readyExpr: \"dep.status.(\"}]" &&
	wait_ks badready "{.status.conditions[?(@.type==\"Stalled\")].reason}" InvalidCELExpression
'

test_expect_success 'a readyExpr replaces the built-in dependency check' '
	ks gated ./cel "  dependsOn: [{name: cel, readyExpr: \"dep.metadata.name == \x27nope\x27\"}]" &&
	wait_ks gated "$REASON" DependencyNotReady &&
	expect_match "$(kfield gated "$MESSAGE")" "readyExpr" &&
	ks gated ./cel "  dependsOn: [{name: cel, readyExpr: \"dep.metadata.name == \x27cel\x27 && self.metadata.name == \x27gated\x27\"}]" &&
	wait_ks gated "$READY" True
'

test_expect_success 'suspend stops applying, resume catches up' '
	k -n flux-system patch kustomization app --type=merge -p "{\"spec\":{\"suspend\":true}}" >/dev/null &&
	sleep 0.5 &&
	sed -i "s/green/yellow/" repo/app/cm.yaml && commit three &&
	request_reconcile gitrepository/repo && sleep 2 &&
	expect_eq "$(k get cm app-config -o jsonpath="{.data.color}")" green &&
	k -n flux-system patch kustomization app --type=merge -p "{\"spec\":{\"suspend\":false}}" >/dev/null &&
	wait_ks app "{.status.lastAppliedRevision}" "$(head_rev)" &&
	expect_eq "$(k get cm app-config -o jsonpath="{.data.color}")" yellow
'

test_expect_success 'a tenant that may not create a ClusterRole gets Forbidden and nothing applied' '
	mkdir -p repo/tenant && cat >repo/tenant/all.yaml <<-EOT &&
	apiVersion: v1
	kind: ConfigMap
	metadata: {name: tenant-cm, namespace: flux-system}
	data: {k: v}
	---
	apiVersion: rbac.authorization.k8s.io/v1
	kind: ClusterRole
	metadata: {name: tenant-escalation}
	rules: [{apiGroups: ["*"], resources: ["*"], verbs: ["*"]}]
	EOT
	commit tenant && request_reconcile gitrepository/repo &&
	k -n flux-system create sa tenant >/dev/null &&
	k -n flux-system create rolebinding tenant-edit --clusterrole=admin \
		--serviceaccount=flux-system:tenant >/dev/null &&
	ks tenant ./tenant "  serviceAccountName: tenant" &&
	wait_ks tenant "$REASON" ReconciliationFailed &&
	expect_match "$(kfield tenant "$MESSAGE")" \
		"(forbidden|Forbidden)" &&
	! k -n flux-system get cm tenant-cm 2>/dev/null &&
	! k get clusterrole tenant-escalation 2>/dev/null
'

test_expect_success 'spec.ignore leaves selected fields to other controllers' '
	mkdir -p repo/hpa && cat >repo/hpa/app.yaml <<-EOT &&
	apiVersion: apps/v1
	kind: Deployment
	metadata: {name: scaled, namespace: default}
	spec:
	  replicas: 2
	  selector: {matchLabels: {app: scaled}}
	  template:
	    metadata: {labels: {app: scaled}}
	    spec: {containers: [{name: web, image: nginx:1}]}
	---
	apiVersion: v1
	kind: ConfigMap
	metadata: {name: scaled-config, namespace: default}
	data: {k: git}
	EOT
	commit hpa && request_reconcile gitrepository/repo &&
	ks hpa ./hpa "  ignore:
	  - paths: [/spec/replicas]
	    target: {kind: Deployment, name: scal.*}" &&
	wait_ks hpa "$READY" True &&
	expect_eq "$(k get deploy scaled -o jsonpath={.spec.replicas})" 2 &&
	k scale deploy scaled --replicas=5 >/dev/null &&
	k patch cm scaled-config --type=merge -p "{\"data\":{\"k\":\"edited\"}}" \
		>/dev/null &&
	sed -i "s/nginx:1/nginx:2/" repo/hpa/app.yaml && commit hpa2 &&
	request_reconcile gitrepository/repo &&
	wait_ks hpa "{.status.lastAppliedRevision}" "$(head_rev)" &&
	expect_eq "$(k get deploy scaled -o jsonpath={.spec.replicas})" 5 &&
	expect_eq "$(k get deploy scaled \
		-o jsonpath={.spec.template.spec.containers[0].image})" nginx:2 &&
	expect_eq "$(k get cm scaled-config -o jsonpath={.data.k})" git
'

test_expect_success 'an ignore rule that is not a JSON pointer is Stalled' '
	ks badignore ./hpa "  ignore:
	  - paths: [spec.replicas]" &&
	wait_ks badignore "{.status.conditions[?(@.type==\"Stalled\")].status}" True &&
	expect_match "$(kfield badignore "$MESSAGE")" \
		"spec.ignore\[0\].paths\[0\]: .spec.replicas. is not a JSON pointer" &&
	k -n flux-system delete kustomization badignore >/dev/null
'

test_expect_success 'deleting a Kustomization with prune deletes what it applied' '
	k -n flux-system delete kustomization team --timeout=20s >/dev/null &&
	! k -n team-a get cm team-config 2>/dev/null
'

test_expect_success 'kill -9 during reconciliation converges after restart' '
	for i in 1 2 3 4 5; do
		mkdir -p repo/many$i &&
		for j in $(seq 20); do
			printf "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: m$i-$j, namespace: default}\n" \
				>repo/many$i/c$j.yaml
		done
	done && commit many && request_reconcile gitrepository/repo &&
	for i in 1 2 3 4 5; do ks many$i ./many$i; done &&
	sleep 0.3 && kill -9 "$CF_PID" && wait_gone "$CF_PID" &&
	CF_CONTROLLERS=1 start_cfluxd &&
	for i in 1 2 3 4 5; do wait_ks many$i "$READY" True 30 || return 1; done &&
	expect_eq "$(k get cm -n default -o name | grep -c "/m[1-5]-")" 100
'

test_expect_success 'no secret value appears in logs or statuses' '
	! grep -q hi-from-secret "$TEST_TMP/cfluxd.log" &&
	! k -n flux-system get kustomization -o yaml | grep -q hi-from-secret
'

test_done
