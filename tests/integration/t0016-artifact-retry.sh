#!/usr/bin/env bash
# Artifact downloads with --http-retry: the Kustomizations here use
# sources this cfluxd does not reconcile (suspended GitRepositories whose
# status names an artifact another source-controller serves), so the
# kustomize-controller downloads them over HTTP from a real server on
# 127.0.0.1 that fails on purpose (tests/lib/flaky-http.py). Transport
# errors and 5xx are tried again after 1 s, then 2 s; a 404 is not
# retried (the source has moved on); a permanent failure ends as
# Ready=False ArtifactFailed naming the cause and no credential. Last,
# SOURCE_CONTROLLER_LOCALHOST points the download at another host.
FLAKY=$(cd "$(dirname "$0")/../lib" && pwd)/flaky-http.py
. "$(dirname "$0")/lib.sh"
if ! command -v python3 >/dev/null; then
	echo "skipped: python3 is not installed"
	exit 0
fi
CF_CONTROLLERS=1 start_cfluxd --http-retry 2

# The artifact: one ConfigMap, packed as source-controller packs it.
mkdir -p art served
printf 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: fetched}\ndata: {k: v}\n' \
	>art/cm.yaml
tar -czf served/art.tar.gz -C art .
DIGEST=sha256:$(sha256sum served/art.tar.gz | cut -d" " -f1)
SIZE=$(stat -c %s served/art.tar.gz)
REV=0123456789abcdef0123456789abcdef01234567

python3 "$FLAKY" "$TEST_TMP/served" \
	"$TEST_TMP/port" "$TEST_TMP/requests.log" 2>>"$TEST_TMP/http.log" &
track_pid $!
for i in $(seq 100); do [ -s port ] && break; sleep 0.1; done
BASE=http://127.0.0.1:$(cat port)

k create ns flux-system >/dev/null 2>&1

# remote_source NAME URL: a GitRepository this cfluxd leaves alone, whose
# status points at URL.
remote_source() {
	apply_gitrepository "$1" https://git.example.invalid/fleet \
		"  suspend: true" &&
	k -n flux-system patch gitrepository "$1" --subresource=status \
		--type=merge -p "{\"status\":{\"artifact\":{
		\"path\":\"gitrepository/flux-system/$1/$REV.tar.gz\",
		\"url\":\"$2\",\"revision\":\"main@sha1:$REV\",
		\"digest\":\"$DIGEST\",\"size\":$SIZE,
		\"lastUpdateTime\":\"2026-01-01T00:00:00Z\"}}}" >/dev/null
}

# fetched NAME: remote_source NAME at URL, and a Kustomization of it that
# applies into namespace NAME.
fetched() {
	k create ns "$1" >/dev/null &&
	remote_source "$1" "$2" &&
	apply_kustomization "$1" "$1" ./ "  targetNamespace: $1"
}

# requests PATH: "<time> <status>" of each request for PATH.
requests() { awk -v p="$1" '$2 == p { print $1, $3 }' requests.log; }

# gap_between T1 T2 MIN MAX: MIN <= T2 - T1 < MAX (seconds).
gap_between() {
	awk -v a="$1" -v b="$2" -v lo="$3" -v hi="$4" \
		'BEGIN { d = b - a; printf "gap %.3f s\n", d; exit !(d >= lo && d < hi) }'
}

# All at once: the retries of one overlap the waits of the others.
cp served/art.tar.gz served/other.tar.gz && echo x >>served/other.tar.gz
test_expect_success 'Kustomizations of five artifacts served five ways' '
	fetched flaky "$BASE/fail/2/art.tar.gz" &&
	fetched dropped "$BASE/drop/2/art.tar.gz" &&
	fetched broken "http://flux:s3cr3t-pw@127.0.0.1:$(cat port)/always/art.tar.gz" &&
	fetched moved "$BASE/gone.tar.gz" &&
	fetched tampered "$BASE/other.tar.gz"
