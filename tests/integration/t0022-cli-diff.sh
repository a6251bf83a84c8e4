#!/usr/bin/env bash
# cflux diff and tree against what cfluxd's own controllers applied: a
# local Git repository reconciled by the source- and kustomize-controllers,
# then diffed from a working copy. Right after a reconcile the diff must be
# empty (the local build and the controller agree object for object);
# kubectl edits, new and removed files show as flux shows them; tree
# follows the inventories the controller wrote. A Kustomization with a
# spec overlay and post-build variables from the cluster builds locally
# to what the controller applied.
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
apply_gitrepository repo "file://$TEST_TMP/repo"
apply_kustomization clusters repo ./clusters

ready() { wait_ks "$1" "$READY" True 60; }

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

# Suspended first: a retry left queued from the first passes (a finalizer
# write that met a conflict) could otherwise correct the edits before
# diff sees them.
test_expect_success 'kubectl edits show as drift, path by path' '
	cflux suspend ks apps >/dev/null 2>&1 &&
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
	cflux resume ks apps --timeout 60s >/dev/null 2>&1 &&
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

# ---- the Kustomization's spec and post-build substitution ----

# A directory without kustomization.yaml (the controller generates one),
# built with a targetNamespace, a namePrefix, an image override, a patch
# and variables from the spec, a ConfigMap and a Secret of the cluster.
mkdir -p repo/shop
cat >repo/shop/deploy.yaml <<'EOT'
apiVersion: apps/v1
kind: Deployment
metadata: {name: web}
spec:
  replicas: 1
  selector: {matchLabels: {app: shop}}
  template:
    metadata: {labels: {app: shop}}
    spec:
      containers:
      - name: web
        image: nginx:1.25
        env:
        - {name: REGION, value: "${region}"}
        - {name: TIER, value: "${tier:=basic}"}
EOT
cat >repo/shop/settings.yaml <<'EOT'
apiVersion: v1
kind: ConfigMap
metadata: {name: settings}
data: {cluster: "${cluster_name}", region: "${region}", literal: "$${region}"}
EOT
cat >repo/shop/secret.yaml <<'EOT'
apiVersion: v1
kind: Secret
metadata: {name: api}
stringData: {key: "${api_key}"}
EOT
cat >repo/shop/untouched.yaml <<'EOT'
apiVersion: v1
kind: ConfigMap
metadata:
  name: untouched
  annotations: {kustomize.toolkit.fluxcd.io/substitute: disabled}
data: {raw: "${region}"}
EOT
cat >shop-ks.yaml <<'EOT'
apiVersion: kustomize.toolkit.fluxcd.io/v1
kind: Kustomization
metadata: {name: shop, namespace: flux-system}
spec:
  interval: 10m
  path: ./shop
  prune: true
  sourceRef: {kind: GitRepository, name: repo}
  targetNamespace: shop
  namePrefix: prod-
  images: [{name: nginx, newTag: 1.27.1}]
  patches:
  - patch: '[{"op": "replace", "path": "/spec/replicas", "value": 3}]'
    target: {kind: Deployment, name: web}
  postBuild:
    substitute: {cluster_name: east-1}
    substituteFrom:
    - {kind: ConfigMap, name: shop-vars}
    - {kind: Secret, name: shop-secret}
    - {kind: ConfigMap, name: not-there, optional: true}
EOT
# Left out of the artifact by .sourceignore: neither the controller nor
# the local build may see it.
cat >repo/shop/draft.yaml <<'EOT'
apiVersion: v1
kind: ConfigMap
metadata: {name: draft}
data: {wip: "yes"}
EOT
echo "shop/draft.yaml" >repo/.sourceignore
(cd repo && $GIT add shop .sourceignore && $GIT commit -qm shop)

# The objects of a multi-document YAML file as a JSON list.
as_json() { k create --dry-run=client -o json -f "$1" | jq -cs 'map(if .kind == "List" then .items[] else . end)'; }
# jq_of FILE.json FILTER
jq_of() { jq -r "$2" "$1"; }
WEB='(.[] | select(.metadata.name == "prod-web"))'
SETTINGS='(.[] | select(.metadata.name == "prod-settings"))'
UNTOUCHED='(.[] | select(.metadata.name == "prod-untouched"))'
API='(.[] | select(.metadata.name == "prod-api"))'

