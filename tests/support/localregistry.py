"""Local CNCF Distribution registries and raw blob pushes, for the demo and the benchmarks.
Loopback only; the caller stops the processes it gets.

Besides plain registries it starts the shapes of the world's registries (the same shapes as
the tests' farm, registryfarm.h): TLS with HTTP/2 (Go's default) or HTTP/1.1, Basic auth
(htpasswd) or token auth with a token service on HTTPS, each serving the storage of a plain
"door" registry through which content is seeded."""
import base64
import hashlib
import json
import os
import socket
import ssl
import subprocess
import sys
import time
import urllib.parse
import urllib.request

SUPPORT = os.path.dirname(os.path.abspath(__file__))
USER, PASSWORD = "ferry", "s3cret-pass"


def free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


def _config_head(workdir, storage, port):
    """The part of a registry's configuration every shape shares, up to `http:`'s secret."""
    return (f"version: 0.1\nlog:\n  level: error\n  accesslog:\n    disabled: true\n"
            f"storage:\n  filesystem:\n    rootdirectory: {workdir}/{storage}\n  delete:\n    enabled: true\n"
            f"http:\n  addr: 127.0.0.1:{port}\n  secret: local\n")


def start(workdir, name, proxy_of=None):
    """Starts docker-registry with storage under workdir/name; returns (process, "127.0.0.1:port").
    With proxy_of ("127.0.0.1:port") it is a pull-through cache of that registry."""
    port = free_port()
    cfg = os.path.join(workdir, f"{name}.yml")
    with open(cfg, "w") as f:
        f.write(_config_head(workdir, name, port))
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


def _wait_port(port, proc, what):
    for _ in range(300):
        if proc.poll() is not None:
            raise RuntimeError(f"{what} exited early")
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.1).close()
            return
        except OSError:
            time.sleep(0.05)
    proc.kill()
    raise RuntimeError(f"{what} did not start")


class Pki:
    """A CA, a server certificate for 127.0.0.1 and localhost, the token issuer's key, and
    an htpasswd file, made with openssl and htpasswd in workdir/pki."""

    def __init__(self, workdir):
        d = self.dir = os.path.join(workdir, "pki")
        os.makedirs(d, exist_ok=True)
        self.ca, self.cert, self.key = f"{d}/ca.crt", f"{d}/server.crt", f"{d}/server.key"
        self.token_cert, self.token_key, self.htpasswd = f"{d}/token.crt", f"{d}/token.key", f"{d}/htpasswd"
        q = {"stdout": subprocess.DEVNULL, "stderr": subprocess.DEVNULL, "check": True}
        subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", f"{d}/ca.key", "-out", self.ca,
                        "-subj", "/CN=Ferry local CA", "-days", "30"], **q)
        subprocess.run(["openssl", "req", "-newkey", "rsa:2048", "-nodes", "-keyout", self.key, "-out", f"{d}/server.csr",
                        "-subj", "/CN=127.0.0.1"], **q)
        with open(f"{d}/server.ext", "w") as f:
            f.write("subjectAltName=IP:127.0.0.1,DNS:localhost\nbasicConstraints=CA:FALSE\nextendedKeyUsage=serverAuth\n")
        subprocess.run(["openssl", "x509", "-req", "-in", f"{d}/server.csr", "-CA", self.ca, "-CAkey", f"{d}/ca.key", "-CAcreateserial",
                        "-out", self.cert, "-days", "30", "-extfile", f"{d}/server.ext"], **q)
        subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", self.token_key, "-out", self.token_cert,
                        "-subj", "/CN=ferry-token-issuer", "-days", "30"], **q)
        with open(self.htpasswd, "wb") as f:
            f.write(subprocess.run(["htpasswd", "-Bbn", USER, PASSWORD], capture_output=True, check=True).stdout)
        self.context = ssl.create_default_context(cafile=self.ca)


