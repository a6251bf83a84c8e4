#!/usr/bin/env bash
# CustomResourceDefinitions: served within a second, Established, printer
# columns, status subresource, pruning, defaulting and validation.
. "$(dirname "$0")/lib.sh"
start_cfluxd
cd "$TEST_TMP" || exit 1

cat >crd.yaml <<'EOT'
apiVersion: apiextensions.k8s.io/v1
kind: CustomResourceDefinition
metadata:
  name: widgets.example.com
spec:
  group: example.com
  scope: Namespaced
  names:
    plural: widgets
    singular: widget
    kind: Widget
    shortNames: [wd]
  versions:
  - name: v1
    served: true
    storage: true
    subresources:
      status: {}
    additionalPrinterColumns:
    - name: Size
      type: integer
      jsonPath: .spec.size
    - name: Ready
      type: string
      jsonPath: .status.conditions[?(@.type=="Ready")].status
    schema:
      openAPIV3Schema:
        type: object
        properties:
          spec:
            type: object
            required: [size]
            properties:
              size: {type: integer, minimum: 1}
              color: {type: string, default: blue, enum: [blue, red]}
          status:
            type: object
            default: {observedGeneration: -1}
            properties:
              observedGeneration: {type: integer}
              conditions:
                type: array
                items:
                  type: object
                  properties:
                    type: {type: string}
                    status: {type: string}
EOT

test_expect_success 'a CRD becomes Established and served' '
	k apply -f crd.yaml &&
	k wait --for=condition=Established crd/widgets.example.com --timeout=5s &&
	k api-resources --api-group=example.com | grep -Eq "^widgets +wd +example.com/v1 +true +Widget"
'

test_expect_success 'custom resources are created with defaults and pruned' '
	cat >w1.yaml <<-EOT &&
	apiVersion: example.com/v1
	kind: Widget
	metadata: {name: w1, namespace: default}
	spec: {size: 3, unknown: dropped}
	EOT
	k apply --server-side --validate=false -f w1.yaml &&
	test "$(k get wd w1 -o jsonpath="{.spec.color}")" = blue &&
	test -z "$(k get wd w1 -o jsonpath="{.spec.unknown}")" &&
	test "$(k get wd w1 -o jsonpath="{.status.observedGeneration}")" = -1
'

test_expect_success 'strict field validation refuses unknown fields' '
	sed "s/name: w1/name: w2/" w1.yaml >w2.yaml &&
	! k apply --server-side -f w2.yaml 2>err &&
	grep -q "unknown field \"spec.unknown\"" err
'

test_expect_success 'schema validation gives 422 with the field' '
	cat >bad.yaml <<-EOT &&
	apiVersion: example.com/v1
	kind: Widget
	metadata: {name: bad, namespace: default}
	spec: {size: 0, color: green}
	EOT
	! k apply --server-side -f bad.yaml 2>err &&
	grep -q "spec.size" err &&
	grep -q "spec.color" err
'

test_expect_success 'printer columns show in kubectl get' '
	out=$(k get widgets) &&
	expect_match "$out" "^NAME +SIZE +READY$" &&
	expect_match "$out" "^w1 +3 "
'

test_expect_success 'status goes through the subresource only' '
	k patch wd w1 --type merge -p "{\"status\":{\"observedGeneration\":5}}" &&
	test "$(k get wd w1 -o jsonpath="{.status.observedGeneration}")" = -1 &&
	k patch wd w1 --subresource=status --type merge -p "{\"status\":{\"observedGeneration\":1,\"conditions\":[{\"type\":\"Ready\",\"status\":\"True\"}]}}" &&
	test "$(k get wd w1 -o jsonpath="{.status.observedGeneration}")" = 1 &&
	test "$(k get wd w1 -o jsonpath="{.metadata.generation}")" = 1 &&
	k get widgets | grep -Eq "^w1 +3 +True"
'

test_expect_success 'strategic merge patches are refused for custom resources' '
	! k patch wd w1 --type strategic -p "{\"spec\":{\"size\":4}}" 2>err &&
	grep -q "UnsupportedMediaType\|unknown format" err
'

test_expect_success 'deleting the CRD removes its resources and its API' '
	k delete crd widgets.example.com --timeout=10s &&
	! k get crd widgets.example.com 2>/dev/null &&
	! k get --raw /apis/example.com/v1/namespaces/default/widgets 2>/dev/null
'

test_done