test_expect_success 'the controller applies the Kustomization with its spec' '
	k create namespace shop >/dev/null &&
	k create configmap shop-vars -n flux-system --from-literal=region=eu-west >/dev/null &&
	k create secret generic shop-secret -n flux-system \
		--from-literal=api_key=key-from-secret-7310 >/dev/null &&
	cflux reconcile source git repo --timeout 60s >/dev/null 2>&1 &&
	k apply -f shop-ks.yaml >/dev/null &&
	ready shop &&
	expect_eq "$(k get deploy prod-web -n shop -o jsonpath={.spec.replicas})" 3 &&
	expect_eq "$(k get deploy prod-web -n shop -o jsonpath={.spec.template.spec.containers[0].image})" nginx:1.27.1 &&
	expect_eq "$(k get cm prod-settings -n shop -o jsonpath={.data.region})" eu-west &&
	! k get cm prod-draft -n shop >/dev/null 2>&1
'

test_expect_success 'build prints what the controller applied' '
	cflux build kustomization shop --path repo/shop >built.yaml 2>err &&
	test ! -s err &&
	as_json built.yaml >built.json &&
	expect_eq "$(jq_of built.json "[.[] | .kind + \"/\" + .metadata.namespace + \"/\" + .metadata.name] | join(\" \")")" \
		"Deployment/shop/prod-web Secret/shop/prod-api ConfigMap/shop/prod-settings ConfigMap/shop/prod-untouched" &&
	expect_eq "$(jq_of built.json "$WEB.spec.replicas")" 3 &&
	expect_eq "$(jq_of built.json "$WEB.spec.template.spec.containers[0].image")" nginx:1.27.1 &&
	expect_eq "$(jq_of built.json "$WEB.spec.template.spec.containers[0].env | map(.name + \"=\" + .value) | join(\",\")")" \
		"REGION=eu-west,TIER=basic" &&
	expect_eq "$(jq_of built.json "$SETTINGS.data | [.cluster, .region, .literal] | join(\",\")")" \
		"east-1,eu-west,\${region}" &&
	expect_eq "$(jq_of built.json "$UNTOUCHED.data.raw")" "\${region}" &&
	expect_eq "$(jq_of built.json "$API.stringData.key")" key-from-secret-7310 &&
	expect_eq "$(jq_of built.json "$WEB.metadata.labels[\"kustomize.toolkit.fluxcd.io/name\"]")" shop &&
	pick="{data, replicas: .spec.replicas, c: .spec.template.spec.containers[0]?} | .c |= (. // {} | {image, env})" &&
	for o in "deploy prod-web" "cm prod-settings" "cm prod-untouched"; do
		k get $o -n shop -o json | jq -S "$pick" >live.json &&
		jq -S ".[] | select(.metadata.name == \"${o#* }\") | $pick" built.json >mine.json &&
		diff -u live.json mine.json || return 1
	done &&
	expect_eq "$(k get secret prod-api -n shop -o jsonpath={.data.key} | base64 -d)" key-from-secret-7310 &&
	test ! -e repo/shop/kustomization.yaml &&
	test -z "$(git -C repo status --porcelain)"
'

test_expect_success 'the overlay matches kubectl kustomize with the same fields' '
	mkdir -p oracle &&
	cp repo/shop/deploy.yaml oracle/ &&
	cat >oracle/kustomization.yaml <<-\EOT &&
	namespace: shop
	namePrefix: prod-
	resources: [deploy.yaml]
	images: [{name: nginx, newTag: 1.27.1}]
	patches:
	- patch: "[{\"op\": \"replace\", \"path\": \"/spec/replicas\", \"value\": 3}]"
	  target: {kind: Deployment, name: web}
	EOT
	k kustomize oracle >oracle.yaml &&
	as_json oracle.yaml >oracle.json &&
	jq -S ".[0] | {metadata: {name: .metadata.name, namespace: .metadata.namespace}, spec: (.spec | del(.template.spec.containers[0].env))}" oracle.json >want.json &&
	jq -S ".[] | select(.kind == \"Deployment\") | {metadata: {name: .metadata.name, namespace: .metadata.namespace}, spec: (.spec | del(.template.spec.containers[0].env))}" built.json >got.json &&
	diff -u want.json got.json
