#!/usr/bin/env bash
# The cflux verbs against a real cfluxd: flux's flags, progress lines,
# tables, YAML and exit codes. No controller runs (--no-controllers), so
# the test plays one: a background loop that copies each object's
# reconcile request into its status and marks it Ready (or failed, for
# objects labelled fail=true; objects labelled skip=true are left alone).
. "$(dirname "$0")/lib.sh"
start_cfluxd

export CFLUX_POLL_INTERVAL=200ms
CFLUX_BIN=$CFLUX
REV=main@sha1:0123456789abcdef0123456789abcdef01234567

# One pass of the pretend controller over GitRepositories,
# Kustomizations and the cflux-controllers Deployment.
fake_controller_pass() {
	local kind ns name gen obs req handled susp fail skip st msg extra
	for kind in gitrepositories kustomizations; do
		k get "$kind" -A -o jsonpath='{range .items[*]}{.metadata.namespace}|{.metadata.name}|{.metadata.generation}|{.status.observedGeneration}|{.metadata.annotations.reconcile\.fluxcd\.io/requestedAt}|{.status.lastHandledReconcileAt}|{.spec.suspend}|{.metadata.labels.fail}|{.metadata.labels.skip}|{.metadata.deletionTimestamp}{"\n"}{end}' 2>/dev/null |
		while IFS='|' read -r ns name gen obs req handled susp fail skip deleting; do
			[ -n "$name" ] || continue
			# Finalize what is being deleted (not what says skip).
			if [ -n "$deleting" ]; then
				[ "$skip" = true ] || k patch "$kind" "$name" -n "$ns" \
					--type=merge -p '{"metadata":{"finalizers":null}}' >/dev/null 2>&1
				continue
			fi
			[ "$susp" = true ] || [ "$skip" = true ] && continue
			[ "$gen" = "$obs" ] && [ "$req" = "$handled" ] && continue
			if [ "$fail" = true ]; then
				st=False msg="simulated failure"
			elif [ "$kind" = gitrepositories ]; then
				st=True msg="stored artifact for revision '$REV'"
			else
				st=True msg="Applied revision: $REV"
			fi
			extra=
			if [ "$st" = True ] && [ "$kind" = gitrepositories ]; then
				extra=',"artifact":{"digest":"sha256:aa","lastUpdateTime":"2026-01-01T00:00:00Z","path":"p","revision":"'$REV'","url":"http://x/p","size":1536}'
			elif [ "$st" = True ]; then
				extra=',"lastAppliedRevision":"'$REV'"'
			fi
			[ -n "$req" ] && extra="$extra"',"lastHandledReconcileAt":"'$req'"'
			k patch "$kind" "$name" -n "$ns" --subresource=status --type=merge -p \
				'{"status":{"observedGeneration":'"$gen"',"conditions":[{"type":"Ready","status":"'$st'","reason":"Succeeded","message":"'"$msg"'","lastTransitionTime":"2026-01-01T00:00:00Z","observedGeneration":'"$gen"'}]'"$extra"'}}' >/dev/null 2>&1
		done
	done
	gen=$(k get deploy cflux-controllers -n flux-system -o jsonpath='{.metadata.generation}' 2>/dev/null)
	obs=$(k get deploy cflux-controllers -n flux-system -o jsonpath='{.status.observedGeneration}' 2>/dev/null)
	if [ -n "$gen" ] && [ "$gen" != "$obs" ]; then
		k patch deploy cflux-controllers -n flux-system --subresource=status --type=merge \
			-p '{"status":{"observedGeneration":'"$gen"',"replicas":1,"readyReplicas":1,"availableReplicas":1}}' >/dev/null 2>&1
	fi
}

( while :; do fake_controller_pass; sleep 0.2; done ) >/dev/null 2>&1 &
track_pid $!

cflux() { "$CFLUX_BIN" "$@"; }

# ---- what flux prints, written out by hand ----

cat >export-git.yaml <<\EOF
---
apiVersion: source.toolkit.fluxcd.io/v1
kind: GitRepository
metadata:
  name: podinfo
  namespace: flux-system
spec:
  interval: 1m0s
  ref:
    branch: master
  url: https://github.com/stefanprodan/podinfo
EOF

cat >export-git-full.yaml <<\EOF
---
apiVersion: source.toolkit.fluxcd.io/v1
kind: GitRepository
metadata:
  labels:
    team: a
  name: app
  namespace: apps
