#!/usr/bin/python3
"""Ferry's demo: local registries playing the RFC's cast, seeded so that every state shows,
a plan, a first scan, then the dashboard (or, without a display, the status table).

  docker Hub stand-in (source) -> gsoci (target) -> china (replica, of gsoci)
                                                  -> cache-eu (pull-through cache of gsoci)
  old-acr (legacy)

Each speaks as its real counterpart does: TLS, and a 401 challenge first. dockerhub, gsoci,
cache-eu and old-acr want a token from a token service on HTTPS (Docker Hub's and ACR's
shape; dockerhub also sends Docker Hub's rate-limit headers), china wants Basic credentials
(Aliyun's shape). The demo's own CA is trusted through the plan's `ca-file`, the
credentials come from a Docker config.json in the work directory (DOCKER_CONFIG), nothing
system-wide. Content is seeded through plain-HTTP doors to the same storage.

Everything listens on 127.0.0.1 and stops when the demo ends (Ctrl-C or closing the window).
Usage: installer/demo.py --build build/dev [--workdir DIR] [--no-gui | --serve]
       ferryctl demo [--workdir DIR] [--no-gui | --serve]   (the installed files: --bin is ferryctl's directory)

The window opens as soon as the registries answer and the plan is written; the story (the
first scan, new releases, the replica lagging through an outage and catching up, the caches,
the clients, the charts, the cleanup batches) then plays in it, the window following the
database. --serve opens no window: it prints "[demo] plan: FILE" (what the window's first run
waits for), plays the story, and serves until it is stopped.
"""
import argparse
import datetime
import hashlib
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request

# The support modules: beside this script when installed (share/ferry/demo), else the source tree's.
_here = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, _here if os.path.exists(os.path.join(_here, "localregistry.py"))
                else os.path.join(os.path.dirname(_here), "tests", "support"))
import localregistry  # noqa: E402

OCI_MANIFEST = "application/vnd.oci.image.manifest.v1+json"
OCI_INDEX = "application/vnd.oci.image.index.v1+json"

# (repository, versions): Giant Swarm-like operators and third-party images retagger mirrors.
REPOS = [
    ("giantswarm/app-operator", [f"6.{m}.{p}" for m in range(0, 8) for p in range(0, 3)]),
    ("giantswarm/cluster-operator", [f"5.{m}.{p}" for m in range(0, 6) for p in range(0, 3)]),
    ("giantswarm/chart-operator", [f"3.{m}.0" for m in range(0, 10)]),
    ("giantswarm/kubectl", [f"1.{m}.{p}" for m in range(25, 30) for p in range(0, 4)]),
    ("giantswarm/alpine", ["3.17.3", "3.18.0", "3.18.4", "3.19.0", "3.19.1"]),
    ("giantswarm/cilium", [f"1.{m}.{p}" for m in range(13, 16) for p in range(0, 5)]),
    ("giantswarm/coredns", [f"1.{m}.{p}" for m in range(9, 12) for p in range(0, 3)]),
    ("giantswarm/etcd", [f"3.5.{p}" for p in range(0, 12)]),
    ("giantswarm/kyverno", [f"1.{m}.{p}" for m in range(9, 12) for p in range(0, 4)]),
    ("giantswarm/prometheus", [f"2.{m}.0" for m in range(40, 50)]),
]