'

test_expect_success 'diff right after the controller applied it finds nothing' '
	cflux diff kustomization shop --path repo/shop >out 2>err &&
	test ! -s out && test ! -s err
'

test_expect_success 'diff substitutes with the cluster variables of now' '
	k patch configmap shop-vars -n flux-system --type=merge \
		-p "{\"data\":{\"region\":\"ap-south\"}}" >/dev/null &&
	k patch secret shop-secret -n flux-system --type=merge \
		-p "{\"stringData\":{\"api_key\":\"rotated-key-2231\"}}" >/dev/null &&
	{ cflux diff ks shop --path repo/shop >out 2>err; expect_eq "$?" 1; } &&
	grep -qx "► Secret/shop/prod-api drifted" out &&
	grep -qx "► ConfigMap/shop/prod-settings drifted" out &&
	grep -qx "► Deployment/shop/prod-web drifted" out &&
	! grep -q prod-untouched out &&
	grep -A4 "^data.region" out | grep -qx "    + ap-south" &&
	! grep -e key-from-secret -e rotated-key -e "$(printf rotated-key-2231 | base64)" \
		-e "$(printf key-from-secret-7310 | base64)" out err &&
	cflux build ks shop --path repo/shop >built2.yaml &&
	grep -q "key: rotated-key-2231" built2.yaml &&
	cflux reconcile ks shop --timeout 60s >/dev/null 2>&1 &&
	expect_eq "$(k get cm prod-settings -n shop -o jsonpath={.data.region})" ap-south &&
	cflux diff ks shop --path repo/shop >out 2>err &&
	test ! -s out && test ! -s err
'

test_expect_success 'build --dry-run reads no cluster and leaves substituteFrom out' '
	KUBECONFIG=$TEST_TMP/absent cflux build ks shop --path repo/shop \
		--kubeconfig "$TEST_TMP/absent" --dry-run \
		--kustomization-file shop-ks.yaml >dry.yaml 2>err &&
	test ! -s err &&
	as_json dry.yaml >dry.json &&
	expect_eq "$(jq_of dry.json "$SETTINGS.data | [.cluster, .region] | join(\",\")")" "east-1," &&
	expect_eq "$(jq_of dry.json "$WEB.spec.template.spec.containers[0].env | map(.name + \"=\" + (.value // \"\")) | join(\",\")")" \
		"REGION=,TIER=basic" &&
	! grep -e rotated-key -e key-from-secret dry.yaml &&
	{ cflux build ks shop --path repo/shop --dry-run 2>err; expect_eq "$?" 1; } &&
	expect_eq "$(cat err)" "✗ kustomization file is required for dry-run"
'

test_expect_success '--strict-substitute fails on an unset variable, naming it' '
	! cflux build ks shop --path repo/shop --dry-run \
		--kustomization-file shop-ks.yaml --strict-substitute >out 2>err &&
	test ! -s out &&
	grep -q "^✗ post build failed for .Deployment/prod-web.: .*variable not set (strict mode): \"region\"" err &&
	cflux build ks shop --path repo/shop --strict-substitute >/dev/null &&
	{ cflux diff ks shop --path repo/shop --kustomization-file shop-ks.yaml \
		--strict-substitute >/dev/null 2>err; expect_eq "$?" 0; }
'

test_expect_success '--ignore-paths leaves files out of the build and the diff' '
	cflux build ks shop --path repo/shop --ignore-paths "secret.yaml,untouched*" >ign.yaml &&
	! grep -q "kind: Secret" ign.yaml && ! grep -q prod-untouched ign.yaml &&
	grep -q "name: prod-settings" ign.yaml &&
	{ cflux diff ks shop --path repo/shop --ignore-paths secret.yaml >out 2>/dev/null; expect_eq "$?" 1; } &&
	expect_eq "$(cat out)" "► Secret/shop/prod-api deleted"
'

test_done
