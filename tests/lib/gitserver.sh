#!/usr/bin/env bash
# Real git servers on 127.0.0.1 for tests, started and stopped by PID.
#   gitserver.sh http-start DIR REPOS USER PASS [TOKEN]  -> prints the port
#       lighttpd + git http-backend (CGI); everything under /private/
#       needs basic auth USER:PASS, /public/ is open and, given TOKEN,
#       /bearer/ answers 403 unless the request carries the header
#       "Authorization: Bearer TOKEN". REPOS is the project root holding
#       public/, private/ and bearer/.
#   gitserver.sh http-restart DIR                -> prints the port
#       starts the stopped server of DIR again on the same port.
#   gitserver.sh ssh-start DIR AUTHORIZED_KEYS   -> prints the port
#       sshd with key auth only and a fresh host key DIR/hostkey(.pub).
#   gitserver.sh https-start DIR REPOS [mtls]    -> prints the port
#       lighttpd + http-backend over TLS, /git/ open, with a throw-away CA
#       made with openssl: DIR/ca.crt, the server's certificate for
#       127.0.0.1 and a client certificate DIR/client.crt + client.key.
#       With "mtls" the server refuses clients without a certificate
#       signed by that CA.
#   gitserver.sh proxy-start DIR [USER PASS]     -> prints the port
#       tinyproxy, with basic auth USER:PASS when given; every request it
#       forwards is logged in DIR/tinyproxy.log.
#   gitserver.sh socks-start DIR SSHPORT KEY     -> prints the port
#       a SOCKS5 proxy without auth: ssh -D through the sshd on SSHPORT,
#       logging each connection it forwards in DIR/socks.log.
#   gitserver.sh stop DIR                        -> stops what DIR started
set -euo pipefail

free_port() {
	python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'
}

wait_port() {
	for _ in $(seq 100); do
		if (exec 3<>/dev/tcp/127.0.0.1/"$1") 2>/dev/null; then return 0; fi
		sleep 0.05
	done
	echo "gitserver: port $1 did not open" >&2
	return 1
}

# lighttpd settings both HTTP servers share: listen on $port, log in
# $dir, git http-backend under /git/ serving $repos.
backend_conf() {
	cat <<CONF
server.document-root = "$dir"
server.bind = "127.0.0.1"
server.port = $port
server.errorlog = "$dir/lighttpd.err"
accesslog.filename = "$dir/access.log"
alias.url = ( "/git" => "/usr/lib/git-core/git-http-backend" )
\$HTTP["url"] =~ "^/git" {
	cgi.assign = ( "" => "" )
	setenv.add-environment = (
		"GIT_PROJECT_ROOT" => "$repos",
		"GIT_HTTP_EXPORT_ALL" => "",
		"GIT_CONFIG_NOSYSTEM" => "1",
		"HOME" => "$dir"
	)
}
CONF
}

# A throw-away CA in $dir, a server certificate for 127.0.0.1 signed by
# it (key and certificate together in server.pem, as lighttpd wants) and
# a client certificate client.crt + client.key. Made once per directory.
make_certs() {
	[ -f "$dir/client.crt" ] && return 0
	(
		cd "$dir"
		openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj "/CN=cflux test CA" \
			-keyout ca.key -out ca.crt
		openssl req -newkey rsa:2048 -nodes -subj "/CN=127.0.0.1" \
			-keyout server.key -out server.csr
		printf 'subjectAltName=IP:127.0.0.1\nextendedKeyUsage=serverAuth\n' >server.ext
		openssl x509 -req -in server.csr -CA ca.crt -CAkey ca.key -CAcreateserial \
			-days 2 -extfile server.ext -out server.crt
		cat server.crt server.key >server.pem
		openssl req -newkey rsa:2048 -nodes -subj "/CN=cflux test client" \
			-keyout client.key -out client.csr
		printf 'extendedKeyUsage=clientAuth\n' >client.ext
		openssl x509 -req -in client.csr -CA ca.crt -CAkey ca.key -CAcreateserial \
			-days 2 -extfile client.ext -out client.crt
	) >"$dir/openssl.out" 2>&1
}

# Run the server configured in $dir (again), on the port it was given.
run_http() {
	local port
	port=$(cat "$dir/port")
	/usr/sbin/lighttpd -D -f "$dir/lighttpd.conf" >>"$dir/lighttpd.out" 2>&1 &
	echo $! >"$dir/server.pid"
	wait_port "$port"
	echo "$port"
}

