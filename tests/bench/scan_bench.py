#!/usr/bin/python3
"""Scan benchmark: ferryctl scan against the registry's own HEAD ceiling, one curl -Z
process and skopeo inspect with 8 parallel processes, on three local registries
(source, target, replica) seeded with >= 1,000 tags in >= 50 repositories, multi-platform
indexes among them and differences between them.

    tests/bench/scan_bench.py --ferryctl build/release/app/ferryctl [--repos 55 --tags 20]
        [--shape plain|tls-basic|tls-basic-http1|tls-token|tls-token-http1]

With a shape other than plain, ferryctl and curl go through TLS fronts of the three
registries (HTTP/2 or HTTP/1.1, Basic auth or token auth with the token service on HTTPS),
as they would to Docker Hub, ACR, Quay or a self-hosted registry: curl with the
credentials up front (Basic) or one token for every repository, ferryctl from a Docker
config.json as a user has it. CPU time (user + system) is measured for both.

Everything runs on 127.0.0.1 and stops when the script ends. Prints a table of times,
requests per tag and ratios, peak memory and database size per tag.
"""
import argparse
import hashlib
import json
import os
import resource
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import urllib.request
from concurrent.futures import ThreadPoolExecutor

sys.path.insert(0, os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "support"))
import localregistry  # noqa: E402

ACCEPT = ("application/vnd.oci.image.index.v1+json, application/vnd.oci.image.manifest.v1+json, "
          "application/vnd.docker.distribution.manifest.list.v2+json, application/vnd.docker.distribution.manifest.v2+json")
OCI_MANIFEST = "application/vnd.oci.image.manifest.v1+json"
OCI_INDEX = "application/vnd.oci.image.index.v1+json"


def req(host, method, path, data=None, headers=None):
    r = urllib.request.Request(f"http://{host}{path}", data=data, method=method, headers=headers or {})
    with urllib.request.urlopen(r, timeout=60) as resp:
        return resp.status, dict(resp.headers), resp.read()


def manifest(cfg, layer, arch):
    return json.dumps({"schemaVersion": 2, "mediaType": OCI_MANIFEST,
                       "config": {"mediaType": "application/vnd.oci.image.config.v1+json", "digest": cfg[0], "size": cfg[1]},
                       "layers": [{"mediaType": "application/vnd.oci.image.layer.v1.tar+gzip", "digest": layer[0], "size": layer[1]}],
                       "annotations": {"arch": arch}}, separators=(",", ":")).encode()


def seed(hosts, repos, tags_per_repo):
    """Source gets everything; the target misses every 10th tag and holds a different digest
    for every 17th; the replica misses every 5th tag the target has."""
    src, tgt, rep = hosts
    refs = {h: [] for h in hosts}

    def one_repo(i):
        repo = f"bench/app-{i:03d}"
        blobs = {}
        for h in hosts:
            for a in ("amd64", "arm64", "other"):
                cfg = json.dumps({"architecture": a, "os": "linux", "repo": repo}).encode()
                layer = (repo + a).encode() * 10
                blobs[(h, a)] = (localregistry.push_blob(h, repo, cfg), localregistry.push_blob(h, repo, layer))
        for t in range(tags_per_repo):
            tag = f"1.{t}.0"
            ma = manifest(*blobs[(src, "amd64")], f"amd64-{t}")
            mb = manifest(*blobs[(src, "arm64")], f"arm64-{t}")
            multi = t % 3 == 0
            if multi:
                index = json.dumps({"schemaVersion": 2, "mediaType": OCI_INDEX, "manifests": [
                    {"mediaType": OCI_MANIFEST, "digest": "sha256:" + hashlib.sha256(ma).hexdigest(), "size": len(ma), "platform": {"os": "linux", "architecture": "amd64"}},
                    {"mediaType": OCI_MANIFEST, "digest": "sha256:" + hashlib.sha256(mb).hexdigest(), "size": len(mb), "platform": {"os": "linux", "architecture": "arm64"}}]},
                    separators=(",", ":")).encode()
            for h in hosts:
                if h == tgt and t % 10 == 9:
                    continue
                if h == rep and (t % 10 == 9 or t % 5 == 4):
                    continue
                if multi:
                    for m in (ma, mb):
                        req(h, "PUT", f"/v2/{repo}/manifests/sha256:{hashlib.sha256(m).hexdigest()}", m, {"Content-Type": OCI_MANIFEST})
                    body, mt = index, OCI_INDEX
                else:
                    body, mt = ma, OCI_MANIFEST
                if h != src and t % 17 == 16:
                    body, mt = manifest(*blobs[(h, "other")], f"drift-{t}"), OCI_MANIFEST
                req(h, "PUT", f"/v2/{repo}/manifests/{tag}", body, {"Content-Type": mt})
                refs[h].append((repo, tag))
        return repo

    with ThreadPoolExecutor(8) as pool:
        names = list(pool.map(one_repo, range(repos)))
    return names, refs


