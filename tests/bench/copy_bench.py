#!/usr/bin/python3
"""Copy benchmark: `ferryctl copy` against `skopeo sync` and a loop of digest-pinned
`skopeo copy --all`, copying the same tags from one source registry into three empty targets,
and curl moving one large layer source-to-target as the floor for large blobs.

    tests/bench/copy_bench.py --ferryctl build/release/app/ferryctl [--repos 50 --tags 10]
        [--big 3 --big-mb 100]

The source holds repos x tags tags; every third is a two-platform index; every image shares
a 4 MiB base layer and has a small layer of its own; --big images carry one incompressible
layer of --big-mb MiB. Everything runs on 127.0.0.1 (plain HTTP) and stops when the script
ends. Prints wall time, CPU time (user + system) and peak memory per tool, and what Ferry
sent, mounted and skipped, and the CPU the source and that tool's target registry spent meanwhile.
"""
import argparse
import hashlib
import json
import os
import random
import shutil
import subprocess
import sys
import tempfile
import time
import urllib.request

sys.path.insert(0, os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "support"))
import localregistry  # noqa: E402

OCI_MANIFEST = "application/vnd.oci.image.manifest.v1+json"
OCI_INDEX = "application/vnd.oci.image.index.v1+json"


def put_manifest(host, repo, ref, body, mt):
    r = urllib.request.Request(f"http://{host}/v2/{repo}/manifests/{ref}", data=body, method="PUT", headers={"Content-Type": mt})
    urllib.request.urlopen(r, timeout=60).read()
    return "sha256:" + hashlib.sha256(body).hexdigest(), len(body)


def image(host, repo, base, label, arch, big=None):
    cfg = localregistry.push_blob(host, repo, json.dumps({"architecture": arch, "os": "linux", "label": label}).encode())
    own = localregistry.push_blob(host, repo, f"layer {label} {arch}".encode() * 64)
    layers = [base, own] + ([big] if big else [])
    body = json.dumps({"schemaVersion": 2, "mediaType": OCI_MANIFEST,
                       "config": {"mediaType": "application/vnd.oci.image.config.v1+json", "digest": cfg[0], "size": cfg[1]},
                       "layers": [{"mediaType": "application/vnd.oci.image.layer.v1.tar", "digest": d, "size": s} for d, s in layers]},
                      separators=(",", ":")).encode()
    return body


