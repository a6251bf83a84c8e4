#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""A file server on 127.0.0.1 that fails on purpose, for retry tests.

    flaky-http.py DIR PORTFILE LOGFILE

Binds an ephemeral port, writes it to PORTFILE, then serves GET requests:

    /fail/N/FILE   the first N requests for this path answer 503, then
                   DIR/FILE is served (404 if it is absent)
    /drop/N/FILE   the same, but the first N close the connection without
                   an answer (a transport error for the client)
    /always/FILE   503 every time
    /FILE          DIR/FILE, or 404

Each request appends "<epoch seconds> <path> <status>" to LOGFILE
(status 0 for a dropped connection), so a test can check how many tries
were made and how far apart. The Authorization header is never logged.
"""
import http.server
import os
import sys
import threading
import time

ROOT, PORTFILE, LOGFILE = sys.argv[1:4]
seen = {}
lock = threading.Lock()


def record(path, status):
    with lock, open(LOGFILE, "a") as f:
        f.write("%.3f %s %d\n" % (time.time(), path, status))


class Handler(http.server.BaseHTTPRequestHandler):
    def log_message(self, *args):
        pass

    def answer(self, status, body=b""):
        self.send_response(status)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)
        record(self.path, status)

    def serve(self, name):
        path = os.path.join(ROOT, os.path.basename(name))
        if not os.path.isfile(path):
            return self.answer(404, b"not found\n")
        with open(path, "rb") as f:
            self.answer(200, f.read())

    def do_GET(self):
        parts = self.path.split("/", 3)
        with lock:
            seen[self.path] = seen.get(self.path, 0) + 1
            n = seen[self.path]
        if len(parts) == 3 and parts[1] == "always":
            return self.answer(503, b"unavailable\n")
        if len(parts) == 4 and parts[1] in ("fail", "drop"):
            if n <= int(parts[2]):
                if parts[1] == "fail":
                    return self.answer(503, b"unavailable\n")
                record(self.path, 0)
                self.close_connection = True
                return
            return self.serve(parts[3])
        return self.serve(self.path)


server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
with open(PORTFILE + ".tmp", "w") as f:
    f.write("%d\n" % server.server_address[1])
os.rename(PORTFILE + ".tmp", PORTFILE)
server.serve_forever()