'

test_expect_success 'two 503 answers, then the artifact: applied after 1 s and 2 s waits' '
	wait_ks flaky "$READY" True &&
	expect_eq "$(k -n flaky get cm fetched -o jsonpath={.data.k})" v &&
	expect_eq "$(kfield flaky {.status.lastAppliedRevision})" "main@sha1:$REV" &&
	requests /fail/2/art.tar.gz | head -3 >got &&
	expect_eq "$(cut -d" " -f2 got | tr "\n" " ")" "503 503 200 " &&
	t=($(cut -d" " -f1 got)) &&
	gap_between "${t[0]}" "${t[1]}" 0.9 1.9 &&
	gap_between "${t[1]}" "${t[2]}" 1.9 3.5 &&
	expect_eq "$(grep -c "flaky.: downloading the artifact failed, retrying in" \
		"$TEST_TMP/cfluxd.log")" 2
'

test_expect_success 'two dropped connections, then the artifact: applied' '
	wait_ks dropped "$READY" True &&
	expect_eq "$(k -n dropped get cm fetched -o jsonpath={.data.k})" v &&
	requests /drop/2/art.tar.gz | head -3 >got &&
	expect_eq "$(cut -d" " -f2 got | tr "\n" " ")" "0 0 200 " &&
	t=($(cut -d" " -f1 got)) &&
	gap_between "${t[0]}" "${t[1]}" 0.9 1.9
'

test_expect_success 'a permanent 503 is Ready=False ArtifactFailed, naming the cause, not the password' '
	wait_ks broken "$REASON" ArtifactFailed &&
	expect_eq "$(kfield broken "$READY")" False &&
	msg=$(kfield broken "$MESSAGE") &&
	expect_match "$msg" "^failed to download artifact from .http://127\.0\.0\.1:[0-9]+/always/art\.tar\.gz., status: 503$" &&
	test "$(requests /always/art.tar.gz | wc -l)" -ge 3 &&
	! k -n broken get cm fetched 2>/dev/null &&
	! grep -q s3cr3t-pw "$TEST_TMP/cfluxd.log" &&
	! k get events -A -o yaml | grep -q s3cr3t-pw &&
	! k -n flux-system get kustomization broken -o yaml | grep -q s3cr3t-pw
'

test_expect_success 'a 404 is not retried: the Kustomization waits for its source' '
	wait_ks moved "$REASON" ArtifactFailed &&
	expect_eq "$(kfield moved "$MESSAGE")" \
		"Source artifact not found, retrying in 30s" &&
	sleep 1.5 &&
	expect_eq "$(requests /gone.tar.gz | cut -d" " -f2 | sort -u)" 404 &&
	! grep "moved.: downloading the artifact failed" "$TEST_TMP/cfluxd.log"
'

test_expect_success 'a digest mismatch is not retried and names the digest' '
	wait_ks tampered "$REASON" ArtifactFailed &&
	expect_match "$(kfield tampered "$MESSAGE")" \
		"computed digest doesn.t match .$DIGEST." &&
	expect_eq "$(requests /other.tar.gz | head -1 | cut -d" " -f2)" 200 &&
	! grep "tampered.: downloading the artifact failed" "$TEST_TMP/cfluxd.log"
'

test_expect_success 'SOURCE_CONTROLLER_LOCALHOST replaces the host of the artifact URL' '
	stop_cfluxd &&
	SOURCE_CONTROLLER_LOCALHOST=127.0.0.1:$(cat port) CF_CONTROLLERS=1 \
		start_cfluxd --http-retry 2 &&
	fetched local "http://source-controller.flux-system.svc.cluster.local./art.tar.gz" &&
	wait_ks local "$READY" True &&
	expect_eq "$(k -n local get cm fetched -o jsonpath={.data.k})" v &&
	expect_eq "$(requests /art.tar.gz | head -1 | cut -d" " -f2)" 200
'

test_done
