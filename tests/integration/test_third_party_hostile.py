"""Hostile third-party responses: huge, a compression bomb, too slow, the wrong content type,
binary "JavaScript", a GTM container that is not JSON, a connection that closes without an
answer and a redirect to file://. Each is bounded and recorded on its tag; the scan completes."""

import gzip
import time
import unittest

from harness import Route, TagwardenTestCase, TestServer

HOST = "cdn.hostile-vendor.com"
GTM = "www.googletagmanager.com"
JS = "application/javascript"


def raw(status_line, headers, body):
    def handler(request):
        try:
            request.wfile.write(status_line.encode() + b"\r\n")
            for name, value in headers.items():
                request.wfile.write(f"{name}: {value}\r\n".encode())
            request.wfile.write(b"\r\n" + body)
        except (BrokenPipeError, ConnectionResetError):
            pass
        request.close_connection = True
    return handler


class HostileThirdPartyTest(TagwardenTestCase):
    def test_hostile_resources_are_bounded_and_recorded(self):
        bomb = gzip.compress(b"\0" * (64 << 20), compresslevel=9)
        paths = {
            "/huge.js": Route(b"/*x*/" + b"a" * (3 << 20), content_type=JS),
            "/bomb.js": Route(handler=raw("HTTP/1.1 200 OK", {
                "Content-Type": JS, "Content-Encoding": "gzip", "Connection": "close"}, bomb)),
            "/slow.js": Route(handler=lambda r: (time.sleep(5), raw("HTTP/1.1 200 OK", {
                "Content-Length": "2", "Content-Type": JS}, b"1;")(r))),
            "/html.js": Route("<html><body>Sorry, this page moved</body></html>"),
            "/binary.js": Route(bytes(range(256)) * 64, content_type=JS),
            "/closed.js": Route(handler=lambda r: setattr(r, "close_connection", True)),
            "/file.js": Route("", status=302, headers={"Location": "file:///etc/passwd"}),
        }
        with TestServer() as server:
            port = server.port
            scripts = "".join(f'<script src="http://{HOST}:{port}{path}"></script>'
                              for path in paths)
            scripts += f'<script src="http://{GTM}:{port}/gtm.js?id=GTM-BROKEN1"></script>'
            server.route("/", Route(f"<!doctype html><html><head>{scripts}</head>"
                                    "<body>shop</body></html>"))
            for path, route in paths.items():
                server.route(path, route, host=HOST)
            server.route("/gtm.js?id=GTM-BROKEN1",
                         Route('var data = {"resource": {"tags": [{"function": "__html", "vtp_ht',
                               content_type=JS), host=GTM)
            started = time.monotonic()
            result = self.scan(server.url("/"), "--format", "json", "--timeout", "2",
                               "--max-page-bytes", str(1 << 20),
                               *server.resolve_args(HOST, GTM), timeout=120)
            elapsed = time.monotonic() - started
        self.assertIn(result.returncode, (0, 1), result.stderr)
        self.assertLess(elapsed, 60)
        page = self.report_json()["pages"][0]
        errors = {t["url"].rsplit("/", 1)[-1]: t["attributes"].get("resource-error")
                  for t in page["tags"] if t["host"] == HOST}
        self.assertEqual(errors["huge.js"], "too-large")
        self.assertEqual(errors["bomb.js"], "too-large")
        self.assertEqual(errors["slow.js"], "timeout")
        self.assertEqual(errors["html.js"], "none")
        self.assertEqual(errors["binary.js"], "none")
        self.assertIn(errors["closed.js"], ("connect", "other"))
        self.assertEqual(errors["file.js"], "scheme")
        html = next(t for t in page["tags"] if t["url"].endswith("/html.js"))
        self.assertTrue(html["attributes"]["resource-content-type"].startswith("text/html"))
        self.assertTrue(any("GTM-BROKEN1" in note and "unreadable" in note
                            for note in page["notes"]), page["notes"])
        self.assertFalse([t for t in page["tags"] if t["initiator"] == "tag-manager"])


class PrivateAddressTest(TagwardenTestCase):
    def test_private_third_party_hosts_are_fetched_only_with_the_flag(self):
        # "localhost" is not mapped with --resolve: a page may not make the scan fetch from it
        # (a cloud metadata service, an intranet admin page) unless the user says so.
        with TestServer() as server:
            port = server.port
            server.route("/", Route(f'<html><head><script src="http://localhost:{port}/t.js">'
                                    "</script></head><body>shop</body></html>"))
            server.route("/t.js", Route("var t = 1;", content_type=JS), host="localhost")
            refused = self.scan(server.url("/"), "--format", "json", "--quiet")
            fetched_before = [r for r in server.requests if r["path"] == "/t.js"]
            allowed = self.scan(server.url("/"), "--format", "json", "--quiet",
                                "--allow-private-third-party")
            fetched_after = [r for r in server.requests if r["path"] == "/t.js"]
        self.assertIn(refused.returncode, (0, 1), refused.stderr)
        self.assertIn(allowed.returncode, (0, 1), allowed.stderr)
        self.assertEqual(fetched_before, [])
        self.assertEqual(len(fetched_after), 1)
        tag = next(t for t in self.report_json()["pages"][0]["tags"] if t["url"].endswith("/t.js"))
        self.assertEqual(tag["attributes"].get("resource-error"), "none")


if __name__ == "__main__":
    unittest.main()
