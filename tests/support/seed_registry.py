#!/usr/bin/python3
"""Seeds a registry with the content Ferry's tests expect, through clients independent of
Ferry: images go through skopeo from OCI layouts written here; artifacts that skopeo
cannot carry (Helm chart, cosign signature, an artifact with a subject, a Docker manifest
list) are pushed with raw HTTP (monolithic blob upload, manifest PUT).

Writes a JSON list of what it pushed: repository, tag (or null), digest, mediaType, kind.
Everything is deterministic for a given --salt, so two registries seeded with different
salts differ in digest but not in shape.
"""
import argparse
import random
import gzip
import hashlib
import io
import json
import os
import subprocess
import sys
import tarfile
import urllib.request

OCI_MANIFEST = "application/vnd.oci.image.manifest.v1+json"
OCI_INDEX = "application/vnd.oci.image.index.v1+json"
OCI_CONFIG = "application/vnd.oci.image.config.v1+json"
OCI_LAYER = "application/vnd.oci.image.layer.v1.tar+gzip"
DOCKER_MANIFEST = "application/vnd.docker.distribution.manifest.v2+json"
DOCKER_LIST = "application/vnd.docker.distribution.manifest.list.v2+json"
DOCKER_CONFIG = "application/vnd.docker.container.image.v1+json"
DOCKER_LAYER = "application/vnd.docker.image.rootfs.diff.tar.gzip"


def sha(data):
    return "sha256:" + hashlib.sha256(data).hexdigest()


def canonical(obj):
    return json.dumps(obj, separators=(",", ":"), sort_keys=True).encode()


class Blobs:
    def __init__(self):
        self.data = {}

    def add(self, data):
        d = sha(data)
        self.data[d] = data
        return d


def make_layer(text):
    raw = io.BytesIO()
    with tarfile.open(fileobj=raw, mode="w", format=tarfile.USTAR_FORMAT) as tar:
        body = text.encode()
        info = tarfile.TarInfo("etc/ferry-seed.txt")
        info.size = len(body)
        info.mtime = 0
        tar.addfile(info, io.BytesIO(body))
    uncompressed = raw.getvalue()
    gz = io.BytesIO()
    with gzip.GzipFile(fileobj=gz, mode="wb", mtime=0) as f:
        f.write(uncompressed)
    return gz.getvalue(), sha(uncompressed)


def image(blobs, text, arch="amd64", variant=None, docker=False):
    layer, diff_id = make_layer(text)
    config = {"architecture": arch, "os": "linux", "rootfs": {"type": "layers", "diff_ids": [diff_id]},
              "config": {"Labels": {"seed": text}}}
    if variant:
        config["variant"] = variant
    cfg = canonical(config)
    manifest = {
        "schemaVersion": 2,
        "mediaType": DOCKER_MANIFEST if docker else OCI_MANIFEST,
        "config": {"mediaType": DOCKER_CONFIG if docker else OCI_CONFIG, "digest": blobs.add(cfg), "size": len(cfg)},
        "layers": [{"mediaType": DOCKER_LAYER if docker else OCI_LAYER, "digest": blobs.add(layer), "size": len(layer)}],
    }
    return canonical(manifest)


class Registry:
    def __init__(self, hostport):
        self.base = "http://" + hostport

    def request(self, method, path, data=None, headers=None):
        req = urllib.request.Request(self.base + path, data=data, method=method, headers=headers or {})
        with urllib.request.urlopen(req, timeout=30) as r:
            return r.status, dict(r.headers), r.read()

    def push_blob(self, repo, digest, data):
        try:
            self.request("HEAD", f"/v2/{repo}/blobs/{digest}")
            return
        except urllib.error.HTTPError as e:
            if e.code != 404:
                raise
        _, headers, _ = self.request("POST", f"/v2/{repo}/blobs/uploads/")
        location = headers["Location"]
        if location.startswith("/"):
            location = self.base + location
        sep = "&" if "?" in location else "?"
        req = urllib.request.Request(location + sep + "digest=" + digest, data=data, method="PUT",
                                     headers={"Content-Type": "application/octet-stream"})
        with urllib.request.urlopen(req, timeout=30) as r:
            assert r.status == 201, r.status

    def push_manifest(self, repo, ref, data, media_type):
        status, headers, _ = self.request("PUT", f"/v2/{repo}/manifests/{ref}", data=data,
                                          headers={"Content-Type": media_type})
        assert status == 201, status
        return headers.get("Docker-Content-Digest")


