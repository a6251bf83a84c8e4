#!/usr/bin/env bash
# cflux diff and tree against what cfluxd's own controllers applied: a
# local Git repository reconciled by the source- and kustomize-controllers,
# then diffed from a working copy. Right after a reconcile the diff must be
# empty (the local build and the controller agree object for object);
# kubectl edits, new and removed files show as flux shows them; tree
# follows the inventories the controller wrote.
. "$(dirname "$0")/lib.sh"
CF_CONTROLLERS=1 start_cfluxd
GIT="git -c user.name=t -c user.email=t@e -c init.defaultBranch=main"
cflux() { "$CFLUX" "$@"; }

$GIT init -q repo
mkdir -p repo/apps repo/clusters
cat >repo/apps/kustomization.yaml <<'EOT'
resources: [deploy.yaml, conf.yaml, secret.yaml]
EOT
cat >repo/apps/deploy.yaml <<'EOT'
apiVersion: apps/v1
kind: Deployment
metadata: {name: web, namespace: default}
spec:
  replicas: 2
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec:
      containers:
      - name: web
        image: nginx:1.25
        env: [{name: MODE, value: fast}]
EOT
cat >repo/apps/conf.yaml <<'EOT'
apiVersion: v1
kind: ConfigMap
metadata: {name: conf, namespace: default}
data:
  app.ini: |
    [main]
    workers=4
    debug=false
EOT
cat >repo/apps/secret.yaml <<'EOT'
apiVersion: v1
kind: Secret
metadata: {name: creds, namespace: default}
stringData: {password: git-pass-5150}
EOT
# The cluster entry point applies the apps Kustomization.
cat >repo/clusters/kustomization.yaml <<'EOT'
resources: [apps.yaml]
EOT
cat >repo/clusters/apps.yaml <<'EOT'
apiVersion: kustomize.toolkit.fluxcd.io/v1
kind: Kustomization
metadata: {name: apps, namespace: flux-system}
spec:
  interval: 10m
  path: ./apps
  prune: true
  sourceRef: {kind: GitRepository, name: repo}
EOT
(cd repo && $GIT add . && $GIT commit -qm one)

k create ns flux-system >/dev/null 2>&1
cat <<EOT | k apply -f - >/dev/null
apiVersion: source.toolkit.fluxcd.io/v1
kind: GitRepository
metadata: {name: repo, namespace: flux-system}
spec:
  interval: 10m
  url: file://$TEST_TMP/repo
  ref: {branch: main}
---
apiVersion: kustomize.toolkit.fluxcd.io/v1
kind: Kustomization
metadata: {name: clusters, namespace: flux-system}
spec:
  interval: 10m
  path: ./clusters
  prune: true
  sourceRef: {kind: GitRepository, name: repo}
EOT

ready() {
	wait_jsonpath kustomization "$1" flux-system \
		'{.status.conditions[?(@.type=="Ready")].status}' True 60
}

test_expect_success 'the controllers apply both Kustomizations' '
	ready clusters && ready apps &&
	k get deploy web -n default >/dev/null
'

test_expect_success 'diff right after a reconcile finds nothing' '
	cflux diff kustomization apps --path repo/apps >out 2>err &&
	test ! -s out && test ! -s err &&
	cflux diff kustomization clusters --path repo/clusters >out 2>err &&
	test ! -s out && test ! -s err
'

test_expect_success 'kubectl edits show as drift, path by path' '
	k set env deployment/web -n default MODE=slow >/dev/null &&
	k patch configmap conf -n default --type=merge \
		-p "{\"data\":{\"app.ini\":\"[main]\\nworkers=8\\ndebug=false\\n\"}}" >/dev/null &&
	k patch secret creds -n default --type=merge \
		-p "{\"stringData\":{\"password\":\"kubectl-pass-6060\"}}" >/dev/null &&
	{ cflux diff ks apps --path repo/apps >out 2>err; expect_eq "$?" 1; } &&
	printf "%s\n" \
		"► Deployment/default/web drifted" "" \
		"spec.template.spec.containers.web.env.MODE.value" \
		"  ± value change" "    - slow" "    + fast" "" \
		"► ConfigMap/default/conf drifted" "" \
		"data.app.ini" \
		"  ± value change in multiline text (one insert, one deletion)" \
		"      [main]" "    - workers=8" "    + workers=4" "      debug=false" "" \
		"► Secret/default/creds drifted" "" \
		"data.password" "  ± value change" "    - *** (before)" "    + *** (after)" "" \
		>want &&
	diff -u want out &&
	! grep -e git-pass -e kubectl-pass -e "$(printf git-pass-5150 | base64)" \
		-e "$(printf kubectl-pass-6060 | base64)" out err
'

test_expect_success 'a reconcile undoes the edits; diff is clean again' '
	cflux reconcile ks apps --timeout 60s >/dev/null 2>&1 &&
	expect_eq "$(k get deploy web -n default -o jsonpath={.spec.template.spec.containers[0].env[0].value})" fast &&
	cflux diff ks apps --path repo/apps >out && test ! -s out
'

test_expect_success 'a working copy with a new file and a removed one' '
	cp -r repo/apps work &&
	cat >work/extra.yaml <<-\EOT &&
	apiVersion: v1
	kind: ConfigMap
	metadata: {name: extra, namespace: default}
	data: {k: v}
	EOT
	echo "resources: [deploy.yaml, secret.yaml, extra.yaml]" >work/kustomization.yaml &&
	{ cflux diff ks apps --path work >out 2>/dev/null; expect_eq "$?" 1; } &&
	printf "%s\n" "► ConfigMap/default/extra created" \
		"► ConfigMap/default/conf deleted" >want &&
	diff -u want out
'

test_expect_success 'tree follows the inventories the controller wrote' '
	cflux tree ks clusters >out &&
	printf "%s\n" "Kustomization/flux-system/clusters" \
		"└── Kustomization/flux-system/apps" \
		"    ├── ConfigMap/default/conf" \
		"    ├── Secret/default/creds" \
		"    └── Deployment/default/web" "" >want &&
	diff -u want out &&
	cflux tree ks clusters --compact -o json >out.json &&
	expect_eq "$(jq -r "[.resources[].resource.Name] | join(\",\")" out.json)" apps &&
	expect_eq "$(jq -r ".resources[0] | has(\"resources\")" out.json)" false
'

test_done
