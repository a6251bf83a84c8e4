# Integration-test library, sourced by tests/integration/tNNNN-*.sh.
#
# Each test file calls start_cfluxd (a fresh data dir and a random loopback
# port), then test_expect_success / test_expect_failure blocks in git's
# style, then test_done, which prints "N passed, N failed" and sets the
# exit status. Every process a test starts is stopped by PID on exit.

set -u

: "${CFLUXD:?CFLUXD must point at the cfluxd binary}"
: "${CFLUX:=$(dirname "$CFLUXD")/cflux}"
# /usr/bin/kubectl is a dispatcher that picks a kubectl by the server's
# version; the tests pin the 1.32 client itself when it is there.
if [ -z "${KUBECTL:-}" ]; then
	if [ -x /usr/lib/google-cloud-sdk/bin/kubectl.1.32 ]; then
		KUBECTL=/usr/lib/google-cloud-sdk/bin/kubectl.1.32
	else
		KUBECTL=kubectl
	fi
fi

TEST_NAME=$(basename "$0" .sh)
TEST_TMP=$(mktemp -d "${TMPDIR:-/tmp}/cf-$TEST_NAME.XXXXXX")
cd "$TEST_TMP" || exit 1
test_passed=0
test_failed=0
test_pids=()

# Test bodies run in subshells, so every PID a test starts is also written
# to a file the cleanup reads: nothing outlives the test.
track_pid() {
	test_pids+=("$1")
	echo "$1" >>"$TEST_TMP/pids"
}

cleanup() {
	local pid
	[ -f "$TEST_TMP/pids" ] && mapfile -t test_pids <"$TEST_TMP/pids"
	for pid in "${test_pids[@]}"; do
		kill "$pid" 2>/dev/null
	done
	for pid in "${test_pids[@]}"; do
		wait_gone "$pid"
	done
	if [ "$test_failed" -eq 0 ] && [ -z "${KEEP_TMP:-}" ]; then
		rm -rf "$TEST_TMP"
	else
		echo "# kept $TEST_TMP"
	fi
}
trap cleanup EXIT

say() { echo "# $*"; }

# start_cfluxd [extra flags...]: start cfluxd on 127.0.0.1:0 with a fresh
# data dir and wait until it answers /readyz. Sets CF_DATA, CF_PID,
# KUBECONFIG and CF_SERVER. The controllers run only when the test sets
# CF_CONTROLLERS=1 (the artifact server then listens on a free port).
start_cfluxd() {
	local mode=--no-controllers
	CF_DATA=${CF_DATA:-$TEST_TMP/data}
	mkdir -p "$CF_DATA"
	rm -f "$CF_DATA/kubeconfig"
	if [ "${CF_CONTROLLERS:-}" = 1 ]; then
		mode="--storage-addr=127.0.0.1:0"
	fi
	"$CFLUXD" --data-dir "$CF_DATA" --listen 127.0.0.1:0 "$mode" \
		"$@" >>"$TEST_TMP/cfluxd.log" 2>&1 &
	CF_PID=$!
	track_pid "$CF_PID"
	wait_ready
}

wait_ready() {
	local i
	for i in $(seq 1 100); do
		if [ -s "$CF_DATA/kubeconfig" ] &&
			k get --raw /readyz >/dev/null 2>&1; then
			export KUBECONFIG=$CF_DATA/kubeconfig
			CF_SERVER=$(sed -n 's/^ *server: //p' "$KUBECONFIG")
			return 0
		fi
		kill -0 "$CF_PID" 2>/dev/null || break
		sleep 0.1
	done
	echo "cfluxd did not become ready; its log:" >&2
	tail -50 "$TEST_TMP/cfluxd.log" >&2
	exit 1
}

# Wait up to 10 s for a process to exit (it need not be our child).
wait_gone() {
	local i
	for i in $(seq 100); do
		kill -0 "$1" 2>/dev/null || return 0
		sleep 0.1
	done
	kill -9 "$1" 2>/dev/null
	return 1
}

stop_cfluxd() {
	kill "$CF_PID" 2>/dev/null
	wait_gone "$CF_PID"
}

# wait_jsonpath RESOURCE NAME NAMESPACE JSONPATH VALUE [SECONDS]: poll
# (default 20 s) until the field reads VALUE; on timeout show the object.
wait_jsonpath() {
	local i got
	for i in $(seq $((${6:-20} * 10))); do
		got=$(k -n "$3" get "$1" "$2" -o jsonpath="$4" 2>/dev/null)
		[ "$got" = "$5" ] && return 0
		sleep 0.1
	done
	echo "$1 $3/$2 $4: want '$5', got '$got'"
	k -n "$3" get "$1" "$2" -o yaml
	return 1
}

