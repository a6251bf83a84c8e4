#!/usr/bin/env bash
# cfluxd's source-controller against real Git servers on 127.0.0.1: a
# local repository (file://) and git http-backend behind lighttpd with
# basic auth (tests/lib/gitserver.sh). Each case asserts what a Flux user
# sees: conditions, reasons, revision, and the artifact in storage.
. "$(dirname "$0")/lib.sh"
GITSERVER=$(cd "$(dirname "$0")/../lib" && pwd)/gitserver.sh
CF_CONTROLLERS=1 start_cfluxd --artifact-retention-ttl=0s \
	--artifact-retention-records=2
GIT="git -c user.name=t -c user.email=t@e -c init.defaultBranch=main"

# A repository with an app and a file the ignore rules drop.
mkdir -p srv/public srv/private
$GIT init -q up
(cd up && mkdir -p apps && printf 'kind: ConfigMap\n' >apps/cm.yaml &&
	echo x >apps/logo.png && $GIT add . && $GIT commit -qm one)
git clone -q --bare up srv/private/r.git

head_of() { git -C up rev-parse HEAD; }

gitrepo() { # name url [extra spec lines]
	cat <<-EOT | k apply -f - >/dev/null
	apiVersion: source.toolkit.fluxcd.io/v1
	kind: GitRepository
	metadata: {name: $1, namespace: default}
	spec:
	  interval: 1m
	  url: $2
	  ref: {branch: main}
	${3:-}
	EOT
}

field() { k get gitrepository "$1" -o jsonpath="$2"; }

# wait_for NAME JSONPATH VALUE: up to 20 s.
wait_for() {
	local i got
	for i in $(seq 200); do
		got=$(field "$1" "$2" 2>/dev/null)
		[ "$got" = "$3" ] && return 0
		sleep 0.1
	done
	echo "$1 $2: want '$3', got '$got'"
	k get gitrepository "$1" -o yaml
	return 1
}

request() { # name: reconcile now, as flux reconcile does
	k annotate --overwrite gitrepository "$1" \
		reconcile.fluxcd.io/requestedAt="$(date +%s%N)" >/dev/null
}

ready() { field "$1" '{.status.conditions[?(@.type=="Ready")].status}'; }
reason() { field "$1" '{.status.conditions[?(@.type=="Ready")].reason}'; }
message() { field "$1" '{.status.conditions[?(@.type=="Ready")].message}'; }

test_expect_success 'a file:// repository becomes an artifact with Flux revision and digest' '
	gitrepo local "file://$TEST_TMP/up" &&
	wait_for local "{.status.conditions[?(@.type==\"Ready\")].status}" True &&
	rev=$(field local "{.status.artifact.revision}") &&
	expect_eq "$rev" "main@sha1:$(head_of)" &&
	expect_eq "$(message local)" "stored artifact for revision '"'"'$rev'"'"'" &&
	expect_eq "$(reason local)" Succeeded &&
	path=$(field local "{.status.artifact.path}") &&
	expect_eq "$path" "gitrepository/default/local/$(head_of).tar.gz" &&
	digest=$(field local "{.status.artifact.digest}") &&
	expect_eq "$digest" "sha256:$(sha256sum "$CF_DATA/storage/$path" | cut -d" " -f1)" &&
	expect_eq "$(field local "{.status.artifact.size}")" "$(stat -c %s "$CF_DATA/storage/$path")" &&
	expect_eq "$(field local "{.status.observedGeneration}")" 1 &&
	expect_eq "$(field local "{.metadata.finalizers[0]}")" finalizers.fluxcd.io
'

test_expect_success 'the artifact URL serves the file with the advertised digest' '
	url=$(field local "{.status.artifact.url}") &&
	expect_match "$url" "^http://127.0.0.1:[1-9][0-9]*/gitrepository/default/local/" &&
	got=$(curl -sf "$url" | sha256sum | cut -d" " -f1) &&
	expect_eq "sha256:$got" "$(field local "{.status.artifact.digest}")" &&
	code=$(curl -s -o /dev/null -w "%{http_code}" --path-as-is "${url%%/gitrepository/*}/../../etc/passwd") &&
	test "$code" = 403 -o "$code" = 404
