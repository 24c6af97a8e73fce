#!/usr/bin/python3
"""An HTTP/2 front over TLS for the tests' scripted HTTP/1.1 server (fakeserver.h), so that
every fault it scripts reaches the client the way an HTTP/2 registry (Go's net/http, a CDN)
would send it:

- the answer's status, headers and body are relayed as HEADERS and DATA frames as they
  arrive (a delay stays a delay, a stall stays a stall);
- a body cut short by the upstream (a reset mid-body) ends the stream with RST_STREAM;
- an upstream that closes without answering (a stale keep-alive it drops) ends the whole
  client connection, as a server that went away does;
- chunked and close-delimited bodies become DATA frames (HTTP/2 has no such framing).

Upstream connections are kept alive and reused, so the scripted server sees what it would
see behind a real proxy. Loopback only; stops when its parent test dies (PDEATHSIG) or on
SIGTERM. Needs Debian's python3-h2.
"""
import argparse
import socket
import ssl
import sys
import threading

import h2.config
import h2.connection
import h2.events
import h2.exceptions

HOP_BY_HOP = {b"connection", b"keep-alive", b"transfer-encoding", b"upgrade", b"proxy-connection", b"te"}


class UpstreamPool:
    """Idle keep-alive connections to the scripted server, reused like a proxy's."""

    def __init__(self, host, port):
        self.addr = (host, port)
        self.idle = []
        self.lock = threading.Lock()

    def get(self):
        with self.lock:
            if self.idle:
                return self.idle.pop(), True
        return socket.create_connection(self.addr, timeout=120), False

    def put(self, sock):
        with self.lock:
            self.idle.append(sock)


class Reader:
    def __init__(self, sock):
        self.sock = sock
        self.buf = b""

    def fill(self):
        data = self.sock.recv(65536)
        if not data:
            return False
        self.buf += data
        return True

    def line(self):
        while b"\r\n" not in self.buf:
            if not self.fill():
                return None
        line, self.buf = self.buf.split(b"\r\n", 1)
        return line

    def take(self, n):
        """Up to n bytes, at least one; b"" at EOF."""
        if not self.buf and not self.fill():
            return b""
        out, self.buf = self.buf[:n], self.buf[n:]
        return out


