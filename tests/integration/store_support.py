"""Helpers for the store's integration tests: a slow site to interrupt mid-scan, a small
directory site to change between scans, read-only queries of the scan database, and a real
PostgreSQL server started for the tests that run against it."""

import os
import shutil
import socket
import sqlite3
import subprocess
import time
from pathlib import Path

from harness import BIN, Route

VENDOR_HOSTS = ["www.googletagmanager.com", "static.hotjar.com", "connect.facebook.net"]


def page_html(index, pages, scripts):
    links = "".join(f'<a href="/p{(index + k) % pages}.html">next {k}</a>\n' for k in (1, 2, 3))
    tags = "".join(f'<script async src="https://{host}/tag.js?id={index}"></script>\n'
                   for host in scripts)
    return (f"<!doctype html><html><head><title>page {index}</title>{tags}</head>"
            f"<body><h1>Page {index}</h1>{links}</body></html>")


def slow_site(server, pages=400, delay=0.1):
    """Routes /p0.html ... each answering after `delay` seconds, linking onward, with tags."""
    for index in range(pages):
        body = page_html(index, pages, VENDOR_HOSTS[: 1 + index % 3]).encode()

        def handler(request, body=body):
            time.sleep(delay)
            request.send_response(200)
            request.send_header("Content-Type", "text/html; charset=utf-8")
            request.send_header("Content-Length", str(len(body)))
            request.end_headers()
            try:
                request.wfile.write(body)
            except (BrokenPipeError, ConnectionResetError):
                pass

        server.route(f"/p{index}.html", Route(handler=handler))


def write_directory_site(root, pages, script_urls_for):
    """A built site in `root`: pages p0..p{pages-1}; `script_urls_for(i)` lists the third-party
    script URLs of page i."""
    root.mkdir(parents=True, exist_ok=True)
    for old in root.glob("*.html"):
        old.unlink()
    for index in range(pages):
        tags = "".join(f'<script async src="{url}"></script>\n' for url in script_urls_for(index))
        links = "".join(f'<a href="p{k}.html">page {k}</a>\n' for k in range(pages))
        (root / f"p{index}.html").write_text(
            f"<!doctype html><html><head><title>page {index}</title>{tags}</head>"
            f"<body>{links}</body></html>")


def is_postgres(db):
    return str(db).startswith(("postgresql://", "postgres://"))


def _sql_literal(value):
    if isinstance(value, (int, float)):
        return str(value)
    return "'" + str(value).replace("'", "''") + "'"


def query(db, sql, *params):
    """Rows of a read-only query (a separate connection, like any other tool would use). On
    PostgreSQL through psql: `?` placeholders are filled with literals, numbers read as ints."""
    if is_postgres(db):
        for value in params:
            sql = sql.replace("?", _sql_literal(value), 1)
        result = subprocess.run(["psql", str(db), "-X", "-A", "-t", "-F", "\x1f", "-v",
                                 "ON_ERROR_STOP=1", "-c", sql], capture_output=True, text=True)
        if result.returncode != 0:
            raise RuntimeError(result.stderr)
        return [tuple(int(field) if field.lstrip("-").isdigit() else field
                      for field in line.split("\x1f"))
                for line in result.stdout.splitlines() if line]
    connection = sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=30)
    try:
        return connection.execute(sql, params).fetchall()
    finally:
        connection.close()


def execute(db, sql, *params):
    """Runs one statement that changes the database behind the tool's back."""
    if is_postgres(db):
        query(db, sql, *params)
        return
    with sqlite3.connect(db, timeout=30) as connection:
        connection.execute(sql, params)
    connection.close()


def stored_pages(db, scan_id):
    try:
        return query(db, "SELECT count(*) FROM pages WHERE scan_id = ?", scan_id)[0][0]
    except (sqlite3.Error, RuntimeError):
        return 0


def wait_until(condition, timeout=60, interval=0.05):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(interval)
    return False


def start_scan(*args, cwd):
    return subprocess.Popen([BIN, "scan", *map(str, args)], cwd=cwd, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True)


