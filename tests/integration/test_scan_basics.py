"""The foundation path end to end with the real binary: directory mode over the example site,
an HTTP crawl of it on 127.0.0.1 with the site host mapped by --resolve, exit codes and the
bad inputs of the scan command."""

import json
import os
import shutil
import unittest
from urllib.parse import urlsplit

from harness import EXAMPLES, Route, TagwardenTestCase, TestServer, run_tagwarden
from store_support import execute, query

SITE = EXAMPLES / "site"
BASE = "https://www.example-shop.com/"
EXAMPLE_PAGES = sorted(p for p in SITE.rglob("*.html"))


def vendors_by_name(report):
    return {v["name"]: v for v in report["vendors"]}


def comparable(report):
    """A JSON report without what differs between two scans of the same content: times, fetch
    durations, the scan id, which pages were reused and whether the site's own files were
    analysed or their stored references read."""
    report = json.loads(json.dumps(report))
    for key in ("started", "finished", "id"):
        report["scan"].pop(key)
    for key in ("first_party_contents_analysed", "first_party_contents_from_store"):
        report["scan"]["settings"].pop(key, None)
    for page in report["pages"]:
        page.pop("fetch_ms")
        page.pop("reused")
    return report


def page_by_path(report, path):
    matches = [p for p in report["pages"] if urlsplit(p["url"]).path == path]
    assert len(matches) == 1, f"{path}: {[p['url'] for p in report['pages']]}"
    return matches[0]


