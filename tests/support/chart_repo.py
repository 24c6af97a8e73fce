#!/usr/bin/python3
"""A Helm chart repository for tests, in both of its forms, independent of Ferry.

build: writes real charts (.tgz of a chart directory: Chart.yaml, values.yaml, a template),
  deterministic for the same spec, and pushes the OCI form as `helm push` does (config
  application/vnd.cncf.helm.config.v1+json holding Chart.yaml as JSON, one layer
  application/vnd.cncf.helm.chart.content.v1.tar+gzip, tag = version with '+' as '_') to a
  registry's plain-HTTP door. The spec is JSON: a list of
  {chart, version, http, oci, deprecated, appVersion, url, differ}; oci "different" pushes
  another .tgz of the same version (a rebuilt chart). Prints what it made as JSON.
  --count N adds N generated versions of one chart (benchmarks: no push).

serve: serves the repository as `helm serve` and ChartMuseum do: GET /index.yaml (rendered
  as Helm writes it, the absolute urls pointing at this server), GET /<file>.tgz, and
  ChartMuseum's DELETE /api/charts/<name>/<version> (removes the file and its entry). Optional
  TLS and Basic auth. Prints "PORT <n>" when listening; loopback only; stops with its parent
  (the test starts it with PDEATHSIG) or on SIGTERM.
"""
import argparse
import base64
import gzip
import hashlib
import io
import json
import os
import ssl
import sys
import tarfile
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from seed_registry import OCI_MANIFEST, Registry, sha  # noqa: E402  the same pushes as the seed's

HELM_CONFIG = "application/vnd.cncf.helm.config.v1+json"
HELM_LAYER = "application/vnd.cncf.helm.chart.content.v1.tar+gzip"


def chart_yaml(e):
    lines = ["apiVersion: v2", f"name: {e['chart']}", f"version: {e['version']}",
             f"appVersion: \"{e.get('appVersion', e['version'])}\"", "description: A chart for Ferry's tests", "type: application"]
    if e.get("deprecated"):
        lines.append("deprecated: true")
    return "\n".join(lines) + "\n"


def chart_json(e):
    o = {"apiVersion": "v2", "name": e["chart"], "version": e["version"], "appVersion": e.get("appVersion", e["version"]),
         "description": "A chart for Ferry's tests", "type": "application"}
    if e.get("deprecated"):
        o["deprecated"] = True
    return json.dumps(o, separators=(",", ":")).encode()


def make_tgz(e, flavour):
    """A chart archive as helm package writes it: <name>/Chart.yaml, values.yaml, templates/."""
    files = {
        f"{e['chart']}/Chart.yaml": chart_yaml(e).encode(),
        f"{e['chart']}/values.yaml": f"replicaCount: 1\nimage: gsoci.azurecr.io/giantswarm/{e['chart']}:{e['version']}\n".encode(),
        f"{e['chart']}/templates/configmap.yaml":
            f"apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: {{{{ .Release.Name }}}}\ndata:\n  build: \"{flavour}\"\n".encode(),
    }
    raw = io.BytesIO()
    with tarfile.open(fileobj=raw, mode="w", format=tarfile.USTAR_FORMAT) as tar:
        for name in sorted(files):
            info = tarfile.TarInfo(name)
            info.size = len(files[name])
            info.mtime = 1700000000
            info.mode = 0o644
            tar.addfile(info, io.BytesIO(files[name]))
    out = io.BytesIO()
    with gzip.GzipFile(fileobj=out, mode="wb", mtime=0) as gz:
        gz.write(raw.getvalue())
    return out.getvalue()


def push_chart(registry, repo, e, tgz):
    """helm push's artifact: Chart.yaml as the config, the .tgz as the one layer; returns the manifest digest."""
    config = chart_json(e)
    for blob in (config, tgz):
        registry.push_blob(repo, sha(blob), blob)
    manifest = {
        "schemaVersion": 2,
        "mediaType": OCI_MANIFEST,
        "config": {"mediaType": HELM_CONFIG, "digest": sha(config), "size": len(config)},
        "layers": [{"mediaType": HELM_LAYER, "digest": sha(tgz), "size": len(tgz)}],
        "annotations": {"org.opencontainers.image.title": e["chart"], "org.opencontainers.image.version": e["version"],
                        "org.opencontainers.image.created": "2026-11-01T10:00:00Z"},
    }
    data = json.dumps(manifest, separators=(",", ":")).encode()
    registry.push_manifest(repo, e["version"].replace("+", "_"), data, OCI_MANIFEST)
    return sha(data)


def build(args):
    spec = json.load(open(args.spec)) if args.spec else []
    for i in range(args.count):
        spec.append({"chart": args.count_chart, "version": f"{i // 1000}.{(i // 10) % 100}.{i % 10}", "http": True, "oci": False,
                     "url": "relative" if i % 2 else "absolute"})
    os.makedirs(args.dir, exist_ok=True)
    door = Registry(args.door) if args.door else None
    entries, made = [], []
    for e in spec:
        tgz = make_tgz(e, "a")
        name = f"{e['chart']}-{e['version']}.tgz"
        rec = {"chart": e["chart"], "version": e["version"], "httpDigest": None, "ociDigest": None, "manifest": None}
        if e.get("http", True):
            url = ("@BASE@/charts/" + name) if e.get("url") == "absolute" else ("charts/" + name)
            os.makedirs(os.path.join(args.dir, "charts"), exist_ok=True)
            with open(os.path.join(args.dir, "charts", name), "wb") as f:
                f.write(tgz)
            entries.append({"e": e, "digest": hashlib.sha256(tgz).hexdigest(), "url": url, "file": "charts/" + name})
            rec["httpDigest"] = sha(tgz)
        oci = e.get("oci", True)
        if oci and door:
            pushed = make_tgz(e, "b") if oci == "different" else tgz
            rec["manifest"] = push_chart(door, f"{args.prefix}/{e['chart']}", e, pushed)
            rec["ociDigest"] = sha(pushed)
        made.append(rec)
    with open(os.path.join(args.dir, "repo.json"), "w") as f:
        json.dump(entries, f)
    json.dump(made, sys.stdout)