spec:
  ignore: |-
    /*
    !/deploy
  interval: 10m0s
  ref:
    branch: main
    commit: 0123456789abcdef0123456789abcdef01234567
  secretRef:
    name: git-auth
  url: ssh://git@github.com/org/app
EOF

cat >export-git-sparse.yaml <<\EOF
---
apiVersion: source.toolkit.fluxcd.io/v1
kind: GitRepository
metadata:
  name: podinfo
  namespace: default
spec:
  ignore: |-
    .cosign
    non-existent-dir/
  interval: 1m0s
  ref:
    branch: master
  sparseCheckout:
  - .cosign
  - non-existent-dir/
  url: https://github.com/stefanprodan/podinfo
EOF

cat >export-git-provider.yaml <<\EOF
---
apiVersion: source.toolkit.fluxcd.io/v1
kind: GitRepository
metadata:
  name: podinfo
  namespace: flux-system
spec:
  interval: 1m0s
  provider: github
  recurseSubmodules: true
  ref:
    branch: test
  secretRef:
    name: appinfo
  url: https://github.com/stefanprodan/podinfo
EOF

cat >export-ks.yaml <<\EOF
---
apiVersion: kustomize.toolkit.fluxcd.io/v1
kind: Kustomization
metadata:
  name: podinfo
  namespace: flux-system
spec:
  dependsOn:
  - name: infra
  - name: db
    namespace: ops
  healthChecks:
  - kind: Deployment
    name: podinfo
    namespace: default
  - apiVersion: helm.toolkit.fluxcd.io/v2
    kind: HelmRelease
    name: redis
    namespace: cache
  interval: 5m0s
  path: ./kustomize
  prune: true
  retryInterval: 30s
  serviceAccountName: deployer
  sourceRef:
    kind: GitRepository
    name: podinfo
    namespace: flux-system
  targetNamespace: default
  timeout: 3m0s
EOF

cat >export-ks-wait.yaml <<\EOF
---
apiVersion: kustomize.toolkit.fluxcd.io/v1
kind: Kustomization
metadata:
  name: "y"
  namespace: flux-system
spec:
  interval: 1h0m0s
  path: ./
  prune: false
  sourceRef:
    kind: OCIRepository
    name: manifests
  timeout: 2m0s
  wait: true
EOF

cat >create-git.err <<EOF
✚ generating GitRepository source
► applying GitRepository source
✔ GitRepository source created
◎ waiting for GitRepository source reconciliation
✔ GitRepository source reconciliation completed
✔ fetched revision: $REV
EOF

cat >create-ks.err <<EOF
✚ generating Kustomization
► applying Kustomization
✔ Kustomization created
◎ waiting for Kustomization reconciliation
✔ Kustomization podinfo is ready
✔ applied revision $REV
EOF

cat >reconcile-ks.err <<EOF
► annotating GitRepository podinfo in flux-system namespace
✔ GitRepository annotated
◎ waiting for GitRepository reconciliation
✔ fetched revision $REV
► annotating Kustomization podinfo in flux-system namespace
✔ Kustomization annotated
◎ waiting for Kustomization reconciliation
✔ applied revision $REV
EOF

# tablewriter's layout: cells padded to the column and followed by a
# tab; the header's last cell by a space.
printf '%s\n' \
	"NAME   	REVISION          	SUSPENDED	READY	MESSAGE                                           " \
	"podinfo	main@sha1:01234567	False    	True 	stored artifact for revision 'main@sha1:01234567'	" \
	>get-git.out
printf '%s\n' \
	"NAMESPACE  	NAME   	REVISION          	SUSPENDED	READY	MESSAGE                              " \
	"flux-system	podinfo	main@sha1:01234567	False    	True 	Applied revision: main@sha1:01234567	" \
	>get-ks-A.out
printf '%s\n' \
	"NAME                 	REVISION          	SUSPENDED	READY	MESSAGE                                           " \
	"gitrepository/podinfo	main@sha1:01234567	False    	True 	stored artifact for revision 'main@sha1:01234567'	" \
	"" \
	"NAME                 	REVISION          	SUSPENDED	READY	MESSAGE                              " \
	"kustomization/podinfo	main@sha1:01234567	False    	True 	Applied revision: main@sha1:01234567	" \
	"" \
	>get-all.out

# ---- version, check ----

test_expect_success 'version prints the client and the server version' '
	cflux version >out &&
	expect_eq "$(sed -n 1p out)" "flux: v0.1.0" &&
	expect_match "$(sed -n 2p out)" "^server: v1\.[0-9]+\.[0-9]+" &&
	expect_eq "$(cflux version --client)" "flux: v0.1.0" &&
	cflux version --client -o json >json &&
	printf "{\n  \"flux\": \"v0.1.0\"\n}\n" >want && diff -u want json &&
	! cflux version -o xml 2>err &&
	expect_eq "$(cat err)" "✗ --output must be json or yaml, not xml"
'

test_expect_success 'check --pre and check pass against cfluxd' '
	cflux check --pre 2>err &&
	expect_eq "$(sed -n 1p err)" "► checking prerequisites" &&
	expect_match "$(sed -n 2p err)" "^✔ Kubernetes 1\.[0-9]+\.[0-9]+.* >=1\.32\.0-0$" &&
	expect_eq "$(sed -n 3p err)" "✔ prerequisites checks passed" &&
	cflux check 2>err &&
	grep -qx "✔ gitrepositories.source.toolkit.fluxcd.io/v1" err &&
	grep -qx "✔ kustomizations.kustomize.toolkit.fluxcd.io/v1" err &&
	grep -qx "✔ alerts.notification.toolkit.fluxcd.io/v1beta3" err &&
	expect_eq "$(tail -1 err)" "✔ all checks passed"
'

test_expect_success 'an unreachable server fails check with exit 1' '
	sed "s#server: .*#server: https://127.0.0.1:1#" "$KUBECONFIG" >dead.kubeconfig &&
	! cflux check --pre --kubeconfig dead.kubeconfig --timeout 5s 2>err &&
	expect_match "$(tail -1 err)" "^✗ Kubernetes API call failed: "
'

# ---- create --export ----

test_expect_success 'create source git --export prints what flux prints' '
	cflux create source git podinfo --url=https://github.com/stefanprodan/podinfo \
		--branch=master --interval=1m --export >out &&
	diff -u export-git.yaml out
'

test_expect_success 'create source git --export: commit with branch, secret, ignore, labels' '
	cflux create source git app -n apps --url ssh://git@github.com/org/app \
		--commit 0123456789abcdef0123456789abcdef01234567 --branch main \
		--secret-ref git-auth --ignore-paths "/*,!/deploy" --interval 10m \
		--label team=a --export >out &&
	diff -u export-git-full.yaml out
'

test_expect_success 'create source git --export: ignore and sparse checkout paths' '
	cflux create source git podinfo -n default --url=https://github.com/stefanprodan/podinfo \
		--branch=master --ignore-paths .cosign,non-existent-dir/ \
		--sparse-checkout-paths .cosign,non-existent-dir/ --export >out &&
	diff -u export-git-sparse.yaml out
'

test_expect_success 'create source git --export: provider and submodules' '
	cflux create source git podinfo --url=https://github.com/stefanprodan/podinfo \
		--provider github --branch=test --interval=1m0s --secret-ref appinfo \
		--recurse-submodules --export >out &&
	diff -u export-git-provider.yaml out &&
	! cflux create source git podinfo --url=https://h/x --provider dummy --branch=test --export 2>err &&
	expect_eq "$(cat err)" "✗ invalid argument \"dummy\" for \"--provider\" flag: source Git provider '"'dummy'"' is not supported, must be one of: generic|github|aws|azure"
'

test_expect_success 'create kustomization --export prints what flux prints' '
	cflux create kustomization podinfo --source=GitRepository/podinfo.flux-system \
		--path=kustomize --prune=true --interval=5m --target-namespace=default \
		--depends-on=infra,ops/db --health-check=Deployment/podinfo.default \
		--health-check HelmRelease/redis.cache --health-check-timeout=3m \
		--retry-interval=30s --service-account deployer --export >out &&
	diff -u export-ks.yaml out
'

test_expect_success 'create kustomization --export with --wait and an OCI source' '
	cflux create ks y --source ocirepository/manifests --wait --interval 60m \
		--export >out &&
	diff -u export-ks-wait.yaml out
'

test_expect_success 'create refuses bad flags with flux messages and exit 1' '
	! cflux create source git --url=https://h/x 2>err &&
	expect_eq "$(cat err)" "✗ name is required" &&
	! cflux create kustomization my-app --path=./deploy --export 2>err &&
	expect_eq "$(cat err)" "✗ source is required" &&
	! cflux create source git x --branch main --export 2>err &&
	expect_eq "$(cat err)" "✗ url is required" &&
	! cflux create source git x --url ssh://git@h/x --branch main --ca-file ca.pem 2>err &&
	expect_eq "$(cat err)" "✗ specifying a CA file is not supported for Git over SSH" &&
	! cflux create source git x --url git@github.com:org/x --branch main 2>err &&
	expect_eq "$(cat err)" "✗ git URL scheme '"''"' not supported, can be: ssh, http, https and file" &&
	! cflux create source git x --url ftp://h/x --branch main 2>err &&
	expect_eq "$(cat err)" "✗ git URL scheme '"'ftp'"' not supported, can be: ssh, http, https and file" &&
	! cflux create source git x --url https://h/x 2>err &&
	expect_eq "$(cat err)" "✗ a Git ref is required, use one of the following: --branch, --tag, --commit, --ref-name or --tag-semver" &&
	! cflux create ks x --source HelmRepository/x --export 2>err &&
	expect_eq "$(cat err)" "✗ source kind '"'HelmRepository'"' is not supported, must be one of: OCIRepository, GitRepository, Bucket" &&
	! cflux create ks x --source p --health-check Pod/x.y --export 2>err &&
	expect_eq "$(cat err)" "✗ invalid health check kind '"'Pod'"' can be HelmRelease, Deployment, DaemonSet or StatefulSet" &&
	! cflux create ks x --source p --interval 5x --export 2>err &&
	expect_eq "$(cat err)" "✗ invalid argument \"5x\" for \"--interval\" flag: time: invalid duration \"5x\"" &&
	! cflux create source git x --nope 2>err &&
	expect_eq "$(cat err)" "✗ unknown flag: --nope"
'

# ---- install ----

test_expect_success 'install --export prints the CRDs and the controller manifests' '
	cflux install --export >install.yaml &&
	expect_eq "$(head -2 install.yaml)" "$(printf -- "---\n# This manifest was generated by cflux. DO NOT EDIT.")" &&
	expect_eq "$(grep -c "^kind: CustomResourceDefinition" install.yaml)" 14 &&
	grep -q "^  name: gitrepositories.source.toolkit.fluxcd.io$" install.yaml &&
	grep -q "image: ghcr.io/cflux/cflux-controllers:v0.1.0" install.yaml &&
	grep -q "^kind: Deployment$" install.yaml &&
	grep -q "^kind: ServiceAccount$" install.yaml &&
	grep -q "^  name: cluster-reconciler-flux-system$" install.yaml &&
	k apply --dry-run=client -f install.yaml >/dev/null
'

test_expect_success 'install applies the manifests server-side and waits for the Deployment' '
	cflux install --timeout 30s 2>err &&
	expect_eq "$(sed -n 1,3p err)" "$(printf "✚ generating manifests\n✔ manifests build completed\n► installing components in flux-system namespace")" &&
	grep -qx "Namespace/flux-system created" err &&
	grep -qx "CustomResourceDefinition/gitrepositories.source.toolkit.fluxcd.io configured" err &&
	grep -qx "Deployment/flux-system/cflux-controllers created" err &&
	expect_eq "$(tail -2 err)" "$(printf "✔ cflux-controllers: deployment ready\n✔ install finished")" &&
	k get deploy cflux-controllers -n flux-system -o jsonpath="{.metadata.managedFields[0].manager}" | grep -qx cflux &&
	cflux install --timeout 30s 2>err &&
	grep -qx "Deployment/flux-system/cflux-controllers unchanged" err
'

test_expect_success 'check and version see the installed controllers' '
	cflux check 2>err &&
	grep -qx "✔ cflux-controllers: deployment ready" err &&
	grep -qx "► ghcr.io/cflux/cflux-controllers:v0.1.0" err &&
	cflux version >out &&
	expect_eq "$(sed -n 3p out)" "cflux-controllers: v0.1.0" &&
	cflux version -o json >out &&
	expect_eq "$(sed -n 2,3p out)" "$(printf "  \"cflux-controllers\": \"v0.1.0\",\n  \"flux\": \"v0.1.0\",")"
'

# ---- create, get ----

test_expect_success 'create source git applies and waits for Ready' '
	cflux create source git podinfo --url=https://github.com/stefanprodan/podinfo \
		--branch=main --timeout 20s 2>err &&
	diff -u create-git.err err &&
	expect_eq "$(k get gitrepository podinfo -n flux-system -o jsonpath="{.spec.ref.branch}")" main
'

test_expect_success 'create source git -u/-p stores the credentials in a Secret' '
	cflux create source git private --url=https://example.com/private.git \
		--branch=main -u bot -p s3cret --timeout 20s 2>err &&
	grep -qx "► applying secret with repository credentials" err &&
	grep -qx "✔ authentication configured" err &&
	expect_eq "$(k get secret private -n flux-system -o jsonpath="{.data.username}" | base64 -d)" bot &&
	expect_eq "$(k get secret private -n flux-system -o jsonpath="{.data.password}" | base64 -d)" s3cret &&
	expect_eq "$(k get gitrepository private -n flux-system -o jsonpath="{.spec.secretRef.name}")" private &&
	! cflux create source git k --url=ssh://git@example.com/k --branch=main 2>err &&
	expect_match "$(tail -1 err)" "^✗ an ssh:// URL needs --secret-ref" &&
	cflux delete source git private -s 2>/dev/null &&
	k delete secret private -n flux-system >/dev/null
'

test_expect_success 'create kustomization applies and waits for Ready' '
	cflux create kustomization podinfo --source=podinfo --path=./kustomize \
		--prune=true --timeout 20s 2>err &&
	diff -u create-ks.err err
'

test_expect_success 'the server refusing a field: the error names object and field' '
	! cflux create source git x --url https://h/x --branch main --fetch-timeout 2h 2>err &&
	expect_match "$(tail -1 err)" "^✗ GitRepository.source.toolkit.fluxcd.io \"x\" is invalid: spec.timeout: Invalid value: \"2h0m0s\"" &&
	! k get gitrepository x -n flux-system 2>/dev/null
'

test_expect_success 'create again updates the object' '
	cflux create source git podinfo --url=https://github.com/stefanprodan/podinfo \
		--branch=main --interval 2m --timeout 20s 2>err &&
	grep -qx "✔ GitRepository source updated" err &&
	expect_eq "$(k get gitrepository podinfo -n flux-system -o jsonpath="{.spec.interval}")" 2m0s
'

test_expect_success 'get sources git and get kustomizations -A print flux tables' '
	cflux get sources git >out && diff -u get-git.out out &&
	cflux get kustomizations -A >out && diff -u get-ks-A.out out &&
	cflux get ks podinfo -A >out && diff -u get-ks-A.out out
'

test_expect_success 'get all prints a table per kind, names prefixed with the kind' '
	cflux get all >out && diff -u get-all.out out &&
	cflux get sources all >out && head -3 get-all.out | diff -u - out &&
	cflux get all -A >out &&
	expect_match "$(head -1 out)" "^NAMESPACE  	NAME                 	REVISION" &&
	! cflux get all --watch 2>err &&
	expect_eq "$(cat err)" "✗ expected a single resource type, but found all"
'

test_expect_success 'get --status-selector and --no-header filter the rows' '
	cflux get sources git --status-selector ready=true --no-header >out &&
	expect_eq "$(cat out)" "$(printf "podinfo\tmain@sha1:01234567\tFalse\tTrue\tstored artifact for revision '"'main@sha1:01234567'"'\t")" &&
	cflux get sources git --status-selector ready=false >out &&
	expect_eq "$(cat out)" "$(printf "NAME\tREVISION\tSUSPENDED\tREADY\tMESSAGE ")" &&
	cflux get sources git -l team=none 2>err &&
	expect_eq "$(cat err)" "✗ no GitRepository objects found in \"flux-system\" namespace" &&
	! cflux get sources git --status-selector ready 2>err &&
	expect_eq "$(cat err)" "✗ expected status selector in type=status format, but found: ready"
'

test_expect_success 'get in an empty namespace says so and exits 0' '
	cflux get sources git -n default 2>err >out &&
	expect_eq "$(cat err)" "✗ no GitRepository objects found in \"default\" namespace" &&
	test ! -s out &&
	cflux get ks nope 2>err &&
	expect_eq "$(cat err)" "✗ Kustomization object '"'nope'"' not found in \"flux-system\" namespace"
'

test_expect_success 'get --watch prints rows as they change until --timeout' '
	! timeout 20 "$CFLUX_BIN" get sources git --watch --timeout 2s >out 2>err &&
	expect_eq "$(head -1 out)" "$(head -1 get-git.out)" &&
	expect_eq "$(sed -n 2p out)" "$(sed -n 2p get-git.out)" &&
	expect_eq "$(cat err)" "✗ timed out waiting for the condition"
'

# ---- reconcile, suspend, resume ----

test_expect_success 'reconcile kustomization --with-source annotates and waits' '
	cflux reconcile kustomization podinfo --with-source --timeout 20s 2>err &&
	diff -u reconcile-ks.err err &&
	req=$(k get ks podinfo -n flux-system -o jsonpath="{.metadata.annotations.reconcile\.fluxcd\.io/requestedAt}") &&
	expect_match "$req" "^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}(\.[0-9]+)?(Z|[+-][0-9]{2}:[0-9]{2})$" &&
	expect_eq "$(k get ks podinfo -n flux-system -o jsonpath="{.status.lastHandledReconcileAt}")" "$req"
'

test_expect_success 'reconcile source git requests a new reconciliation each time' '
	before=$(k get gitrepository podinfo -n flux-system -o jsonpath="{.status.lastHandledReconcileAt}") &&
	cflux reconcile source git podinfo --timeout 20s 2>err &&
	expect_eq "$(tail -1 err)" "✔ fetched revision $REV" &&
	after=$(k get gitrepository podinfo -n flux-system -o jsonpath="{.status.lastHandledReconcileAt}") &&
	test "$before" != "$after"
'

test_expect_success 'suspend sets spec.suspend; reconcile refuses a suspended object' '
	cflux suspend source git podinfo 2>err &&
	expect_eq "$(cat err)" "$(printf "► suspending source git podinfo in flux-system namespace\n✔ source git suspended")" &&
	expect_eq "$(k get gitrepository podinfo -n flux-system -o jsonpath="{.spec.suspend}")" true &&
	cflux get sources git --no-header >out &&
	expect_match "$(cat out)" "^podinfo	main@sha1:01234567	True	True	" &&
	! cflux reconcile source git podinfo 2>err &&
	expect_eq "$(cat err)" "✗ resource is suspended"
'

test_expect_success 'resume clears spec.suspend and waits for Ready' '
	cflux resume source git podinfo --timeout 20s 2>err &&
	printf "%s\n" "► resuming source git podinfo in flux-system namespace" \
		"✔ source git resumed" "◎ waiting for GitRepository reconciliation" \
		"✔ GitRepository podinfo reconciliation completed" \
		"✔ fetched revision $REV" >want &&
	diff -u want err &&
	expect_eq "$(k get gitrepository podinfo -n flux-system -o jsonpath="{.spec.suspend}")" false
'

test_expect_success 'suspend and resume a kustomization; a missing one is reported' '
	cflux suspend ks podinfo 2>err &&
	grep -qx "✔ kustomization suspended" err &&
	cflux resume ks podinfo --timeout 20s 2>err &&
	grep -qx "✔ Kustomization podinfo reconciliation completed" err &&
	cflux suspend source git nope 2>err &&
	expect_eq "$(cat err)" "✗ GitRepository nope not found in flux-system namespace" &&
	cflux suspend ks --all 2>err &&
	expect_eq "$(cat err)" "$(printf "► suspending kustomization podinfo in flux-system namespace\n✔ kustomization suspended")" &&
	cflux resume ks --all --timeout 20s 2>err &&
	expect_eq "$(tail -1 err)" "✔ applied revision $REV" &&
	! cflux resume ks 2>err &&
	expect_eq "$(cat err)" "✗ kustomization name is required"
'

test_expect_success 'a failing object: create and reconcile exit 1 with its message' '
	! cflux create source git bad --url https://h/bad --branch main --label fail=true \
		--timeout 20s 2>err &&
	expect_eq "$(tail -1 err)" "✗ simulated failure" &&
	! cflux reconcile source git bad --timeout 20s 2>err &&
	expect_eq "$(tail -1 err)" "✗ GitRepository reconciliation failed: '"'simulated failure'"'" &&
	cflux get sources git --status-selector ready=false --no-header >out &&
	expect_eq "$(cat out)" "$(printf "bad\t\tFalse\tFalse\tsimulated failure\t")"
'

test_expect_success 'a controller that never answers: --timeout ends the wait' '
	! cflux create source git slow --url https://h/slow --branch main --label skip=true \
		--timeout 2s 2>err &&
	expect_eq "$(tail -1 err)" "✗ context deadline exceeded" &&
	! cflux reconcile source git slow --timeout 2s 2>err &&
	expect_eq "$(tail -1 err)" "✗ context deadline exceeded"
'

test_expect_success 'reconcile of a missing object names it' '
	! cflux reconcile source git nope 2>err &&
	expect_eq "$(cat err)" "✗ gitrepositories.source.toolkit.fluxcd.io \"nope\" not found"
'

# ---- export, events, stats ----

test_expect_success 'export prints the object without status or server fields' '
	cflux export source git podinfo >out &&
	expect_eq "$(head -4 out)" "$(printf -- "---\napiVersion: source.toolkit.fluxcd.io/v1\nkind: GitRepository\nmetadata:")" &&
	grep -q "^    reconcile.fluxcd.io/requestedAt: " out &&
	! grep -Eq "status:|resourceVersion|uid:|managedFields|generation|creationTimestamp|suspend" out &&
	expect_eq "$(sed -n "/^spec:/,\$p" out)" "$(printf "spec:\n  interval: 2m0s\n  ref:\n    branch: main\n  timeout: 1m0s\n  url: https://github.com/stefanprodan/podinfo")" &&
	cflux export ks --all >out &&
	expect_eq "$(grep -c "^---$" out)" 1 &&
	grep -q "^  prune: true$" out &&
	cflux export source git --all >out &&
	expect_eq "$(grep -c "^---$" out)" 3 &&
	! cflux export source git --all -n default 2>err &&
	expect_eq "$(cat err)" "✗ no objects found in default namespace" &&
	! cflux export source git 2>err &&
	expect_eq "$(cat err)" "✗ name is required"
'

test_expect_success 'events lists the Events of Flux objects with flux columns' '
	t3=$(date -u -d "-3 hours" +%Y-%m-%dT%H:%M:%SZ) &&
	t5=$(date -u -d "-5 hours" +%Y-%m-%dT%H:%M:%SZ) &&
	cat >events.yaml <<-EOT &&
	apiVersion: v1
	kind: Event
	metadata: {name: podinfo.1, namespace: flux-system}
	involvedObject: {apiVersion: source.toolkit.fluxcd.io/v1, kind: GitRepository, name: podinfo, namespace: flux-system}
	reason: NewArtifact
	message: stored artifact for commit x
	type: Normal
	firstTimestamp: "$t3"
	lastTimestamp: "$t3"
	count: 1
	source: {component: source-controller}
	---
	apiVersion: v1
	kind: Event
	metadata: {name: podinfo.2, namespace: flux-system}
	involvedObject: {apiVersion: kustomize.toolkit.fluxcd.io/v1, kind: Kustomization, name: podinfo, namespace: flux-system}
	reason: ReconciliationFailed
	message: apply failed
	type: Warning
	firstTimestamp: "$t5"
	lastTimestamp: "$t3"
	count: 3
	source: {component: kustomize-controller}
	---
	apiVersion: v1
	kind: Event
	metadata: {name: pod.1, namespace: flux-system}
	involvedObject: {apiVersion: v1, kind: Pod, name: web, namespace: flux-system}
	reason: Started
	message: not a Flux object
	type: Normal
	firstTimestamp: "$t3"
	lastTimestamp: "$t3"
	count: 1
	EOT
	k apply -f events.yaml >/dev/null &&
	cflux events >out &&
	printf "%s\n" \
		"LAST SEEN      	TYPE   	REASON              	OBJECT               	MESSAGE                      " \
		"3h (x3 over 5h)	Warning	ReconciliationFailed	Kustomization/podinfo	apply failed                	" \
		"3h             	Normal 	NewArtifact         	GitRepository/podinfo	stored artifact for commit x	" \
		>want &&
	sort want >want.s && sort out >out.s && diff -u want.s out.s &&
	cflux events --types Warning -A >out &&
	expect_eq "$(wc -l <out)" 2 &&
	expect_match "$(head -1 out)" "^NAMESPACE  	LAST SEEN" &&
	cflux events --for GitRepository/podinfo >out &&
	expect_eq "$(wc -l <out)" 2 &&
	cflux events --for kustomization/podinfo >out &&
	expect_eq "$(wc -l <out)" 3 &&
	! cflux events --for Pod/web 2>err &&
	expect_eq "$(cat err)" "✗ '"'Pod'"' is not a recognized Flux kind" &&
	! timeout 20 "$CFLUX_BIN" events --watch --types Normal --timeout 2s >out 2>err &&
	expect_eq "$(head -1 out)" "$(printf "LAST SEEN\tTYPE  \tREASON     \tOBJECT               \tMESSAGE                      ")" &&
	expect_eq "$(sed -n 2p out)" "$(printf "3h       \tNormal\tNewArtifact\tGitRepository/podinfo\tstored artifact for commit x\t")" &&
	expect_eq "$(wc -l <out)" 2 &&
	expect_eq "$(cat err)" "✗ timed out waiting for the condition" &&
	cflux events -n default 2>err &&
	expect_eq "$(cat err)" "✗ No events found in default namespace." &&
	! cflux events --types Info 2>err &&
	expect_eq "$(cat err)" "✗ type '"'Info'"' not supported. Supported types are Normal, Warning"
'

test_expect_success 'stats counts reconcilers, failures, suspensions and storage' '
	cflux suspend ks podinfo 2>/dev/null &&
	cflux stats >out &&
	expect_eq "$(head -1 out)" "RECONCILERS          	RUNNING	FAILING	SUSPENDED	STORAGE " &&
	expect_eq "$(sed -n 2p out)" "GitRepository        	3      	1      	0        	1.5 KiB	" &&
	expect_eq "$(grep ^Kustomization out)" "Kustomization        	0      	0      	1        	-      	" &&
	expect_eq "$(wc -l <out)" 14 &&
	cflux resume ks podinfo --timeout 20s 2>/dev/null
'

# ---- delete ----

test_expect_success 'delete asks first; --silent does not' '
	! echo n | cflux delete source git slow 2>err &&
	expect_eq "$(tail -1 err)" "✗ aborting" &&
	k get gitrepository slow -n flux-system >/dev/null &&
	echo y | cflux delete source git slow 2>err &&
	expect_eq "$(tail -2 err)" "$(printf "► deleting source git slow in flux-system namespace\n✔ source git deleted")" &&
	! k get gitrepository slow -n flux-system 2>/dev/null &&
	cflux delete source git bad --silent 2>err &&
	expect_eq "$(cat err)" "$(printf "► deleting source git bad in flux-system namespace\n✔ source git deleted")" &&
	! cflux delete ks nope -s 2>err &&
	expect_eq "$(cat err)" "✗ kustomizations.kustomize.toolkit.fluxcd.io \"nope\" not found" &&
	! cflux delete source git 2>err &&
	expect_eq "$(cat err)" "✗ source git name is required"
'

# ---- global flags, completion ----

test_expect_success 'kubeconfig: --kubeconfig, KUBECONFIG, ./.cflux/kubeconfig, ~/.kube/config' '
	cp "$KUBECONFIG" kc &&
	(unset KUBECONFIG; HOME=$TEST_TMP/nohome; export HOME;
	 cflux get ks --kubeconfig kc >out && diff -u get-ks-A.out <(cflux get ks -A --kubeconfig kc) &&
	 ! cflux get ks 2>err && grep -q "^✗ " err &&
	 mkdir -p cwd/.cflux && cp kc cwd/.cflux/kubeconfig &&
	 (cd cwd && cflux get ks -A >../out2) && diff -u get-ks-A.out out2 &&
	 mkdir -p nohome/.kube && cp kc nohome/.kube/config &&
	 cflux get ks -A >out3 && diff -u get-ks-A.out out3) &&
	KUBECONFIG=/nonexistent cflux get ks -A --kubeconfig kc >out4 &&
	diff -u get-ks-A.out out4 &&
	! cflux get ks --context nope 2>err &&
	grep -q "^✗ .*nope" err
'

test_expect_success 'global flags go anywhere; -n picks the namespace' '
	cflux -n flux-system get ks >a &&
	cflux get --namespace=flux-system ks >b && diff -u a b &&
	cflux get ks --timeout=10s >c && diff -u a c &&
	FLUX_SYSTEM_NAMESPACE=default cflux get ks 2>err &&
	expect_eq "$(cat err)" "✗ no Kustomization objects found in \"default\" namespace" &&
	! cflux get ks --timeout nope 2>err &&
	expect_eq "$(cat err)" "✗ invalid argument \"nope\" for \"--timeout\" flag: time: invalid duration \"nope\"" &&
	cflux create kustomization --help >out &&
	grep -qx "      --source string" out && grep -qx "      --prune" out &&
	grep -q "^  -n, --namespace string" out &&
	! cflux frobnicate 2>err &&
	expect_eq "$(cat err)" "✗ unknown command \"frobnicate\" for \"flux\""
'

test_expect_success 'completion prints scripts for bash, zsh and fish' '
	cflux completion bash >c.bash && bash -n c.bash &&
	grep -q "complete -F _cflux cflux" c.bash &&
	cflux completion zsh >c.zsh && head -1 c.zsh | grep -qx "#compdef cflux" &&
	cflux completion fish >c.fish && grep -q "complete -c cflux" c.fish &&
	! cflux completion tcsh 2>/dev/null
'

# ---- diff and tree ----

# An app the pretend controller leaves alone (skip=true): its objects are
# applied as kustomize-controller applies them, its inventory written by
# hand.
diff_inventory() {
	local ids=$1 entries="" id
	for id in $ids; do
		entries="$entries${entries:+,}{\"id\":\"$id\",\"v\":\"v1\"}"
	done
	k patch ks "$2" -n flux-system --subresource=status --type=merge \
		-p "{\"status\":{\"inventory\":{\"entries\":[$entries]}}}" >/dev/null
}

test_expect_success 'diff kustomization: an applied build has no differences' '
	k create namespace shop >/dev/null &&
	mkdir -p app &&
	cat >app/kustomization.yaml <<-\EOT &&
	resources: [deploy.yaml, secret.yaml, conf.yaml]
	EOT
	cat >app/deploy.yaml <<-\EOT &&
	apiVersion: apps/v1
	kind: Deployment
	metadata: {name: web, namespace: shop}
	spec:
	  replicas: 2
	  selector: {matchLabels: {app: web}}
	  template:
	    metadata: {labels: {app: web}}
	    spec:
	      containers:
	      - name: web
	        image: nginx:1.25
	        ports: [{containerPort: 80, name: http}]
	EOT
	cat >app/secret.yaml <<-\EOT &&
	apiVersion: v1
	kind: Secret
	metadata: {name: creds, namespace: shop}
	stringData: {password: first-pass-4711}
	EOT
	cat >app/conf.yaml <<-\EOT &&
	apiVersion: v1
	kind: ConfigMap
	metadata: {name: conf, namespace: shop}
	data: {mode: fast}
	EOT
	cflux create kustomization app --source GitRepository/podinfo \
		--path ./app --prune=true --label skip=true --export | k apply -f - >/dev/null &&
	cflux build kustomization app --path app >built.yaml &&
	grep -q "kustomize.toolkit.fluxcd.io/name: app" built.yaml &&
	grep -q "kustomize.toolkit.fluxcd.io/namespace: flux-system" built.yaml &&
	k apply --server-side --field-manager=kustomize-controller -f built.yaml >/dev/null &&
	diff_inventory "shop_web_apps_Deployment shop_creds__Secret shop_conf__ConfigMap" app &&
	cflux diff kustomization app --path app >out 2>err &&
	test ! -s out && test ! -s err
'

test_expect_success 'diff kustomization: a scaled Deployment has drifted' '
	k scale deployment web -n shop --replicas=5 >/dev/null &&
	expect_eq "$(k get deploy web -n shop -o jsonpath={.spec.replicas})" 5 &&
	{ cflux diff ks app --path app >out 2>err; expect_eq "$?" 1; } &&
	printf "%s\n" "► Deployment/shop/web drifted" "" "spec.replicas" \
		"  ± value change" "    - 5" "    + 2" "" >want &&
	diff -u want out &&
	expect_eq "$(cat err)" "⚠️ identified at least one change, exiting with non-zero exit code" &&
	k scale deployment web -n shop --replicas=2 >/dev/null &&
	cflux diff ks app --path app >out && test ! -s out
'

test_expect_success 'diff kustomization: new files are created, missing ones deleted' '
	cat >app/extra.yaml <<-\EOT &&
	apiVersion: v1
	kind: ConfigMap
	metadata: {name: extra, namespace: shop}
	data: {k: v}
	EOT
	echo "resources: [deploy.yaml, secret.yaml, extra.yaml]" >app/kustomization.yaml &&
	rm app/conf.yaml &&
	{ cflux diff ks app --path app >out 2>/dev/null; expect_eq "$?" 1; } &&
	printf "%s\n" "► ConfigMap/shop/extra created" "► ConfigMap/shop/conf deleted" >want &&
	diff -u want out &&
	! k get configmap extra -n shop >/dev/null 2>&1 &&
	k patch ks app -n flux-system --type=merge -p "{\"spec\":{\"prune\":false}}" >/dev/null &&
	! cflux diff ks app --path app >out 2>/dev/null &&
	expect_eq "$(cat out)" "► ConfigMap/shop/extra created" &&
	k patch ks app -n flux-system --type=merge -p "{\"spec\":{\"prune\":true}}" >/dev/null
'

test_expect_success 'diff kustomization: a changed Secret shows masks, never values' '
	k patch secret creds -n shop --type=merge \
		-p "{\"stringData\":{\"password\":\"live-pass-0815\"}}" >/dev/null &&
	! cflux diff ks app --path app >out 2>err &&
	grep -A5 "^► Secret/shop/creds drifted" out >secret.out &&
	printf "%s\n" "► Secret/shop/creds drifted" "" "data.password" \
		"  ± value change" "    - *** (before)" "    + *** (after)" >want &&
	diff -u want secret.out &&
	! grep -e first-pass-4711 -e live-pass-0815 out err &&
	! grep -e "$(printf first-pass-4711 | base64)" -e "$(printf live-pass-0815 | base64)" out err
'

test_expect_success 'diff kustomization: ssa: Ignore is skipped; errors exit 2' '
	k annotate secret creds -n shop kustomize.toolkit.fluxcd.io/ssa=Ignore >/dev/null &&
	! cflux diff ks app --path app >out 2>/dev/null &&
	grep -qx "► Secret/shop/creds skipped" out &&
	! grep -q "Secret/shop/creds drifted" out &&
	{ cflux diff ks app --path nowhere 2>err; expect_eq "$?" 2; } &&
	expect_eq "$(cat err)" "✗ invalid resource path \"nowhere\"" &&
	{ cflux diff ks nope --path app 2>err; expect_eq "$?" 2; } &&
	grep -q "^✗ failed to get kustomization object: .*nope.* not found" err &&
	{ cflux diff ks app --path app --kustomization-file missing.yaml 2>err; expect_eq "$?" 1; } &&
	expect_eq "$(cat err)" "✗ invalid kustomization file \"missing.yaml\"" &&
	cflux create kustomization app --source GitRepository/podinfo --path ./app \
		--prune=false --export >ks-file.yaml &&
	! cflux diff ks app --path app --kustomization-file ks-file.yaml >out 2>/dev/null &&
	! grep -q deleted out && grep -qx "► ConfigMap/shop/extra created" out &&
	cp ks-file.yaml ks-post.yaml &&
	printf "  postBuild:\n    substitute: {a: b}\n" >>ks-post.yaml &&
	! cflux diff ks app --path app --kustomization-file ks-post.yaml \
		--ignore-paths "*.txt" >/dev/null 2>err &&
	! grep -q "not applied\|no effect" err
'

test_expect_success 'diff kustomization: SOPS-encrypted Secrets compare by keys' '
	mkdir -p vault &&
	echo "resources: [sealed.yaml]" >vault/kustomization.yaml &&
	enc=$(printf "ENC[AES256_GCM,data:q83x,iv:Zm9v,tag:YmFy,type:str]" | base64 -w0) &&
	cat >vault/sealed.yaml <<-EOT &&
	apiVersion: v1
	kind: Secret
	metadata: {name: vault, namespace: shop}
	data: {token: $enc}
	sops:
	  mac: ENC[AES256_GCM,data:bWFj,iv:aXY=,tag:dGFn,type:str]
	  version: 3.9.0
	EOT
	cflux create kustomization vault --source GitRepository/podinfo \
		--path ./vault --export >vault-ks.yaml &&
	cflux build ks vault --path vault --dry-run --kustomization-file vault-ks.yaml >built.yaml &&
	grep -q "token: Kioq" built.yaml && ! grep -q -e "ENC\[" -e "sops:" built.yaml &&
	cat >live-vault.yaml <<-EOT &&
	apiVersion: v1
	kind: Secret
	metadata:
	  name: vault
	  namespace: shop
	  labels: {kustomize.toolkit.fluxcd.io/name: vault, kustomize.toolkit.fluxcd.io/namespace: flux-system}
	data: {token: $(printf decrypted-token-9876 | base64 -w0)}
	EOT
	k apply --server-side --field-manager=kustomize-controller -f live-vault.yaml >/dev/null &&
	cflux diff ks vault --path vault --kustomization-file vault-ks.yaml >out 2>err &&
	test ! -s out && test ! -s err &&
	sed -i "s/^data: {token: \(.*\)}$/data: {token: \1, extra: \1}/" vault/sealed.yaml &&
	{ cflux diff ks vault --path vault --kustomization-file vault-ks.yaml >out 2>err; expect_eq "$?" 1; } &&
	printf "%s\n" "► Secret/shop/vault drifted" "" "data" "  + one map entry added:" \
		"    extra: '"'***'"'" "" >want &&
	diff -u want out &&
	! grep -e decrypted-token -e "$(printf decrypted-token-9876 | base64 -w0)" out err
'

test_expect_success 'diff kustomization: many objects of a kind, read in one list' '
	mkdir -p many &&
	echo "resources: [cms.yaml]" >many/kustomization.yaml &&
	for i in 1 2 3 4; do
		printf -- "---\napiVersion: v1\nkind: ConfigMap\nmetadata: {name: m$i, namespace: shop}\ndata: {n: \"$i\"}\n"
	done >many/cms.yaml &&
	cflux create kustomization many --source GitRepository/podinfo \
		--path ./many --export >many-ks.yaml &&
	cflux build ks many --path many --kustomization-file many-ks.yaml |
		k apply --server-side --field-manager=kustomize-controller -f - >/dev/null &&
	cflux diff ks many --path many --kustomization-file many-ks.yaml >out &&
	test ! -s out &&
	k patch configmap m3 -n shop --type=merge -p "{\"data\":{\"n\":\"33\"}}" >/dev/null &&
	k delete configmap m4 -n shop >/dev/null &&
	{ cflux diff ks many --path many --kustomization-file many-ks.yaml >out 2>/dev/null; expect_eq "$?" 1; } &&
	printf "%s\n" "► ConfigMap/shop/m3 drifted" "" "data.n" "  ± value change" \
		"    - 33" "    + 3" "" "► ConfigMap/shop/m4 created" >want &&
	diff -u want out
'

test_expect_success 'build kustomization: the spec overlay and cluster variables' '
	GIT="git -c user.name=t -c user.email=t@e -c init.defaultBranch=main" &&
	$GIT init -q site && mkdir -p site/base site/overlay &&
	cat >site/base/deploy.yaml <<-\EOT &&
	apiVersion: apps/v1
	kind: Deployment
	metadata: {name: api}
	spec:
	  replicas: 1
	  selector: {matchLabels: {app: api}}
	  template:
	    metadata: {labels: {app: api}}
	    spec:
	      containers:
	      - name: api
	        image: ghcr.io/acme/api:1.0.0
	        env:
	        - {name: DB, value: "${db_host}"}
	        - {name: TOKEN, value: "${token}"}
	        - {name: LEVEL, value: "${level:-info}"}
	EOT
	cat >site/overlay/kustomization.yaml <<-\EOT &&
	resources: [../base/deploy.yaml, extra.yaml]
	EOT
	cat >site/overlay/extra.yaml <<-\EOT &&
	apiVersion: v1
	kind: ConfigMap
	metadata: {name: extra}
	data: {owner: "${owner}"}
	EOT
	(cd site && $GIT add . && $GIT commit -qm one) &&
	k create configmap site-vars -n flux-system --from-literal=db_host=db.internal \
		--from-literal=owner=team-a >/dev/null &&
	k create secret generic site-secret -n flux-system \
		--from-literal=token=tok-from-secret-4242 >/dev/null &&
	cat >site-ks.yaml <<-\EOT &&
	apiVersion: kustomize.toolkit.fluxcd.io/v1
	kind: Kustomization
	metadata: {name: site, namespace: flux-system, labels: {skip: "true"}}
	spec:
	  interval: 10m
	  path: ./overlay
	  prune: true
	  sourceRef: {kind: GitRepository, name: podinfo}
	  targetNamespace: web
	  namePrefix: eu-
	  nameSuffix: -v2
	  images: [{name: ghcr.io/acme/api, newName: registry.local/api, newTag: 2.1.0}]
	  commonMetadata: {labels: {tier: backend}}
	  patches:
	  - patch: |
	      - op: replace
	        path: /spec/replicas
	        value: 4
	    target: {kind: Deployment}
	  postBuild:
	    substitute: {owner: team-b}
	    substituteFrom:
	    - {kind: ConfigMap, name: site-vars}
	    - {kind: Secret, name: site-secret}
	    - {kind: Secret, name: not-there, optional: true}
	EOT
	k apply -f site-ks.yaml >/dev/null &&
	(cd site && find . -path ./.git -prune -o -type f -print0 | sort -z | xargs -0 sha256sum) >before.sum &&
	cflux build ks site --path site/overlay >out.yaml 2>err &&
	test ! -s err &&
	k create --dry-run=client -o json -f out.yaml | jq -s "{items: .}" >out.json &&
	expect_eq "$(jq -r "[.items[] | .kind + \"/\" + .metadata.namespace + \"/\" + .metadata.name] | join(\" \")" out.json)" \
		"Deployment/web/eu-api-v2 ConfigMap/web/eu-extra-v2" &&
	expect_eq "$(jq -r ".items[0].spec.replicas" out.json)" 4 &&
	expect_eq "$(jq -r ".items[0].spec.template.spec.containers[0].image" out.json)" registry.local/api:2.1.0 &&
	expect_eq "$(jq -r ".items[0].spec.template.spec.containers[0].env | map(.name + \"=\" + .value) | join(\",\")" out.json)" \
		"DB=db.internal,TOKEN=tok-from-secret-4242,LEVEL=info" &&
	expect_eq "$(jq -r ".items[1].data.owner" out.json)" team-b &&
	expect_eq "$(jq -r ".items[] | .metadata.labels.tier" out.json | sort -u)" backend &&
	expect_eq "$(jq -r ".items[1].metadata.labels[\"kustomize.toolkit.fluxcd.io/name\"]" out.json)" site &&
	(cd site && find . -path ./.git -prune -o -type f -print0 | sort -z | xargs -0 sha256sum) >after.sum &&
	diff -u before.sum after.sum && test ! -e site/overlay/kustomization.yaml.original &&
	test -z "$(git -C site status --porcelain)"
'

test_expect_success 'build kustomization: --dry-run, --strict-substitute, errors' '
	KUBECONFIG=$TEST_TMP/absent cflux build ks site --path site/overlay \
		--kubeconfig "$TEST_TMP/absent" --dry-run \
		--kustomization-file site-ks.yaml >dry.yaml 2>err &&
	test ! -s err &&
	k create --dry-run=client -o json -f dry.yaml | jq -s "{items: .}" >dry.json &&
	expect_eq "$(jq -r ".items[0].spec.template.spec.containers[0].env | map(.name + \"=\" + (.value // \"\")) | join(\",\")" dry.json)" \
		"DB=,TOKEN=,LEVEL=info" &&
	expect_eq "$(jq -r ".items[1].data.owner" dry.json)" team-b &&
	! cflux build ks site --path site/overlay --dry-run --kustomization-file site-ks.yaml \
		--strict-substitute >out 2>err &&
	test ! -s out &&
	grep -q "variable not set (strict mode): \"db_host\"" err &&
	cflux build ks site --path site/overlay --strict-substitute >/dev/null &&
	k delete secret site-secret -n flux-system >/dev/null &&
	! cflux build ks site --path site/overlay >/dev/null 2>err &&
	grep -q "^✗ substitute from .Secret/flux-system/site-secret.: .*not found" err &&
	{ cflux build ks nope --path site/overlay 2>err; expect_eq "$?" 1; } &&
	grep -q "^✗ failed to get kustomization object: .*nope.* not found" err &&
	! cflux build ks site --path site/nowhere 2>err &&
	expect_eq "$(cat err)" "✗ invalid resource path \"site/nowhere\""
'

test_expect_success 'build kustomization: --ignore-paths and links out of the tree' '
	printf "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: leaked}\ndata: {k: v}\n" >outside.yaml &&
	mkdir -p gen/sub &&
	printf "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: kept}\n" >gen/kept.yaml &&
	printf "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: dropped}\n" >gen/sub/dropped.yaml &&
	ln -s "$TEST_TMP/outside.yaml" gen/link.yaml &&
	ln -s kept.yaml gen/again.yml &&
	cflux create kustomization gen --source GitRepository/podinfo --path ./gen --export >gen-ks.yaml &&
	cflux build ks gen --path gen --dry-run --kustomization-file gen-ks.yaml >out 2>err &&
	grep -qx "⚠️ link.yaml: skipping a symbolic link that points outside $TEST_TMP/gen" err &&
	! grep -q leaked out && grep -q "name: kept" out && grep -q "name: dropped" out &&
	test ! -e gen/kustomization.yaml &&
	cflux build ks gen --path gen --dry-run --kustomization-file gen-ks.yaml \
		--ignore-paths "sub/" 2>/dev/null >out &&
	! grep -q dropped out && grep -q "name: kept" out &&
	echo "resources: [kept.yaml, sub/dropped.yaml]" >gen/kustomization.yaml &&
	cflux build ks gen --path gen --dry-run --kustomization-file gen-ks.yaml \
		--ignore-paths "dropped.yaml" 2>/dev/null >out &&
	! grep -q dropped out && grep -q "name: kept" out &&
	expect_eq "$(cat gen/kustomization.yaml)" "resources: [kept.yaml, sub/dropped.yaml]" &&
	echo "resources: [kept.yaml, missing.yaml]" >gen/kustomization.yaml &&
	mkdir tmpd &&
	! TMPDIR=$TEST_TMP/tmpd cflux build ks gen --path gen --dry-run \
		--kustomization-file gen-ks.yaml 2>err >/dev/null &&
	grep -q "^✗ kustomize build failed: .$TEST_TMP/gen/kustomization.yaml.: .*missing.yaml" err &&
	! grep -q cflux-build err &&
	TMPDIR=$TEST_TMP/tmpd cflux build ks site --path site/overlay --dry-run \
		--kustomization-file site-ks.yaml >/dev/null &&
	test -z "$(ls tmpd)" &&
	mkdir -p site/base2 site/overlay2 &&
	echo "resources: [../base2]" >site/overlay2/kustomization.yaml &&
	echo "resources: [a.yaml, wip.yaml]" >site/base2/kustomization.yaml &&
	printf "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: base-a}\n" >site/base2/a.yaml &&
	printf "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: base-wip}\n" >site/base2/wip.yaml &&
	cflux build ks site --path site/overlay2 --dry-run --kustomization-file site-ks.yaml \
		>out 2>/dev/null && grep -q "name: eu-base-wip-v2" out &&
	cflux build ks site --path site/overlay2 --dry-run --kustomization-file site-ks.yaml \
		--ignore-paths "wip.yaml" >out 2>/dev/null &&
	! grep -q base-wip out && grep -q "name: eu-base-a-v2" out
'

test_expect_success 'tree kustomization nests the inventories of Kustomizations and HelmReleases' '
	cflux create kustomization root --source GitRepository/podinfo \
		--path ./ --label skip=true --export | k apply -f - >/dev/null &&
	cat <<-\EOT | k apply -f - >/dev/null &&
	apiVersion: helm.toolkit.fluxcd.io/v2
	kind: HelmRelease
	metadata: {name: redis, namespace: shop}
	spec:
	  interval: 10m
	  chartRef: {kind: OCIRepository, name: redis}
	EOT
	k patch helmrelease redis -n shop --subresource=status --type=merge -p \
		"{\"status\":{\"inventory\":{\"entries\":[{\"id\":\"shop_redis_apps_StatefulSet\",\"v\":\"v1\"},{\"id\":\"shop_redis__Service\",\"v\":\"v1\"}]}}}" >/dev/null &&
	diff_inventory "_shop__Namespace flux-system_app_kustomize.toolkit.fluxcd.io_Kustomization shop_redis_helm.toolkit.fluxcd.io_HelmRelease" root &&
	cflux tree kustomization root >out &&
	printf "%s\n" "Kustomization/flux-system/root" \
		"├── Namespace/shop" \
		"├── Kustomization/flux-system/app" \
		"│   ├── Deployment/shop/web" \
		"│   ├── Secret/shop/creds" \
		"│   └── ConfigMap/shop/conf" \
		"└── HelmRelease/shop/redis" \
		"    ├── StatefulSet/shop/redis" \
		"    └── Service/shop/redis" "" >want &&
	diff -u want out &&
	cflux tree ks root --compact >out &&
	printf "%s\n" "Kustomization/flux-system/root" \
		"├── Kustomization/flux-system/app" \
		"└── HelmRelease/shop/redis" "" >want &&
	diff -u want out &&
	cflux tree ks root -o json >out.json &&
	expect_eq "$(jq -r .resource.GroupKind.Kind out.json)" Kustomization &&
	expect_eq "$(jq -r ".resources[1].resource.Name" out.json)" app &&
	expect_eq "$(jq -r "[.resources[1].resources[].resource.Name] | join(\",\")" out.json)" web,creds,conf &&
	expect_eq "$(jq -r "[.resources[2].resources[].resource.GroupKind.Kind] | join(\",\")" out.json)" StatefulSet,Service &&
	expect_eq "$(jq -r ".resources[0].resource.Namespace" out.json)" "" &&
	expect_eq "$(jq -r ".resources[0] | has(\"resources\")" out.json)" false &&
	cflux tree ks root -o yaml >out.yaml &&
	expect_eq "$(head -4 out.yaml)" "$(printf "resource:\n  GroupKind:\n    Group: kustomize.toolkit.fluxcd.io\n    Kind: Kustomization")" &&
	grep -q "^  - resource:" out.yaml &&
	{ cflux diff ks 2>err; expect_eq "$?" 1; } &&
	expect_eq "$(cat err)" "✗ kustomization name is required" &&
	! cflux tree ks root -o table 2>err &&
	! cflux tree ks nope 2>err &&
	grep -q "^✗ .*nope.* not found" err
'

test_expect_success 'tree kustomization stops at a cycle' '
	diff_inventory "shop_web_apps_Deployment flux-system_root_kustomize.toolkit.fluxcd.io_Kustomization" app &&
	cflux tree ks root --compact >out &&
	printf "%s\n" "Kustomization/flux-system/root" \
		"├── Kustomization/flux-system/app" \
		"└── HelmRelease/shop/redis" "" >want &&
	diff -u want out &&
	cflux tree ks app >out &&
	printf "%s\n" "Kustomization/flux-system/app" \
		"├── Deployment/shop/web" \
		"└── Kustomization/flux-system/root" \
		"    ├── Namespace/shop" \
		"    └── HelmRelease/shop/redis" \
		"        ├── StatefulSet/shop/redis" \
		"        └── Service/shop/redis" "" >want &&
	diff -u want out
'

# ---- uninstall (last: it removes the CRDs) ----

test_expect_success 'uninstall removes Flux objects, components, CRDs and the namespace' '
	! echo n | cflux uninstall 2>err &&
	expect_eq "$(tail -1 err)" "✗ aborting" &&
	cflux uninstall --dry-run 2>err &&
	grep -qx "✔ Deployment/flux-system/cflux-controllers deleted (dry run)" err &&
	grep -qx "✔ GitRepository/flux-system/podinfo deleted (dry run)" err &&
	grep -qx "✔ Namespace/flux-system deleted (dry run)" err &&
	k get deploy cflux-controllers -n flux-system >/dev/null &&
	k get gitrepository podinfo -n flux-system >/dev/null &&
	k patch ks podinfo -n flux-system --type=merge \
		-p "{\"metadata\":{\"finalizers\":[\"finalizers.fluxcd.io\"]}}" >/dev/null &&
	cflux create source git stuck --url https://h/stuck --branch main \
		--label skip=true --export | k apply -f - >/dev/null &&
	k patch gitrepository stuck -n flux-system --type=merge \
		-p "{\"metadata\":{\"finalizers\":[\"finalizers.fluxcd.io\"]}}" >/dev/null &&
	cflux uninstall --silent --timeout 8s 2>err &&
	grep -qx "► deleting toolkit.fluxcd.io custom resources in all namespaces" err &&
	grep -qx "◎ waiting for finalizers" err &&
	grep -qx "⚠️ finalizers not handled in time, removing them" err &&
	grep -qx "✔ GitRepository/flux-system/stuck finalizers deleted" err &&
	! grep -q "Kustomization/flux-system/podinfo finalizers deleted" err &&
	grep -qx "✔ GitRepository/flux-system/podinfo deleted" err &&
	grep -qx "✔ Kustomization/flux-system/podinfo deleted" err &&
	grep -qx "✔ Deployment/flux-system/cflux-controllers deleted" err &&
	grep -qx "✔ CustomResourceDefinition/gitrepositories.source.toolkit.fluxcd.io deleted" err &&
	grep -qx "✔ Namespace/flux-system deleted" err &&
	expect_eq "$(tail -1 err)" "✔ uninstall finished" &&
	test -z "$(k get crd -o name | grep toolkit.fluxcd.io)" &&
	! cflux check 2>err &&
	expect_eq "$(tail -1 err)" "✗ check failed"
'

test_done
