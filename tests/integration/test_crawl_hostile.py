"""Fault tolerance of the crawl against a hostile server on 127.0.0.1: connection reset
mid-body, a server that never answers, a slow drip, a 10 GB body, an endless chunked body, a gzip
bomb, redirect loops and long chains, 429 and 503 with Retry-After, invalid UTF-8, a page with a
million links and an endless calendar. Each case: no crash, no hang beyond the configured
timeouts, memory bounded, the page recorded with its error, the rest of the crawl unaffected,
the right exit code."""

import json
import signal
import subprocess
import time

import hostile_server as hostile
from harness import BIN, MEMORY_SCALE, TagwardenTestCase

FAST = ["--format", "json", "--quiet", "--no-fetch-third-party", "--timeout", "4",
        "--connect-timeout", "2", "--retries", "1", "--per-host", "32"]


def pages_by_path(report, port):
    prefix = f"http://127.0.0.1:{port}"
    return {p["requested_url"][len(prefix):]: p for p in report["pages"]}


class HostileServerTest(TagwardenTestCase):
    def report(self):
        return json.loads((self.work / "tagwarden-report.json").read_text())

    def test_every_hostile_page_is_recorded_with_its_error_and_the_rest_is_crawled(self):
        hostile.gzip_bomb_bytes()  # built before the clock starts
        busy = hostile.CountingRetry(429, failures=1, retry_after="1")
        cases = {
            "/reset": (hostile.reset_mid_body, "connect"),
            "/never": (hostile.never_answers, "timeout"),
            "/drip": (hostile.slow_drip, "timeout"),
            "/ten-gb": (hostile.endless_body, "too-large"),
            "/endless-chunked": (hostile.endless_chunked, "too-large"),
            "/gzip-bomb": (hostile.gzip_bomb, "too-large"),
            "/loop/a": (hostile.redirect_to("/loop/b"), "redirect"),
            "/chain/0": (hostile.chain_link, "redirect"),
            "/busy": (busy, "none"),
            "/down": (hostile.CountingRetry(503, failures=99, retry_after="1"), "http-status"),
        }
        with hostile.HostileServer() as server:
            for path, (handler, _) in cases.items():
                server.add(path, handler)
            server.add("/loop/b", hostile.redirect_to("/loop/a"))
            for n in range(1, 40):
                server.add(f"/chain/{n}", hostile.chain_link)
            server.page("/utf8", hostile.INVALID_UTF8_PAGE)
            links = "".join(f"<a href='{path}'>x</a>" for path in [*cases, "/utf8", "/ok1"])
            server.page("/", f"<html><body>{links}</body></html>")
            server.page("/ok1", "<html><body><a href='/ok2'>next</a></body></html>")
            server.page("/ok2", "<html><body><p>still crawled</p></body></html>")
            run = hostile.run_scan(self.work, server.url("/"), *FAST, "--max-page-bytes", "2000000")

        self.assertFalse(run.killed, "the scan hung")
        self.assertEqual(run.returncode, 0, run.stderr)
        # Timeouts are 4 s, one retry: everything overlaps, so well under a minute.
        self.assertLess(run.seconds, 45)
        self.assertLess(run.max_rss_mib, 256 * MEMORY_SCALE, "memory bounded despite 10 GB and bomb bodies")
        pages = pages_by_path(self.report(), server.port)
        for path, (_, error) in cases.items():
            with self.subTest(path=path):
                self.assertIn(path, pages)
                self.assertEqual(pages[path]["error"], error, pages[path]["error_detail"])
                if error != "none":
                    self.assertTrue(pages[path]["error_detail"])
        self.assertEqual(busy.calls, 2, "429 retried once after Retry-After")
        self.assertIn("loop", pages["/loop/a"]["error_detail"])
        self.assertEqual(pages["/loop/a"]["redirect_chain"], [server.url("/loop/a")])
        self.assertEqual(pages["/loop/a"]["url"], server.url("/loop/b"))
        self.assertEqual(len(pages["/chain/0"]["redirect_chain"]), 10)
        self.assertEqual(pages["/down"]["status"], 503)
        for path in ("/", "/ok1", "/ok2", "/utf8"):
            self.assertEqual(pages[path]["error"], "none", path)
        self.assertIn("pages: 5", run.stdout.splitlines())  # /, /ok1, /ok2, /utf8, /busy

    def test_a_million_links_and_an_endless_calendar_stay_within_the_limits(self):
        with hostile.HostileServer() as server:
            server.add("/million", hostile.million_links)
            for year in range(1990, 2060):
                for month in range(1, 13):
                    server.add(f"/calendar/{year:04d}-{month:02d}", hostile.calendar)
            server.page("/", "<a href='/million'>m</a><a href='/calendar/2024-06'>c</a>")
            server.page("/robots.txt", "User-agent: *\nDisallow:\n", content_type="text/plain")
            run = hostile.run_scan(self.work, server.url("/"), *FAST, "--max-pages", "200",
                           "--max-page-bytes", "40000000", timeout=240)
            requests = len(server.requests)

        self.assertFalse(run.killed, "the scan hung")
        self.assertEqual(run.returncode, 0, run.stderr)
        self.assertLess(run.max_rss_mib, 1024 * MEMORY_SCALE)
        report = self.report()
        self.assertEqual(len(report["pages"]), 200)
        self.assertLessEqual(requests, 205, "nothing fetched beyond --max-pages")
        pages = pages_by_path(report, server.port)
        self.assertEqual(pages["/million"]["error"], "none", pages["/million"]["error_detail"])

    def test_the_calendar_ends_at_max_depth(self):
        with hostile.HostileServer() as server:
            for year in range(2000, 2050):
                for month in range(1, 13):
                    server.add(f"/calendar/{year:04d}-{month:02d}", hostile.calendar)
            run = hostile.run_scan(self.work, server.url("/calendar/2024-06"), *FAST, "--max-depth", "3",
                           "--max-pages", "0")
        self.assertEqual(run.returncode, 0, run.stderr)
        report = self.report()
        # Depth 0: one month; each hop adds the month before and after: 1 + 2 + 2 + 2.
        self.assertEqual(len(report["pages"]), 7)
        self.assertEqual(max(p["depth"] for p in report["pages"]), 3)


