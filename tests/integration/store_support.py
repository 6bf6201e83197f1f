"""Helpers for the store's integration tests: a slow site to interrupt mid-scan, a small
directory site to change between scans, and read-only queries of the scan database."""

import sqlite3
import subprocess
import time

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


def query(db, sql, *params):
    """Rows of a read-only query (a separate connection, like any other tool would use)."""
    connection = sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=30)
    try:
        return connection.execute(sql, params).fetchall()
    finally:
        connection.close()


def stored_pages(db, scan_id):
    try:
        return query(db, "SELECT count(*) FROM pages WHERE scan_id = ?", scan_id)[0][0]
    except sqlite3.Error:
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
