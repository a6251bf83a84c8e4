#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""A scripted HTTP(S) server for the client's unit tests.

Listens on 127.0.0.1 (port 0), prints "PORT <n>" on stdout once ready and
serves until it is killed. Endpoints:

  /echo                      method, path, headers, body, client port, peer CN
  /auth                      401 unless the token is "new-token"
  /warn                      200 with two Warning headers
  /status/<code>             a metav1.Status with that code
  /plain/<code>              a non-JSON error body
  /flaky/<key>/<n>/<code>    <code> (Retry-After: 0) for the first n calls
  /flaky5/<key>/<n>          503 without Retry-After for the first n calls
  /count/<key>               how many calls /flaky*/<key> has seen
  /big/<n>                   a JSON string of n bytes
  /gzip/<n>                  n zero bytes, gzip-encoded
  /slow/<ms>                 answers after ms milliseconds
  /requests                  the paths of every request so far
  /apis/example.com/v1       discovery for Widget (and widgets/status)
  /api/v1/namespaces/default/configmaps?...   paging and watch scripts

Watch script (configmaps?watch=true): from resourceVersion "" it sends
ADDED (rv 1, split across chunks), MODIFIED (rv 2) and a BOOKMARK (rv 5),
then ends the stream; from "5" it sends DELETED (rv 6) and ends; from "6"
it sends an ERROR 410.
"""
import gzip
import json
import ssl
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

counts = {}
requests = []
lock = threading.Lock()


def cm(name, rv):
    return {"metadata": {"name": name, "namespace": "default",
                         "resourceVersion": rv}, "data": {"k": "v"}}


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, fmt, *args):
        pass

    def reply(self, code, body, ctype="application/json", headers=None):
        if not isinstance(body, bytes):
            body = json.dumps(body).encode()
        self.send_response(code)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(body)))
        for k, v in (headers or {}).items():
            self.send_header(k, v)
        self.end_headers()
        self.wfile.write(body)

    def status(self, code, reason, msg, headers=None):
        self.reply(code, {"kind": "Status", "apiVersion": "v1",
                          "metadata": {}, "status": "Failure",
                          "message": msg, "reason": reason, "code": code},
                   headers=headers)

    def chunk(self, data):
        self.wfile.write(b"%x\r\n%s\r\n" % (len(data), data))
        self.wfile.flush()

    def watch(self, q):
        rv = q.get("resourceVersion", [""])[0]
        if rv == "throttle":
            with lock:
                counts["throttle"] = counts.get("throttle", 0) + 1
                c = counts["throttle"]
            if c <= 2:
                return self.status(429, "TooManyRequests", "slow down",
                                   headers={"Retry-After": "0"})
            rv = "4"  # then a stream with one event at 7
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Transfer-Encoding", "chunked")
        self.end_headers()
        if rv == "":
            ev = json.dumps({"type": "ADDED", "object": cm("a", "1")})
            ev = (ev + "\n").encode()
            # Split mid-event: the client must join chunks.
            self.chunk(ev[:7])
            time.sleep(0.05)
            self.chunk(ev[7:])
            two = json.dumps({"type": "MODIFIED", "object": cm("a", "2")})
            bm = json.dumps({"type": "BOOKMARK", "object": {
                "kind": "ConfigMap", "apiVersion": "v1",
                "metadata": {"resourceVersion": "5"}}})
            # Two events in one chunk.
            self.chunk((two + "\n" + bm + "\n").encode())
        elif rv == "4":
            ev = json.dumps({"type": "ADDED", "object": cm("t", "7")})
            self.chunk((ev + "\n").encode())
        elif rv == "garbage":
            self.chunk(b"this is not json\n")
        elif rv == "weird":
            self.chunk(b'{"type":"SURPRISE","object":{}}\n')
        elif rv == "err500":
            ev = json.dumps({"type": "ERROR", "object": {
                "kind": "Status", "apiVersion": "v1", "status": "Failure",
                "reason": "InternalError", "code": 500,
                "message": "etcd is on fire"}})
            self.chunk((ev + "\n").encode())
        elif rv == "huge":
            # 17 MiB without a newline: past the client's event cap.
            block = b"x" * (1 << 20)
            try:
                self.chunk(b'{"type":"ADDED","object":{"data":"')
                for _ in range(17):
                    self.chunk(block)
            except ConnectionError:
                return
        elif rv == "5":
            ev = json.dumps({"type": "DELETED", "object": cm("a", "6")})
            self.chunk((ev + "\n").encode())
        else:
            ev = json.dumps({"type": "ERROR", "object": {
                "kind": "Status", "apiVersion": "v1", "status": "Failure",
                "reason": "Expired", "code": 410,
                "message": "too old resource version: %s (9)" % rv}})
            self.chunk((ev + "\n").encode())
        self.wfile.write(b"0\r\n\r\n")
        self.wfile.flush()

    def configmaps(self, q):
        if q.get("watch", [""])[0] == "true":
            return self.watch(q)
        cont = q.get("continue", [""])[0]
        limit = q.get("limit", [""])[0]
        if cont == "expired":
            return self.status(410, "Expired",
                               "The provided continue parameter is too old")
        if limit == "2" and cont == "":
            md = {"resourceVersion": "7", "continue": "page2"}
            items = [cm("a", "3"), cm("b", "4")]
        elif cont == "page2":
            md = {"resourceVersion": "7",
                  "continue": "expired" if "labelSelector" in q else ""}
            items = [cm("c", "5")]
        else:
            md = {"resourceVersion": "7"}
            items = [cm("a", "3"), cm("b", "4"), cm("c", "5")]
        self.reply(200, {"kind": "ConfigMapList", "apiVersion": "v1",
                         "metadata": md, "items": items})

    def handle_any(self):
        u = urlsplit(self.path)
        q = parse_qs(u.query)
        parts = u.path.strip("/").split("/")
        n = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(n) if n else b""
        with lock:
            requests.append(self.command + " " + self.path)
        if parts[0] == "warn":
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", "2")
            self.send_header("Warning", '299 - "unknown field \\"spec.foo\\""')
            self.send_header("Warning", '299 - "v1beta1 is deprecated"')
            self.end_headers()
            self.wfile.write(b"{}")
            return
        if parts[0] == "auth":
            if self.headers.get("Authorization") != "Bearer new-token":
                return self.status(401, "Unauthorized", "Unauthorized")
            return self.reply(200, {"ok": True})
        if parts[0] == "echo":
            headers = {}
            for k, v in self.headers.items():
                k = k.lower()
                headers[k] = headers[k] + ", " + v if k in headers else v
            cn = ""
            cert = self.connection.getpeercert() if hasattr(
                self.connection, "getpeercert") else None
            if cert:
                for rdn in cert.get("subject", ()):
                    for k, v in rdn:
                        if k == "commonName":
                            cn = v
            return self.reply(200, {
                "method": self.command, "path": self.path,
                "headers": headers,
                "body": body.decode("utf-8", "replace"),
                "port": self.client_address[1], "cn": cn})
        if parts[0] == "status":
            code = int(parts[1])
            reason = {404: "NotFound", 409: "AlreadyExists",
                      422: "Invalid", 403: "Forbidden"}.get(code, "")
            return self.status(code, reason, "status %d here" % code)
        if parts[0] == "plain":
            return self.reply(int(parts[1]), b"<html>bad gateway</html>",
                              "text/html")
        if parts[0] in ("flaky", "flaky5"):
            key = parts[1]
            with lock:
                counts[key] = counts.get(key, 0) + 1
                c = counts[key]
            if c <= int(parts[2]):
                if parts[0] == "flaky":
                    return self.status(int(parts[3]), "TooManyRequests",
                                       "slow down",
                                       headers={"Retry-After": "0"})
                return self.status(503, "ServiceUnavailable", "busy")
            return self.reply(200, {"count": c})
        if parts[0] == "count":
            return self.reply(200, {"count": counts.get(parts[1], 0)})
        if parts[0] == "big":
            return self.reply(200, b'"' + b"x" * int(parts[1]) + b'"')
        if parts[0] == "gzip":
            data = gzip.compress(b"0" * int(parts[1]))
            return self.reply(200, data, headers={"Content-Encoding": "gzip"})
        if parts[0] == "slow":
            time.sleep(int(parts[1]) / 1000.0)
            return self.reply(200, {"slow": True})
        if parts[0] == "requests":
            with lock:
                return self.reply(200, list(requests))
        if u.path == "/apis/example.com/v1":
            return self.reply(200, {
                "kind": "APIResourceList", "apiVersion": "v1",
                "groupVersion": "example.com/v1", "resources": [
                    {"name": "widgets", "singularName": "widget",
                     "namespaced": True, "kind": "Widget",
                     "verbs": ["get", "list"]},
                    {"name": "widgets/status", "singularName": "",
                     "namespaced": True, "kind": "Widget",
                     "verbs": ["get"]},
                    {"name": "gadgets", "singularName": "gadget",
                     "namespaced": False, "kind": "Gadget",
                     "verbs": ["get"]}]})
        if u.path == "/api/v1/namespaces/default/configmaps":
            return self.configmaps(q)
        if u.path.startswith("/apis/example.com/v1/namespaces/default/widgets/"):
            return self.reply(200, {"apiVersion": "example.com/v1",
                                    "kind": "Widget",
                                    "metadata": {"name": parts[-1]}})
        return self.status(404, "NotFound", "the server could not find the "
                           "requested resource")

    do_GET = do_POST = do_PUT = do_PATCH = do_DELETE = handle_any


class Server(ThreadingHTTPServer):
    def handle_error(self, request, client_address):
        # Clients that stop reading a watch early are expected here.
        if not isinstance(sys.exc_info()[1], ConnectionError):
            super().handle_error(request, client_address)


def main():
    srv = Server(("127.0.0.1", 0), Handler)
    srv.daemon_threads = True
    args = sys.argv[1:]
    if args and args[0] == "--tls":
        ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        ctx.load_cert_chain(args[1], args[2])
        if len(args) > 3:
            ctx.verify_mode = ssl.CERT_REQUIRED
            ctx.load_verify_locations(args[3])
        srv.socket = ctx.wrap_socket(srv.socket, server_side=True)
    print("PORT %d" % srv.server_address[1], flush=True)
    srv.serve_forever()


if __name__ == "__main__":
    main()
