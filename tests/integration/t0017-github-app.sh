#!/usr/bin/env bash
# GitRepository spec.provider: github (GitHub App installation tokens).
#
# GitHub's API cannot run in a test, so tests/lib/github-app-api.py stands
# in for it on 127.0.0.1: it serves exactly the three endpoints a GitHub
# App client uses, verifies each JWT's RS256 signature against the App's
# public key and its iat/exp/iss as GitHub does, and mints tokens.
# The Git server is the real one of tests/lib/gitserver.sh (git
# http-backend behind lighttpd with basic auth) with user x-access-token
# and a random password that only the stand-in knows and mints, so only
# a token obtained from the API opens the repository.
LIB=$(cd "$(dirname "$0")/../lib" && pwd)
GITSERVER=$LIB/gitserver.sh
. "$(dirname "$0")/lib.sh"
if ! python3 -c 'import cryptography' 2>/dev/null || ! [ -x /usr/sbin/lighttpd ]; then
	echo "skipped: python3-cryptography or lighttpd is not installed"
	exit 0
fi
CF_CONTROLLERS=1 start_cfluxd
GIT="git -c user.name=t -c user.email=t@e -c init.defaultBranch=main"

# The repository, served only to basic auth by lighttpd, with a password
# cfluxd is never told: only the stand-in hands it out, as a token.
mkdir -p srv/private
$GIT init -q up
(cd up && mkdir -p apps && printf 'kind: ConfigMap\n' >apps/cm.yaml &&
	$GIT add . && $GIT commit -qm one)
git clone -q --bare up srv/private/r.git
TOKEN=ghs_$(head -c 18 /dev/urandom | od -An -tx1 | tr -d ' \n')
GPORT=$(bash "$GITSERVER" http-start "$TEST_TMP/http" "$TEST_TMP/srv" \
	x-access-token "$TOKEN")
track_pid "$(cat "$TEST_TMP/http/server.pid")"
REPO=http://127.0.0.1:$GPORT/git/private/r.git
HEAD=$(git -C srv/private/r.git rev-parse main)

# The App: a PKCS#1 key as GitHub hands them out, and another key.
openssl genrsa -traditional -out app.pem 2048 2>/dev/null
openssl rsa -in app.pem -pubout -out app.pub 2>/dev/null
openssl genrsa -traditional -out wrong.pem 2048 2>/dev/null
# start_api DIR [flags]: the stand-in for App 4242 in DIR; prints its port.
start_api() {
	local dir=$1
	shift
	mkdir -p "$dir"
	python3 "$LIB/github-app-api.py" --port-file "$dir/port" --app-id 4242 \
		--public-key app.pub --token "$TOKEN" \
		--count-file "$dir/counts" --prefix /api/v3 \
		--installation 77:acme:org --installation 78:octocat:user \
		"$@" >"$dir/out" 2>&1 &
	track_pid $!
	for _ in $(seq 100); do [ -s "$dir/port" ] && break; sleep 0.05; done
	if ! [ -s "$dir/port" ]; then
		echo "the GitHub API stand-in did not start:" >&2
		cat "$dir/out" >&2
		return 1
	fi
	cat "$dir/port"
}
API=http://127.0.0.1:$(start_api api)/api/v3 || exit 1

count() { sed -n "s/^$1 //p" api/counts; }

# app_secret NAME [extra kubectl flags]: the App's Secret.
app_secret() {
	local name=$1
	shift
	k create secret generic "$name" --from-literal=githubAppID=4242 \
		--from-literal=githubAppBaseURL="$API" "$@" >/dev/null
}

NS=default
gitrepo() { # name secret provider
	apply_gitrepository "$1" "$REPO" "  provider: $3
	  secretRef: {name: $2}"
}

field() { k get gitrepository "$1" -o jsonpath="$2"; }
wait_for() { wait_jsonpath gitrepository "$1" default "$2" "$3" 30; }
message() { field "$1" "$MESSAGE"; }

test_expect_success 'provider github with an installation ID becomes Ready' '
	app_secret by-id --from-literal=githubAppInstallationID=77 \
		--from-file=githubAppPrivateKey=app.pem &&
	gitrepo one by-id github &&
	wait_for one "$READY" True &&
	expect_eq "$(field one "{.status.artifact.revision}")" "main@sha1:$HEAD" &&
	expect_eq "$(count minted)" 1 &&
	expect_eq "$(count rejected_jwt)" 0 &&
	grep -q "x-access-token" "$TEST_TMP/http/access.log"