'

test_expect_success 'a NewArtifact event names the revision' '
	for i in $(seq 50); do
		k get events --field-selector involvedObject.name=local \
			-o jsonpath="{.items[*].reason}" | grep -q NewArtifact && break
		sleep 0.1
	done &&
	ev=$(k get events --field-selector involvedObject.name=local,reason=NewArtifact \
		-o jsonpath="{.items[0].message} {.items[0].source.component} {.items[0].metadata.annotations.source\.toolkit\.fluxcd\.io/revision}") &&
	expect_eq "$ev" "stored artifact for revision '"'"'main@sha1:$(head_of)'"'"' source-controller main@sha1:$(head_of)"
'

test_expect_success 'the artifact holds the tree minus the default ignore rules' '
	path=$(field local "{.status.artifact.path}") &&
	expect_eq "$(tar -tzf "$CF_DATA/storage/$path" | sort | tr "\n" " ")" "apps/ apps/cm.yaml "
'

test_expect_success 'the same commit packed again gives the same digest' '
	d1=$(field local "{.status.artifact.digest}") &&
	gitrepo local2 "file://$TEST_TMP/up" &&
	wait_for local2 "{.status.conditions[?(@.type==\"Ready\")].status}" True &&
	expect_eq "$(field local2 "{.status.artifact.digest}")" "$d1"
'

test_expect_success 'a new commit becomes a new artifact on request, handshake answered' '
	(cd up && echo two >apps/two.yaml && $GIT add . && $GIT commit -qm two) &&
	request local &&
	want=$(field local "{.metadata.annotations.reconcile\.fluxcd\.io/requestedAt}") &&
	wait_for local "{.status.artifact.revision}" "main@sha1:$(head_of)" &&
	wait_for local "{.status.lastHandledReconcileAt}" "$want" &&
	expect_eq "$(ready local)" True
'

test_expect_success 'spec.ignore drops files and a change of it rebuilds the same commit' '
	k patch gitrepository local --type=merge -p "{\"spec\":{\"ignore\":\"two.yaml\"}}" >/dev/null &&
	wait_for local "{.status.observedIgnore}" two.yaml &&
	path=$(field local "{.status.artifact.path}") &&
	expect_eq "$(tar -tzf "$CF_DATA/storage/$path" | sort | tr "\n" " ")" "apps/ apps/cm.yaml apps/logo.png "
'