cmd=$1 dir=$2
mkdir -p "$dir"
case "$cmd" in
http-start)
	repos=$3 user=$4 pass=$5 token=${6:-} port=$(free_port)
	printf '%s:%s\n' "$user" "$pass" >"$dir/users"
	case "$token" in *[!A-Za-z0-9._~+/=-]*)
		echo "gitserver: token must be a bearer token (RFC 6750 b64token)" >&2
		exit 2 ;;
	esac
	cat >"$dir/lighttpd.conf" <<CONF
server.modules = ( "mod_access", "mod_alias", "mod_setenv", "mod_auth", "mod_authn_file", "mod_cgi", "mod_accesslog" )
$(backend_conf)
auth.backend = "plain"
auth.backend.plain.userfile = "$dir/users"
auth.require = ( "/git/private/" => ( "method" => "basic", "realm" => "git", "require" => "valid-user" ) )
CONF
	if [ -n "$token" ]; then
		cat >>"$dir/lighttpd.conf" <<CONF
\$HTTP["url"] =~ "^/git/bearer/" {
	\$REQUEST_HEADER["Authorization"] != "Bearer $token" {
		url.access-deny = ( "" )
	}
}
CONF
	fi
	echo "$port" >"$dir/port"
	run_http
	;;
http-restart)
	run_http
	;;
https-start)
	repos=$3 mtls=${4:-} port=$(free_port)
	make_certs
	cat >"$dir/lighttpd.conf" <<CONF
server.modules = ( "mod_openssl", "mod_alias", "mod_setenv", "mod_cgi", "mod_accesslog" )
$(backend_conf)
ssl.engine = "enable"
ssl.pemfile = "$dir/server.pem"
CONF
	if [ "$mtls" = mtls ]; then
		cat >>"$dir/lighttpd.conf" <<CONF
ssl.ca-file = "$dir/ca.crt"
ssl.verifyclient.activate = "enable"
ssl.verifyclient.enforce = "enable"
CONF
	fi
	echo "$port" >"$dir/port"
	run_http
	;;
proxy-start)
	user=${3:-} pass=${4:-} port=$(free_port)
	cat >"$dir/tinyproxy.conf" <<CONF
Port $port
Listen 127.0.0.1
Timeout 60
LogFile "$dir/tinyproxy.log"
LogLevel Info
PidFile "$dir/tinyproxy.pid"
MaxClients 20
Allow 127.0.0.1
DisableViaHeader Yes
CONF
	if [ -n "$user" ]; then
		echo "BasicAuth $user $pass" >>"$dir/tinyproxy.conf"
	fi
	/usr/bin/tinyproxy -d -c "$dir/tinyproxy.conf" >"$dir/tinyproxy.out" 2>&1 &
	echo $! >"$dir/server.pid"
	wait_port "$port"
	echo "$port"
	;;
ssh-start)
	keys=$3 port=$(free_port)
	mkdir -p /run/sshd
	[ -f "$dir/hostkey" ] || ssh-keygen -q -t ed25519 -N '' -f "$dir/hostkey"
	cat >"$dir/sshd_config" <<CONF
Port $port
ListenAddress 127.0.0.1
HostKey $dir/hostkey
PidFile $dir/sshd.pid
AuthorizedKeysFile $keys
PubkeyAuthentication yes
PasswordAuthentication no
KbdInteractiveAuthentication no
PermitRootLogin prohibit-password
UsePAM no
StrictModes no
CONF
	/usr/sbin/sshd -D -e -f "$dir/sshd_config" >"$dir/sshd.out" 2>&1 &
	echo $! >"$dir/server.pid"
	wait_port "$port"
	echo "$port"
	;;
stop)
	if [ -f "$dir/server.pid" ]; then
		pid=$(cat "$dir/server.pid")
		kill "$pid" 2>/dev/null || true
		for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.05; done
		rm -f "$dir/server.pid"
	fi
	;;
socks-start)
	sshport=$3 key=$4 port=$(free_port)
	ssh -N -v -E "$dir/socks.log" -D "127.0.0.1:$port" -p "$sshport" -i "$key" \
		-F /dev/null -o BatchMode=yes -o StrictHostKeyChecking=no \
		-o UserKnownHostsFile=/dev/null -o ExitOnForwardFailure=yes \
		"$(id -un)@127.0.0.1" >/dev/null 2>&1 &
	echo $! >"$dir/server.pid"
	wait_port "$port"
	echo "$port"
	;;
*)
	echo "usage: $0 http-start|http-restart|https-start|proxy-start|socks-start|ssh-start|stop DIR ..." >&2
	exit 2
	;;
esac