class HubFront:
    """Docker Hub's pull budget in front of the stand-in: every answer carries RateLimit
    headers as Docker Hub sends them, and each manifest GET spends one pull (HEADs are free,
    as on Docker Hub). Forwards everything else unchanged."""

    def __init__(self, upstream, pki, limit=200, window=21600):
        import http.server
        import ssl
        import threading
        front = self
        self.upstream, self.limit, self.window, self.remaining = upstream, limit, window, limit - 23
        self.context = pki.context
        self.lock = threading.Lock()

        class Handler(http.server.BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *_):
                pass

            def forward(self):
                body = self.rfile.read(int(self.headers.get("Content-Length") or 0)) or None
                headers = {k: v for k, v in self.headers.items() if k.lower() not in ("host", "connection", "content-length")}
                r = urllib.request.Request(f"https://{front.upstream}{self.path}", data=body, method=self.command, headers=headers)
                try:
                    resp = urllib.request.urlopen(r, timeout=60, context=front.context)
                    status, rheaders, data = resp.status, resp.headers, resp.read()
                except urllib.error.HTTPError as e:
                    status, rheaders, data = e.code, e.headers, e.read()
                with front.lock:
                    if self.command == "GET" and "/manifests/" in self.path and status == 200:
                        front.remaining = max(0, front.remaining - 1)
                    remaining = front.remaining
                self.send_response(status)
                for k, v in rheaders.items():
                    if k.lower() not in ("connection", "transfer-encoding", "content-length", "date", "server"):
                        self.send_header(k, v)
                self.send_header("Content-Length", str(len(data)))
                self.send_header("ratelimit-limit", f"{front.limit};w={front.window}")
                self.send_header("ratelimit-remaining", f"{remaining};w={front.window}")
                self.send_header("docker-ratelimit-source", "203.0.113.7")
                self.end_headers()
                if self.command != "HEAD":
                    self.wfile.write(data)

            do_GET = do_HEAD = do_PUT = do_POST = do_PATCH = do_DELETE = forward

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        tls = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        tls.load_cert_chain(pki.cert, pki.key)
        self.server.socket = tls.wrap_socket(self.server.socket, server_side=True, do_handshake_on_connect=False)
        self.host = f"127.0.0.1:{self.server.server_address[1]}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def stop(self):
        self.server.shutdown()


def start_registry(work, name, procs, proxy_of=None):
    proc, host = localregistry.start(work, name, proxy_of)
    procs.append(proc)
    return host


def start_front(work, name, procs, pki, auth, realm=None, storage=None, proxy_of=None):
    """The TLS face of a registry (`name`), serving the storage of its plain door."""
    proc, host = localregistry.start_shaped(work, name + "-tls", pki, auth, realm=realm, storage=storage or name, proxy_of=proxy_of)
    procs.append(proc)
    return host


def req(host, method, path, data=None, headers=None):
    r = urllib.request.Request(f"http://{host}{path}", data=data, method=method, headers=headers or {})
    with urllib.request.urlopen(r, timeout=60) as resp:
        return resp.read()


def image(host, repo, label, arch):
    cfg = json.dumps({"architecture": arch, "os": "linux", "config": {"Labels": {"version": label}}}).encode()
    layer = (repo + label + arch).encode() * 40
    c, l = localregistry.push_blob(host, repo, cfg), localregistry.push_blob(host, repo, layer)
    return json.dumps({"schemaVersion": 2, "mediaType": OCI_MANIFEST,
                       "config": {"mediaType": "application/vnd.oci.image.config.v1+json", "digest": c[0], "size": c[1]},
                       "layers": [{"mediaType": "application/vnd.oci.image.layer.v1.tar+gzip", "digest": l[0], "size": l[1]}]},
                      separators=(",", ":")).encode()


def put(host, repo, ref, body, mt):
    req(host, "PUT", f"/v2/{repo}/manifests/{ref}", body, {"Content-Type": mt})


# The dev build a cluster runs (filled by seed): the cleanup review shows it held back.
RUNNING_DEV = {}