test_expect_success 'a missing branch fails with GitOperationFailed and the ref in the message' '
	gitrepo nobranch "file://$TEST_TMP/up" &&
	k patch gitrepository nobranch --type=merge -p "{\"spec\":{\"ref\":{\"branch\":\"nope\"}}}" >/dev/null &&
	wait_for nobranch "{.status.conditions[?(@.type==\"FetchFailed\")].status}" True &&
	wait_for nobranch "{.status.conditions[?(@.type==\"Ready\")].reason}" GitOperationFailed &&
	expect_match "$(message nobranch)" "nope" &&
	expect_eq "$(ready nobranch)" False &&
	expect_eq "$(field nobranch "{.status.conditions[?(@.type==\"Reconciling\")].reason}")" ProgressingWithRetry
'

test_expect_success 'http with basic auth: a wrong password is AuthenticationFailed, fixed it recovers' '
	port=$(bash "$GITSERVER" http-start "$TEST_TMP/http" "$TEST_TMP/srv" alice s3cret) &&
	track_pid "$(cat "$TEST_TMP/http/server.pid")" &&
	k create secret generic creds --from-literal=username=alice \
		--from-literal=password=wrong-pass >/dev/null &&
	gitrepo private "http://127.0.0.1:$port/git/private/r.git" "  secretRef: {name: creds}" &&
	wait_for private "{.status.conditions[?(@.type==\"Ready\")].reason}" AuthenticationFailed &&
	expect_match "$(message private)" "authentication failed" &&
	k create secret generic creds --from-literal=username=alice \
		--from-literal=password=s3cret --dry-run=client -o yaml | k apply -f - >/dev/null &&
	request private &&
	wait_for private "{.status.conditions[?(@.type==\"Ready\")].status}" True &&
	expect_eq "$(field private "{.status.artifact.revision}")" \
		"main@sha1:$(git -C srv/private/r.git rev-parse main)"
'

test_expect_success 'no password appears in statuses or logs' '
	! k get gitrepository -o yaml | grep -e wrong-pass -e s3cret &&
	! grep -e wrong-pass -e s3cret "$TEST_TMP/cfluxd.log"
'

test_expect_success 'a missing secret names the secret' '
	gitrepo nosecret "file://$TEST_TMP/up" "  secretRef: {name: absent}" &&
	wait_for nosecret "{.status.conditions[?(@.type==\"Ready\")].reason}" AuthenticationFailed &&
	expect_match "$(message nosecret)" "default/absent"
'

test_expect_success 'suspend stops updates, resume brings the new commit' '
	k patch gitrepository local --type=merge -p "{\"spec\":{\"suspend\":true}}" >/dev/null &&
	sleep 0.5 &&
	old=$(field local "{.status.artifact.revision}") &&
	(cd up && echo three >apps/three.yaml && $GIT add . && $GIT commit -qm three) &&
	request local && sleep 1.5 &&
	expect_eq "$(field local "{.status.artifact.revision}")" "$old" &&
	k patch gitrepository local --type=merge -p "{\"spec\":{\"suspend\":false}}" >/dev/null &&
	wait_for local "{.status.artifact.revision}" "main@sha1:$(head_of)"
'

test_expect_success 'deleting a GitRepository removes its artifacts and the object' '
	test -d "$CF_DATA/storage/gitrepository/default/local2" &&
	k delete gitrepository local2 --timeout=20s >/dev/null &&
	! test -e "$CF_DATA/storage/gitrepository/default/local2" &&
	! k get gitrepository local2 2>/dev/null
'

test_expect_success 'old artifacts beyond --artifact-retention-records are collected' '
	for i in 4 5 6; do
		(cd up && echo $i >apps/n$i.yaml && $GIT add . && $GIT commit -qm n$i) &&
		request local &&
		wait_for local "{.status.artifact.revision}" "main@sha1:$(head_of)" || return 1
	done &&
	request local && sleep 1 &&
	n=$(ls "$CF_DATA/storage/gitrepository/default/local" | grep -c "tar.gz$") &&
	expect_eq "$n" 2
'

test_expect_success 'https with ca.crt in secretRef becomes Ready; without it the failure says why' '
	port=$(bash "$GITSERVER" https-start "$TEST_TMP/https" "$TEST_TMP/srv") &&
	track_pid "$(cat "$TEST_TMP/https/server.pid")" &&
	k create secret generic tlsca --from-file=ca.crt="$TEST_TMP/https/ca.crt" >/dev/null &&
	gitrepo overtls "https://127.0.0.1:$port/git/private/r.git" "  secretRef: {name: tlsca}" &&
	gitrepo untrusted "https://127.0.0.1:$port/git/private/r.git" &&
	wait_for overtls "{.status.conditions[?(@.type==\"Ready\")].status}" True &&
	expect_eq "$(field overtls "{.status.artifact.revision}")" \
		"main@sha1:$(git -C srv/private/r.git rev-parse main)" &&
	wait_for untrusted "{.status.conditions[?(@.type==\"FetchFailed\")].status}" True &&
	expect_eq "$(ready untrusted)" False &&
	expect_match "$(message untrusted)" "server certificate verification failed"
'

test_expect_success 'mTLS: caFile (legacy key) with tls.crt and tls.key; half a pair names the keys' '
	port=$(bash "$GITSERVER" https-start "$TEST_TMP/mtls" "$TEST_TMP/srv" mtls) &&
	track_pid "$(cat "$TEST_TMP/mtls/server.pid")" &&
	k create secret generic mtls --from-file=caFile="$TEST_TMP/mtls/ca.crt" \
		--from-file=tls.crt="$TEST_TMP/mtls/client.crt" \
		--from-file=tls.key="$TEST_TMP/mtls/client.key" >/dev/null &&
	k create secret generic halfpair --from-file=ca.crt="$TEST_TMP/mtls/ca.crt" \
		--from-file=tls.crt="$TEST_TMP/mtls/client.crt" >/dev/null &&
	gitrepo overmtls "https://127.0.0.1:$port/git/private/r.git" "  secretRef: {name: mtls}" &&
	gitrepo halfpair "https://127.0.0.1:$port/git/private/r.git" "  secretRef: {name: halfpair}" &&
	wait_for overmtls "{.status.conditions[?(@.type==\"Ready\")].status}" True &&
	wait_for halfpair "{.status.conditions[?(@.type==\"Ready\")].reason}" AuthenticationFailed &&
	expect_eq "$(message halfpair)" "failed to configure authentication options: secret '"'"'default/halfpair'"'"' contains '"'"'tls.crt'"'"' but missing '"'"'tls.key'"'"'"
'

test_expect_success 'proxySecretRef: fetched through tinyproxy with basic auth' '
	hport=$(cat "$TEST_TMP/http/port") &&
	pport=$(bash "$GITSERVER" proxy-start "$TEST_TMP/proxy" pxuser px-Pa55-word) &&
	track_pid "$(cat "$TEST_TMP/proxy/server.pid")" &&
	k create secret generic proxy --from-literal=address="http://127.0.0.1:$pport" \
		--from-literal=username=pxuser --from-literal=password=px-Pa55-word >/dev/null &&
	gitrepo viaproxy "http://127.0.0.1:$hport/git/private/r.git" \
		"$(printf "  secretRef: {name: creds}\n  proxySecretRef: {name: proxy}")" &&
	wait_for viaproxy "{.status.conditions[?(@.type==\"Ready\")].status}" True &&
	expect_eq "$(field viaproxy "{.status.artifact.revision}")" \
		"main@sha1:$(git -C srv/private/r.git rev-parse main)" &&
	grep -q "GET http://127.0.0.1:$hport/git/private/r.git/info/refs" "$TEST_TMP/proxy/tinyproxy.log"
'

test_expect_success 'a proxy Secret without address, or with another scheme, is Ready False naming it' '
	k create secret generic noaddr --from-literal=username=pxuser >/dev/null &&
	k create secret generic ftpproxy --from-literal=address=ftp://127.0.0.1:1 >/dev/null &&
	gitrepo noaddr "file://$TEST_TMP/up" "  proxySecretRef: {name: noaddr}" &&
	gitrepo ftpproxy "file://$TEST_TMP/up" "  proxySecretRef: {name: ftpproxy}" &&
	wait_for noaddr "{.status.conditions[?(@.type==\"Ready\")].reason}" AuthenticationFailed &&
	expect_eq "$(ready noaddr)" False &&
	expect_eq "$(message noaddr)" "failed to configure proxy options: secret '"'"'default/noaddr'"'"': key '"'"'address'"'"' not found" &&
	wait_for ftpproxy "{.status.conditions[?(@.type==\"Ready\")].reason}" AuthenticationFailed &&
	expect_match "$(message ftpproxy)" "supported schemes \(http, https, socks5\), got '"'"'ftp'"'"'"
'

test_expect_success 'no proxy password appears in statuses or logs' '
	! k get gitrepository -o yaml | grep -e px-Pa55-word &&
	! grep -e px-Pa55-word "$TEST_TMP/cfluxd.log"
'

bash "$GITSERVER" stop "$TEST_TMP/https" 2>/dev/null
bash "$GITSERVER" stop "$TEST_TMP/mtls" 2>/dev/null
bash "$GITSERVER" stop "$TEST_TMP/proxy" 2>/dev/null

bash "$GITSERVER" stop "$TEST_TMP/http" 2>/dev/null
test_done