def write_layout(path, blobs, entries):
    """entries: list of (manifest bytes, mediaType, ref name)."""
    os.makedirs(os.path.join(path, "blobs", "sha256"), exist_ok=True)
    with open(os.path.join(path, "oci-layout"), "w") as f:
        json.dump({"imageLayoutVersion": "1.0.0"}, f)
    for d, data in blobs.data.items():
        with open(os.path.join(path, "blobs", "sha256", d.split(":")[1]), "wb") as f:
            f.write(data)
    index = {"schemaVersion": 2, "mediaType": OCI_INDEX, "manifests": []}
    for data, mt, name in entries:
        d = sha(data)
        with open(os.path.join(path, "blobs", "sha256", d.split(":")[1]), "wb") as f:
            f.write(data)
        index["manifests"].append({"mediaType": mt, "digest": d, "size": len(data),
                                   "annotations": {"org.opencontainers.image.ref.name": name}})
    with open(os.path.join(path, "index.json"), "w") as f:
        json.dump(index, f)


def skopeo_copy(layout, name, dest, fmt=None):
    cmd = ["skopeo", "copy", "--quiet", "--all", "--preserve-digests", "--dest-tls-verify=false"]
    if fmt:
        cmd = ["skopeo", "copy", "--quiet", "--format", fmt, "--dest-tls-verify=false"]
    cmd += [f"oci:{layout}:{name}", dest]
    subprocess.run(cmd, check=True, timeout=120)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--registry", required=True, help="host:port of a plain-HTTP registry")
    ap.add_argument("--workdir", required=True)
    ap.add_argument("--out", required=True)
    ap.add_argument("--salt", default="a")
    ap.add_argument("--dev-tags", action="store_true", help="also push the cleanup scenario's dev-build tags")
    ap.add_argument("--bulk", type=int, default=0, help="also push N old dev builds to team/bulk")
    ap.add_argument("--only-extras", action="store_true", help="skip the base content (it is already there)")
    ap.add_argument("--image", action="append", default=[], help="also push a distinct image as REPO:TAG")
    ap.add_argument("--big", action="append", default=[],
                    help="also push an image with one incompressible layer of MB megabytes as REPO:TAG:MB")
    args = ap.parse_args()
    reg = Registry(args.registry)
    salt = args.salt
    seeded = []

    def record(repo, tag, data, mt, kind):
        seeded.append({"repository": repo, "tag": tag, "digest": sha(data), "mediaType": mt, "kind": kind})

    if args.only_extras:
        seed_extras(reg, args, seeded, record)
        with open(args.out, "w") as f:
            json.dump(seeded, f, indent=1)
        return 0

    # --- images through skopeo, from an OCI layout ---------------------------------------
    blobs = Blobs()
    single = image(blobs, f"app 1.1.0 {salt}")
    amd64 = image(blobs, f"app 2.0.0 amd64 {salt}", "amd64")
    arm64 = image(blobs, f"app 2.0.0 arm64 {salt}", "arm64", "v8")
    # BuildKit-style attestation children: platform unknown/unknown, pointing at their image.
    att_blob = blobs.add(canonical({"_type": "https://in-toto.io/Statement/v0.1", "salt": salt}))
    att_cfg = blobs.add(b"{}")
    attestations = []
    for child in (amd64, arm64):
        att = canonical({"schemaVersion": 2, "mediaType": OCI_MANIFEST,
                         "config": {"mediaType": OCI_CONFIG, "digest": att_cfg, "size": 2},
                         "layers": [{"mediaType": "application/vnd.in-toto+json", "digest": att_blob,
                                     "size": len(blobs.data[att_blob]),
                                     "annotations": {"in-toto.io/predicate-type": "https://spdx.dev/Document"}}]})
        blobs.data[sha(att)] = att
        attestations.append((att, sha(child)))
    for child in (single, amd64, arm64):
        blobs.data[sha(child)] = child
    index = canonical({"schemaVersion": 2, "mediaType": OCI_INDEX, "manifests": [
        {"mediaType": OCI_MANIFEST, "digest": sha(amd64), "size": len(amd64),
         "platform": {"architecture": "amd64", "os": "linux"}},
        {"mediaType": OCI_MANIFEST, "digest": sha(arm64), "size": len(arm64),
         "platform": {"architecture": "arm64", "os": "linux", "variant": "v8"}},
    ] + [
        {"mediaType": OCI_MANIFEST, "digest": sha(att), "size": len(att),
         "platform": {"architecture": "unknown", "os": "unknown"},
         "annotations": {"vnd.docker.reference.type": "attestation-manifest",
                         "vnd.docker.reference.digest": ref}}
        for att, ref in attestations
    ]})
    docker_single_src = image(blobs, f"app 1.0.0 {salt}")
    layout = os.path.join(args.workdir, f"layout-{salt}")
    write_layout(layout, blobs, [(single, OCI_MANIFEST, "oci-single"), (index, OCI_INDEX, "multi"),
                                 (docker_single_src, OCI_MANIFEST, "to-docker")])
    dest = f"docker://{args.registry}/team/app"
    skopeo_copy(layout, "oci-single", dest + ":1.1.0")
    record("team/app", "1.1.0", single, OCI_MANIFEST, "oci-image")
    skopeo_copy(layout, "multi", dest + ":2.0.0")
    skopeo_copy(layout, "multi", dest + ":latest")
    record("team/app", "2.0.0", index, OCI_INDEX, "oci-index")
    record("team/app", "latest", index, OCI_INDEX, "oci-index")
    for child in (amd64, arm64):
        record("team/app", None, child, OCI_MANIFEST, "oci-image")
    for att, _ in attestations:
        record("team/app", None, att, OCI_MANIFEST, "attestation")
    # skopeo converts to Docker schema 2 itself: the digest is what the registry answers.
    skopeo_copy(layout, "to-docker", dest + ":1.0.0", fmt="v2s2")
    _, _, body = reg.request("GET", "/v2/team/app/manifests/1.0.0", headers={"Accept": DOCKER_MANIFEST})
    record("team/app", "1.0.0", body, DOCKER_MANIFEST, "docker-image")

    # --- raw HTTP pushes -----------------------------------------------------------------
    raw = Blobs()
    # A Docker manifest list with Docker schema 2 children.
    children = [image(raw, f"legacy 3.1.0 {a} {salt}", a, v, docker=True) for a, v in (("amd64", None), ("arm", "v7"))]
    for d, data in raw.data.items():
        reg.push_blob("team/legacy", d, data)
    for c in children:
        reg.push_manifest("team/legacy", sha(c), c, DOCKER_MANIFEST)
    mlist = canonical({"schemaVersion": 2, "mediaType": DOCKER_LIST, "manifests": [
        {"mediaType": DOCKER_MANIFEST, "digest": sha(children[0]), "size": len(children[0]),
         "platform": {"architecture": "amd64", "os": "linux"}},
        {"mediaType": DOCKER_MANIFEST, "digest": sha(children[1]), "size": len(children[1]),
         "platform": {"architecture": "arm", "os": "linux", "variant": "v7"}}]})
    reg.push_manifest("team/legacy", "3.1.0", mlist, DOCKER_LIST)
    record("team/legacy", "3.1.0", mlist, DOCKER_LIST, "docker-list")

    # A Helm chart (HIP-0017 media types), version as tag.
    chart = Blobs()
    chart_cfg = canonical({"name": "app-operator", "version": "6.0.0", "apiVersion": "v2", "salt": salt})
    chart_tgz, _ = make_layer(f"chart {salt}")
    cd, ld = chart.add(chart_cfg), chart.add(chart_tgz)
    for d, data in chart.data.items():
        reg.push_blob("charts/app-operator", d, data)
    helm = canonical({"schemaVersion": 2, "mediaType": OCI_MANIFEST,
                      "config": {"mediaType": "application/vnd.cncf.helm.config.v1+json", "digest": cd, "size": len(chart_cfg)},
                      "layers": [{"mediaType": "application/vnd.cncf.helm.chart.content.v1.tar+gzip", "digest": ld, "size": len(chart_tgz)}]})
    reg.push_manifest("charts/app-operator", "6.0.0", helm, OCI_MANIFEST)
    record("charts/app-operator", "6.0.0", helm, OCI_MANIFEST, "helm-chart")

    # A cosign signature of the 2.0.0 index, under cosign's sha256-<hex>.sig tag.
    sig = Blobs()
    payload = canonical({"critical": {"image": {"docker-manifest-digest": sha(index)}, "type": "cosign container image signature"}})
    sig_cfg = canonical({"architecture": "", "os": "", "rootfs": {"type": "layers", "diff_ids": [sha(payload)]}, "config": {}})
    pd, sd = sig.add(payload), sig.add(sig_cfg)
    for d, data in sig.data.items():
        reg.push_blob("team/app", d, data)
    cosign = canonical({"schemaVersion": 2, "mediaType": DOCKER_MANIFEST,
                        "config": {"mediaType": DOCKER_CONFIG, "digest": sd, "size": len(sig_cfg)},
                        "layers": [{"mediaType": "application/vnd.dev.cosign.simplesigning.v1+json", "digest": pd,
                                    "size": len(payload), "annotations": {"dev.cosignproject.cosign/signature": "MEUCIQ" + salt}}]})
    sig_tag = "sha256-" + sha(index).split(":")[1] + ".sig"
    reg.push_manifest("team/app", sig_tag, cosign, DOCKER_MANIFEST)
    record("team/app", sig_tag, cosign, DOCKER_MANIFEST, "cosign-signature")

    # An SBOM artifact whose subject is 1.1.0, pushed by digest, plus the referrers
    # tag-schema index (sha256-<hex>) that registries without the referrers API rely on.
    sbom_blob = canonical({"spdxVersion": "SPDX-2.3", "salt": salt})
    sb = Blobs()
    sbd, ed = sb.add(sbom_blob), sb.add(b"{}")
    for d, data in sb.data.items():
        reg.push_blob("team/app", d, data)
    sbom = canonical({"schemaVersion": 2, "mediaType": OCI_MANIFEST, "artifactType": "application/spdx+json",
                      "config": {"mediaType": "application/vnd.oci.empty.v1+json", "digest": ed, "size": 2},
                      "layers": [{"mediaType": "application/spdx+json", "digest": sbd, "size": len(sbom_blob)}],
                      "subject": {"mediaType": OCI_MANIFEST, "digest": sha(single), "size": len(single)}})
    reg.push_manifest("team/app", sha(sbom), sbom, OCI_MANIFEST)
    record("team/app", None, sbom, OCI_MANIFEST, "sbom")
    referrers = canonical({"schemaVersion": 2, "mediaType": OCI_INDEX, "manifests": [
        {"mediaType": OCI_MANIFEST, "digest": sha(sbom), "size": len(sbom), "artifactType": "application/spdx+json"}]})
    ref_tag = "sha256-" + sha(single).split(":")[1]
    reg.push_manifest("team/app", ref_tag, referrers, OCI_INDEX)
    record("team/app", ref_tag, referrers, OCI_INDEX, "referrers-index")

    seed_extras(reg, args, seeded, record)
    with open(args.out, "w") as f:
        json.dump(seeded, f, indent=1)
    return 0