def seed(hub, gsoci, china, legacy):
    for repo, versions in REPOS:
        for i, v in enumerate(versions):
            multi = i % 2 == 0
            per = {}
            for h in (hub, gsoci, china, legacy):
                a = image(h, repo, v, "amd64")
                b = image(h, repo, v, "arm64")
                if multi:
                    put(h, repo, "sha256:" + hashlib.sha256(a).hexdigest(), a, OCI_MANIFEST)
                    put(h, repo, "sha256:" + hashlib.sha256(b).hexdigest(), b, OCI_MANIFEST)
                    body = json.dumps({"schemaVersion": 2, "mediaType": OCI_INDEX, "manifests": [
                        {"mediaType": OCI_MANIFEST, "digest": "sha256:" + hashlib.sha256(a).hexdigest(), "size": len(a), "platform": {"os": "linux", "architecture": "amd64"}},
                        {"mediaType": OCI_MANIFEST, "digest": "sha256:" + hashlib.sha256(b).hexdigest(), "size": len(b), "platform": {"os": "linux", "architecture": "arm64"}}]},
                        separators=(",", ":")).encode()
                    per[h] = (body, OCI_INDEX, a)
                else:
                    per[h] = (a, OCI_MANIFEST, a)
            newest = i >= len(versions) - 2
            if i == 1:
                stable = (v, per[hub])
            put(hub, repo, v, per[hub][0], per[hub][1])
            # The target: the newest versions not copied yet (missing), one partial copy,
            # one drifted tag; dev builds beyond the plan.
            if newest and i % 3 != 0:
                pass
            elif i == 2:
                put(gsoci, repo, v, per[hub][2], OCI_MANIFEST)  # only linux/amd64 of the index: partial
            elif i == 5:
                other = image(gsoci, repo, v + "-rebuilt", "amd64")
                put(gsoci, repo, v, other, OCI_MANIFEST)  # drifted
            else:
                put(gsoci, repo, v, per[hub][0], per[hub][1])
                # The replica: most of it, behind on the newest.
                if not (newest or i % 7 == 6):
                    put(china, repo, v, per[hub][0], per[hub][1])
            if i < 4:
                put(legacy, repo, v, per[hub][0], per[hub][1])
        # Dev builds (the RFC's X.Y.Z-dev.<branch>.<date>.<time>.h<sha7>), days old.
        now = datetime.datetime.now(datetime.timezone.utc)
        for branch, ages in (("main", (2, 9, 23, 38, 45, 61, 90)), ("fix-login", (40, 41)), ("renovate-deps", (75,))):
            for n, days in enumerate(ages):
                t = now - datetime.timedelta(days=days, minutes=7 * n)
                tag = f"{versions[-1]}-dev.{branch}.{t:%Y-%m-%d}.{t:%H-%M-%S}.h{hashlib.sha1((repo + branch + str(n)).encode()).hexdigest()[:7]}"
                body = image(gsoci, repo, f"dev {branch} {n}", "amd64")
                put(gsoci, repo, tag, body, OCI_MANIFEST)
                if repo == "giantswarm/app-operator" and branch == "main" and n == 4:
                    # hamburg's canary runs this build: cleanup holds it back (runs in hamburg).
                    RUNNING_DEV.update(repo=repo, tag=tag, digest="sha256:" + hashlib.sha256(body).hexdigest())
                put(china, repo, tag, image(china, repo, f"dev {branch} {n}", "amd64"), OCI_MANIFEST)  # replicated long ago
        # A stable release that was also tagged as a dev build: it must stay.
        t = now - datetime.timedelta(days=120)
        put(gsoci, repo, f"{stable[0]}-dev.main.{t:%Y-%m-%d}.{t:%H-%M-%S}.h0000000", stable[1][0], stable[1][1])


def release(hub, gsoci, repo, version):
    """A new release: in the Docker Hub stand-in and copied to gsoci by retagger."""
    body = image(hub, repo, version, "amd64")
    image(gsoci, repo, version, "amd64")
    put(hub, repo, version, body, OCI_MANIFEST)
    put(gsoci, repo, version, body, OCI_MANIFEST)


def replicate(china, repo, version):
    """The provider's replication of one tag to China (the same bytes, so the same digest)."""
    put(china, repo, version, image(china, repo, version, "amd64"), OCI_MANIFEST)


# New releases after the first scan, and when the China replication delivers each
# (seconds after the release; None: not before the demo opens). The replica is down
# from OUTAGE[0] to OUTAGE[1]: what was due then arrives after it.
RELEASES = [("giantswarm/app-operator", "6.8.0", 2), ("giantswarm/cluster-operator", "5.6.0", 3),
            ("giantswarm/chart-operator", "3.10.0", 4), ("giantswarm/kubectl", "1.30.0", 6),
            ("giantswarm/coredns", "1.12.0", 9), ("giantswarm/etcd", "3.5.12", 12),
            ("giantswarm/cilium", "1.16.0", 17), ("giantswarm/alpine", "3.20.0", 21),
            ("giantswarm/kyverno", "1.12.0", None), ("giantswarm/prometheus", "2.50.0", None)]
OUTAGE = (7, 13)


def replicator(work, china, china_front, pki, releases, procs, started):
    """Copies gsoci's new releases to china with realistic delays and one outage of china's
    TLS front (what Ferry sees)."""
    t0 = started
    china_proc = [p for p in procs if "china-tls.yml" in " ".join(p.args)][0]
    pending = sorted((d, repo, v) for repo, v, d in releases if d is not None)
    down = False
    while pending or down:
        now = time.time() - t0
        if not down and OUTAGE[0] <= now < OUTAGE[1]:
            china_proc.terminate()
            china_proc.wait(10)
            down = True
            print(f"[demo] replica china is down for {OUTAGE[1] - OUTAGE[0]} s", flush=True)
        if down and now >= OUTAGE[1]:
            procs.remove(china_proc)
            china_proc = localregistry.restart_shaped(work, "china-tls", china_front, pki)
            procs.append(china_proc)
            down = False
        while pending and pending[0][0] <= now and not down:
            _, repo, v = pending.pop(0)
            replicate(china, repo, v)
        time.sleep(0.2)


