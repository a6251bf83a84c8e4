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

# A new object must not be packed twice: the pass after the finalizer
# is added, or one queued while the first artifact is packed, would do
# it again on a cache that does not hold the status yet. A few thousand
# files make the first pass long enough for that race to show.
test_expect_success 'a new GitRepository stores its first revision once' '
	$GIT init -q wide && mkdir -p wide/apps &&
	for i in $(seq 3000); do echo "v: $i" >wide/apps/f$i.yaml; done &&
	$GIT -C wide add . && $GIT -C wide commit -qm wide &&
	gitrepo wide "file://$TEST_TMP/wide" &&
	wait_for wide "{.status.artifact.revision}" "main@sha1:$(git -C wide rev-parse HEAD)" &&
	sleep 1 &&
	n=$(grep "\"stored artifact for revision" "$TEST_TMP/cfluxd.log" |
		grep -c "\"name\":\"wide\"") &&
	expect_eq "$n" 1 &&
	count=$(k get events --field-selector involvedObject.name=wide,reason=NewArtifact \
		-o jsonpath="{range .items[*]}{.count}{\"\\n\"}{end}" | awk "{n += (\$1 ? \$1 : 1)} END {print n}") &&
	expect_eq "$count" 1 &&
	! grep -q "adding finalizer: Operation cannot be fulfilled" "$TEST_TMP/cfluxd.log" &&
	k delete gitrepository wide >/dev/null
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

# spec.verify against keys made here: gpg key A signs the commits and the
# tag, key B signs nothing; the Secret decides which one is trusted.
export GNUPGHOME=$TEST_TMP/gnupg
SIGN="$GIT -c gpg.program=gpg -c user.signingkey=a@e"
if command -v gpg >/dev/null && command -v gpgv >/dev/null; then
	mkdir -m 700 "$GNUPGHOME"
	for who in a b; do
		gpg -q --batch --passphrase "" --quick-gen-key "$who <$who@e>" \
			ed25519 sign never 2>/dev/null
		gpg -q --armor --export "$who@e" >"$who.asc" 2>/dev/null
	done
	$GIT init -q signed
	(cd signed && echo 1 >f && $GIT add f && $SIGN commit -q -S -m one &&
		$SIGN tag -s -m "release one" v1.0.0)
	key_a=$(gpg --with-colons --list-keys a@e 2>/dev/null | awk -F: '/^pub/ { print $5 }')
	k create secret generic pgp-a --from-file=a.asc=a.asc >/dev/null
	k create secret generic pgp-b --from-file=b.asc=b.asc >/dev/null
	have_gpg=1
else
	echo "# skipped: gpg or gpgv not installed"
	have_gpg=
fi
signed_head() { git -C signed rev-parse HEAD; }
verified() { # name: SourceVerified status reason message, one per line
	field "$1" '{.status.conditions[?(@.type=="SourceVerified")].status}{"\n"}{.status.conditions[?(@.type=="SourceVerified")].reason}{"\n"}{.status.conditions[?(@.type=="SourceVerified")].message}'
}

test_expect_success 'spec.verify with the trusted key: SourceVerified and Ready True' '
	test -z "$have_gpg" || {
	gitrepo verified "file://$TEST_TMP/signed" \
		"  verify: {mode: HEAD, secretRef: {name: pgp-a}}" &&
	wait_for verified "{.status.conditions[?(@.type==\"Ready\")].status}" True &&
	sha=$(signed_head) &&
	expect_eq "$(verified verified)" "$(printf "True\nSucceeded\nverified signature of\n\t- commit '"'"'%s'"'"' with key '"'"'%s'"'"'" "$sha" "$key_a")" &&
	expect_eq "$(field verified "{.status.sourceVerificationMode}")" HEAD &&
	expect_eq "$(message verified)" "stored artifact for revision '"'"'main@sha1:$sha'"'"'" &&
	test -f "$CF_DATA/storage/gitrepository/default/verified/$sha.tar.gz"
	}
'