def start_token_service(workdir, pki, expires_in=300):
    """The tests' token service on HTTPS; returns (process, realm URL)."""
    port = free_port()
    proc = subprocess.Popen(["/usr/bin/python3", os.path.join(SUPPORT, "token_service.py"), "--port", str(port),
                             "--key", pki.token_key, "--cert", pki.token_cert, "--tls-cert", pki.cert, "--tls-key", pki.key,
                             "--issuer", "ferry-local-issuer", "--service", "ferry-local", "--expires-in", str(expires_in),
                             "--user", f"{USER}:{PASSWORD}"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    _wait_port(port, proc, "token service")
    return proc, f"https://127.0.0.1:{port}/token"


def _registry_env(pki):
    """A cache must trust its upstream and the token service; REGISTRY_* variables would be
    read as configuration (REGISTRY_AUTH_FILE, meant for skopeo, as `auth: file`)."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("REGISTRY_")}
    env["SSL_CERT_FILE"] = pki.ca
    return env


def start_shaped(workdir, name, pki, auth, http2=True, realm=None, storage=None, proxy_of=None):
    """A TLS registry serving workdir/<storage or name>: auth "basic", "token" (realm from
    start_token_service) or None; http2=False adds `http2: disabled`. proxy_of ("https://host:port")
    makes it a pull-through cache that logs in to its upstream with the shared credentials.
    Returns (process, "127.0.0.1:port")."""
    port = free_port()
    cfg = os.path.join(workdir, f"{name}.yml")
    with open(cfg, "w") as f:
        f.write(_config_head(workdir, storage or name, port) + f"  tls:\n    certificate: {pki.cert}\n    key: {pki.key}\n")
        if not http2:
            f.write("  http2:\n    disabled: true\n")
        if auth == "basic":
            f.write(f"auth:\n  htpasswd:\n    realm: ferry-local\n    path: {pki.htpasswd}\n")
        elif auth == "token":
            f.write(f"auth:\n  token:\n    realm: {realm}\n    service: ferry-local\n    issuer: ferry-local-issuer\n"
                    f"    rootcertbundle: {pki.token_cert}\n")
        if proxy_of:
            f.write(f"proxy:\n  remoteurl: {proxy_of}\n  username: {USER}\n  password: {PASSWORD}\n")
    env = _registry_env(pki)
    proc = subprocess.Popen(["docker-registry", "serve", cfg], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env)
    _wait_port(port, proc, f"registry {name}")
    return proc, f"127.0.0.1:{port}"


def restart_shaped(workdir, name, host, pki):
    """Starts the shaped registry `name` again on its old port (after an outage)."""
    proc = subprocess.Popen(["docker-registry", "serve", os.path.join(workdir, f"{name}.yml")], stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL, env=_registry_env(pki))
    _wait_port(int(host.rsplit(":", 1)[1]), proc, f"registry {name}")
    return proc


def write_docker_config(directory, hosts):
    """A Docker config.json with the shared credentials for each host; returns its directory."""
    os.makedirs(directory, exist_ok=True)
    auth = base64.b64encode(f"{USER}:{PASSWORD}".encode()).decode()
    with open(os.path.join(directory, "config.json"), "w") as f:
        json.dump({"auths": {h: {"auth": auth} for h in hosts}}, f)
    return directory


def fetch_token(realm, scopes, context):
    """One token for several scopes, as a client logged in with the shared credentials gets it."""
    query = urllib.parse.urlencode([("service", "ferry-local")] + [("scope", s) for s in scopes])
    r = urllib.request.Request(f"{realm}?{query}", headers={
        "Authorization": "Basic " + base64.b64encode(f"{USER}:{PASSWORD}".encode()).decode()})
    with urllib.request.urlopen(r, timeout=60, context=context) as resp:
        return json.loads(resp.read())["token"]


def authed_request(url, context, method="GET", headers=None):
    """A request to a TLS registry as a client does it: anonymous first, then Basic or a
    token for the scope its 401 names. Returns (status, body)."""
    headers = dict(headers or {})
    for attempt in range(2):
        try:
            with urllib.request.urlopen(urllib.request.Request(url, method=method, headers=headers), timeout=60, context=context) as resp:
                return resp.status, resp.read()
        except urllib.error.HTTPError as e:
            if e.code != 401 or attempt:
                return e.code, e.read()
            challenge = e.headers.get("WWW-Authenticate", "")
            if challenge.lower().startswith("basic"):
                headers["Authorization"] = "Basic " + base64.b64encode(f"{USER}:{PASSWORD}".encode()).decode()
            else:
                params = dict(p.split("=", 1) for p in challenge.split(" ", 1)[1].replace('"', "").split(","))
                token = fetch_token(params["realm"], [params.get("scope", "")], context)
                headers["Authorization"] = "Bearer " + token
    return 0, b""