def write_clients(work, gsoci_host, switched):
    """Two clusters' manifests (the RFC's clients): berlin still pulls from docker.io and quay.io;
    hamburg is half-switched: some references name gsoci, the rest go through the containerd
    hosts.toml that `ferryctl hosts generate` wrote (cache-eu first, then gsoci). Before the
    switch (switched=False) hamburg looks like berlin, so the burn-down has two points."""
    berlin = os.path.join(work, "clusters", "berlin")
    hamburg = os.path.join(work, "clusters", "hamburg")
    os.makedirs(berlin, exist_ok=True)
    os.makedirs(hamburg, exist_ok=True)
    with open(os.path.join(berlin, "workloads.yaml"), "w") as f:
        f.write("""apiVersion: apps/v1
kind: Deployment
metadata: { name: app-operator, namespace: giantswarm }
spec:
  template:
    spec:
      initContainers:
        - { name: wait, image: "giantswarm/kubectl:1.25.0" }
      containers:
        - { name: operator, image: "giantswarm/app-operator:6.1.0" }
        - { name: metrics, image: "quay.io/prometheus/node-exporter:v1.7.0" }
---
apiVersion: apps/v1
kind: Deployment
metadata: { name: chart-operator, namespace: giantswarm }
spec:
  template:
    spec:
      containers:
        - { name: operator, image: "docker.io/giantswarm/chart-operator:3.5.0" }
---
apiVersion: apps/v1
kind: DaemonSet
metadata: { name: cilium, namespace: kube-system }
spec:
  template:
    spec:
      containers:
        - { name: agent, image: "docker.io/giantswarm/cilium:1.15.4" }
---
apiVersion: apps/v1
kind: StatefulSet
metadata: { name: etcd, namespace: kube-system }
spec:
  template:
    spec:
      containers:
        - { name: etcd, image: "giantswarm/etcd:3.5.3" }
---
apiVersion: apps/v1
kind: Deployment
metadata: { name: shop, namespace: customer-acme }
spec:
  template:
    spec:
      containers:
        - { name: web, image: "nginx:1.25" }
""")
    with open(os.path.join(berlin, "kyverno-values.yaml"), "w") as f:
        f.write("image:\n  registry: docker.io\n  repository: giantswarm/kyverno\n  tag: 1.9.1\n")
    op = f"{gsoci_host}/giantswarm/app-operator:6.1.0" if switched else "giantswarm/app-operator:6.1.0"
    cd = f"{gsoci_host}/giantswarm/coredns:1.9.0" if switched else "docker.io/giantswarm/coredns:1.9.0"
    pods = {"apiVersion": "v1", "kind": "List", "items": [
        {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "app-operator-7f9c", "namespace": "giantswarm"},
         "spec": {"containers": [{"name": "operator", "image": op}]}},
        {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "coredns-5d8f", "namespace": "kube-system"},
         "spec": {"containers": [{"name": "coredns", "image": cd}]}},
        {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "prometheus-0", "namespace": "monitoring"},
         "spec": {"containers": [{"name": "prometheus", "image": "giantswarm/prometheus:2.41.0"},
                                 {"name": "exporter", "image": "quay.io/prometheus/node-exporter:v1.7.0"}]}},
        {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "kyverno-6c7b", "namespace": "kyverno"},
         "spec": {"containers": [{"name": "kyverno", "image": "giantswarm/kyverno:1.10.1"}]}},
    ]}
    if switched and RUNNING_DEV:
        # A canary on a 45-day-old dev build of main, as the node pulled it.
        pods["items"].append(
            {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "app-operator-canary", "namespace": "giantswarm"},
             "spec": {"containers": [{"name": "operator", "image": f"{gsoci_host}/{RUNNING_DEV['repo']}:{RUNNING_DEV['tag']}"}]},
             "status": {"containerStatuses": [{"name": "operator",
                                               "imageID": f"{gsoci_host}/{RUNNING_DEV['repo']}@{RUNNING_DEV['digest']}"}]}})
    with open(os.path.join(hamburg, "pods.json"), "w") as f:
        json.dump(pods, f, indent=2)
    return berlin, hamburg