PG_BIN = Path(os.environ.get("TAGWARDEN_PG_BIN", "/usr/lib/postgresql/15/bin"))
PG_PASSWORD = "tw-secret-pw"


def _as_postgres_user():
    """The command prefix that runs a program as the server's user: initdb refuses root, so as
    root (CI) the `postgres` system user Debian's package creates; as anyone else, themselves.
    None when running as root and neither runuser nor setpriv can switch."""
    if os.geteuid() != 0:
        return []
    for prefix in (["runuser", "-u", "postgres", "--"],
                   ["setpriv", "--reuid=postgres", "--regid=postgres", "--init-groups"]):
        try:
            if subprocess.run([*prefix, "true"], capture_output=True).returncode == 0:
                return prefix
        except OSError:
            continue
    return None


def _free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class PostgresCluster:
    """A real PostgreSQL server in a temporary directory (initdb + pg_ctl), listening on
    127.0.0.1 on a free port with password authentication over TCP, its unix socket in the same
    directory. One database per test: new_database() gives its URL."""

    def __init__(self, root):
        self.root = Path(root)
        self.data = self.root / "data"
        self.port = _free_port()
        self.databases = 0
        self.prefix = _as_postgres_user()

    @staticmethod
    def unavailable():
        """Why no cluster can be started here, or None."""
        if not (PG_BIN / "initdb").exists():
            return f"no PostgreSQL server binaries in {PG_BIN}"
        if _as_postgres_user() is None:
            return "running as root and cannot switch to the postgres user"
        return None

    def start(self):
        self.root.mkdir(parents=True, exist_ok=True)
        if os.geteuid() == 0:
            shutil.chown(self.root, "postgres", "postgres")
        password_file = self.root / "password"
        password_file.write_text(PG_PASSWORD + "\n")
        if os.geteuid() == 0:
            shutil.chown(password_file, "postgres", "postgres")
        self._run(PG_BIN / "initdb", "-D", self.data, "-U", "postgres", "--auth-local=trust",
                  "--auth-host=scram-sha-256", f"--pwfile={password_file}", "-E", "UTF8",
                  "--no-sync")
        self._run(PG_BIN / "pg_ctl", "-D", self.data, "-l", self.root / "server.log", "-w",
                  "-t", "60", "-o",
                  f"-p {self.port} -k {self.root} -c listen_addresses=127.0.0.1 -c fsync=off "
                  "-c max_connections=60", "start")
        return self

    def stop(self):
        subprocess.run([*self.prefix, str(PG_BIN / "pg_ctl"), "-D", str(self.data), "-m", "fast",
                        "-w", "stop"], capture_output=True)
        shutil.rmtree(self.root, ignore_errors=True)

    def _run(self, *args):
        result = subprocess.run([*self.prefix, *map(str, args)], capture_output=True, text=True,
                                cwd=self.root)
        if result.returncode != 0:
            log = self.root / "server.log"
            raise RuntimeError(f"{args[0]} failed: {result.stderr}\n"
                               f"{log.read_text() if log.exists() else ''}")

    def url(self, database, password=PG_PASSWORD):
        return f"postgresql://postgres:{password}@127.0.0.1:{self.port}/{database}"

    def psql(self, database, sql):
        """Rows of `sql` run by psql over the unix socket, each a tuple of text fields."""
        result = subprocess.run(
            ["psql", "-h", str(self.root), "-p", str(self.port), "-U", "postgres", "-d", database,
             "-X", "-A", "-t", "-F", "\x1f", "-v", "ON_ERROR_STOP=1", "-c", sql],
            capture_output=True, text=True)
        if result.returncode != 0:
            raise RuntimeError(result.stderr)
        return [tuple(line.split("\x1f")) for line in result.stdout.splitlines() if line]

    def new_database(self):
        self.databases += 1
        name = f"tw{self.databases}"
        self.psql("postgres", f"CREATE DATABASE {name}")
        return self.url(name)