def render_index(entries, base):
    """index.yaml as `helm repo index` writes it: entries by chart name, newest first."""
    by_chart = {}
    for x in entries:
        by_chart.setdefault(x["e"]["chart"], []).append(x)
    out = ["apiVersion: v1", "entries:"]
    for chart in sorted(by_chart):
        out.append(f"  {chart}:")
        for x in reversed(by_chart[chart]):
            e = x["e"]
            out += ["  - apiVersion: v2", f"    appVersion: \"{e.get('appVersion', e['version'])}\"",
                    "    created: \"2026-10-01T12:00:00.123456789Z\""]
            if e.get("deprecated"):
                out.append("    deprecated: true")
            out += ["    description: A chart for Ferry's tests", f"    digest: {x['digest']}", f"    name: {chart}",
                    "    type: application", "    urls:", "    - " + x["url"].replace("@BASE@", base), f"    version: {e['version']}"]
    out.append("generated: \"2026-10-01T12:00:00.5Z\"")
    return ("\n".join(out) + "\n").encode()


def serve(args):
    lock = threading.Lock()
    entries = json.load(open(os.path.join(args.dir, "repo.json")))
    scheme = "https" if args.cert or args.public_port else "http"  # a front is TLS
    public_port = args.public_port

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, fmt, *a):
            if args.log:
                sys.stderr.write("%s %s\n" % (self.command, self.path))

        def reply(self, status, body=b"", ctype="text/plain"):
            self.send_response(status)
            self.send_header("Content-Type", ctype)
            self.send_header("Content-Length", str(len(body)))
            if status == 401:
                self.send_header("WWW-Authenticate", 'Basic realm="charts"')
            self.end_headers()
            if self.command != "HEAD":
                self.wfile.write(body)

        def authorized(self):
            if not args.user:
                return True
            want = "Basic " + base64.b64encode(f"{args.user}:{args.password}".encode()).decode()
            return self.headers.get("Authorization") == want

        def do_GET(self):
            if not self.authorized():
                return self.reply(401, b"unauthorized")
            path = self.path.split("?")[0]
            if path == "/index.yaml":
                with lock:
                    body = render_index(entries, f"{scheme}://127.0.0.1:{public_port or self.server.server_address[1]}")
                return self.reply(200, body, "application/x-yaml")
            f = os.path.normpath(os.path.join(args.dir, path.lstrip("/")))
            if f.startswith(os.path.abspath(args.dir)) and f.endswith(".tgz") and os.path.isfile(f):
                return self.reply(200, open(f, "rb").read(), "application/gzip")
            return self.reply(404, b"not found")

        do_HEAD = do_GET

        def do_DELETE(self):
            if not self.authorized():
                return self.reply(401, b"unauthorized")
            parts = self.path.split("?")[0].strip("/").split("/")
            if len(parts) != 4 or parts[:2] != ["api", "charts"]:
                return self.reply(404, b'{"error":"not found"}', "application/json")
            with lock:
                hit = [x for x in entries if x["e"]["chart"] == parts[2] and x["e"]["version"] == parts[3]]
                if not hit:
                    return self.reply(404, b'{"error":"improper constraint: no such chart version"}', "application/json")
                for x in hit:
                    entries.remove(x)
                    try:
                        os.remove(os.path.join(args.dir, x["file"]))
                    except FileNotFoundError:
                        pass
            return self.reply(200, b'{"deleted":true}', "application/json")

    server = ThreadingHTTPServer(("127.0.0.1", args.port), Handler)
    if args.cert:
        ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        ctx.load_cert_chain(args.cert, args.key)
        server.socket = ctx.wrap_socket(server.socket, server_side=True)
    print("PORT %d" % server.server_address[1], flush=True)
    server.serve_forever()


def main():
    ap = argparse.ArgumentParser()
    sub = ap.add_subparsers(dest="cmd", required=True)
    b = sub.add_parser("build")
    b.add_argument("--dir", required=True)
    b.add_argument("--spec")
    b.add_argument("--door", help="host:port of the registry's plain-HTTP door")
    b.add_argument("--prefix", default="charts")
    b.add_argument("--count", type=int, default=0)
    b.add_argument("--count-chart", default="bulk")
    s = sub.add_parser("serve")
    s.add_argument("--dir", required=True)
    s.add_argument("--port", type=int, default=0)
    s.add_argument("--public-port", type=int, default=0, help="the port clients see (an HTTP/2 front's)")
    s.add_argument("--cert")
    s.add_argument("--key")
    s.add_argument("--user")
    s.add_argument("--password")
    s.add_argument("--log", action="store_true")
    a = ap.parse_args()
    build(a) if a.cmd == "build" else serve(a)


if __name__ == "__main__":
    main()