test_expect_success 'with only an untrusted key: Ready False InvalidCommitSignature, no artifact' '
	test -z "$have_gpg" || {
	gitrepo untrusted "file://$TEST_TMP/signed" \
		"  verify: {secretRef: {name: pgp-b}}" &&
	wait_for untrusted "{.status.conditions[?(@.type==\"Ready\")].reason}" InvalidCommitSignature &&
	sha=$(signed_head) &&
	msg="signature verification of commit '"'"'$sha'"'"' failed: unable to verify Git commit: unable to verify payload with any of the given key rings: no matching key" &&
	expect_eq "$(ready untrusted)" False &&
	expect_eq "$(message untrusted)" "$msg" &&
	expect_eq "$(verified untrusted)" "$(printf "False\nInvalidCommitSignature\n%s" "$msg")" &&
	expect_eq "$(field untrusted "{.status.artifact}")" "" &&
	! test -e "$CF_DATA/storage/gitrepository/default/untrusted/$sha.tar.gz" &&
	k get events --field-selector involvedObject.name=untrusted,reason=InvalidCommitSignature \
		-o jsonpath="{.items[0].type}" | grep -qx Warning
	}
'

test_expect_success 'the failure is re-evaluated: trusting key A lets the commit through' '
	test -z "$have_gpg" || {
	k create secret generic pgp-b --from-file=b.asc=b.asc \
		--from-file=a.asc=a.asc --dry-run=client -o yaml | k apply -f - >/dev/null &&
	request untrusted &&
	wait_for untrusted "{.status.conditions[?(@.type==\"Ready\")].status}" True &&
	expect_eq "$(field untrusted "{.status.conditions[?(@.type==\"SourceVerified\")].status}")" True &&
	expect_eq "$(field untrusted "{.status.artifact.revision}")" "main@sha1:$(signed_head)"
	}
'

test_expect_success 'an unsigned new commit is refused and the last artifact stays' '
	test -z "$have_gpg" || {
	old=$(signed_head) &&
	(cd signed && echo 2 >f && $GIT commit -q -am unsigned) &&
	request verified &&
	wait_for verified "{.status.conditions[?(@.type==\"Ready\")].reason}" InvalidCommitSignature &&
	expect_eq "$(message verified)" "signature verification of commit '"'"'$(signed_head)'"'"' failed: unsupported signature type: empty" &&
	expect_eq "$(field verified "{.status.artifact.revision}")" "main@sha1:$old" &&
	! test -e "$CF_DATA/storage/gitrepository/default/verified/$(signed_head).tar.gz"
	}
'

test_expect_success 'mode Tag verifies the annotated tag object of a tag ref' '
	test -z "$have_gpg" || {
	cat <<-EOT | k apply -f - >/dev/null &&
	apiVersion: source.toolkit.fluxcd.io/v1
	kind: GitRepository
	metadata: {name: tagged, namespace: default}
	spec:
	  interval: 1m
	  url: file://$TEST_TMP/signed
	  ref: {tag: v1.0.0}
	  verify: {mode: TagAndHEAD, secretRef: {name: pgp-a}}
	EOT
	wait_for tagged "{.status.conditions[?(@.type==\"Ready\")].status}" True &&
	tobj=$(git -C signed rev-parse v1.0.0) &&
	commit=$(git -C signed rev-parse "v1.0.0^{commit}") &&
	expect_eq "$(field tagged "{.status.conditions[?(@.type==\"SourceVerified\")].message}")" \
		"$(printf "verified signature of\n\t- tag '"'"'v1.0.0@%s'"'"' with key '"'"'%s'"'"'\n\t- commit '"'"'%s'"'"' with key '"'"'%s'"'"'" "$tobj" "$key_a" "$commit" "$key_a")" &&
	expect_eq "$(field tagged "{.status.sourceVerificationMode}")" TagAndHEAD
	}
'

test_expect_success 'mode Tag on a branch ref stalls with InvalidVerificationMode' '
	test -z "$have_gpg" || {
	k patch gitrepository untrusted --type=merge \
		-p "{\"spec\":{\"verify\":{\"mode\":\"Tag\"}}}" >/dev/null &&
	wait_for untrusted "{.status.conditions[?(@.type==\"Stalled\")].reason}" InvalidVerificationMode &&
	expect_eq "$(ready untrusted)" False &&
	expect_match "$(message untrusted)" "^cannot verify tag object.s signature if a tag reference is not specified .spec.verify.mode"
	}
'

test_expect_success 'without spec.verify, SourceVerified and sourceVerificationMode go away' '
	test -z "$have_gpg" || {
	k patch gitrepository untrusted --type=json \
		-p "[{\"op\":\"remove\",\"path\":\"/spec/verify\"}]" >/dev/null &&
	wait_for untrusted "{.status.conditions[?(@.type==\"Ready\")].status}" True &&
	expect_eq "$(verified untrusted)" "" &&
	expect_eq "$(field untrusted "{.status.sourceVerificationMode}")" ""
	}
'
test_expect_success 'spec.verify added on an unchanged revision checks it, same artifact' '
	test -z "$have_gpg" || {
	path=$(field tagged "{.status.artifact.path}") &&
	k create secret generic only-b --from-file=b.asc=b.asc >/dev/null &&
	k patch gitrepository tagged --type=json \
		-p "[{\"op\":\"remove\",\"path\":\"/spec/verify\"}]" >/dev/null &&
	wait_for tagged "{.status.conditions[?(@.type==\"SourceVerified\")].status}" "" &&
	k patch gitrepository tagged --type=merge \
		-p "{\"spec\":{\"verify\":{\"mode\":\"Tag\",\"secretRef\":{\"name\":\"only-b\"}}}}" >/dev/null &&
	wait_for tagged "{.status.conditions[?(@.type==\"Ready\")].reason}" InvalidTagSignature &&
	expect_eq "$(message tagged)" "signature verification of tag '"'"'v1.0.0@$(git -C signed rev-parse v1.0.0)'"'"' failed: unable to verify Git tag: unable to verify payload with any of the given key rings: no matching key" &&
	expect_eq "$(field tagged "{.status.artifact.path}")" "$path" &&
	k patch gitrepository tagged --type=merge \
		-p "{\"spec\":{\"verify\":{\"secretRef\":{\"name\":\"pgp-a\"}}}}" >/dev/null &&
	wait_for tagged "{.status.conditions[?(@.type==\"SourceVerified\")].status}" True &&
	expect_eq "$(field tagged "{.status.sourceVerificationMode}")" Tag &&
	expect_eq "$(ready tagged)" True &&
	expect_eq "$(field tagged "{.status.artifact.path}")" "$path"
	}
'

test_expect_success 'a missing key Secret is VerificationError naming it' '
	test -z "$have_gpg" || {
	gitrepo nokeys "file://$TEST_TMP/signed" \
		"  verify: {secretRef: {name: no-such-keys}}" &&
	wait_for nokeys "{.status.conditions[?(@.type==\"Ready\")].reason}" VerificationError &&
	expect_eq "$(message nokeys)" "public keys secret error: secrets \"no-such-keys\" not found" &&
	expect_eq "$(field nokeys "{.status.conditions[?(@.type==\"SourceVerified\")].status}")" False
	}
'
[ -n "$have_gpg" ] && gpgconf --kill gpg-agent

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

# spec.include: repository "lib" (its own Git repository) copied into the
# artifacts of others. Artifacts are downloaded from status.artifact.url
# and listed with tar, as a consumer sees them.
$GIT init -q lib
(cd lib && mkdir -p deploy/sub && printf 'kind: Lib\n' >deploy/lib.yaml &&
	printf 'kind: Sub\n' >deploy/sub/s.yaml && echo doc >README.md &&
	$GIT add . && $GIT commit -qm lib1)
lib_head() { git -C lib rev-parse HEAD; }
listing() { # name: the entries of its artifact as served, sorted
	curl -sf "$(field "$1" "{.status.artifact.url}")" | tar -tzf - | sort | tr "\n" " "
}
include_spec() { # include entries, one "name [fromPath] [toPath]" per argument
	printf "  include:\n"
	for e in "$@"; do
		set -- $e
		printf "  - repository: {name: %s}\n" "$1"
		[ -n "${2:-}" ] && printf "    fromPath: %s\n" "$2"
		[ -n "${3:-}" ] && printf "    toPath: %s\n" "$3"
	done
}

test_expect_success 'include: the included artifact lands under the repository name' '
	gitrepo lib "file://$TEST_TMP/lib" &&
	wait_for lib "{.status.conditions[?(@.type==\"Ready\")].status}" True &&
	gitrepo withlib "file://$TEST_TMP/up" "$(include_spec lib)" &&
	wait_for withlib "{.status.conditions[?(@.type==\"Ready\")].status}" True &&
	l=$(listing withlib) &&
	expect_match "$l" "apps/cm.yaml" &&
	expect_eq "$(echo "$l" | tr " " "\n" | grep "^lib" | tr "\n" " ")" \
		"lib/ lib/README.md lib/deploy/ lib/deploy/lib.yaml lib/deploy/sub/ lib/deploy/sub/s.yaml " &&
	expect_eq "$(field withlib "{.status.artifact.revision}")" "main@sha1:$(head_of)" &&
	expect_eq "$(field withlib "{.status.includedArtifacts[0].revision}")" "main@sha1:$(lib_head)" &&
	expect_eq "$(field withlib "{.status.includedArtifacts[0].digest}")" "$(field lib "{.status.artifact.digest}")" &&
	expect_eq "$(field withlib "{.status.observedInclude[0].repository.name}")" lib
'

test_expect_success 'include: the kept work tree of the including repository holds no included files' '
	! test -e "$CF_DATA/git/default/withlib.tree/lib" &&
	! ls -d "$CF_DATA"/git/.work-* "$CF_DATA"/git/.include-* 2>/dev/null
'

test_expect_success 'include: fromPath and toPath copy a subtree to a nested place' '
	gitrepo sublib "file://$TEST_TMP/up" "$(include_spec "lib deploy vendor/lib")" &&
	wait_for sublib "{.status.conditions[?(@.type==\"Ready\")].status}" True &&
	listing sublib | grep -q "vendor/lib/lib.yaml vendor/lib/sub/ vendor/lib/sub/s.yaml" &&
	! listing sublib | grep -q README.md
'

test_expect_success 'include: a new commit to the included repository rebuilds the includer by itself' '
	old=$(field withlib "{.status.artifact.digest}") &&
	rev=$(field withlib "{.status.artifact.revision}") &&
	(cd lib && printf "kind: Two\n" >deploy/two.yaml && $GIT add . && $GIT commit -qm lib2) &&
	request lib &&
	wait_for lib "{.status.artifact.revision}" "main@sha1:$(lib_head)" &&
	wait_for withlib "{.status.includedArtifacts[0].revision}" "main@sha1:$(lib_head)" &&
	wait_for sublib "{.status.includedArtifacts[0].revision}" "main@sha1:$(lib_head)" &&
	expect_eq "$(field withlib "{.status.artifact.revision}")" "$rev" &&
	test "$(field withlib "{.status.artifact.digest}")" != "$old" &&
	listing withlib | grep -q "lib/deploy/two.yaml" &&
	listing sublib | grep -q "vendor/lib/two.yaml" &&
	expect_eq "$(ready withlib)" True
'

test_expect_success 'include: nothing changed, nothing rebuilt' '
	d=$(field withlib "{.status.artifact.digest}") &&
	request withlib &&
	want=$(field withlib "{.metadata.annotations.reconcile\.fluxcd\.io/requestedAt}") &&
	wait_for withlib "{.status.lastHandledReconcileAt}" "$want" &&
	expect_eq "$(field withlib "{.status.artifact.digest}")" "$d"
'

test_expect_success 'include: a GitRepository that does not exist is IncludeUnavailable NotFound' '
	gitrepo ghostly "file://$TEST_TMP/up" "$(include_spec ghost)" &&
	wait_for ghostly "{.status.conditions[?(@.type==\"IncludeUnavailable\")].status}" True &&
	expect_eq "$(ready ghostly)" False &&
	expect_eq "$(reason ghostly)" NotFound &&
	expect_eq "$(message ghostly)" "could not get resource for include '"'"'ghost'"'"': gitrepositories.source.toolkit.fluxcd.io \"ghost\" not found" &&
	expect_eq "$(field ghostly "{.status.artifact}")" ""
'

test_expect_success 'include: once it exists with an artifact, the includer recovers by itself' '
	gitrepo ghost "file://$TEST_TMP/lib" &&
	wait_for ghostly "{.status.conditions[?(@.type==\"Ready\")].status}" True &&
	listing ghostly | grep -q "ghost/deploy/lib.yaml" &&
	expect_eq "$(field ghostly "{.status.conditions[?(@.type==\"IncludeUnavailable\")].status}")" ""
'

test_expect_success 'include: toPath ../x is IllegalPath, and nothing is written outside the tree' '
	gitrepo escape "file://$TEST_TMP/up" "$(include_spec "lib deploy ../x")" &&
	wait_for escape "{.status.conditions[?(@.type==\"Ready\")].reason}" IllegalPath &&
	expect_eq "$(ready escape)" False &&
	expect_eq "$(field escape "{.status.conditions[?(@.type==\"StorageOperationFailed\")].status}")" True &&
	expect_eq "$(message escape)" "path calculation for include '"'"'lib'"'"' failed: spec.include[0].toPath: '"'"'../x'"'"' leads outside the artifact" &&
	expect_eq "$(field escape "{.status.artifact}")" "" &&
	! find "$CF_DATA" "$TEST_TMP" -name lib.yaml | grep -v -e "^$TEST_TMP/lib/" -e "\.tree/deploy/lib\.yaml$" &&
	! test -e "$CF_DATA/git/x" && ! test -e "$CF_DATA/x"
'

test_expect_success 'include: a toPath that is the root, or an absolute fromPath, names the field' '
	gitrepo rootpath "file://$TEST_TMP/up" "$(include_spec "lib deploy ./")" &&
	wait_for rootpath "{.status.conditions[?(@.type==\"Ready\")].reason}" IllegalPath &&
	expect_match "$(message rootpath)" "spec.include\[0\]\.toPath: .\./. is the artifact root" &&
	gitrepo abspath "file://$TEST_TMP/up" "$(include_spec "lib /etc x")" &&
	wait_for abspath "{.status.conditions[?(@.type==\"Ready\")].reason}" IllegalPath &&
	expect_match "$(message abspath)" "spec.include\[0\]\.fromPath: ./etc. is an absolute path"
'

test_expect_success 'include: a fromPath the artifact lacks is CopyFailure' '
	gitrepo nofrom "file://$TEST_TMP/up" "$(include_spec "lib nope x")" &&
	wait_for nofrom "{.status.conditions[?(@.type==\"Ready\")].reason}" CopyFailure &&
	expect_eq "$(message nofrom)" "failed to copy '"'"'lib'"'"' include from nope to x: '"'"'nope'"'"' does not exist in the included artifact"
'

test_expect_success 'include: a GitRepository including itself stalls, naming spec.include' '
	gitrepo selfish "file://$TEST_TMP/up" "$(include_spec selfish)" &&
	wait_for selfish "{.status.conditions[?(@.type==\"Stalled\")].status}" True &&
	expect_eq "$(ready selfish)" False &&
	expect_eq "$(message selfish)" "spec.include[0].repository.name: GitRepository '"'"'selfish'"'"' cannot include itself"
'

test_expect_success 'include: a cycle never becomes ready and does not rebuild in a loop' '
	gitrepo cyc1 "file://$TEST_TMP/up" "$(include_spec cyc2)" &&
	gitrepo cyc2 "file://$TEST_TMP/lib" "$(include_spec cyc1)" &&
	# cyc1 met a missing cyc2 and waits --requeue-dependency (30 s), as
	# Flux does; cyc2 appearing does not wake it, since cyc2 includes it.
	request cyc1 &&
	wait_for cyc1 "{.status.conditions[?(@.type==\"Ready\")].reason}" NoArtifact &&
	wait_for cyc2 "{.status.conditions[?(@.type==\"Ready\")].reason}" NoArtifact &&
	expect_eq "$(message cyc1)" "no artifact available for include '"'"'cyc2'"'"'" &&
	gitrepo cyc3 "file://$TEST_TMP/up" &&
	wait_for cyc3 "{.status.conditions[?(@.type==\"Ready\")].status}" True &&
	gitrepo cyc4 "file://$TEST_TMP/lib" "$(include_spec cyc3)" &&
	wait_for cyc4 "{.status.conditions[?(@.type==\"Ready\")].status}" True &&
	d4=$(field cyc4 "{.status.artifact.digest}") &&
	gitrepo cyc3 "file://$TEST_TMP/up" "$(include_spec cyc4)" &&
	wait_for cyc3 "{.status.conditions[?(@.type==\"Ready\")].reason}" IncludeCycle &&
	expect_eq "$(message cyc3)" "include cycle: GitRepository '"'"'cyc4'"'"' includes '"'"'cyc3'"'"'" &&
	request cyc4 && sleep 1 &&
	expect_eq "$(field cyc4 "{.status.artifact.digest}")" "$d4"
'

bash "$GITSERVER" stop "$TEST_TMP/https" 2>/dev/null
bash "$GITSERVER" stop "$TEST_TMP/mtls" 2>/dev/null
bash "$GITSERVER" stop "$TEST_TMP/proxy" 2>/dev/null

bash "$GITSERVER" stop "$TEST_TMP/http" 2>/dev/null
test_done
