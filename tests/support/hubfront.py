#!/usr/bin/python3
"""A Docker Hub-shaped front over a plain-HTTP registry: the pull budget as Docker Hub counts it.

- every manifest GET takes one pull from the budget; HEADs take none;
- manifest responses (GET and HEAD) carry ratelimit-limit: N;w=W and ratelimit-remaining: R;w=W;
- at zero, a manifest GET is answered 429 with Docker Hub's TOOMANYREQUESTS error;
- the budget is given back in full every --window seconds (a fixed window, shorter than Hub's);
- GET /stats answers {"pulls": …, "heads": …, "rejected": …};
- --deny REGEX answers requests whose "METHOD /path" matches with 403 DENIED (a quota error), or
  with --deny-status 413 a 413 SIZE_INVALID (a blob beyond the registry's size limit), and
  --corrupt DIGEST serves that blob with its bytes changed, and --foreign-location moves upload
  Locations to another origin (127.0.0.2, the same port), until GET /allow turns them off.

Everything else is relayed to the registry unchanged. Loopback only; stops with its parent
(PDEATHSIG) or on SIGTERM.
"""
import argparse
import ctypes
import http.client
import json
import re
import signal
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

HUB_429 = json.dumps({"errors": [{"code": "TOOMANYREQUESTS", "message": "You have reached your unauthenticated pull rate limit. "
                                  "https://www.docker.com/increase-rate-limit"}]}).encode()


class Budget:
    def __init__(self, limit, window):
        self.limit, self.window = limit, window
        self.remaining = limit
        self.pulls = self.heads = self.rejected = 0
        self.lock = threading.Lock()
        self.reset_at = time.monotonic() + window

    def _tick(self):
        now = time.monotonic()
        if now >= self.reset_at:
            self.remaining = self.limit
            self.reset_at = now + self.window

    def take(self, method):
        """(allowed, remaining after) for a manifest request."""
        with self.lock:
            self._tick()
            if method == "HEAD":
                self.heads += 1
                return True, self.remaining
            if self.remaining <= 0:
                self.rejected += 1
                return False, 0
            self.remaining -= 1
            self.pulls += 1
            return True, self.remaining


QUOTA = json.dumps({"errors": [{"code": "DENIED", "message": "quota exceeded: the repository may not grow"}]}).encode()
TOO_LARGE = json.dumps({"errors": [{"code": "SIZE_INVALID", "message": "blob too large: beyond the registry's size limit"}]}).encode()


def handler(upstream, budget, faults):
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, *args):
            pass

        def _relay(self):
            if self.path == "/stats":
                body = json.dumps({"pulls": budget.pulls, "heads": budget.heads, "rejected": budget.rejected}).encode()
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)
                return
            if self.path == "/allow":
                faults.clear()
                self.send_response(204)
                self.send_header("Content-Length", "0")
                self.end_headers()
                return
            if faults.get("deny") and re.search(faults["deny"], f"{self.command} {self.path}"):
                length = int(self.headers.get("Content-Length") or 0)
                if length:
                    self.rfile.read(length)
                status = faults.get("deny_status") or 403
                body = TOO_LARGE if status == 413 else QUOTA
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)
                return
            manifest = "/manifests/" in self.path
            extra = []
            if manifest:
                ok, remaining = budget.take(self.command)
                w = budget.window
                extra = [("ratelimit-limit", f"{budget.limit};w={w}"), ("ratelimit-remaining", f"{remaining};w={w}")]
                if not ok:
                    self.send_response(429)
                    for k, v in extra + [("Content-Type", "application/json"), ("Content-Length", str(len(HUB_429)))]:
                        self.send_header(k, v)
                    self.end_headers()
                    self.wfile.write(HUB_429)
                    return
            length = int(self.headers.get("Content-Length") or 0)
            body = self.rfile.read(length) if length else None
            conn = http.client.HTTPConnection(*upstream, timeout=60)
            headers = {k: v for k, v in self.headers.items() if k.lower() != "connection"}  # Host kept: upload Locations name the front
            conn.request(self.command, self.path, body=body, headers=headers)
            resp = conn.getresponse()
            data = resp.read()
            if faults.get("corrupt") and self.command == "GET" and self.path.endswith("/blobs/" + faults["corrupt"]) and data:
                data = bytes([data[0] ^ 0xFF]) + data[1:]
            self.send_response(resp.status)
            for k, v in resp.getheaders():
                if k.lower() not in ("connection", "transfer-encoding", "content-length"):
                    if k.lower() == "location" and faults.get("foreign_location") and "/blobs/uploads/" in v:
                        v = re.sub(r"^(https?://)[^/]+", lambda m: f"{m.group(1)}127.0.0.2:{self.server.server_port}", v)
                        if v.startswith("/"):
                            v = f"http://127.0.0.2:{self.server.server_port}{v}"
                    self.send_header(k, v)
            for k, v in extra:
                self.send_header(k, v)
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            if self.command != "HEAD":
                self.wfile.write(data)
            conn.close()

        do_GET = do_HEAD = do_POST = do_PUT = do_PATCH = do_DELETE = _relay

    return Handler


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--port", type=int, required=True)
    ap.add_argument("--upstream", required=True, help="host:port of the plain-HTTP registry")
    ap.add_argument("--limit", type=int, default=10)
    ap.add_argument("--window", type=int, default=3)
    ap.add_argument("--deny", help="refuse requests whose 'METHOD /path' matches this regex with 403")
    ap.add_argument("--deny-status", type=int, choices=(403, 413), default=403, help="the status --deny answers with")
    ap.add_argument("--corrupt", help="serve this blob digest with changed bytes")
    ap.add_argument("--foreign-location", action="store_true", help="move upload Locations to another origin")
    args = ap.parse_args()
    ctypes.CDLL("libc.so.6").prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG
    host, port = args.upstream.rsplit(":", 1)
    server = ThreadingHTTPServer(("127.0.0.1", args.port), handler((host, int(port)), Budget(args.limit, args.window),
                                                                              {"deny": args.deny, "deny_status": args.deny_status,
                                                                               "corrupt": args.corrupt,
                                                                               "foreign_location": args.foreign_location}))
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    print("ready", flush=True)
    server.serve_forever()


if __name__ == "__main__":
    main()