def dev_tag(version, branch, days_ago, sha7):
    import datetime
    t = datetime.datetime.now(datetime.timezone.utc) - datetime.timedelta(days=days_ago)
    return f"{version}-dev.{branch}.{t:%Y-%m-%d}.{t:%H-%M-%S}.h{sha7}"


def push_image(reg, repo, ref, text, record, kind="dev-image"):
    b = Blobs()
    data = image(b, text)
    for d, blob in b.data.items():
        reg.push_blob(repo, d, blob)
    reg.push_manifest(repo, ref, data, OCI_MANIFEST)
    record(repo, ref, data, OCI_MANIFEST, kind)
    return sha(data)


def push_big_image(reg, repo, ref, mb, salt, record):
    """An image whose single layer is mb MiB of seeded pseudo-random bytes (a large layer to stream)."""
    layer = random.Random(f"{repo}:{ref}:{salt}").randbytes(mb * 1024 * 1024)
    cfg = canonical({"architecture": "amd64", "os": "linux", "rootfs": {"type": "layers", "diff_ids": [sha(layer)]},
                     "config": {"Labels": {"seed": f"{ref} {salt}"}}})
    b = Blobs()
    manifest = canonical({"schemaVersion": 2, "mediaType": OCI_MANIFEST,
                          "config": {"mediaType": OCI_CONFIG, "digest": b.add(cfg), "size": len(cfg)},
                          "layers": [{"mediaType": "application/vnd.oci.image.layer.v1.tar", "digest": b.add(layer),
                                      "size": len(layer)}]})
    for d, blob in b.data.items():
        reg.push_blob(repo, d, blob)
    reg.push_manifest(repo, ref, manifest, OCI_MANIFEST)
    record(repo, ref, manifest, OCI_MANIFEST, "big-image")