class DirectoryModeTest(TagwardenTestCase):
    def test_example_site_pages_tags_and_vendors(self):
        result = self.scan(SITE, "--base-url", BASE, "--format", "json", "--quiet")
        self.assertEqual(result.returncode, 0, result.stderr)
        self.assertIn(f"pages: {len(EXAMPLE_PAGES)}", result.stdout.splitlines())
        report = self.report_json()
        self.assertEqual(report["tool"]["name"], "tagwarden")
        self.assertEqual(report["scan"]["status"], "complete")
        self.assertEqual(len(report["pages"]), len(EXAMPLE_PAGES))
        urls = {p["url"] for p in report["pages"]}
        self.assertIn(BASE + "checkout/cart.html", urls)

        home = page_by_path(report, "/index.html")
        hosts = {t["host"] for t in home["tags"]}
        self.assertIn("www.googletagmanager.com", hosts)
        self.assertIn("cdn.cookielaw.org", hosts)
        self.assertIn("www.youtube-nocookie.com", hosts)
        # First-party references never become tags.
        self.assertFalse(any(t["domain"] == "example-shop.com" for t in home["tags"]))
        gtm = [t for t in home["tags"] if "GTM-NW4X2QK" in t["ids"]]
        self.assertTrue(gtm, "the GTM container id is extracted")
        self.assertTrue(all(t["line"] > 0 and t["column"] > 0 for t in home["tags"]))
        cookielaw = next(t for t in home["tags"] if t["host"] == "cdn.cookielaw.org")
        source_lines = (SITE / "index.html").read_text().splitlines()
        self.assertIn("otSDKStub.js", source_lines[cookielaw["line"] - 1])

        # The noscript pixel of the Meta snippet is seen.
        pixel = [t for t in home["tags"] if t["host"] == "www.facebook.com"]
        self.assertTrue(pixel and pixel[0]["in_noscript"])

        vendors = vendors_by_name(report)
        for name in ("Google Tag Manager", "Facebook", "Hotjar", "YouTube"):
            self.assertTrue(any(name.lower() in v.lower() for v in vendors), (name, list(vendors)))
        self.assertEqual(report["scan"]["targets"], [str(SITE)])

    def test_stored_in_sqlite(self):
        result = self.scan(SITE, "--base-url", BASE, "--quiet")
        self.assertEqual(result.returncode, 0, result.stderr)
        import sqlite3
        db = sqlite3.connect(self.work / "tw.db")
        pages = db.execute("SELECT COUNT(*) FROM pages").fetchone()[0]
        tags = db.execute("SELECT COUNT(*) FROM tags").fetchone()[0]
        self.assertEqual(pages, len(EXAMPLE_PAGES))
        self.assertGreater(tags, 50)

    def test_missing_directory_is_exit_3(self):
        result = self.scan(self.work / "no-such-dir", "--quiet")
        self.assertEqual(result.returncode, 3)
        self.assertIn("does not exist", result.stderr)

    def test_binary_and_empty_pages_are_reported_and_the_scan_goes_on(self):
        site = self.work / "site"
        site.mkdir()
        (site / "index.html").write_text(
            '<html><head><script src="https://www.googletagmanager.com/gtm.js?id=GTM-ABC123">'
            '</script></head><body></body></html>')
        (site / "logo.html").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)))
        (site / "empty.html").write_bytes(b"")
        result = self.scan(site, "--format", "json", "--base-url", BASE)
        self.assertEqual(result.returncode, 0, result.stderr)
        self.assertIn("pages: 1", result.stdout.splitlines())
        report = self.report_json()
        errors = {p["url"].rsplit("/", 1)[-1]: p for p in report["pages"]}
        self.assertEqual(errors["logo.html"]["error"], "not-html")
        self.assertIn("binary", errors["logo.html"]["error_detail"])
        self.assertEqual(errors["empty.html"]["error"], "unparseable")
        self.assertEqual(errors["index.html"]["error"], "none")

    def test_links_and_unlistable_directories_are_noted_and_every_page_read_once(self):
        site = self.work / "site"
        site.mkdir()
        (self.work / "secret.html").write_text("<html><body>outside the tree</body></html>")
        (site / "index.html").write_text("<html><body><p>home</p></body></html>")
        (site / "leak.html").symlink_to(self.work / "secret.html")
        (site / "alias.html").symlink_to(site / "index.html")
        (site / "linked-dir").symlink_to(self.work)
        # A directory nested past PATH_MAX (4096) cannot be listed by its full path.
        deep = os.open(site, os.O_RDONLY)
        for _ in range(25):
            os.mkdir("d" * 200, dir_fd=deep)
            inner = os.open("d" * 200, os.O_RDONLY, dir_fd=deep)
            os.close(deep)
            deep = inner
        fd = os.open("deep.html", os.O_WRONLY | os.O_CREAT, 0o644, dir_fd=deep)
        os.write(fd, b"<html><body>deep</body></html>")
        os.close(fd)
        os.close(deep)
        result = self.scan(site, "--format", "json", "--base-url", BASE)
        self.assertEqual(result.returncode, 0, result.stderr)
        urls = [p["url"] for p in self.report_json()["pages"]]
        self.assertEqual(urls.count(BASE + "index.html"), 1, urls)
        self.assertNotIn(BASE, urls, "a page reported at the site root")
        for name in ("leak.html", "alias.html", "secret.html"):
            self.assertFalse(any(name in url for url in urls), urls)
        self.assertIn("leak.html: a symbolic link, not followed (it leads out of the tree)",
                      result.stderr)
        self.assertIn("alias.html: a symbolic link, not followed (its target is read under its "
                      "own path)", result.stderr)
        self.assertIn("linked-dir: a symbolic link, not followed (it leads out", result.stderr)
        self.assertIn("not read (File name too long)", result.stderr)
        shutil.rmtree(site, ignore_errors=True)

    def test_nul_bytes_and_utf16_pages_are_analysed_as_in_url_mode(self):
        site = self.work / "site"
        site.mkdir()
        tag = '<script src="https://www.googletagmanager.com/gtm.js?id=GTM-ABC123"></script>'
        (site / "nul.html").write_bytes(b"<html><head>\x00" + tag.encode() + b"</head></html>")
        page16 = "<html><head>" + tag + "</head><body>caf\u00e9</body></html>"
        (site / "utf16le.html").write_bytes(b"\xff\xfe" + page16.encode("utf-16-le"))
        (site / "utf16be.html").write_bytes(b"\xfe\xff" + page16.encode("utf-16-be"))
        result = self.scan(site, "--format", "json", "--base-url", BASE, "--quiet")
        self.assertEqual(result.returncode, 0, result.stderr)
        pages = {p["url"].rsplit("/", 1)[-1]: p for p in self.report_json()["pages"]}
        for name in ("nul.html", "utf16le.html", "utf16be.html"):
            self.assertEqual(pages[name]["error"], "none", name)
            self.assertIn("www.googletagmanager.com", {t["host"] for t in pages[name]["tags"]}, name)
        with TestServer(site) as server:
            fetched = self.scan(server.url("/utf16le.html"), server.url("/nul.html"), "--format",
                                "json", "--quiet", "--no-fetch-third-party", "--max-depth", "0")
        self.assertEqual(fetched.returncode, 0, fetched.stderr)
        for page in self.report_json()["pages"]:
            self.assertEqual(page["error"], "none", page["url"])

    def test_only_binary_pages_is_exit_3(self):
        site = self.work / "site"
        site.mkdir()
        (site / "a.html").write_bytes(b"\x00\x01\x02" * 100)
        result = self.scan(site, "--quiet")
        self.assertEqual(result.returncode, 3)
        self.assertIn("no page could be analysed", result.stderr)


