"""Hostile HTTP behaviours for the crawler's fault-tolerance tests, built on harness.TestServer:
each is a Route whose handler takes over the socket. Bodies are generated on the fly (a "10 GB"
body never exists in memory), and every endless behaviour stops when the client goes away or the
server shuts down, so a test never leaves a thread spinning."""

import io
import os
import socket
import struct
import subprocess
import threading
import time
import zlib
from dataclasses import dataclass

from harness import BIN, Route, TestServer

CHUNK = 64 * 1024


def _closed(handler):
    return getattr(handler.server, "stopping", None) is not None and handler.server.stopping.is_set()


def _headers(handler, status=200, content_type="text/html; charset=utf-8", length=None,
             extra=None):
    handler.send_response(status)
    handler.send_header("Content-Type", content_type)
    if length is not None:
        handler.send_header("Content-Length", str(length))
    for name, value in (extra or {}).items():
        handler.send_header(name, value)
    handler.end_headers()


def _write(handler, data):
    """False once the client has gone."""
    try:
        handler.wfile.write(data)
        handler.wfile.flush()
        return True
    except (BrokenPipeError, ConnectionResetError, OSError):
        return False


def reset_mid_body(handler):
    """Promises 100 KB, sends 2 KB, then resets the connection (RST, not FIN)."""
    _headers(handler, length=100_000)
    _write(handler, b"<html><body>" + b"x" * 2000)
    sock = handler.connection
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
    sock.close()
    handler.close_connection = True
    handler.wfile = io.BytesIO()  # the handler's final flush must not touch the closed socket


def never_answers(handler, limit_s=120):
    """Reads the request and then says nothing until the client leaves or the server stops."""
    deadline = time.monotonic() + limit_s
    handler.connection.settimeout(0.2)
    while time.monotonic() < deadline and not _closed(handler):
        try:
            if handler.connection.recv(1, socket.MSG_PEEK) == b"":
                break  # the client closed
        except socket.timeout:
            continue
        except OSError:
            break
    handler.close_connection = True


def slow_drip(handler, interval_s=0.5, limit_s=120):
    """Headers at once, then one byte of body every `interval_s` (slowloris from the server side)."""
    _headers(handler, length=1_000_000)
    deadline = time.monotonic() + limit_s
    while time.monotonic() < deadline and not _closed(handler):
        if not _write(handler, b"x"):
            break
        time.sleep(interval_s)
    handler.close_connection = True


def endless_body(handler, total=10 * 1024**3, content_type="text/html"):
    """A 10 GB body (declared in Content-Length) generated chunk by chunk."""
    _headers(handler, content_type=content_type, length=total)
    _write(handler, b"<html><body>")
    block = b"<p>" + b"y" * (CHUNK - 7) + b"</p>"
    sent = 0
    while sent < total and not _closed(handler):
        if not _write(handler, block):
            break
        sent += len(block)
        time.sleep(0.001)  # leave the GIL to the other handlers (at most ~64 MB/s)
    handler.close_connection = True


def endless_chunked(handler):
    """No Content-Length at all: chunked encoding that never ends."""
    handler.send_response(200)
    handler.send_header("Content-Type", "text/html")
    handler.send_header("Transfer-Encoding", "chunked")
    handler.end_headers()
    block = b"<p>" + b"z" * (CHUNK - 7) + b"</p>"
    frame = b"%x\r\n" % len(block) + block + b"\r\n"
    while not _closed(handler):
        if not _write(handler, frame):
            break
        time.sleep(0.001)
    handler.close_connection = True


_bomb_lock = threading.Lock()
_bomb = {}


def gzip_bomb_bytes(decoded_mib=256):
    """One gzip stream of `decoded_mib` MiB of spaces (~0.5 MB on the wire), built once."""
    with _bomb_lock:
        if decoded_mib not in _bomb:
            compressor = zlib.compressobj(9, zlib.DEFLATED, 16 + zlib.MAX_WBITS)
            parts = [compressor.compress(b"<html><body>")]
            block = b" " * (1024 * 1024)
            for _ in range(decoded_mib):
                parts.append(compressor.compress(block))
            parts.append(compressor.flush())
            _bomb[decoded_mib] = b"".join(parts)
        return _bomb[decoded_mib]


def gzip_bomb(handler):
    body = gzip_bomb_bytes()
    _headers(handler, length=len(body), extra={"Content-Encoding": "gzip"})
    _write(handler, body)


def redirect_to(location, status=302):
    def handler(h):
        _headers(h, status=status, content_type="text/plain", length=0,
                 extra={"Location": location})
    return handler


def chain_link(handler):
    """/chain/N redirects to /chain/N+1, for ever."""
    number = int(handler.path.rsplit("/", 1)[-1] or 0)
    redirect_to(f"/chain/{number + 1}")(handler)


def calendar(handler):
    """/calendar/YYYY-MM links to the next and the previous month: an endless URL space."""
    stamp = handler.path.rsplit("/", 1)[-1]
    year, month = (int(x) for x in stamp.split("-"))
    def shift(delta):
        index = year * 12 + (month - 1) + delta
        return f"/calendar/{index // 12:04d}-{index % 12 + 1:02d}"
    body = (f"<html><body><h1>{stamp}</h1><a href='{shift(-1)}'>prev</a>"
            f"<a href='{shift(1)}'>next</a></body></html>").encode()
    _headers(handler, length=len(body))
    _write(handler, body)


