#!/usr/bin/python3
"""Reads what a plain-HTTP registry holds, independently of Ferry: every tag of a
repository with its digest, and whether given digests answer. Prints JSON:
{"tags": {tag: digest}, "digests": {digest: http status}}."""
import argparse
import json
import sys
import urllib.error
import urllib.request

ACCEPT = ", ".join([
    "application/vnd.oci.image.index.v1+json",
    "application/vnd.oci.image.manifest.v1+json",
    "application/vnd.docker.distribution.manifest.list.v2+json",
    "application/vnd.docker.distribution.manifest.v2+json",
])


def request(method, url):
    req = urllib.request.Request(url, method=method, headers={"Accept": ACCEPT})
    try:
        with urllib.request.urlopen(req, timeout=5) as r:
            return r.status, dict(r.headers), r.read()
    except urllib.error.HTTPError as e:
        return e.code, dict(e.headers), b""
    except TimeoutError:
        sys.stderr.write(f"timeout: {method} {url}\n")
        raise


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--registry", required=True)
    ap.add_argument("--repo", required=True)
    ap.add_argument("--digests", nargs="*", default=[])
    args = ap.parse_args()
    base = f"http://{args.registry}/v2/{args.repo}"
    status, _, body = request("GET", base + "/tags/list?n=10000")
    tags = {}
    if status == 200:
        for t in json.loads(body).get("tags") or []:
            s, headers, _ = request("HEAD", f"{base}/manifests/{t}")
            if s == 200:
                tags[t] = headers.get("Docker-Content-Digest")
    digests = {d: request("HEAD", f"{base}/manifests/{d}")[0] for d in args.digests}
    json.dump({"tags": tags, "digests": digests}, sys.stdout)
    return 0


if __name__ == "__main__":
    sys.exit(main())
