"""`scan --notify URL`: a webhook receiver on 127.0.0.1 gets the issues that are new since the
target's last complete scan, once, at or above --notify-on; an unchanged scan posts nothing; a
receiver that fails is retried, then a note, and the exit code does not change; the webhook URL
(a secret: its path and its credentials) appears in no output, report or database."""

import http.server
import json
import threading
import unittest

from harness import Route, TagwardenTestCase, TestServer, run_tagwarden

META = ('<script>!function(f,b,e,v,n,t,s){n=f.fbq=function(){};t=b.createElement(e);t.async=!0;'
        't.src=v;s=b.getElementsByTagName(e)[0];s.parentNode.insertBefore(t,s)}(window,document,'
        "'script','https://connect.facebook.net/en_US/fbevents.js');fbq('init','123456789');"
        "</script>")
HOTJAR = '<script async src="https://static.hotjar.com/c/hotjar-3141592.js?sv=6"></script>'
SECRET_PATH = "/services/T0001/B0002/Xq9SecretToken"


def page(*tags):
    return ("<!doctype html><html><head><title>Shop</title>" + "".join(tags) +
            '</head><body><a href="/about.html">about</a></body></html>')


class Receiver:
    """Records the JSON bodies POSTed to it; answers `failures` 500s first, then 200."""

    def __init__(self, failures=0):
        receiver = self
        self.bodies, self.attempts, self.failures = [], 0, failures

        class Handler(http.server.BaseHTTPRequestHandler):
            def log_message(self, *args):
                pass

            def do_POST(self):
                body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
                receiver.attempts += 1
                if receiver.attempts <= receiver.failures:
                    self.send_response(500)
                else:
                    receiver.bodies.append((self.headers.get("Content-Type"), json.loads(body)))
                    self.send_response(200)
                self.send_header("Content-Length", "0")
                self.end_headers()

        self.httpd = http.server.HTTPServer(("127.0.0.1", 0), Handler)
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    def url(self):
        return f"http://hook:pa55word@127.0.0.1:{self.httpd.server_address[1]}{SECRET_PATH}"

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.httpd.shutdown()
        self.httpd.server_close()


class ScanNotifyTest(TagwardenTestCase):
    def scan_site(self, server, receiver_url, *extra):
        return run_tagwarden("scan", server.url("/"), "--db", self.work / "tw.db", "--out",
                             self.work / "out", "--format", "json,html",
                             "--no-fetch-third-party", "--notify", receiver_url, *extra,
                             cwd=self.work)

    def assert_secret_kept(self, *results):
        for result in results:
            for text in (result.stdout, result.stderr):
                self.assertNotIn("pa55word", text)
                self.assertNotIn("Xq9SecretToken", text)
        for path in [self.work / "tw.db", *(self.work / "out").iterdir()]:
            data = path.read_bytes()
            self.assertNotIn(b"pa55word", data, path)
            self.assertNotIn(b"Xq9SecretToken", data, path)

    def test_new_issues_are_posted_once_and_an_unchanged_scan_posts_nothing(self):
        with TestServer() as server, Receiver() as receiver:
            server.route("/", Route(page(META)))
            server.route("/about.html", Route(page(META)))
            first = self.scan_site(server, receiver.url())
            self.assertEqual(first.returncode, 0, first.stderr)
            self.assertEqual(len(receiver.bodies), 1)
            content_type, body = receiver.bodies[0]
            self.assertEqual(content_type, "application/json")
            first_ids = {issue["id"] for issue in body["issues"]}
            self.assertTrue(first_ids)
            self.assertTrue(all(i["severity"] in ("high", "critical") for i in body["issues"]))
            meta = [i for i in body["issues"] if i["rule"] == "TW200"]
            self.assertEqual(len(meta), 1, body["issues"])
            self.assertEqual(meta[0]["pages"], 2)
            self.assertIn("new issue", body["text"])
            self.assertIn("webhook 1", first.stdout)

            # The next release adds a session-replay tracker: only its issues are new.
            server.route("/", Route(page(META, HOTJAR)))
            second = self.scan_site(server, receiver.url())
            self.assertEqual(second.returncode, 0, second.stderr)
            self.assertEqual(len(receiver.bodies), 2)
            fresh = receiver.bodies[1][1]["issues"]
            self.assertTrue(fresh)
            self.assertFalse({i["id"] for i in fresh} & first_ids)
            self.assertTrue(all(i["vendor"] == "Hotjar" for i in fresh), fresh)

            third = self.scan_site(server, receiver.url())
            self.assertEqual(third.returncode, 0, third.stderr)
            self.assertEqual(len(receiver.bodies), 2)  # nothing new, nothing posted
            self.assertNotIn("notified", third.stdout)

            # --notify-on critical: none of these issues is critical.
            server.route("/about.html", Route(page(META, HOTJAR.replace("3141592", "2718281"))))
            quiet = self.scan_site(server, receiver.url(), "--notify-on", "critical")
            self.assertEqual(len(receiver.bodies), 2)
            self.assert_secret_kept(first, second, third, quiet)

    def test_a_failing_receiver_is_retried_then_noted_without_changing_the_exit_code(self):
        with TestServer() as server, Receiver(failures=2) as flaky:
            server.route("/", Route(page(META)))
            server.route("/about.html", Route(page()))
            delivered = self.scan_site(server, flaky.url())
            self.assertEqual(delivered.returncode, 0, delivered.stderr)
            self.assertEqual(flaky.attempts, 3)
            self.assertEqual(len(flaky.bodies), 1)
        with TestServer() as server, Receiver(failures=100) as down:
            server.route("/", Route(page(META)))
            server.route("/about.html", Route(page()))
            failed = self.scan_site(server, down.url(), "--fail-on", "critical")
            self.assertEqual(failed.returncode, 0, failed.stderr)
            self.assertEqual(down.attempts, 4)
            self.assertIn("webhook 1 not delivered", failed.stderr)
            self.assertIn("HTTP 500", failed.stderr)
            self.assert_secret_kept(delivered, failed)

    def test_a_webhook_that_is_not_http_is_refused_before_the_crawl(self):
        result = run_tagwarden("scan", "http://127.0.0.1:9/", "--db", self.work / "tw.db",
                               "--notify", "file:///etc/Xq9SecretToken", cwd=self.work)
        self.assertEqual(result.returncode, 2)
        self.assertIn("--notify webhook 1 is not an http(s) URL", result.stderr)
        self.assertNotIn("Xq9SecretToken", result.stderr)
        self.assertFalse((self.work / "tw.db").exists())


if __name__ == "__main__":
    unittest.main()