def seed(src, repos, tags, big, big_mb):
    rnd = random.Random(7)
    base_data = rnd.randbytes(4 * 1024 * 1024)
    names = []
    bigs = 0
    for r in range(repos):
        repo = f"bench/app{r:03d}"
        base = localregistry.push_blob(src, repo, base_data)
        for t in range(tags):
            tag = f"1.{t}.0"
            label = f"{repo}:{tag}"
            big_layer = None
            if bigs < big and t == 0 and r % max(1, repos // max(1, big)) == 0:
                big_layer = localregistry.push_blob(src, repo, b"".join(rnd.randbytes(1 << 20) for _ in range(big_mb)))
                bigs += 1
            if t % 3 == 0:
                children = []
                for arch in ("amd64", "arm64"):
                    body = image(src, repo, base, label, arch, big_layer if arch == "amd64" else None)
                    children.append((put_manifest(src, repo, "sha256:" + hashlib.sha256(body).hexdigest(), body, OCI_MANIFEST), arch))
                index = json.dumps({"schemaVersion": 2, "mediaType": OCI_INDEX, "manifests": [
                    {"mediaType": OCI_MANIFEST, "digest": d, "size": s, "platform": {"architecture": a, "os": "linux"}}
                    for (d, s), a in children]}, separators=(",", ":")).encode()
                put_manifest(src, repo, tag, index, OCI_INDEX)
            else:
                put_manifest(src, repo, tag, image(src, repo, base, label, "amd64", big_layer), OCI_MANIFEST)
            names.append((repo, tag))
    return names


def measured(cmd, capture=False):
    """Runs cmd; (wall s, CPU s, peak MiB, stdout) of that process alone. The peak comes from
    GNU time when it is installed: a child forked from this script starts with the script's own
    resident memory (the seeded layers), which wait4's ru_maxrss would count."""
    peak_file = tempfile.NamedTemporaryFile(prefix="ferry-bench-rss-", delete=False).name
    wrapped = (["/usr/bin/time", "-f", "%M", "-o", peak_file] if os.path.exists("/usr/bin/time") else []) + cmd
    t0 = time.monotonic()
    p = subprocess.Popen(wrapped, stdout=subprocess.PIPE if capture else subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    out = p.stdout.read() if capture else b""
    _, status, ru = os.wait4(p.pid, 0)
    p.returncode = os.waitstatus_to_exitcode(status)
    if p.returncode != 0:
        raise RuntimeError(f"{cmd[0]} {cmd[1] if len(cmd) > 1 else ''} exited {p.returncode}")
    peak = ru.ru_maxrss / 1024
    try:
        with open(peak_file) as f:
            peak = int(f.read().strip().splitlines()[-1]) / 1024
    except (OSError, ValueError, IndexError):
        pass
    os.unlink(peak_file)
    return time.monotonic() - t0, ru.ru_utime + ru.ru_stime, peak, out


def registry_cpu(procs):
    """CPU seconds (user + system) the given registry processes have used so far."""
    total = 0.0
    for p in procs:
        with open(f"/proc/{p.pid}/stat") as f:
            fields = f.read().rsplit(")", 1)[1].split()
        total += (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    return total


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--ferryctl", required=True)
    ap.add_argument("--repos", type=int, default=50)
    ap.add_argument("--tags", type=int, default=10)
    ap.add_argument("--big", type=int, default=3)
    ap.add_argument("--big-mb", type=int, default=100)
    args = ap.parse_args()
    work = tempfile.mkdtemp(prefix="ferry-copy-bench-")
    procs = []
    try:
        hosts, by_name = {}, {}
        for name in ("source", "ferry", "sync", "loop", "curl"):
            p, hosts[name] = localregistry.start(work, name)
            procs.append(p)
            by_name[name] = p
        print(f"seeding {args.repos * args.tags} tags in {args.repos} repositories ({args.big} with a {args.big_mb} MiB layer)…",
              flush=True)
        names = seed(hosts["source"], args.repos, args.tags, args.big, args.big_mb)
        rows = []

        plan = os.path.join(work, "plan.yaml")
        with open(plan, "w") as f:
            f.write(f"version: 1\nname: bench\nregistries:\n  src: {{ url: 'http://{hosts['source']}', role: source }}\n"
                    f"  dst: {{ url: 'http://{hosts['ferry']}', role: target }}\nimages:\n")
            for r in sorted({repo for repo, _ in names}):
                f.write(f"  - source: src/{r}\n    target: dst/{r}\n")
        db = os.path.join(work, "bench.db")
        ferry = args.ferryctl
        subprocess.run([ferry, "scan", "--plan", plan, "--db", db], check=False, stdout=subprocess.DEVNULL)
        wall_plan, cpu_plan, _, _ = measured([ferry, "copy", "plan", "--plan", plan, "--db", db])
        listed = json.loads(subprocess.run([ferry, "copy", "list", "--db", db, "--format", "json"], check=True,
                                           stdout=subprocess.PIPE).stdout)
        for b in listed:
            subprocess.run([ferry, "copy", "approve", str(b["id"]), "--db", db, "--as", "bench"], check=True, stdout=subprocess.DEVNULL)
        regs = {}  # the source's and the tool's target's CPU while the tool ran: on 2 cores, theirs is most of it
        reg0 = registry_cpu([by_name["source"], by_name["ferry"]])
        wall, cpu, peak, out = measured([ferry, "copy", "resume", "--db", db, "--format", "json"], capture=True)
        regs["ferry"] = registry_cpu([by_name["source"], by_name["ferry"]]) - reg0
        runs = json.loads(out)
        sent = sum(r["bytesSent"] for r in runs)
        mounted = sum(r["blobsMounted"] for r in runs)
        present = sum(r["blobsPresent"] for r in runs)
        uploaded = sum(r["blobsUploaded"] for r in runs)
        copied = sum(r["counts"].get("copied", 0) for r in runs)
        rows.append(("ferryctl copy resume (every approved batch)", wall, cpu, peak))

        sync = os.path.join(work, "sync.yaml")
        with open(sync, "w") as f:
            f.write(f"{hosts['source']}:\n  tls-verify: false\n  images:\n")
            by = {}
            for repo, tag in names:
                by.setdefault(repo, []).append(tag)
            for repo, tags in by.items():
                f.write(f"    {repo}: [{', '.join(repr(t) for t in tags)}]\n")
        reg0 = registry_cpu([by_name["source"], by_name["sync"]])
        rows.append(("skopeo sync --all", *measured(["skopeo", "sync", "--all", "--src", "yaml", "--dest", "docker",
                                                      "--dest-tls-verify=false", sync, f"{hosts['sync']}/bench"])[:3]))
        regs["sync"] = registry_cpu([by_name["source"], by_name["sync"]]) - reg0

        t0, cpu, peak = time.monotonic(), 0.0, 0.0
        reg0 = registry_cpu([by_name["source"], by_name["loop"]])
        for repo, tag in names:
            _, c, m, _ = measured(["skopeo", "copy", "--all", "--src-tls-verify=false", "--dest-tls-verify=false",
                                   f"docker://{hosts['source']}/{repo}:{tag}", f"docker://{hosts['loop']}/{repo}:{tag}"])
            cpu, peak = cpu + c, max(peak, m)
        rows.append(("loop of skopeo copy --all", time.monotonic() - t0, cpu, peak))
        regs["loop"] = registry_cpu([by_name["source"], by_name["loop"]]) - reg0

        big_line = ""
        if args.big:
            # One large layer moved by curl: GET from the source piped into a monolithic PUT.
            repo = "bench/app000"
            idx = json.loads(urllib.request.urlopen(urllib.request.Request(
                f"http://{hosts['source']}/v2/{repo}/manifests/1.0.0", headers={"Accept": OCI_INDEX}), timeout=60).read())
            child = idx["manifests"][0]["digest"]
            man = json.loads(urllib.request.urlopen(urllib.request.Request(
                f"http://{hosts['source']}/v2/{repo}/manifests/{child}", headers={"Accept": OCI_MANIFEST}), timeout=60).read())
            layer = max(man["layers"], key=lambda l: l["size"])
            loc = urllib.request.urlopen(urllib.request.Request(f"http://{hosts['curl']}/v2/{repo}/blobs/uploads/", method="POST"),
                                         timeout=60).headers["Location"]
            loc = loc if loc.startswith("http") else f"http://{hosts['curl']}{loc}"
            sep = "&" if "?" in loc else "?"
            wall_curl, cpu_curl, _, _ = measured(["sh", "-c", f"curl -sf http://{hosts['source']}/v2/{repo}/blobs/{layer['digest']} | "
                                                        f"curl -sf -X PUT -H 'Content-Type: application/octet-stream' --data-binary @- "
                                                        f"'{loc}{sep}digest={layer['digest']}'"])
            big_line = f"curl, one {layer['size'] / 1048576:.0f} MiB layer source-to-target: {wall_curl:.2f} s wall, {cpu_curl:.2f} s CPU"

        print(f"\n{len(names)} tags in {args.repos} repositories; planning: {wall_plan:.2f} s wall, {cpu_plan:.2f} s CPU")
        print(f"ferry: {copied} copied, {uploaded} blobs sent ({sent / 1048576:.1f} MiB), {mounted} mounted, {present} already there\n")
        print(f"{'tool':48} {'wall s':>8} {'cpu s':>8} {'peak MiB':>9} {'registries cpu s':>17}")
        for (name, w, c, m), reg in zip(rows, ("ferry", "sync", "loop")):
            print(f"{name:48} {w:8.2f} {c:8.2f} {m:9.0f} {regs[reg]:17.2f}")
        print(f"\nskopeo sync / ferry (wall): {rows[1][1] / rows[0][1]:.1f}x; loop / ferry: {rows[2][1] / rows[0][1]:.1f}x")
        if big_line:
            print(big_line)
    finally:
        for p in procs:
            p.terminate()
        for p in procs:
            try:
                p.wait(5)
            except subprocess.TimeoutExpired:
                p.kill()
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