# Jsonpaths of the Ready condition, for wait_jsonpath and kfield.
READY='{.status.conditions[?(@.type=="Ready")].status}'
REASON='{.status.conditions[?(@.type=="Ready")].reason}'
MESSAGE='{.status.conditions[?(@.type=="Ready")].message}'

# Extra spec lines for the apply_* helpers: given indented by two spaces
# under spec, leading tabs (from the test's own indentation) dropped.
extra_spec() { printf '%s\n' "${1:-}" | sed 's/^\t*//'; }

# apply_flux APIVERSION KIND NAME SPEC [EXTRA]: apply an object named NAME in
# $NS (flux-system) with the spec lines SPEC and EXTRA.
apply_flux() {
	cat <<-EOT | k apply -f - >/dev/null
	apiVersion: $1
	kind: $2
	metadata: {name: $3, namespace: ${NS:-flux-system}}
	spec:
	$(extra_spec "$4")
	$(extra_spec "${5:-}")
	EOT
}

# apply_gitrepository NAME URL [EXTRA]: a GitRepository following branch
# main every 10m.
apply_gitrepository() {
	apply_flux source.toolkit.fluxcd.io/v1 GitRepository "$1" "  interval: 10m
	  url: $2
	  ref: {branch: main}" "${3:-}"
}

# apply_kustomization NAME SOURCE PATH [EXTRA]: a pruning Kustomization of
# GitRepository SOURCE ("name", or "namespace/name" for another
# namespace), every 10m.
apply_kustomization() {
	local ref="name: $2"
	case $2 in */*) ref="name: ${2#*/}, namespace: ${2%%/*}" ;; esac
	apply_flux kustomize.toolkit.fluxcd.io/v1 Kustomization "$1" "  interval: 10m
	  path: $3
	  prune: true
	  sourceRef: {kind: GitRepository, $ref}" "${4:-}"
}

# kfield NAME JSONPATH: a field of Kustomization NAME in $NS.
kfield() { k -n "${NS:-flux-system}" get kustomization "$1" -o jsonpath="$2"; }

# wait_ks NAME JSONPATH VALUE [SECONDS]: wait_jsonpath for a Kustomization
# in $NS (flux-system).
wait_ks() { wait_jsonpath kustomization "$1" "${NS:-flux-system}" "$2" "$3" "${4:-20}"; }

# request_reconcile KIND/NAME: ask for a reconciliation now, as
# `flux reconcile` does, of an object in $NS (flux-system).
request_reconcile() {
	k -n "${NS:-flux-system}" annotate --overwrite "$1" \
		reconcile.fluxcd.io/requestedAt="$(date +%s%N)" >/dev/null
}

# kubectl with this test's kubeconfig and a fresh discovery cache.
k() {
	"$KUBECTL" --kubeconfig "$CF_DATA/kubeconfig" \
		--cache-dir "$TEST_TMP/kube-cache" "$@"
}

test_expect_success() {
	local desc=$1 body=$2 out=$TEST_TMP/out.$((test_passed + test_failed))
	if (eval "$body") >"$out" 2>&1; then
		test_passed=$((test_passed + 1))
		echo "ok $((test_passed + test_failed)) - $desc"
	else
		test_failed=$((test_failed + 1))
		echo "not ok $((test_passed + test_failed)) - $desc"
		sed 's/^/#   /' "$out"
	fi
}

# The body must fail (a non-zero exit) for the test to pass.
test_expect_failure() {
	test_expect_success "$1" "! ( $2 )"
}

# expect_eq ACTUAL EXPECTED: compare and show both on mismatch.
expect_eq() {
	if [ "$1" != "$2" ]; then
		echo "expected: $2"
		echo "actual:   $1"
		return 1
	fi
}

# expect_match TEXT REGEX
expect_match() {
	if ! printf '%s' "$1" | grep -Eq -- "$2"; then
		echo "no match for /$2/ in:"
		printf '%s\n' "$1"
		return 1
	fi
}

# Under ASan/UBSan (scripts/test.sh --sanitize) the server reports leaks and
# undefined behaviour in its log when it exits: stop it cleanly and count
# any report as a failed test.
check_sanitizer_log() {
	if [ -n "${CF_PID:-}" ] && kill -0 "$CF_PID" 2>/dev/null; then
		stop_cfluxd
	fi
	if [ -f "$TEST_TMP/cfluxd.log" ] && grep -qE \
		"ERROR: (AddressSanitizer|LeakSanitizer)|runtime error:" \
		"$TEST_TMP/cfluxd.log"; then
		test_failed=$((test_failed + 1))
		echo "not ok - cfluxd reported a sanitizer error:"
		grep -E -A20 "ERROR: (AddressSanitizer|LeakSanitizer)|runtime error:" \
			"$TEST_TMP/cfluxd.log" | head -40 | sed 's/^/#   /'
	fi
}

test_done() {
	check_sanitizer_log
	echo "$test_passed passed, $test_failed failed"
	[ "$test_failed" -eq 0 ]
}
