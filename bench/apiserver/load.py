#!/usr/bin/env python3
"""Load helpers for bench/apiserver/run.sh, on loopback only.

  load.py create N        POST N ConfigMaps over keep-alive connections
  load.py watch W E       W watchers, then E writes; check each got all E in order
Reads CF_SERVER (https://127.0.0.1:PORT), CF_TOKEN and CF_CA from the
environment. Prints one line of figures.
"""
import http.client, json, os, ssl, sys, threading, time, urllib.parse

server = urllib.parse.urlparse(os.environ["CF_SERVER"])
token = os.environ["CF_TOKEN"]
ctx = ssl.create_default_context(cafile=os.environ["CF_CA"])
hdrs = {"Authorization": "Bearer " + token, "Content-Type": "application/json"}


def conn():
    return http.client.HTTPSConnection(server.hostname, server.port, context=ctx)


def create(n, threads=4, prefix="cm"):
    def work(lo, hi):
        c = conn()
        for i in range(lo, hi):
            body = json.dumps({"apiVersion": "v1", "kind": "ConfigMap",
                               "metadata": {"name": "%s-%d" % (prefix, i), "labels": {"bench": "yes"}},
                               "data": {"key": "value-%d" % i, "text": "x" * 256}})
            c.request("POST", "/api/v1/namespaces/default/configmaps", body, hdrs)
            r = c.getresponse()
            r.read()
            if r.status != 201:
                raise SystemExit("create %d: HTTP %d" % (i, r.status))
    t0 = time.time()
    step = (n + threads - 1) // threads
    ts = [threading.Thread(target=work, args=(k * step, min(n, (k + 1) * step))) for k in range(threads)]
    for t in ts: t.start()
    for t in ts: t.join()
    dt = time.time() - t0
    print("created %d in %.2f s (%.0f/s)" % (n, dt, n / dt))


def watch(w, e):
    # The revision to start from, then W streaming watches.
    c = conn()
    c.request("GET", "/api/v1/namespaces/default/configmaps?limit=1", headers=hdrs)
    rv = json.loads(c.getresponse().read())["metadata"]["resourceVersion"]
    got = [[] for _ in range(w)]
    ready = threading.Barrier(w + 1)

    def watcher(k):
        c = conn()
        c.request("GET", "/api/v1/namespaces/default/configmaps?watch=true&resourceVersion=%s&labelSelector=w%%3Dyes" % rv,
                  headers=hdrs)
        r = c.getresponse()
        ready.wait()
        buf = b""
        while len(got[k]) < e:
            chunk = r.readline()
            if not chunk:
                break
            ev = json.loads(chunk)
            got[k].append(int(ev["object"]["metadata"]["resourceVersion"]))
        c.close()
    ts = [threading.Thread(target=watcher, args=(k,)) for k in range(w)]
    for t in ts: t.start()
    ready.wait()
    t0 = time.time()
    c = conn()
    for i in range(e):
        body = json.dumps({"apiVersion": "v1", "kind": "ConfigMap",
                           "metadata": {"name": "ev-%d" % i, "labels": {"w": "yes"}}})
        c.request("POST", "/api/v1/namespaces/default/configmaps", body, hdrs)
        r = c.getresponse(); r.read()
    for t in ts: t.join(120)
    dt = time.time() - t0
    complete = sum(1 for g in got if len(g) == e)
    ordered = sum(1 for g in got if g == sorted(g) and len(set(g)) == len(g))
    print("%d watchers x %d events: %d complete, %d in order, %.2f s (%.0f deliveries/s)"
          % (w, e, complete, ordered, dt, w * e / dt))
    if complete != w or ordered != w:
        sys.exit(1)


if __name__ == "__main__":
    if sys.argv[1] == "create":
        create(int(sys.argv[2]), prefix=sys.argv[3] if len(sys.argv) > 3 else "cm")
    elif sys.argv[1] == "watch":
        watch(int(sys.argv[2]), int(sys.argv[3]))
