#!/usr/bin/python3
"""A Docker token service for tests: issues RS256 JWTs as CNCF Distribution's token auth
expects them (the signing certificate in the x5c header, that certificate being the
registry's rootcertbundle). Loopback only; stops when its parent test dies (the test
starts it with PDEATHSIG) or on SIGTERM.

Grants: anonymous callers get `pull`; a caller with valid Basic credentials gets every
action it asks for, by GET with Basic credentials or by the OAuth2 POST form (containerd's way
when it has credentials). GET /stats answers how many tokens were issued, per scope.
"""
import argparse
import base64
import json
import secrets
import ssl
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlparse

import jwt
from cryptography import x509
from cryptography.hazmat.primitives import serialization


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--port", type=int, required=True)
    ap.add_argument("--key", required=True)
    ap.add_argument("--cert", required=True)
    ap.add_argument("--issuer", required=True)
    ap.add_argument("--service", required=True)
    ap.add_argument("--user", action="append", default=[], help="user:password")
    ap.add_argument("--expires-in", type=int, default=300)
    ap.add_argument("--tls-cert", help="serve HTTPS with this certificate (as real token services do)")
    ap.add_argument("--tls-key")
    args = ap.parse_args()

    with open(args.key, "rb") as f:
        key = serialization.load_pem_private_key(f.read(), password=None)
    with open(args.cert, "rb") as f:
        cert = x509.load_pem_x509_certificate(f.read())
    x5c = [base64.b64encode(cert.public_bytes(serialization.Encoding.DER)).decode()]
    users = dict(u.split(":", 1) for u in args.user)
    lock = threading.Lock()
    issued = {}

    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *a):
            pass

        def reply(self, status, body):
            data = json.dumps(body).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def do_GET(self):
            url = urlparse(self.path)
            if url.path == "/stats":
                with lock:
                    return self.reply(200, {"issued": issued})
            if url.path != "/token":
                return self.reply(404, {"error": "not found"})
            user = ""
            header = self.headers.get("Authorization", "")
            if header.startswith("Basic "):
                try:
                    u, p = base64.b64decode(header[6:]).decode().split(":", 1)
                except Exception:
                    return self.reply(400, {"error": "bad basic auth"})
                if users.get(u) != p:
                    return self.reply(401, {"error": "invalid credentials"})
                user = u
            self.grant(user, parse_qs(url.query))

        # The OAuth2 form of the same endpoint (Distribution's token spec, "password" grant), which
        # containerd uses when it has credentials, as ACR and Docker Hub serve it.
        def do_POST(self):
            url = urlparse(self.path)
            if url.path != "/token":
                return self.reply(404, {"error": "not found"})
            length = int(self.headers.get("Content-Length", "0"))
            form = parse_qs(self.rfile.read(length).decode())
            if form.get("grant_type", [""])[0] != "password":
                return self.reply(400, {"error": "unsupported_grant_type"})
            u, p = form.get("username", [""])[0], form.get("password", [""])[0]
            if users.get(u) != p:
                return self.reply(401, {"error": "invalid credentials"})
            self.grant(u, form)

        def grant(self, user, query):
            if query.get("service", [""])[0] != args.service:
                return self.reply(400, {"error": "unknown service"})
            access = []
            scopes = []
            for scope in query.get("scope", []):
                for one in scope.split(" "):
                    parts = one.split(":")
                    if len(parts) < 3:
                        continue
                    typ, name, actions = parts[0], ":".join(parts[1:-1]), parts[-1].split(",")
                    if not user:
                        actions = [a for a in actions if a == "pull"]
                    access.append({"type": typ, "name": name, "actions": actions})
                    scopes.append(one)
            now = int(time.time())
            claims = {
                "iss": args.issuer, "sub": user, "aud": args.service,
                "exp": now + args.expires_in, "nbf": now - 10, "iat": now,
                "jti": secrets.token_hex(8), "access": access,
            }
            token = jwt.encode(claims, key, algorithm="RS256", headers={"x5c": x5c})
            with lock:
                k = " ".join(scopes)
                issued[k] = issued.get(k, 0) + 1
            self.reply(200, {"token": token, "access_token": token,
                             "expires_in": args.expires_in, "scope": " ".join(scopes),
                             "issued_at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(now))})

    server = ThreadingHTTPServer(("127.0.0.1", args.port), Handler)
    if args.tls_cert:
        ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        ctx.load_cert_chain(args.tls_cert, args.tls_key)
        # The handshake happens in the handler thread, on its first read.
        server.socket = ctx.wrap_socket(server.socket, server_side=True, do_handshake_on_connect=False)
    print("ready", flush=True)
    server.serve_forever()


if __name__ == "__main__":
    sys.exit(main())
