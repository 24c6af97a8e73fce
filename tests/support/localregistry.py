"""Local CNCF Distribution registries and raw blob pushes, for the demo and the benchmarks.
Loopback only; the caller stops the processes it gets."""
import hashlib
import os
import socket
import subprocess
import time
import urllib.request


def free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


def start(workdir, name, proxy_of=None):
    """Starts docker-registry with storage under workdir/name; returns (process, "127.0.0.1:port").
    With proxy_of ("127.0.0.1:port") it is a pull-through cache of that registry."""
    port = free_port()
    cfg = os.path.join(workdir, f"{name}.yml")
    with open(cfg, "w") as f:
        f.write(f"version: 0.1\nlog:\n  level: error\n  accesslog:\n    disabled: true\n"
                f"storage:\n  filesystem:\n    rootdirectory: {workdir}/{name}\n  delete:\n    enabled: true\n"
                f"http:\n  addr: 127.0.0.1:{port}\n  secret: local\n")
        if proxy_of:
            f.write(f"proxy:\n  remoteurl: http://{proxy_of}\n")
    proc = subprocess.Popen(["docker-registry", "serve", cfg], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    for _ in range(200):
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.1).close()
            return proc, f"127.0.0.1:{port}"
        except OSError:
            time.sleep(0.05)
    proc.kill()
    raise RuntimeError(f"registry {name} did not start")


def restart(workdir, name, host):
    """Starts the registry `name` again on its old port and storage (after an outage)."""
    port = int(host.rsplit(":", 1)[1])
    proc = subprocess.Popen(["docker-registry", "serve", os.path.join(workdir, f"{name}.yml")],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    for _ in range(200):
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.1).close()
            return proc
        except OSError:
            time.sleep(0.05)
    proc.kill()
    raise RuntimeError(f"registry {name} did not restart")


def push_blob(host, repo, data):
    """Monolithic upload; returns (digest, size)."""
    d = "sha256:" + hashlib.sha256(data).hexdigest()
    r = urllib.request.Request(f"http://{host}/v2/{repo}/blobs/uploads/", method="POST")
    with urllib.request.urlopen(r, timeout=60) as resp:
        loc = resp.headers["Location"]
    loc = loc if loc.startswith("http") else f"http://{host}{loc}"
    sep = "&" if "?" in loc else "?"
    urllib.request.urlopen(urllib.request.Request(loc + sep + "digest=" + d, data=data, method="PUT",
                                                  headers={"Content-Type": "application/octet-stream"}), timeout=60).read()
    return d, len(data)