class HttpCrawlTest(TagwardenTestCase):
    def test_crawls_the_site_over_http_with_mapped_host(self):
        with TestServer(docroot=SITE) as server:
            start = server.url("/index.html", host="www.example-shop.com")
            result = self.scan(start, *server.resolve_args("www.example-shop.com"),
                               "--format", "json", "--quiet", "--no-fetch-third-party")
            self.assertEqual(result.returncode, 0, result.stderr)
            report = self.report_json()
            fetched = {r["path"] for r in server.requests if r["path"].endswith(".html")}
        # Every page linked from the home page (directly or not) is reached.
        self.assertGreaterEqual(len(report["pages"]), 12)
        self.assertTrue(all(p["status"] == 200 for p in report["pages"]), report["pages"])
        self.assertIn("/checkout/payment.html", fetched)
        home = page_by_path(report, "/index.html")
        self.assertTrue(any("GTM-NW4X2QK" in t["ids"] for t in home["tags"]))
        # Vendor hosts are only named, never fetched by the page crawl.
        self.assertTrue(all(r["host"] == "www.example-shop.com" for r in server.requests
                            if r["path"] != "/robots.txt"))

    def rescan_args(self, server, *extra):
        start = server.url("/index.html", host="www.example-shop.com")
        return (start, *server.resolve_args("www.example-shop.com"), "--format", "json,html",
                "--quiet", "--no-fetch-third-party", *extra)

    def scan_elsewhere(self, name, *args):
        """A fresh scan into its own database and output directory; returns its JSON report."""
        out = self.work / name
        result = run_tagwarden("scan", *args, "--out", out, "--db", out / "tw.db", cwd=self.work)
        self.assertEqual(result.returncode, 0, result.stderr)
        return json.loads((out / "tagwarden-report.json").read_text())

    def test_unchanged_rescan_reuses_stored_findings_and_reports_as_a_fresh_scan(self):
        policy = EXAMPLES / "policy.yaml"
        with TestServer(docroot=SITE) as server:
            args = self.rescan_args(server, "--policy", policy)
            first = self.scan(*args)
            self.assertEqual(first.returncode, 0, first.stderr)
            first_report = self.report_json()
            before = len(server.requests)
            second = self.scan(*args)
            self.assertEqual(second.returncode, 0, second.stderr)
            second_report = self.report_json()
            conditional = [r for r in server.requests[before:]
                           if r["headers"].get("If-None-Match") and r["path"].endswith(".html")]
        # The second scan asked with validators, got 304s and still crawled the whole site.
        self.assertGreaterEqual(len(conditional), 12)
        self.assertTrue(all(p["reused"] for p in second_report["pages"]))
        self.assertGreater(len(first_report["findings"]), 0)
        self.assertEqual(comparable(first_report), comparable(second_report))
        # Each page of the re-scan refers to the analysis and the finding list its first scan
        # stored: nothing was analysed, judged or stored again.
        rows = lambda scan: dict(query(
            self.db, "SELECT requested_url, CAST(analysis_id AS TEXT) || '/' || "
            "coalesce(CAST(finding_set_id AS TEXT), '-') FROM pages WHERE scan_id = ?", scan))
        self.assertEqual(rows(1), rows(2))
        self.assertEqual(query(self.db, "SELECT count(DISTINCT catalogue_digest) FROM scans "
                                        "WHERE catalogue_digest <> ''"), [(1,)])

    def test_baseline_states_stay_with_their_scan_when_findings_are_reused(self):
        with TestServer(docroot=SITE) as server:
            args = self.rescan_args(server)
            self.assertEqual(self.scan(*args).returncode, 0)
            first_report = self.report_json()
            baseline = self.work / "baseline.json"
            shutil.copy(self.work / "tagwarden-report.json", baseline)
            compared = self.scan(*args, "--baseline", baseline)
            self.assertEqual(compared.returncode, 0, compared.stderr)
            states = {f["baseline_state"] for f in self.report_json()["findings"]}
            third = self.scan(*args)
            self.assertEqual(third.returncode, 0, third.stderr)
            third_report = self.report_json()
        self.assertEqual(states, {"existing"})
        self.assertTrue(all(p["reused"] for p in third_report["pages"]))
        self.assertEqual(comparable(third_report), comparable(first_report))

    def test_a_changed_policy_judges_unchanged_pages_again_without_fetching_them(self):
        changed = self.work / "changed-policy.yaml"
        text = (EXAMPLES / "policy.yaml").read_text()
        self.assertIn("GTM-NW4X2QK", text)
        changed.write_text(text.replace("GTM-NW4X2QK", "GTM-OTHER01"))  # the site's id is not it
        with TestServer(docroot=SITE) as server:
            first = self.scan(*self.rescan_args(server, "--policy", EXAMPLES / "policy.yaml"))
            self.assertEqual(first.returncode, 0, first.stderr)
            first_report = self.report_json()
            before = len(server.requests)
            second = self.scan(*self.rescan_args(server, "--policy", changed))
            self.assertEqual(second.returncode, 0, second.stderr)
            second_report = self.report_json()
            answered = [r for r in server.requests[before:] if r["path"].endswith(".html")]
            fresh = self.scan_elsewhere("fresh", *self.rescan_args(server, "--policy", changed))
        # Every page was asked for conditionally (answered 304): nothing was fetched again.
        self.assertGreaterEqual(len(answered), 12)
        self.assertTrue(all(r["headers"].get("If-None-Match") for r in answered))
        self.assertTrue(all(p["reused"] for p in second_report["pages"]))
        # ...and yet the pages were judged against the new policy, as a fresh scan judges them.
        other_id = lambda report: sum(f["rule"] == "TW102" for f in report["findings"])
        self.assertGreater(other_id(second_report), other_id(first_report))
        self.assertEqual(comparable(second_report), comparable(fresh))

    def test_pages_another_build_analysed_are_fetched_whole_and_analysed_again(self):
        with TestServer(docroot=SITE) as server:
            args = self.rescan_args(server)
            first = self.scan(*args)
            self.assertEqual(first.returncode, 0, first.stderr)
            first_report = self.report_json()
            stored = query(self.db, "SELECT DISTINCT analyser_version FROM analyses")
            # What an earlier build stored: same tool version, other analysis sources. Every
            # page but the start page is marked so; the start page stays this build's.
            start = server.url("/index.html", host="www.example-shop.com")
            start_analysis = query(self.db, "SELECT analysis_id FROM pages WHERE requested_url = ?",
                                   start)[0][0]
            execute(self.db, "UPDATE analyses SET analyser_version = '0.1.0+0123456789ab', "
                             "digest = 'earlier-' || digest WHERE id <> ?", start_analysis)
            before = len(server.requests)
            second = self.scan(*args)
            self.assertEqual(second.returncode, 0, second.stderr)
            second_report = self.report_json()
            asked = [r for r in server.requests[before:] if r["path"].endswith(".html")]
        self.assertEqual(len(stored), 1, stored)
        self.assertRegex(stored[0][0], r"^0\.1\.0\+[0-9a-f]{12}$")
        conditional = {r["path"] for r in asked if r["headers"].get("If-None-Match")}
        self.assertEqual(conditional, {"/index.html"})  # only this build's analysis is asked about
        self.assertGreaterEqual(len(asked), 12)
        reused = {urlsplit(p["url"]).path for p in second_report["pages"] if p["reused"]}
        self.assertEqual(reused, {"/index.html"})
        self.assertEqual(comparable(first_report), comparable(second_report))
        # The pages analysed again are stored under this build's version.
        self.assertEqual(query(self.db, "SELECT DISTINCT a.analyser_version FROM pages p JOIN "
                                        "analyses a ON a.id = p.analysis_id WHERE p.scan_id = 2"),
                         stored)

    def test_max_pages_and_depth(self):
        with TestServer(docroot=SITE) as server:
            start = server.url("/index.html")
            result = self.scan(start, "--max-pages", "3", "--format", "json", "--quiet",
                               "--no-fetch-third-party")
            self.assertEqual(result.returncode, 0, result.stderr)
            self.assertEqual(len(self.report_json()["pages"]), 3)
            result = self.scan(start, "--max-depth", "0", "--format", "json", "--quiet",
                               "--no-fetch-third-party")
            self.assertEqual([p["depth"] for p in self.report_json()["pages"]], [0])

    def test_custom_header_and_user_agent_are_sent(self):
        with TestServer(docroot=SITE) as server:
            result = self.scan(server.url("/about.html"), "--max-depth", "0",
                               "--header", "X-Preview: yes", "--user-agent", "audit-bot/1",
                               "--quiet", "--no-fetch-third-party")
            self.assertEqual(result.returncode, 0, result.stderr)
            about = [r for r in server.requests if r["path"] == "/about.html"][0]
        self.assertEqual(about["headers"].get("X-Preview"), "yes")
        self.assertEqual(about["headers"].get("User-Agent"), "audit-bot/1")

    def test_unreachable_url_is_exit_3(self):
        with TestServer() as server:
            port = server.port
        # The server is closed now: nothing listens on that port.
        result = self.scan(f"http://127.0.0.1:{port}/", "--quiet", "--retries", "0",
                           "--no-fetch-third-party")
        self.assertEqual(result.returncode, 3, result.stdout + result.stderr)
        self.assertIn("no page could be analysed", result.stderr)

    def test_a_page_that_is_not_html_is_recorded(self):
        with TestServer() as server:
            server.route("/", Route('<a href="/data.json">data</a>'))
            server.route("/data.json", Route('{"a":1}', content_type="application/json"))
            result = self.scan(server.url("/"), "--format", "json", "--quiet",
                               "--no-fetch-third-party")
            self.assertEqual(result.returncode, 0, result.stderr)
        pages = {p["url"].rsplit("/", 1)[-1]: p for p in self.report_json()["pages"]}
        self.assertEqual(pages["data.json"]["error"], "not-html")