def timed(cmd, **kw):
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    t = time.monotonic()
    p = subprocess.run(cmd, **kw)
    elapsed = time.monotonic() - t
    return elapsed, p, before


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--ferryctl", required=True)
    ap.add_argument("--repos", type=int, default=55)
    ap.add_argument("--tags", type=int, default=20)
    ap.add_argument("--concurrency", type=int, default=64)
    ap.add_argument("--shape", default="plain", choices=["plain", "tls-basic", "tls-basic-http1", "tls-token", "tls-token-http1"])
    args = ap.parse_args()
    for tool in ("docker-registry", "skopeo", "curl", "ab"):
        if not shutil.which(tool):
            sys.exit(f"{tool} is missing: installer/setup.sh deps installs it")

    work = tempfile.mkdtemp(prefix="ferry-bench-")
    procs = []
    try:
        hosts = []
        for name in ("source", "target", "replica"):
            p, h = localregistry.start(work, name)
            procs.append(p)
            hosts.append(h)
        t0 = time.monotonic()
        repos, refs = seed(hosts, args.repos, args.tags)
        seed_s = time.monotonic() - t0
        total = sum(len(v) for v in refs.values())
        print(f"seeded {total} tags in {len(repos)} repositories on 3 registries in {seed_s:.1f} s")

        # What ferryctl and curl talk to: the plain registries, or TLS fronts of their storage.
        fronts = hosts
        scheme, extra, curl_auth = "http", "credentials: anonymous", []
        env = dict(os.environ)
        if args.shape != "plain":
            pki = localregistry.Pki(work)
            auth = "token" if "token" in args.shape else "basic"
            realm = None
            if auth == "token":
                tp, realm = localregistry.start_token_service(work, pki)
                procs.append(tp)
            fronts = []
            for name in ("source", "target", "replica"):
                p, h = localregistry.start_shaped(work, name + "-front", pki, auth, http2="http1" not in args.shape, realm=realm, storage=name)
                procs.append(p)
                fronts.append(h)
            scheme, extra = "https", f"ca-file: {pki.ca}"
            env["DOCKER_CONFIG"] = localregistry.write_docker_config(os.path.join(work, "docker"), fronts)
            curl_auth = ["--cacert", pki.ca, "--http1.1" if "http1" in args.shape else "--http2"]
            if auth == "basic":
                curl_auth += ["-u", f"{localregistry.USER}:{localregistry.PASSWORD}"]
            else:
                token = localregistry.fetch_token(realm, [f"repository:{r}:pull" for r in repos], pki.context)
                curl_auth += ["-H", f"Authorization: Bearer {token}"]
            print(f"shape {args.shape}: TLS fronts {', '.join(fronts)}" + (f", token service {realm}" if realm else ""))

        plan = os.path.join(work, "plan.yaml")
        with open(plan, "w") as f:
            f.write("version: 1\nname: bench\nregistries:\n")
            f.write(f"  source: {{ url: {scheme}://{fronts[0]}, role: source, {extra}, concurrency: {args.concurrency} }}\n")
            f.write(f"  target: {{ url: {scheme}://{fronts[1]}, role: target, {extra}, concurrency: {args.concurrency} }}\n")
            f.write(f"  replica: {{ url: {scheme}://{fronts[2]}, role: replica, of: target, {extra}, concurrency: {args.concurrency} }}\n")
            f.write("images:\n")
            for r in repos:
                f.write(f"  - source: source/{r}\n    target: target/{r}\n    tags: all\n")
        db = os.path.join(work, "bench.db")

        # 1. ferryctl scan (first run: every digest new; includes tag listings and the
        #    partial-index GETs for drifted indexes).
        t_scan, p, _ = timed(["/usr/bin/time", "-f", "%U %S %M", args.ferryctl, "scan", "--plan", plan, "--db", db, "--jobs", os.environ.get("FERRY_JOBS", "16")],
                             capture_output=True, text=True, env=env)
        if p.returncode not in (0, 5):
            print(p.stdout, p.stderr)
            sys.exit("ferryctl scan failed")
        cpu_user, cpu_sys, rss = p.stderr.strip().splitlines()[-1].split()
        rss_kb = int(rss)
        print(f"ferryctl scan CPU: {cpu_user} s user, {cpu_sys} s system")
        requests = int(p.stdout.split(" requests")[0].split(", ")[-1])
        t_rescan, p2, _ = timed([args.ferryctl, "scan", "--plan", plan, "--db", db, "--jobs", os.environ.get("FERRY_JOBS", "16")],
                                capture_output=True, text=True, env=env)
        db_bytes = os.path.getsize(db) + (os.path.getsize(db + "-wal") if os.path.exists(db + "-wal") else 0)

        # The same HEADs, for the others.
        urls = [f"{scheme}://{fronts[i]}/v2/{repo}/manifests/{tag}" for i, h in enumerate(hosts) for (repo, tag) in refs[h]]
        urlfile = os.path.join(work, "urls.txt")
        with open(urlfile, "w") as f:
            for u in urls:
                f.write(f'url = "{u}"\noutput = "/dev/null"\n')

        # 2. The registries' HEAD ceiling: ApacheBench (wrk cannot send HEAD: its parser
        #    waits for a body) at high concurrency against all three registries at once, so
        #    they share the two cores as they do during a scan.
        abs_ = []
        for h in (hosts if args.shape == "plain" else []):
            repo, tag = refs[h][len(refs[h]) // 2]
            abs_.append(subprocess.Popen(["ab", "-k", "-i", "-q", "-n", str(max(3000, len(urls))), "-c", str(args.concurrency),
                                          "-H", f"Accept: {ACCEPT}", f"http://{h}/v2/{repo}/manifests/{tag}"],
                                         stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True))
        ceiling_rps = 0.0
        for a in abs_:
            out = a.communicate()[0]
            ceiling_rps += float([l for l in out.splitlines() if l.startswith("Requests per second")][0].split()[3])
        t_ceiling = len(urls) / ceiling_rps if ceiling_rps else None

        # 3. One curl process, parallel transfers (with the shape's TLS, protocol and auth).
        t_curl, p, _ = timed(["/usr/bin/time", "-f", "%U %S", "curl", "-s", "-Z", "--parallel-max", str(args.concurrency), "-I",
                              "-H", f"Accept: {ACCEPT}"] + curl_auth + ["-K", urlfile], capture_output=True, text=True)
        curl_cpu = sum(float(x) for x in p.stderr.strip().splitlines()[-1].split())
        ferry_cpu = float(cpu_user) + float(cpu_sys)

        # 4. skopeo inspect --raw, 8 processes at a time (plain only: it is the slow reference).
        t_skopeo = None
        if args.shape == "plain":
            refs_list = "\n".join(f"docker://{h}/{repo}:{tag}" for h in hosts for (repo, tag) in refs[h])
            t_skopeo, p, _ = timed(["xargs", "-P", "8", "-n", "1", "skopeo", "inspect", "--raw", "--tls-verify=false"],
                                   input=refs_list.encode(), capture_output=True)

        print()
        print(f"{'method (' + args.shape + ')':44} {'time (s)':>9} {'req/tag':>8} {'vs ferry':>9}")
        rows = [
            ("ferryctl scan (first, empty database)", t_scan, requests / total),
            ("ferryctl scan (re-scan, nothing changed)", t_rescan, requests / total),
            ("registry HEAD ceiling (ab, one path each)", t_ceiling, 1.0),
            ("one curl -Z process (same HEADs)", t_curl, 1.0),
            ("skopeo inspect --raw, 8 processes", t_skopeo, 1.0),
        ]
        for name, t, rpt in rows:
            if t is not None:
                print(f"{name:44} {t:9.2f} {rpt:8.2f} {t / t_scan:9.2f}x")
        print()
        print(f"tags: {total}; ferryctl requests: {requests}" + (f"; ceiling: {ceiling_rps:.0f} HEAD/s over the three registries" if ceiling_rps else ""))
        if t_ceiling:
            print(f"ferry / ceiling: {t_scan / t_ceiling:.2f}  (goal <= 1.25)")
        print(f"ferry / curl -Z: {t_scan / t_curl:.2f} in time, {ferry_cpu / curl_cpu:.2f} in CPU ({ferry_cpu:.2f} s vs {curl_cpu:.2f} s)"
              "  (goal: <= 1.0 in time, <= 1.5 in CPU)")
        if t_skopeo:
            print(f"skopeo / ferry:  {t_skopeo / t_scan:.1f}  (goal >= 15)")
        print(f"ferryctl peak RSS: {rss_kb / 1024:.1f} MiB; database: {db_bytes / 1024:.0f} KiB, {db_bytes / total:.0f} bytes per tag")
    finally:
        for p in procs:
            p.send_signal(signal.SIGTERM)
        for p in procs:
            try:
                p.wait(5)
            except subprocess.TimeoutExpired:
                p.kill()
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