def seed_extras(reg, args, seeded, record):
    """The cleanup scenario: dev builds by branch and age, a dev tag on a child of the
    2.0.0 index, one sharing the digest of the stable 1.1.0, and cosign signatures."""
    salt = args.salt
    if args.dev_tags:
        _, _, body = reg.request("GET", "/v2/team/app/manifests/2.0.0", headers={"Accept": OCI_INDEX})
        child = json.loads(body)["manifests"][0]["digest"]
        _, _, single = reg.request("GET", "/v2/team/app/manifests/1.1.0", headers={"Accept": OCI_MANIFEST})
        for days in (40, 39, 38, 37, 36, 1):
            push_image(reg, "team/app", dev_tag("1.3.0", "main", days, f"{days:07x}"), f"main {days} {salt}", record)
        for days in (50, 45):
            push_image(reg, "team/app", dev_tag("1.3.0", "feature-x", days, f"f{days:06x}"), f"feature-x {days} {salt}", record)
        # hotfix: the oldest points at the amd64 child of the 2.0.0 index.
        child_tag = dev_tag("2.0.0", "hotfix", 60, "c0ffee0")
        body_child = reg.request("GET", f"/v2/team/app/manifests/{child}", headers={"Accept": OCI_MANIFEST})[2]
        reg.push_manifest("team/app", child_tag, body_child, OCI_MANIFEST)
        record("team/app", child_tag, body_child, OCI_MANIFEST, "dev-on-child")
        for days in (59, 58):
            push_image(reg, "team/app", dev_tag("2.0.0", "hotfix", days, f"b{days:06x}"), f"hotfix {days} {salt}", record)
        # release: the oldest shares its digest with the stable 1.1.0.
        shared_tag = dev_tag("1.1.0", "release", 70, "5ba4ed0")
        reg.push_manifest("team/app", shared_tag, single, OCI_MANIFEST)
        record("team/app", shared_tag, single, OCI_MANIFEST, "dev-shared")
        for days in (69, 68):
            push_image(reg, "team/app", dev_tag("1.1.0", "release", days, f"e{days:06x}"), f"release {days} {salt}", record)
        # A cosign signature of the oldest main build (goes with it).
        oldest = [e for e in seeded if e["kind"] == "dev-image" and ".main." in e["tag"]][0]["digest"]
        sig_img = Blobs()
        payload = canonical({"critical": {"image": {"docker-manifest-digest": oldest}}, "salt": salt})
        cfg = canonical({"architecture": "", "os": "", "rootfs": {"type": "layers", "diff_ids": [sha(payload)]}, "config": {}})
        pd, cd = sig_img.add(payload), sig_img.add(cfg)
        for d, data in sig_img.data.items():
            reg.push_blob("team/app", d, data)
        sig = canonical({"schemaVersion": 2, "mediaType": DOCKER_MANIFEST,
                         "config": {"mediaType": DOCKER_CONFIG, "digest": cd, "size": len(cfg)},
                         "layers": [{"mediaType": "application/vnd.dev.cosign.simplesigning.v1+json", "digest": pd, "size": len(payload)}]})
        tag = "sha256-" + oldest.split(":")[1] + ".sig"
        reg.push_manifest("team/app", tag, sig, DOCKER_MANIFEST)
        record("team/app", tag, sig, DOCKER_MANIFEST, "cosign-signature-of-dev")
    for ref in args.image:
        repo, tag = ref.rsplit(":", 1)
        push_image(reg, repo, tag, f"{ref} {salt}", record, kind="extra-image")
    for ref in args.big:
        repo, tag, mb = ref.rsplit(":", 2)
        push_big_image(reg, repo, tag, int(mb), salt, record)
    for i in range(args.bulk):
        push_image(reg, "team/bulk", dev_tag("0.1.0", "bulk", 100 + i, f"{i:07x}"), f"bulk {i} {salt}", record)


if __name__ == "__main__":
    sys.exit(main())