'

test_expect_success 'a second repository of the same App reuses the token' '
	gitrepo two by-id github &&
	wait_for two "$READY" True &&
	expect_eq "$(field two "{.status.artifact.revision}")" "main@sha1:$HEAD" &&
	expect_eq "$(count access_tokens)" 1 &&
	expect_eq "$(count minted)" 1
'

test_expect_success 'with an installation owner the installation is looked up' '
	app_secret by-org --from-literal=githubAppInstallationOwner=acme \
		--from-file=githubAppPrivateKey=app.pem &&
	app_secret by-user --from-literal=githubAppInstallationOwner=octocat \
		--from-file=githubAppPrivateKey=app.pem &&
	gitrepo org by-org github &&
	gitrepo user by-user github &&
	wait_for org "$READY" True &&
	wait_for user "$READY" True &&
	expect_eq "$(field user "{.status.artifact.revision}")" "main@sha1:$HEAD" &&
	expect_eq "$(count orgs)" 2 &&
	expect_eq "$(count users)" 1 &&
	expect_eq "$(count minted)" 3
'

test_expect_success 'a wrong private key is AuthenticationFailed with the 401' '
	app_secret wrong-key --from-literal=githubAppInstallationID=77 \
		--from-file=githubAppPrivateKey=wrong.pem &&
	gitrepo wrongkey wrong-key github &&
	wait_for wrongkey "$REASON" AuthenticationFailed &&
	expect_eq "$(field wrongkey "$READY")" False &&
	expect_eq "$(message wrongkey)" "failed to configure authentication options: POST $API/app/installations/77/access_tokens: 401 A JSON web token could not be decoded []" &&
	test "$(count rejected_jwt)" -ge 1
'

test_expect_success 'a missing githubAppPrivateKey is named with its Secret' '
	app_secret no-key --from-literal=githubAppInstallationID=77 &&
	gitrepo nokey no-key github &&
	wait_for nokey "$REASON" AuthenticationFailed &&
	expect_eq "$(message nokey)" "failed to configure authentication options: secret '"'"'default/no-key'"'"': key '"'"'githubAppPrivateKey'"'"' not found"
'

test_expect_success 'a private key that is not PEM says so' '
	app_secret bad-pem --from-literal=githubAppInstallationID=77 \
		--from-literal=githubAppPrivateKey=not-a-key &&
	gitrepo badpem bad-pem github &&
	wait_for badpem "$REASON" AuthenticationFailed &&
	expect_eq "$(message badpem)" "failed to configure authentication options: could not parse private key: invalid key: Key must be a PEM encoded PKCS1 or PKCS8 key"
'

test_expect_success 'both installation owner and ID are refused' '
	app_secret both --from-literal=githubAppInstallationID=77 \
		--from-literal=githubAppInstallationOwner=acme \
		--from-file=githubAppPrivateKey=app.pem &&
	gitrepo both both github &&
	wait_for both "$REASON" AuthenticationFailed &&
	expect_match "$(message both)" "must contain exactly one of .githubAppInstallationOwner. or .githubAppInstallationID."
'