class UsageTest(TagwardenTestCase):
    def test_bad_usage_is_one_line_and_exit_2(self):
        cases = [
            ("scan", "--no-such-flag", str(SITE)),
            ("scan", str(SITE), "--fail-on", "urgent"),
            ("scan", str(SITE), "--concurrency", "zero"),
            # Boost reads "-1" into an unsigned option as 2^64 - 1: no limit at all.
            ("scan", str(SITE), "--max-page-bytes", "-1"),
            ("scan", str(SITE), "--max-page-bytes=-1"),
            ("scan", str(SITE), "--max-page-bytes", "0"),
            ("scan", "ftp://example.com/"),
            ("scan", "file:///etc/passwd"),
            ("scan",),
            ("no-such-command",),
        ]
        for args in cases:
            with self.subTest(args=args):
                result = run_tagwarden(*args, cwd=self.work)
                self.assertEqual(result.returncode, 2, result.stderr)
                self.assertEqual(len(result.stderr.strip().splitlines()), 1, result.stderr)

    def test_every_subcommand_has_help(self):
        for command in ("scan", "report", "diff", "history", "init", "vendors", "rules",
                        "check-policy"):
            with self.subTest(command=command):
                result = run_tagwarden(command, "--help", cwd=self.work)
                self.assertEqual(result.returncode, 0, result.stderr)
                self.assertIn(command, result.stdout)

    def test_fail_on_sets_exit_code(self):
        site = self.work / "site"
        site.mkdir()
        # A plain-http third-party script is a finding (mixed content) of at least medium.
        (site / "index.html").write_text(
            '<html><head><script src="http://code.jquery.com/jquery-1.8.1.min.js"></script>'
            '</head><body></body></html>')
        ok = self.scan(site, "--base-url", BASE, "--quiet", "--fail-on", "critical")
        failing = self.scan(site, "--base-url", BASE, "--quiet", "--fail-on", "low")
        self.assertEqual(failing.returncode, 1, failing.stdout + failing.stderr)
        self.assertIn(ok.returncode, (0, 1))
        self.assertNotEqual(ok.returncode, 2)


if __name__ == "__main__":
    unittest.main()
