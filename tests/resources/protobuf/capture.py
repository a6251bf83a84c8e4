#!/usr/bin/env python3
# A throw-away API endpoint for capturing kubectl request bodies: answers
# /version (minor 32) and just enough discovery for `auth can-i`, and saves
# the body of every POST as OUTDIR/last.bin (plus the request line and
# headers in last.txt), answering 500 so kubectl stops there.
# Usage: capture.py PORT OUTDIR   (listens on 127.0.0.1 only)
import http.server
import json
import os
import sys

OUT = sys.argv[2]

GROUPS = {"kind": "APIGroupList", "apiVersion": "v1", "groups": [
    {"name": g, "versions": [{"groupVersion": g + "/v1", "version": "v1"}],
     "preferredVersion": {"groupVersion": g + "/v1", "version": "v1"}}
    for g in ("authorization.k8s.io", "authentication.k8s.io", "apps")]}


def resources(gv, items):
    return {"kind": "APIResourceList", "groupVersion": gv, "resources": [
        {"name": n, "singularName": "", "namespaced": ns, "kind": k,
         "verbs": ["get", "list", "create", "update"]} for n, ns, k in items]}


DOCS = {
    "/version": {"major": "1", "minor": "32", "gitVersion": "v1.32.4"},
    "/api": {"kind": "APIVersions", "versions": ["v1"]},
    "/apis": GROUPS,
    "/api/v1": resources("v1", [("pods", True, "Pod"),
                                ("configmaps", True, "ConfigMap"),
                                ("namespaces", False, "Namespace")]),
    "/apis/apps/v1": resources("apps/v1", [
        ("deployments", True, "Deployment"),
        ("deployments/scale", True, "Scale")]),
    "/apis/authorization.k8s.io/v1": resources("authorization.k8s.io/v1", [
        ("selfsubjectaccessreviews", False, "SelfSubjectAccessReview"),
        ("selfsubjectrulesreviews", False, "SelfSubjectRulesReview")]),
    "/apis/authentication.k8s.io/v1": resources("authentication.k8s.io/v1", [
        ("selfsubjectreviews", False, "SelfSubjectReview")]),
}


class Handler(http.server.BaseHTTPRequestHandler):
    def log_message(self, *args):
        pass

    def reply(self, code, doc):
        body = json.dumps(doc).encode()
        self.send_response(code)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def do_GET(self):
        doc = DOCS.get(self.path.split("?")[0])
        if doc is None:
            self.reply(404, {"kind": "Status", "apiVersion": "v1",
                             "status": "Failure", "code": 404})
        else:
            self.reply(200, doc)

    def do_POST(self):
        n = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(n) if n else b""
        with open(os.path.join(OUT, "last.bin"), "wb") as f:
            f.write(body)
        with open(os.path.join(OUT, "last.txt"), "w") as f:
            f.write(self.command + " " + self.path + "\n" + str(self.headers))
        self.reply(500, {"kind": "Status", "apiVersion": "v1",
                         "status": "Failure", "message": "captured",
                         "code": 500})


http.server.HTTPServer(("127.0.0.1", int(sys.argv[1])), Handler).serve_forever()