test_expect_success 'provider generic with GitHub App keys is an error' '
	gitrepo generic by-id generic &&
	wait_for generic "$REASON" InvalidProviderConfiguration &&
	expect_eq "$(field generic "$READY")" False &&
	expect_eq "$(message generic)" "secretRef '"'"'default/by-id'"'"' has github app data but provider is not set to github" &&
	expect_eq "$(field generic "{.status.conditions[?(@.type==\"FetchFailed\")].status}")" True
'

test_expect_success 'provider github without GitHub App keys is an error' '
	k create secret generic basic --from-literal=username=u \
		--from-literal=password=p >/dev/null &&
	gitrepo noapp basic github &&
	wait_for noapp "$REASON" InvalidProviderConfiguration &&
	expect_eq "$(message noapp)" "secretRef with github app data must be specified when provider is set to github"
'

test_expect_success 'provider azure and aws are Stalled: not supported yet' '
	gitrepo azure basic azure &&
	gitrepo aws basic aws &&
	wait_for azure "{.status.conditions[?(@.type==\"Stalled\")].status}" True &&
	wait_for aws "{.status.conditions[?(@.type==\"Stalled\")].status}" True &&
	expect_eq "$(field azure "$READY")" False &&
	expect_eq "$(field azure "$REASON")" InvalidProviderConfiguration &&
	expect_match "$(message azure)" "^spec.provider: .azure. is not supported yet" &&
	expect_match "$(message aws)" "^spec.provider: .aws. is not supported yet" &&
	expect_eq "$(field azure "{.status.observedGeneration}")" 1
'

test_expect_success 'an unknown provider is refused naming spec.provider' '
	! gitrepo odd basic gitlab 2>err &&
	expect_match "$(cat err)" "spec.provider"
'

test_expect_success 'the API requests go through spec.proxySecretRef'"'"'s proxy' '
	pport=$(bash "$GITSERVER" proxy-start "$TEST_TMP/proxy" pu pp) &&
	track_pid "$(cat "$TEST_TMP/proxy/server.pid")" &&
	k create secret generic proxy --from-literal=address="http://127.0.0.1:$pport" \
		--from-literal=username=pu --from-literal=password=pp >/dev/null &&
	app_secret by-id-78 --from-literal=githubAppInstallationID=78 \
		--from-file=githubAppPrivateKey=app.pem &&
	apply_gitrepository viaproxy "$REPO" "  provider: github
	  secretRef: {name: by-id-78}
	  proxySecretRef: {name: proxy}" &&
	wait_for viaproxy "$READY" True &&
	grep -q "POST $API/app/installations/78/access_tokens" "$TEST_TMP/proxy/tinyproxy.log" &&
	grep -q "GET $REPO/info/refs" "$TEST_TMP/proxy/tinyproxy.log"
'

test_expect_success 'an https API is trusted through the Secret'"'"'s ca.crt' '
	hport=$(bash "$GITSERVER" https-start "$TEST_TMP/https" "$TEST_TMP/srv") &&
	track_pid "$(cat "$TEST_TMP/https/server.pid")" &&
	tport=$(start_api tlsapi --tls "$TEST_TMP/https/server.pem") &&
	app_secret tls-ca --from-literal=githubAppInstallationID=77 \
		--from-file=githubAppPrivateKey=app.pem \
		--from-file=ca.crt="$TEST_TMP/https/ca.crt" &&
	k patch secret tls-ca -p "{\"stringData\":{\"githubAppBaseURL\":\"https://127.0.0.1:$tport/api/v3\"}}" >/dev/null &&
	k create secret generic tls-noca --from-literal=githubAppID=4242 \
		--from-literal=githubAppInstallationID=78 \
		--from-file=githubAppPrivateKey=app.pem \
		--from-literal=githubAppBaseURL="https://127.0.0.1:$tport/api/v3" >/dev/null &&
	apply_gitrepository overtls "https://127.0.0.1:$hport/git/private/r.git" \
		"  provider: github
		  secretRef: {name: tls-ca}" &&
	apply_gitrepository untrusted "https://127.0.0.1:$hport/git/private/r.git" \
		"  provider: github
		  secretRef: {name: tls-noca}" &&
	wait_for overtls "$READY" True &&
	expect_eq "$(sed -n "s/^minted //p" tlsapi/counts)" 1 &&
	wait_for untrusted "$REASON" AuthenticationFailed &&
	expect_match "$(message untrusted)" "^failed to configure authentication options: POST https://127.0.0.1:$tport/api/v3/app/installations/78/access_tokens: .*(certificate|SSL)"
'

test_expect_success 'no key, JWT or token appears in statuses, events or logs' '
	k get gitrepository,events -o yaml >objects.yaml &&
	! grep -q "$TOKEN" objects.yaml "$TEST_TMP/cfluxd.log" &&
	keyline=$(sed -n 2p app.pem) &&
	! grep -qF "$keyline" objects.yaml "$TEST_TMP/cfluxd.log" &&
	! grep -q "eyJhbGciOiJSUzI1NiIs" objects.yaml "$TEST_TMP/cfluxd.log"
'

test_done
