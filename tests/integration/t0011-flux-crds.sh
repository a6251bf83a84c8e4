#!/usr/bin/env bash
# cfluxd serves Flux's own API from its first start: every Flux CRD is
# installed and Established, and Flux objects get the CRDs' defaults.
. "$(dirname "$0")/lib.sh"
start_cfluxd

test_expect_success 'every Flux CRD is installed and Established' '
	out=$(k get crd -o name | grep -c "toolkit.fluxcd.io") &&
	test "$out" -ge 13 &&
	k wait --for=condition=Established crd --all --timeout=5s >/dev/null
'

test_expect_success 'a GitRepository and a Kustomization read back with defaults' '
	cat >flux.yaml <<-EOT &&
	apiVersion: source.toolkit.fluxcd.io/v1
	kind: GitRepository
	metadata: {name: app, namespace: default}
	spec: {url: https://example.com/app.git, interval: 1m}
	---
	apiVersion: kustomize.toolkit.fluxcd.io/v1
	kind: Kustomization
	metadata: {name: app, namespace: default}
	spec:
	  interval: 5m
	  prune: true
	  sourceRef: {kind: GitRepository, name: app}
	EOT
	k apply --server-side -f flux.yaml &&
	test "$(k get kustomization app -o jsonpath="{.status.observedGeneration}")" = -1 &&
	test "$(k get gitrepository app -o jsonpath="{.status.observedGeneration}")" = -1 &&
	test "$(k get ks app -o jsonpath="{.spec.force}")" = false
'

test_expect_success 'Flux printer columns show in kubectl get' '
	out=$(k get gitrepositories) &&
	expect_match "$out" "^NAME +URL +AGE +READY +STATUS" &&
	expect_match "$out" "^app +https://example.com/app.git"
'

test_expect_success 'invalid Flux objects are refused with the field named' '
	cat >bad.yaml <<-EOT &&
	apiVersion: kustomize.toolkit.fluxcd.io/v1
	kind: Kustomization
	metadata: {name: bad, namespace: default}
	spec: {interval: 5m, sourceRef: {kind: Nope, name: x}}
	EOT
	! k apply --server-side -f bad.yaml 2>err &&
	grep -q "spec.prune" err &&
	grep -q "spec.sourceRef.kind" err
'

test_expect_success 'a restart leaves the installed CRDs untouched' '
	rv1=$(k get crd kustomizations.kustomize.toolkit.fluxcd.io -o jsonpath="{.metadata.resourceVersion}") &&
	stop_cfluxd && start_cfluxd &&
	rv2=$(k get crd kustomizations.kustomize.toolkit.fluxcd.io -o jsonpath="{.metadata.resourceVersion}") &&
	expect_eq "$rv2" "$rv1" &&
	test "$(k get ks app -o jsonpath="{.spec.sourceRef.name}")" = app
'

test_done
