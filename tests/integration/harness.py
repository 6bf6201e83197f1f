"""Shared harness for integration tests: a real HTTP server on 127.0.0.1 started by the test, and
a runner for the built tagwarden binary. Vendor hosts are mapped to the local server with
--resolve, so no test ever contacts a real third party."""

import hashlib
import http.server
import json
import os
import shutil
import socketserver
import subprocess
import tempfile
import threading
import unittest
from pathlib import Path

BIN = os.environ.get("TAGWARDEN_BIN", "tagwarden")
SOURCE_DIR = Path(os.environ.get("TAGWARDEN_SOURCE_DIR", Path(__file__).resolve().parents[2]))
FIXTURES = SOURCE_DIR / "tests" / "fixtures"
EXAMPLES = SOURCE_DIR / "examples"
TMP_ROOT = Path(os.environ.get("TAGWARDEN_TEST_TMP", tempfile.gettempdir()))
# ASan's shadow memory and quarantine inflate resident memory about threefold: memory bounds in
# the tests are multiplied by this so the sanitizer build checks the same behaviour.
MEMORY_SCALE = 3 if os.environ.get("TAGWARDEN_SANITIZED") == "1" else 1


class Route:
    """What the server answers for one path. `handler(request)` may take over completely (for
    hostile behaviours); otherwise status, headers and body are sent as given."""

    def __init__(self, body=b"", status=200, content_type="text/html; charset=utf-8",
                 headers=None, handler=None):
        self.body = body.encode() if isinstance(body, str) else body
        self.status = status
        self.content_type = content_type
        self.headers = headers or {}
        self.handler = handler


class _Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *args):  # keep test output readable
        pass

    def _answer(self, send_body):
        server = self.server
        host = (self.headers.get("Host") or "").split(":")[0].lower()
        path = self.path
        with server.lock:
            server.requests.append({"host": host, "path": path, "method": self.command,
                                    "headers": dict(self.headers)})
        route = server.routes.get((host, path)) or server.routes.get(path)
        if route is None and server.docroot is not None:
            route = _static_route(server.docroot, path.split("?")[0])
        if route is None:
            route = Route("not found", status=404, content_type="text/plain")
        if route.handler is not None:
            route.handler(self)
            return
        etag = route.headers.get("ETag")
        if etag and self.headers.get("If-None-Match") == etag:
            self.send_response(304)
            self.send_header("ETag", etag)
            self.send_header("Content-Length", "0")
            self.end_headers()
            return
        self.send_response(route.status)
        self.send_header("Content-Type", route.content_type)
        self.send_header("Content-Length", str(len(route.body)))
        for name, value in route.headers.items():
            self.send_header(name, value)
        self.end_headers()
        if send_body:
            try:
                self.wfile.write(route.body)
            except (BrokenPipeError, ConnectionResetError):
                pass

    def do_GET(self):
        self._answer(True)

    def do_HEAD(self):
        self._answer(False)


def _static_route(docroot, path):
    relative = path.lstrip("/")
    target = (docroot / relative).resolve()
    if not str(target).startswith(str(docroot.resolve())):
        return None
    if target.is_dir():
        target = target / "index.html"
    if not target.is_file():
        return None
    suffix = target.suffix.lower()
    types = {".html": "text/html; charset=utf-8", ".htm": "text/html; charset=utf-8",
             ".js": "application/javascript", ".css": "text/css", ".txt": "text/plain",
             ".xml": "application/xml", ".json": "application/json"}
    body = target.read_bytes()
    # A strong validator, so re-scans can send conditional requests and get 304s.
    etag = '"%s"' % hashlib.sha1(body).hexdigest()[:16]
    return Route(body, content_type=types.get(suffix, "application/octet-stream"),
                 headers={"ETag": etag})


class _Server(socketserver.ThreadingMixIn, http.server.HTTPServer):
    daemon_threads = True
    allow_reuse_address = True


class TestServer:
    """A threaded HTTP/1.1 server on 127.0.0.1 (ephemeral port). Routes are keyed by path or by
    (host, path), so one server can play the site and every vendor host mapped to it."""

    def __init__(self, docroot=None):
        self.httpd = _Server(("127.0.0.1", 0), _Handler)
        self.httpd.routes = {}
        self.httpd.requests = []
        self.httpd.lock = threading.Lock()
        self.httpd.docroot = Path(docroot) if docroot else None
        self.port = self.httpd.server_address[1]
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.httpd.shutdown()
        self.httpd.server_close()

    def route(self, path, route, host=None):
        self.httpd.routes[(host, path) if host else path] = route

    @property
    def requests(self):
        with self.httpd.lock:
            return list(self.httpd.requests)

    def url(self, path="/", host="127.0.0.1"):
        return f"http://{host}:{self.port}{path}"

    def resolve_args(self, *hosts):
        """--resolve flags mapping each vendor host (port of this server) to 127.0.0.1."""
        args = []
        for host in hosts:
            args += ["--resolve", f"{host}:{self.port}:127.0.0.1"]
        return args


def run_tagwarden(*args, cwd=None, timeout=120, env=None):
    full_env = dict(os.environ)
    full_env.pop("NO_COLOR", None)
    if env:
        full_env.update(env)
    return subprocess.run([BIN, *map(str, args)], cwd=cwd, capture_output=True, text=True,
                          timeout=timeout, env=full_env)


# The store the tests of the store run against: "sqlite" (a file per test) or "postgresql" (ctest
# registers those tests a second time with TAGWARDEN_TEST_DB=postgresql).
STORE_BACKEND = os.environ.get("TAGWARDEN_TEST_DB", "sqlite")


class TagwardenTestCase(unittest.TestCase):
    """Gives each test a fresh work directory under the build tree, and `self.db`: its scan
    database, a file in it, or with TAGWARDEN_TEST_DB=postgresql a database of its own in a
    PostgreSQL server started for the test class."""

    postgres = None

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        if STORE_BACKEND == "postgresql":
            from store_support import PostgresCluster  # imports this module
            reason = PostgresCluster.unavailable()
            if reason:
                raise unittest.SkipTest(reason)
            cls.postgres = PostgresCluster(tempfile.mkdtemp(prefix="tw-pg-")).start()
            cls.addClassCleanup(cls.postgres.stop)

    def setUp(self):
        TMP_ROOT.mkdir(parents=True, exist_ok=True)
        self.work = Path(tempfile.mkdtemp(prefix=self.id().split(".")[-1] + "-", dir=TMP_ROOT))
        self.db = self.postgres.new_database() if self.postgres else self.work / "tw.db"

    def tearDown(self):
        shutil.rmtree(self.work, ignore_errors=True)

    def write(self, relative, text):
        """Writes `text` to a file under the work directory (folders made as needed)."""
        path = self.work / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
        return path

    def scan(self, *args, timeout=120):
        return run_tagwarden("scan", *args, "--out", self.work, "--db", self.db,
                             cwd=self.work, timeout=timeout)

    def report_json(self):
        return json.loads((self.work / "tagwarden-report.json").read_text())