def million_links(handler, count=1_000_000):
    """A page with a million distinct same-site links, streamed (~20 MB)."""
    handler.send_response(200)
    handler.send_header("Content-Type", "text/html")
    handler.send_header("Transfer-Encoding", "chunked")
    handler.end_headers()
    def frame(data):
        return b"%x\r\n" % len(data) + data + b"\r\n"
    _write(handler, frame(b"<html><body>"))
    batch = []
    for i in range(count):
        batch.append(b"<a href=/m/%d>%d</a>" % (i, i))
        if len(batch) == 10000:
            if not _write(handler, frame(b"".join(batch))):
                return
            batch = []
    if batch:
        _write(handler, frame(b"".join(batch)))
    _write(handler, frame(b"</body></html>") + b"0\r\n\r\n")


INVALID_UTF8_PAGE = (b"<html><head><title>\xff\xfe broken \xc3\x28 \xed\xa0\x80</title></head><body>"
                     b"<p>\x80\x81\x82</p><a href='/utf8-target-\xe9'>latin-1 link</a>"
                     b"<script src='https://cdn.vendor.example/t\xff.js'></script></body></html>")


class CountingRetry:
    """Answers `status` with Retry-After the first `failures` times, then a page."""

    def __init__(self, status, failures, retry_after="1"):
        self.status, self.failures, self.retry_after = status, failures, retry_after
        self.calls = 0
        self.lock = threading.Lock()

    def __call__(self, handler):
        with self.lock:
            self.calls += 1
            failing = self.calls <= self.failures
        if failing:
            body = b"busy"
            _headers(handler, status=self.status, content_type="text/plain", length=len(body),
                     extra={"Retry-After": self.retry_after})
            _write(handler, body)
        else:
            body = b"<html><body><p>served after retry</p></body></html>"
            _headers(handler, length=len(body))
            _write(handler, body)


def huge_robots(handler, mib=20):
    """robots.txt of `mib` MiB: a rule for /early first, one for /late after the padding."""
    head, tail = b"User-agent: *\nDisallow: /early\n", b"\nDisallow: /late\n"
    total = mib * 1024 * 1024
    _headers(handler, content_type="text/plain", length=total)
    _write(handler, head)
    block = (b"# padding" + b"." * 54 + b"\n") * 1024
    remaining = total - len(head) - len(tail)
    while remaining > 0 and not _closed(handler):
        piece = block[:remaining]
        if not _write(handler, piece):
            return
        remaining -= len(piece)
        time.sleep(0.001)
    _write(handler, tail)


BINARY_ROBOTS = bytes(range(256)) * 64 + b"\x00\x00Disallow /binary\x00"
MALFORMED_ROBOTS = (b"User-agent tagwarden\nDisallow /nocolon\n:::\n\xff\xfe\nUser-agent: *\n"
                    b"Disallow: /malformed-secret\nAllow:\nDisallow\nUser-agent: *\n"
                    b"Disallow: " + b"*" * 5000 + b"zzqq\n" + b"Sitemap: not a url\n")


class HostileServer(TestServer):
    """The test server with `stopping` set on shutdown, so endless handlers end with it."""

    def __init__(self, docroot=None):
        super().__init__(docroot)
        self.httpd.stopping = threading.Event()
        # Clients that abort (the point of most cases here) are not errors worth a traceback.
        self.httpd.handle_error = lambda request, address: None
        # A crawler opens dozens of connections at once; socketserver's default backlog is 5.
        self.httpd.socket.listen(128)

    def __exit__(self, *exc):
        self.httpd.stopping.set()
        super().__exit__(*exc)

    def add(self, path, handler):
        self.route(path, Route(handler=handler))

    def page(self, path, body, **kwargs):
        self.route(path, Route(body, **kwargs))


# Running the scan: a hard timeout and the child's own max RSS, which subprocess.run does not give.

@dataclass
class ScanRun:
    returncode: int
    stdout: str
    stderr: str
    seconds: float
    max_rss_mib: float
    killed: bool


def run_scan(work, *args, timeout=180):
    command = [BIN, "scan", *map(str, args), "--out", str(work), "--db", str(work / "tw.db")]
    out_path, err_path = work / "scan.stdout", work / "scan.stderr"
    with open(out_path, "wb") as out, open(err_path, "wb") as err:
        started = time.monotonic()
        process = subprocess.Popen(command, cwd=work, stdout=out, stderr=err)
        killed = threading.Event()

        def kill():
            killed.set()
            process.kill()

        timer = threading.Timer(timeout, kill)
        timer.start()
        _, status, usage = os.wait4(process.pid, 0)
        timer.cancel()
        process.returncode = os.waitstatus_to_exitcode(status)  # already reaped
    return ScanRun(process.returncode, out_path.read_text(errors="replace"),
                   err_path.read_text(errors="replace"), time.monotonic() - started,
                   usage.ru_maxrss / 1024.0, killed.is_set())
