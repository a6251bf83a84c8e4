#!/usr/bin/env python3
"""A stand-in for the three GitHub REST API endpoints a GitHub App client
uses to get an installation access token, for tests on 127.0.0.1.

GitHub itself cannot run in a test, so this server implements exactly
    GET  {prefix}/orgs/{owner}/installation
    GET  {prefix}/users/{owner}/installation
    POST {prefix}/app/installations/{id}/access_tokens
and checks what GitHub checks on each: a Bearer JWT whose RS256
signature verifies against the App's public key, whose "iss" is the App
ID, whose "iat" is not in the future and whose "exp" is in the future
but at most 10 minutes away. Errors are answered as GitHub does
(a JSON {"message": ...} with 401 or 404).

Each token minted is a fresh random "ghs_..." string, appended as the
line "x-access-token:<token>" to --users-file; or, with --token, always
that string: the password the git server of tests/lib/gitserver.sh was
started with (lighttpd's user file holds one password per user), which
the client can only learn from this API. Counts of requests are kept in
--count-file ("name N" lines).

usage: github-app-api.py --port-file F --app-id N --public-key PEM
           --count-file F [--users-file F | --token T] [--prefix /api/v3]
           [--tls CERT_AND_KEY_PEM] [--huge-owner NAME]
           [--installation ID:OWNER:org|user[:LIFETIME] ...]
Tokens expire after LIFETIME seconds (default 3600, GitHub's hour).
With --tls it serves HTTPS with that certificate (key in the same file).
The installation of --huge-owner is answered with 1 MiB of JSON.
The port (free, chosen by the kernel) is written to --port-file once
the server listens; stop it by its PID.
"""
import argparse
import base64
import json
import os
import re
import secrets
import ssl
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding

MAX_JWT_AGE = 600  # GitHub: exp at most 10 minutes ahead
SKEW = 5           # seconds of clock slack we allow ourselves

args = None
public_key = None
installations = {}  # id -> (owner, kind)
counts = {"orgs": 0, "users": 0, "access_tokens": 0, "minted": 0,
          "rejected_jwt": 0}
lock = threading.Lock()


def b64url(s):
    return base64.urlsafe_b64decode(s + "=" * (-len(s) % 4))


def write_counts():
    with open(args.count_file + ".tmp", "w") as f:
        for k, v in sorted(counts.items()):
            f.write(f"{k} {v}\n")
    os.rename(args.count_file + ".tmp", args.count_file)


def bump(name):
    with lock:
        counts[name] += 1
        write_counts()


def check_jwt(header):
    """None if the Authorization header carries a valid App JWT, else
    GitHub's message."""
    undecodable = "A JSON web token could not be decoded"
    if not header or not header.startswith("Bearer "):
        return "You must authenticate with a JSON web token"
    parts = header[len("Bearer "):].split(".")
    if len(parts) != 3:
        return undecodable
    try:
        head = json.loads(b64url(parts[0]))
        claims = json.loads(b64url(parts[1]))
        sig = b64url(parts[2])
    except (ValueError, TypeError):
        return undecodable
    if head.get("alg") != "RS256":
        return undecodable
    try:
        public_key.verify(sig, (parts[0] + "." + parts[1]).encode(),
                          padding.PKCS1v15(), hashes.SHA256())
    except InvalidSignature:
        return undecodable
    now = int(time.time())
    iat, exp = claims.get("iat"), claims.get("exp")
    if str(claims.get("iss")) != args.app_id:
        return "'Issuer' claim ('iss') must be the App ID"
    if not isinstance(iat, int) or iat > now + SKEW:
        return ("'Issued at' claim ('iat') must be an Integer representing "
                "the time that the assertion was issued")
    if not isinstance(exp, int) or exp <= now:
        return ("'Expiration time' claim ('exp') must be a numeric value "
                "representing the future time at which the assertion "
                "expires")
    if exp - now > MAX_JWT_AGE + SKEW or exp - iat > MAX_JWT_AGE + 60:
        return "'Expiration time' claim ('exp') is too far in the future"
    return None


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, fmt, *a):  # no JWT in any log: paths only
        with open(args.count_file + ".log", "a") as f:
            f.write("%s %s\n" % (self.command, self.path))

    def answer(self, status, doc):
        body = json.dumps(doc).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def route(self):
        path = self.path
        if not path.startswith(args.prefix + "/"):
            return None
        return path[len(args.prefix):]

    def do_GET(self):
        path = self.route()
        m = re.fullmatch(r"/(orgs|users)/([^/]+)/installation", path or "")
        if not m:
            return self.answer(404, {"message": "Not Found"})
        bump(m.group(1))
        err = check_jwt(self.headers.get("Authorization"))
        if err:
            bump("rejected_jwt")
            return self.answer(401, {"message": err})
        kind = "org" if m.group(1) == "orgs" else "user"
        if m.group(2) == args.huge_owner:  # an answer no client should read
            return self.answer(200, {"id": 1, "pad": "x" * (1 << 20)})
        for iid, (owner, k, _) in installations.items():
            if owner == m.group(2) and k == kind:
                return self.answer(200, {
                    "id": iid, "app_id": int(args.app_id),
                    "account": {"login": owner, "type":
                                "Organization" if k == "org" else "User"}})
        return self.answer(404, {"message": "Not Found"})

    def do_POST(self):
        length = int(self.headers.get("Content-Length") or 0)
        if length:
            self.rfile.read(min(length, 65536))
        path = self.route()
        m = re.fullmatch(r"/app/installations/(\d+)/access_tokens",
                         path or "")
        if not m:
            return self.answer(404, {"message": "Not Found"})
        bump("access_tokens")
        err = check_jwt(self.headers.get("Authorization"))
        if err:
            bump("rejected_jwt")
            return self.answer(401, {"message": err})
        if int(m.group(1)) not in installations:
            return self.answer(404, {"message": "Not Found"})
        token = args.token or "ghs_" + secrets.token_hex(18)
        if args.users_file:
            with lock:
                with open(args.users_file, "a") as f:
                    f.write("x-access-token:%s\n" % token)
        bump("minted")
        life = installations[int(m.group(1))][2]
        expires = time.strftime("%Y-%m-%dT%H:%M:%SZ",
                                time.gmtime(time.time() + life))
        return self.answer(201, {"token": token, "expires_at": expires,
                                 "permissions": {"contents": "read"},
                                 "repository_selection": "all"})


def main():
    global args, public_key
    p = argparse.ArgumentParser()
    p.add_argument("--port-file", required=True)
    p.add_argument("--app-id", required=True)
    p.add_argument("--public-key", required=True)
    p.add_argument("--users-file")
    p.add_argument("--token")
    p.add_argument("--count-file", required=True)
    p.add_argument("--prefix", default="")
    p.add_argument("--tls")
    p.add_argument("--huge-owner")
    p.add_argument("--installation", action="append", default=[])
    args = p.parse_args()
    args.prefix = args.prefix.rstrip("/")
    with open(args.public_key, "rb") as f:
        public_key = serialization.load_pem_public_key(f.read())
    for spec in args.installation:
        iid, owner, kind, *life = spec.split(":")
        installations[int(iid)] = (owner, kind, int(life[0]) if life
                                   else 3600)
    write_counts()
    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    if args.tls:
        ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        ctx.load_cert_chain(args.tls)
        server.socket = ctx.wrap_socket(server.socket, server_side=True)
    with open(args.port_file + ".tmp", "w") as f:
        f.write("%d\n" % server.server_address[1])
    os.rename(args.port_file + ".tmp", args.port_file)
    server.serve_forever()


if __name__ == "__main__":
    main()