class HostileRobotsTest(TagwardenTestCase):
    def crawl(self, robots_handler):
        with hostile.HostileServer() as server:
            server.add("/robots.txt", robots_handler)
            paths = ["/early", "/late", "/nocolon", "/malformed-secret", "/binary", "/plain"]
            server.page("/", "".join(f"<a href='{p}'>x</a>" for p in paths))
            for path in paths:
                server.page(path, "<p>page</p>")
            run = hostile.run_scan(self.work, server.url("/"), *FAST)
            robots_requests = sum(1 for r in server.requests if r["path"] == "/robots.txt")
        self.assertFalse(run.killed)
        self.assertEqual(run.returncode, 0, run.stderr)
        self.assertEqual(robots_requests, 1, "robots.txt is fetched once per host")
        report = json.loads((self.work / "tagwarden-report.json").read_text())
        return {p["requested_url"].rsplit("/", 1)[-1]: p["error"] for p in report["pages"]}, run

    def test_a_huge_robots_txt_is_read_up_to_its_cap(self):
        errors, run = self.crawl(hostile.huge_robots)
        self.assertEqual(errors["early"], "robots")
        self.assertEqual(errors["late"], "none", "rules past the 512 KiB cap are not read")
        self.assertLess(run.max_rss_mib, 256 * MEMORY_SCALE)

    def test_a_binary_robots_txt_blocks_nothing(self):
        errors, _ = self.crawl(lambda h: (h.send_response(200),
                                          h.send_header("Content-Type", "application/octet-stream"),
                                          h.send_header("Content-Length",
                                                        str(len(hostile.BINARY_ROBOTS))),
                                          h.end_headers(), h.wfile.write(hostile.BINARY_ROBOTS)))
        self.assertTrue(all(error == "none" for error in errors.values()), errors)

    def test_a_malformed_robots_txt_keeps_its_readable_rules(self):
        body = hostile.MALFORMED_ROBOTS
        errors, _ = self.crawl(lambda h: (h.send_response(200),
                                          h.send_header("Content-Type", "text/plain"),
                                          h.send_header("Content-Length", str(len(body))),
                                          h.end_headers(), h.wfile.write(body)))
        self.assertEqual(errors["malformed-secret"], "robots")
        self.assertEqual(errors["nocolon"], "none")
        self.assertEqual(errors["plain"], "none")