class Client:
    """One TLS + HTTP/2 client connection; each stream is relayed on a thread of its own."""

    def __init__(self, sock, pool):
        self.sock = sock
        self.pool = pool
        self.conn = h2.connection.H2Connection(h2.config.H2Configuration(client_side=False, header_encoding=None))
        self.lock = threading.Condition()
        self.requests = {}
        self.closed = False

    def flush(self):
        data = self.conn.data_to_send()
        if data:
            try:
                self.sock.sendall(data)
            except OSError:
                self.closed = True

    def run(self):
        try:
            self.sock.do_handshake()
        except (OSError, ssl.SSLError):
            self.sock.close()
            return
        with self.lock:
            self.conn.initiate_connection()
            self.flush()
        while not self.closed:
            try:
                data = self.sock.recv(65536)
            except OSError:
                break
            if not data:
                break
            with self.lock:
                try:
                    events = self.conn.receive_data(data)
                except h2.exceptions.ProtocolError:
                    self.flush()
                    break
                for ev in events:
                    if isinstance(ev, h2.events.RequestReceived):
                        self.requests[ev.stream_id] = [ev.headers, b""]
                    elif isinstance(ev, h2.events.DataReceived):
                        if ev.stream_id in self.requests:
                            self.requests[ev.stream_id][1] += ev.data
                        self.conn.acknowledge_received_data(ev.flow_controlled_length, ev.stream_id)
                    elif isinstance(ev, h2.events.StreamEnded):
                        headers, body = self.requests.pop(ev.stream_id, ([], b""))
                        threading.Thread(target=self.relay, args=(ev.stream_id, headers, body), daemon=True).start()
                    elif isinstance(ev, h2.events.ConnectionTerminated):
                        self.closed = True
                self.lock.notify_all()
                self.flush()
        self.closed = True
        with self.lock:
            self.lock.notify_all()
        try:
            self.sock.close()
        except OSError:
            pass

    def abort_connection(self):
        """The server went away: no GOAWAY, the TCP connection just ends."""
        self.closed = True
        try:
            self.sock.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass

    def reset(self, sid):
        with self.lock:
            try:
                self.conn.reset_stream(sid, error_code=2)  # INTERNAL_ERROR
            except (h2.exceptions.StreamClosedError, h2.exceptions.ProtocolError):
                pass
            self.flush()

    def send_data(self, sid, data, end):
        view = memoryview(data)
        with self.lock:
            while True:
                if self.closed:
                    return False
                try:
                    window = min(self.conn.local_flow_control_window(sid), self.conn.max_outbound_frame_size)
                except (h2.exceptions.StreamClosedError, KeyError):
                    return False
                if len(view) == 0:
                    if end:
                        self.conn.end_stream(sid)
                        self.flush()
                    return True
                if window <= 0:
                    self.lock.wait(1.0)
                    continue
                part, view = view[:window], view[window:]
                try:
                    self.conn.send_data(sid, part.tobytes(), end_stream=end and len(view) == 0)
                except (h2.exceptions.StreamClosedError, h2.exceptions.ProtocolError):
                    return False
                self.flush()
                if len(view) == 0:
                    return True

    def relay(self, sid, headers, body):
        h = {k: v for k, v in headers if k.startswith(b":")}
        method = h.get(b":method", b"GET")
        request = method + b" " + h.get(b":path", b"/") + b" HTTP/1.1\r\nHost: " + h.get(b":authority", b"") + b"\r\n"
        for k, v in headers:
            if not k.startswith(b":") and k.lower() not in HOP_BY_HOP and k.lower() != b"content-length":
                request += k + b": " + v + b"\r\n"
        if body or method in (b"POST", b"PUT", b"PATCH"):
            request += b"Content-Length: " + str(len(body)).encode() + b"\r\n"
        request += b"\r\n" + body

        upstream, reused = self.pool.get()
        try:
            upstream.sendall(request)
            rd = Reader(upstream)
            status_line = rd.line()
        except OSError:
            status_line = None
        if not status_line:
            # Closed without an answer: the client's connection dies with it.
            upstream.close()
            self.abort_connection()
            return
        status = status_line.split(b" ")[1]
        out = [(b":status", status)]
        length = None
        chunked = False
        keep = True
        while True:
            line = rd.line()
            if line is None:
                upstream.close()
                self.reset(sid)
                return
            if line == b"":
                break
            k, _, v = line.partition(b":")
            k, v = k.strip().lower(), v.strip()
            if k == b"content-length":
                length = int(v)
            if k == b"transfer-encoding" and b"chunked" in v.lower():
                chunked = True
            if k == b"connection" and v.lower() == b"close":
                keep = False
            if k not in HOP_BY_HOP:
                out.append((k, v))
        head_only = method == b"HEAD" or status in (b"204", b"304")
        with self.lock:
            try:
                self.conn.send_headers(sid, out, end_stream=head_only)
            except (h2.exceptions.StreamClosedError, h2.exceptions.ProtocolError):
                upstream.close()
                return
            self.flush()
        if head_only:
            self.pool.put(upstream) if keep else upstream.close()
            return

        complete = True
        if chunked:
            complete = False
            while True:
                size_line = rd.line()
                if size_line is None:
                    break
                size = int(size_line.split(b";")[0], 16)
                if size == 0:
                    while rd.line() not in (b"", None):  # trailers
                        pass
                    complete = True
                    break
                data = b""
                while len(data) < size + 2:
                    part = rd.take(size + 2 - len(data))
                    if not part:
                        break
                    data += part
                if len(data) < size + 2 or not self.send_data(sid, data[:size], False):
                    break
        elif length is not None:
            left = length
            while left > 0:
                part = rd.take(left)
                if not part:
                    complete = False
                    break
                left -= len(part)
                if not self.send_data(sid, part, False):
                    complete = False
                    break
        else:
            keep = False
            while True:
                part = rd.take(65536)
                if not part:
                    break
                if not self.send_data(sid, part, False):
                    break
        if not complete:
            upstream.close()
            self.reset(sid)
            return
        self.send_data(sid, b"", True)
        self.pool.put(upstream) if keep else upstream.close()


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--listen", default="127.0.0.1")
    ap.add_argument("--port", type=int, required=True)
    ap.add_argument("--upstream-port", type=int, required=True)
    ap.add_argument("--cert", required=True)
    ap.add_argument("--key", required=True)
    args = ap.parse_args()

    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    ctx.load_cert_chain(args.cert, args.key)
    ctx.set_alpn_protocols(["h2"])
    pool = UpstreamPool(args.listen, args.upstream_port)
    listener = socket.socket()
    listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    listener.bind((args.listen, args.port))
    listener.listen(64)
    while True:
        raw, _ = listener.accept()
        sock = ctx.wrap_socket(raw, server_side=True, do_handshake_on_connect=False)
        threading.Thread(target=Client(sock, pool).run, daemon=True).start()


if __name__ == "__main__":
    sys.exit(main())