# The App Catalog's HTTP repository (index.yaml) and its OCI side, one of each chart state.
CHARTS = (
    [{"chart": "hello-world", "version": v} for v in ("0.1.0", "0.2.0", "0.3.0", "0.3.1", "1.0.0", "1.1.0")]
    + [{"chart": "hello-world", "version": "1.2.0", "oci": False, "url": "absolute"},  # missing in OCI: copy first
       {"chart": "hello-world", "version": "1.3.0", "http": False}]  # a release pushed to OCI only
    + [{"chart": "kyverno", "version": v} for v in ("1.9.1", "1.10.0", "1.10.1", "2.0.0+gs.1")]
    + [{"chart": "kyverno", "version": "2.1.0", "oci": "different"}]  # rebuilt: another .tgz under the same version
    + [{"chart": "cert-manager-app", "version": v} for v in ("2.24.0", "2.25.0", "3.0.0", "3.1.0", "3.2.0", "3.3.0")]
    + [{"chart": "cert-manager-app", "version": v, "oci": False} for v in ("1.0.0", "1.1.0")]  # old ones never copied
    + [{"chart": "ingress-nginx", "version": "0.9.0", "deprecated": True},
       {"chart": "ingress-nginx", "version": "1.0.0", "deprecated": True}]
    + [{"chart": "observability-bundle", "version": v, "http": False} for v in ("0.1.0", "0.2.0")]  # new chart, OCI only
)


def start_charts(work, gsoci_door, china_door, pki, procs):
    """The chart repository in both forms: index.yaml and .tgz files served over TLS with Basic
    auth (as a ChartMuseum would), and the same charts pushed to gsoci as helm push does."""
    script = os.path.join(os.path.dirname(os.path.abspath(localregistry.__file__)), "chart_repo.py")
    served = os.path.join(work, "charts-http")
    spec = os.path.join(work, "charts-spec.json")
    with open(spec, "w") as f:
        json.dump(CHARTS, f)
    subprocess.run([sys.executable, script, "build", "--dir", served, "--spec", spec, "--door", gsoci_door,
                    "--prefix", "charts/giantswarm"], stdout=subprocess.DEVNULL, check=True)
    # China has caught up with two of the charts (the replicator carries images only).
    china_spec = os.path.join(work, "charts-china.json")
    with open(china_spec, "w") as f:
        json.dump([dict(c, http=False) for c in CHARTS
                   if c["chart"] in ("hello-world", "cert-manager-app") and c.get("oci", True) is True], f)
    subprocess.run([sys.executable, script, "build", "--dir", os.path.join(work, "charts-china"), "--spec", china_spec,
                    "--door", china_door, "--prefix", "charts/giantswarm"], stdout=subprocess.DEVNULL, check=True)
    proc = subprocess.Popen([sys.executable, script, "serve", "--dir", served, "--cert", pki.cert, "--key", pki.key,
                             "--user", "catalog", "--password", "catalog-pass"], stdout=subprocess.PIPE, text=True)
    procs.append(proc)
    port = int(proc.stdout.readline().split()[1])
    os.environ["CATALOG_USER"], os.environ["CATALOG_PASSWORD"] = "catalog", "catalog-pass"
    return f"https://127.0.0.1:{port}"