class ConsoleInjectionTest(TagwardenTestCase):
    def test_escape_sequences_in_headers_never_reach_the_console_raw(self):
        # A terminal title change and a colour, in a Location and a Retry-After: the scan fails
        # ("no page could be analysed: ...") and its notes and error quote both headers.
        evil = "\x1b]0;pwned\x07\x1b[31m"
        with hostile.HostileServer() as server:
            server.add("/", hostile.redirect_to("ftp://x/" + evil))
            server.add("/busy", hostile.CountingRetry(503, failures=99, retry_after=evil))
            run = hostile.run_scan(self.work, server.url("/"), server.url("/busy"),
                                   "--format", "json", "--no-fetch-third-party", "--timeout", "4",
                                   "--retries", "1")
        self.assertFalse(run.killed, "the scan hung")
        self.assertEqual(run.returncode, 3, run.stderr)
        self.assertIn("no page could be analysed", run.stderr)
        self.assertIn("ftp://x/", run.stderr)
        self.assertNotIn("\x1b", run.stderr)
        self.assertNotIn("\x07", run.stderr)
        self.assertNotIn("\x1b", run.stdout)


def raw_answer(data):
    def handler(h):
        hostile._write(h, data)
        h.close_connection = True
    return handler


class HostileHeadersTest(TagwardenTestCase):
    def test_oversized_headers_and_a_missing_status_line_are_named_and_not_retried(self):
        cookie = b"HTTP/1.1 200 OK\r\nSet-Cookie: a=" + b"x" * (1 << 20) + b"\r\nContent-Length: 2\r\n\r\nok"
        many = (b"HTTP/1.1 200 OK\r\n" + b"".join(b"X-H%d: %s\r\n" % (i, b"y" * 1000) for i in range(400))
                + b"Content-Length: 2\r\n\r\nok")
        with hostile.HostileServer() as server:
            server.add("/cookie", raw_answer(cookie))
            server.add("/many", raw_answer(many))
            server.add("/nine", raw_answer(b"garbage without a status line\r\n\r\n"))
            server.page("/", "<html><body><a href='/cookie'>a</a><a href='/many'>b</a>"
                             "<a href='/nine'>c</a></body></html>")
            run = hostile.run_scan(self.work, server.url("/"), *FAST)
            hits = [r["path"] for r in server.requests]
        self.assertFalse(run.killed, "the scan hung")
        self.assertEqual(run.returncode, 0, run.stderr)
        pages = pages_by_path(json.loads((self.work / "tagwarden-report.json").read_text()),
                              server.port)
        self.assertIn("100 KB limit", pages["/cookie"]["error_detail"])
        self.assertNotIn("Out of memory", pages["/cookie"]["error_detail"].split(":")[0])
        self.assertIn("headers too large", pages["/many"]["error_detail"])
        self.assertIn("no status line", pages["/nine"]["error_detail"])
        for path in ("/cookie", "/many", "/nine"):
            self.assertNotEqual(pages[path]["error"], "scheme", path)
            self.assertNotEqual(pages[path]["error"], "connect", path)
            self.assertEqual(hits.count(path), 1, f"{path} retried")


class InterruptMidParseTest(TagwardenTestCase):
    def test_sigint_stops_a_scan_of_slow_to_parse_pages_within_seconds(self):
        # Pages just under the parse budget (each costs Gumbo a noticeable fraction of a second):
        # an interrupt must not wait for every queued page to be parsed.
        site = self.work / "site"
        site.mkdir()
        # 4000 spans, then 7500 unknown end tags walking all of them: ~38M of the 40M steps.
        body = "<html><body>" + "<span>" * 4000 + "</x>" * 7500 + "</body></html>"
        for n in range(80):
            (site / f"p{n:03}.html").write_text(body)
        process = subprocess.Popen([BIN, "scan", str(site), "--threads", "1", "--quiet", "--out",
                                    str(self.work), "--db", str(self.work / "tw.db")],
                                   cwd=self.work, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        time.sleep(1.5)
        self.assertIsNone(process.poll(), "the scan ended before the interrupt")
        process.send_signal(signal.SIGINT)
        sent = time.monotonic()
        _, err = process.communicate(timeout=120)
        # Parsing all 80 queued pages takes about a minute; a loaded machine may double one parse.
        self.assertLess(time.monotonic() - sent, 8.0, "the interrupt waited for the queued pages")
        self.assertEqual(process.returncode, 4, err)