def write_flux(work, charts_url, gsoci_host):
    """Flux in the clusters: berlin resolves its charts from the HTTP catalog, hamburg from OCI."""
    for cluster, url, kind in (("berlin", charts_url + "/", "default"), ("hamburg", f"oci://{gsoci_host}/charts/giantswarm", "oci")):
        with open(os.path.join(work, "clusters", cluster, "flux.yaml"), "w") as f:
            f.write(f"""apiVersion: source.toolkit.fluxcd.io/v1
kind: HelmRepository
metadata: {{ name: giantswarm-catalog, namespace: flux-giantswarm }}
spec: {{ type: {kind}, url: "{url}", interval: 10m }}
---
apiVersion: helm.toolkit.fluxcd.io/v2
kind: HelmRelease
metadata: {{ name: hello-world, namespace: flux-giantswarm }}
spec:
  chart:
    spec: {{ chart: hello-world, version: 1.2.0, sourceRef: {{ kind: HelmRepository, name: giantswarm-catalog }} }}
---
apiVersion: helm.toolkit.fluxcd.io/v2
kind: HelmRelease
metadata: {{ name: kyverno, namespace: flux-giantswarm }}
spec:
  chart:
    spec: {{ chart: kyverno, version: 2.1.0, sourceRef: {{ kind: HelmRepository, name: giantswarm-catalog }} }}
""")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--build", default="build/dev")
    ap.add_argument("--bin", help="the directory of ferry and ferryctl (an installed Ferry); overrides --build")
    ap.add_argument("--serve", action="store_true", help="no window: print the plan's path, play the story, serve until stopped")
    ap.add_argument("--workdir")
    ap.add_argument("--no-gui", action="store_true")
    ap.add_argument("--screenshot", help="write a PNG of the window and quit (needs a display)")
    ap.add_argument("--page", default="overview", help="the page to open: overview, images, replication, cleanup, registries, clients, charts or copies (cleanup and copies: the Batches page on that kind)")
    ap.add_argument("--show-execution", action="store_true",
                    help="approve and execute the first dev-builds batch (as 'demo') before opening, to show an executed batch")
    ap.add_argument("--state", default="", help="with --page images: rows in this state")
    args = ap.parse_args()
    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    bindir = args.bin or os.path.join(root, args.build, "app")
    ferryctl = os.path.join(bindir, "ferryctl")
    ferry = os.path.join(bindir, "ferry")
    if not args.no_gui and not args.serve and not args.screenshot and os.environ.get("DISPLAY"):
        # The window runs the demo: ferry --demo starts `ferryctl demo --serve` (this script
        # again, from share/ferry/demo), opens its plan as soon as the registries answer and
        # shows the story in its status bar; closing it stops everything.
        os.execv(ferry, [ferry, "--demo", "--page", args.page] + (["--demo-workdir", args.workdir] if args.workdir else []))
    work = args.workdir or tempfile.mkdtemp(prefix="ferry-demo-")
    os.makedirs(work, exist_ok=True)
    procs = []

    def stop(*_):
        for p in procs:
            p.terminate()
        for p in procs:
            try:
                p.wait(5)
            except subprocess.TimeoutExpired:
                p.kill()
        if not args.workdir:
            shutil.rmtree(work, ignore_errors=True)
    signal.signal(signal.SIGTERM, lambda *_: (stop(), sys.exit(0)))
    try:
        # Plain doors for seeding and replication; TLS faces for Ferry.
        hub = start_registry(work, "dockerhub", procs)
        gsoci = start_registry(work, "gsoci", procs)
        china = start_registry(work, "china", procs)
        legacy = start_registry(work, "old-acr", procs)
        pki = localregistry.Pki(work)
        token_proc, realm = localregistry.start_token_service(work, pki)
        procs.append(token_proc)
        hub_tls = start_front(work, "dockerhub", procs, pki, "token", realm)
        gsoci_tls = start_front(work, "gsoci", procs, pki, "token", realm)
        china_tls = start_front(work, "china", procs, pki, "basic")
        legacy_tls = start_front(work, "old-acr", procs, pki, "token", realm)
        cache = start_front(work, "cache-eu", procs, pki, "token", realm, storage="cache-eu", proxy_of=f"https://{gsoci_tls}")
        hub_front = HubFront(hub_tls, pki)  # the stand-in with Docker Hub's budget headers
        os.environ["DOCKER_CONFIG"] = localregistry.write_docker_config(
            os.path.join(work, "docker"), [hub_front.host, gsoci_tls, china_tls, legacy_tls, cache])
        print(f"[demo] registries over TLS: dockerhub {hub_front.host} (token), gsoci {gsoci_tls} (token), china {china_tls} (Basic), "
              f"cache-eu {cache} (token, pull-through of gsoci), old-acr {legacy_tls} (token); token service {realm}", flush=True)
        charts_url = start_charts(work, gsoci, china, pki, procs)
        plan = os.path.join(work, "leave-docker-hub.yaml")
        ca = f"ca-file: {pki.ca}"
        with open(plan, "w") as f:
            f.write("version: 1\nname: leave-docker-hub (demo)\nregistries:\n")
            f.write(f"  dockerhub: {{ url: https://{hub_front.host}, role: source, client-name: docker.io, budget: {{ floor: 20 }}, {ca} }}\n")
            f.write(f"  gsoci:     {{ url: https://{gsoci_tls}, role: target, {ca} }}\n")
            f.write(f"  china:     {{ url: https://{china_tls}, role: replica, of: gsoci, lag-slo: 10s, {ca} }}\n")
            f.write(f"  cache-eu:  {{ url: https://{cache}, role: cache, of: gsoci, {ca} }}\n")
            f.write(f"  old-acr:   {{ url: https://{legacy_tls}, role: legacy, {ca} }}\n")
            f.write("images:\n")
            for repo, _ in REPOS:
                f.write(f"  - source: dockerhub/{repo}\n    target: gsoci/{repo}\n    tags: {{ semver: \">= 0.0.1\" }}\n")
            f.write("cleanup:\n"
                    "  batch-size: 50\n"
                    "  protect:\n"
                    "    tags: ['^latest$', '^v?\\d+\\.\\d+\\.\\d+$']\n"
                    "    registries: [gsoci]\n"
                    "  policies:\n"
                    "    - { name: dev-builds, kind: dev-tags, registry: gsoci, older-than: 30d, keep-newest: 3 }\n"
                    "    - { name: retire-old-acr, kind: legacy, registry: old-acr, verify-replicas: true }\n"
                    "    - { name: retire-http-catalog, kind: http-chart-repository, registry: giantswarm-catalog }\n")
            f.write("charts:\n"
                    "  - name: giantswarm-catalog\n"
                    f"    index: {charts_url}/index.yaml\n"
                    "    credentials: { username-env: CATALOG_USER, password-env: CATALOG_PASSWORD }\n"
                    f"    {ca}\n"
                    "    oci: gsoci/charts/giantswarm\n"
                    "    catalog: 3\n"
                    f"    delete-api: {charts_url}/api/charts\n")
            clusters = os.path.join(work, "clusters")
            f.write("clients:\n"
                    f"  - {{ cluster: berlin, paths: {clusters}/berlin }}\n"
                    f"  - {{ cluster: hamburg, customer: acme, paths: {clusters}/hamburg, hosts-dir: {clusters}/hamburg/certs.d }}\n")
        db = os.path.join(work, "leave-docker-hub.ferry.db")
        # The window (or whoever waits for the plan) comes in now; the story plays in it.
        print(f"[demo] plan: {plan}", flush=True)
        # The registries answer and the window is open: the content arrives now, as a migration's would.
        print(f"[demo] filling the registries: {sum(len(v) for _, v in REPOS)} tags on the Docker Hub stand-in, most "
              "copied to gsoci, some drifted or partial, dev builds, an old registry", flush=True)
        seed(hub, gsoci, china, legacy)
        print("[demo] the first scan of every registry", flush=True)
        subprocess.run([ferryctl, "scan", "--plan", plan, "--db", db], stdout=subprocess.DEVNULL if args.serve else None)
        # New releases reach gsoci; the replicator takes them to China with delays and an
        # outage while `ferryctl watch` measures (about half a minute).
        print("[demo] new releases; replicating to china with delays while ferryctl watch measures the lag", flush=True)
        for repo, v, _ in RELEASES:
            release(hub, gsoci, repo, v)
        import threading
        rep = threading.Thread(target=replicator, args=(work, china, china_tls, pki, RELEASES, procs, time.time()), daemon=True)
        rep.start()
        subprocess.run([ferryctl, "watch", "--plan", plan, "--db", db, "--interval", "2s", "--max-scans", "13",
                        "--full-every", "4", "--plain"], stdout=subprocess.DEVNULL)
        rep.join(30)
        print("[demo] the clusters pull through the cache; a full scan reads the caches too", flush=True)
        # Clusters pulled most images through the cache; a last full scan reads the cache too
        # (a HEAD there makes it fetch from gsoci, as a pull would).
        for repo, versions in REPOS[:7]:
            for v in versions[: len(versions) // 2]:
                # Not in gsoci (missing): the cache answers 404, as a pull would fail.
                localregistry.authed_request(f"https://{cache}/v2/{repo}/manifests/{v}", pki.context,
                                             headers={"Accept": OCI_INDEX + "," + OCI_MANIFEST})
        subprocess.run([ferryctl, "scan", "--plan", plan, "--db", db, "--check-caches", "all"], stdout=subprocess.DEVNULL)
        # The clients: hamburg before its switch, then with gsoci references and the generated
        # containerd hosts.toml; a refs scan after each gives the burn-down two points.
        write_clients(work, gsoci_tls, switched=False)
        subprocess.run([ferryctl, "refs", "scan", "--plan", plan, "--db", db], stdout=subprocess.DEVNULL)
        write_clients(work, gsoci_tls, switched=True)
        write_flux(work, charts_url, gsoci_tls)
        # Stage 3: the chart repository read on both sides.
        print("[demo] the clients' references, the Helm charts, containerd hosts.toml and the cleanup batches", flush=True)
        subprocess.run([ferryctl, "charts", "scan", "--plan", plan, "--db", db], stdout=subprocess.DEVNULL)
        subprocess.run([ferryctl, "hosts", "generate", "--plan", plan, "-o", os.path.join(work, "clusters", "hamburg", "certs.d")],
                       stdout=subprocess.DEVNULL)
        time.sleep(1)
        subprocess.run([ferryctl, "refs", "scan", "--plan", plan, "--db", db], stdout=subprocess.DEVNULL)
        # Cleanup batches to review: proposed, nothing deleted.
        subprocess.run([ferryctl, "cleanup", "plan", "--plan", plan, "--db", db], stdout=subprocess.DEVNULL)
        # Stage 1's work: what gsoci lacks, copied by digest in approved batches within Docker Hub's
        # pull budget; the first batch is approved and copied, the others wait for the lead.
        print("[demo] copy batches for the tags gsoci lacks; the first approved and copied within Docker Hub's budget", flush=True)
        planned = subprocess.run([ferryctl, "copy", "plan", "--plan", plan, "--db", db, "--format", "json"],
                                 stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
        try:
            copies = [b["id"] for b in json.loads(planned.stdout)["batches"]]
        except (ValueError, KeyError):
            copies = []
        if copies:
            subprocess.run([ferryctl, "copy", "approve", str(copies[0]), "--db", db, "--as", "demo", "--comment", "missing releases"],
                           stdout=subprocess.DEVNULL)
            subprocess.run([ferryctl, "copy", "execute", str(copies[0]), "--db", db, "--as", "demo"], stdout=subprocess.DEVNULL)
            subprocess.run([ferryctl, "scan", "--plan", plan, "--db", db], stdout=subprocess.DEVNULL)
        if args.show_execution:
            subprocess.run([ferryctl, "cleanup", "approve", "2", "--db", db, "--as", "demo", "--comment", "dev builds older than 30 days"],
                           stdout=subprocess.DEVNULL)
            subprocess.run([ferryctl, "cleanup", "execute", "2", "--db", db, "--as", "demo"], stdout=subprocess.DEVNULL)
        print("[demo] the story has played: the registries keep serving until the window closes", flush=True)
        if args.serve:
            # Until SIGTERM (the window that started it closes) or Ctrl-C, or until the process that
            # started it is gone without a word (killed): registries nobody can see are not left behind.
            parent = os.getppid()
            while os.getppid() == parent:
                time.sleep(1)
        if args.no_gui or not os.environ.get("DISPLAY"):
            if not args.no_gui:
                print("[demo] no display: printing the status table instead of opening the window", flush=True)
            subprocess.run([ferryctl, "status", "--db", db])
            return
        cmd = [ferry, "--plan", plan, "--db", db, "--page", args.page] + (["--state", args.state] if args.state else []) \
            + (["--batch", "2"] if args.show_execution or args.page == "cleanup" else [])  # app-operator: a dev build hamburg runs
        if args.screenshot:
            p = subprocess.Popen(cmd)
            time.sleep(4)
            # xwd and a standard-library converter: no ImageMagick needed (x11-apps has xwd).
            dump = os.path.join(work, "screen.xwd")
            with open(dump, "wb") as f:
                subprocess.run(["xwd", "-root", "-silent"], stdout=f, check=True)
            subprocess.run(["/usr/bin/python3", os.path.join(os.path.dirname(os.path.abspath(localregistry.__file__)), "xwd2png.py"),
                            dump, args.screenshot, "--crop", "1280x800"], check=True)
            p.terminate()
            p.wait(10)
        else:
            subprocess.run(cmd)
    finally:
        stop()


if __name__ == "__main__":
    main()
