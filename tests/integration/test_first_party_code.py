"""First-party code end to end: the site's own bundle.js builds a chat widget URL and its site.css
@imports a font service and url()s a CDN image. Those references become tags of every page that
includes the files (initiator first-party-script / stylesheet, the file as parent, line and
column inside the file), each file is fetched once per scan, an unchanged file is not analysed
again on a re-scan, and hostile files give notes, never a crash. Vendor hosts are never
contacted: the third-party stage is off, and the only server is on 127.0.0.1."""

import gzip
import json
import unittest

from harness import Route, TagwardenTestCase, TestServer, run_tagwarden

JS = "application/javascript"
CSS = "text/css"

BUNDLE = """(function () {
  var app = { version: "1.4.2" };
  function loadChat(id) {
    var s = document.createElement("script");
    s.src = "https://" + "widget.intercom.io" + "/widget/" + id;
    document.head.appendChild(s);
  }
  fetch("/api/cart");
  loadChat(window.APP_ID);
})();
"""

SITE_CSS = """@import url("https://fonts.googleapis.com/css2?family=Inter&display=swap");

body { font-family: Inter, sans-serif; }
.hero {
  background-image: url(https://cdn.image-host.net/hero/summer.jpg);
}
.logo { background: url(/static/img/logo.svg); }
"""

POLICY = """vendors:
  - name: Google Fonts
"""


def page(title, *files):
    head = []
    for name in files:
        if name.endswith(".css"):
            head.append(f'<link rel="stylesheet" href="{name}">')
        else:
            head.append(f'<script src="{name}" defer></script>')
    return (f"<!doctype html><html><head><title>{title}</title>\n" + "\n".join(head) +
            '\n</head><body><a href="/">home</a> <a href="/about">about</a> '
            '<a href="/contact">contact</a></body></html>')


def tags_from_files(report_page):
    return [t for t in report_page["tags"]
            if t["initiator"] in ("first-party-script", "stylesheet")]


class FirstPartyCodeTest(TagwardenTestCase):
    def site(self, server, bundle=BUNDLE):
        server.route("/", Route(page("Home", "/static/bundle.js", "/static/site.css")))
        server.route("/about", Route(page("About", "/static/bundle.js", "/static/site.css")))
        server.route("/contact", Route(page("Contact")))
        server.route("/static/bundle.js", Route(bundle, content_type=JS))
        server.route("/static/site.css", Route(SITE_CSS, content_type=CSS))

    def scan_site(self, server, *extra):
        return self.scan(server.url("/"), "--no-fetch-third-party", "--format", "json", *extra)

    def pages_by_path(self):
        return {p["url"].split(":", 2)[2].split("/", 1)[1]: p for p in self.report_json()["pages"]}

    def file_requests(self, server, path):
        return [r for r in server.requests if r["path"] == path]

    def test_tags_of_every_including_page_with_file_positions(self):
        with TestServer() as server:
            self.site(server)
            policy = self.work / "policy.yaml"
            policy.write_text(POLICY)
            result = self.scan_site(server, "--policy", policy)
            self.assertIn(result.returncode, (0, 1), result.stderr)
            pages = self.pages_by_path()
            bundle = server.url("/static/bundle.js")
            css = server.url("/static/site.css")
            for path in ("", "about"):
                found = {(t["initiator"], t["host"], t["parent"], t["line"], t["column"])
                         for t in tags_from_files(pages[path])}
                self.assertEqual(found, {
                    ("first-party-script", "widget.intercom.io", bundle, 5, 14),
                    ("stylesheet", "fonts.googleapis.com", css, 1, 9),
                    ("stylesheet", "cdn.image-host.net", css, 5, 21),
                }, path)
                vendors = {t["host"]: t.get("vendor", "") for t in pages[path]["tags"]}
                self.assertEqual(vendors["widget.intercom.io"], "Intercom")
                self.assertEqual(vendors["fonts.googleapis.com"], "Google Fonts")
                # The policy applies to them like to any tag: Intercom is not sanctioned.
                findings = self.report_json()["findings"]
                unsanctioned = [f for f in findings if f["rule"] == "TW100" and
                                f["page"] == pages[path]["url"] and f["host"] == "widget.intercom.io"]
                self.assertTrue(unsanctioned, findings)
            self.assertEqual(tags_from_files(pages["contact"]), [])
            # One fetch per file per scan, however many pages include it.
            self.assertEqual(len(self.file_requests(server, "/static/bundle.js")), 1)
            self.assertEqual(len(self.file_requests(server, "/static/site.css")), 1)
            settings = self.report_json()["scan"]["settings"]
            self.assertEqual(settings["first_party_files_read"], "2")
            self.assertEqual(settings["first_party_contents_analysed"], "2")

    def test_rescan_reads_files_again_but_does_not_analyse_unchanged_ones(self):
        with TestServer() as server:
            self.site(server)
            self.assertIn(self.scan_site(server).returncode, (0, 1))
            second = self.scan_site(server)
            self.assertIn(second.returncode, (0, 1), second.stderr)
            settings = self.report_json()["scan"]["settings"]
            self.assertEqual(settings["first_party_contents_analysed"], "0")
            self.assertEqual(settings["first_party_contents_from_store"], "2")
            self.assertEqual(len(self.file_requests(server, "/static/bundle.js")), 2)
            hosts = {t["host"] for t in tags_from_files(self.pages_by_path()["about"])}
            self.assertEqual(hosts, {"widget.intercom.io", "fonts.googleapis.com",
                                     "cdn.image-host.net"})
            # The pages did not change, the bundle did: its new reference replaces the old one.
            server.route("/static/bundle.js", Route(
                'load("https://js.driftt.com/include/drift.js");\n', content_type=JS))
            third = self.scan_site(server)
            self.assertIn(third.returncode, (0, 1), third.stderr)
            settings = self.report_json()["scan"]["settings"]
            self.assertEqual(settings["first_party_contents_analysed"], "1")
            hosts = {t["host"] for t in tags_from_files(self.pages_by_path()["about"])}
            self.assertEqual(hosts, {"js.driftt.com", "fonts.googleapis.com",
                                     "cdn.image-host.net"})

    def test_max_first_party_assets_cuts_with_a_note(self):
        with TestServer() as server:
            self.site(server)
            result = self.scan_site(server, "--max-first-party-assets", "1")
            self.assertIn(result.returncode, (0, 1), result.stderr)
            self.assertIn("were not read (--max-first-party-assets)", result.stderr)
            settings = self.report_json()["scan"]["settings"]
            self.assertEqual(settings["first_party_files_not_read"], "1")
            notes = self.pages_by_path()[""]["notes"]
            self.assertTrue(any("--max-first-party-assets" in n for n in notes), notes)
            read = len(self.file_requests(server, "/static/bundle.js")) + \
                len(self.file_requests(server, "/static/site.css"))
            self.assertEqual(read, 1)

    def test_oversized_file_is_cut_with_a_note(self):
        with TestServer() as server:
            self.site(server, bundle='x("https://widget.intercom.io/w.js");\n' + "//" + "a" * 50000)
            result = self.scan_site(server, "--max-first-party-bytes", "1000")
            self.assertIn(result.returncode, (0, 1), result.stderr)
            self.assertIn("only their start was read (--max-first-party-bytes)", result.stderr)
            home = self.pages_by_path()[""]
            self.assertIn("widget.intercom.io", {t["host"] for t in tags_from_files(home)})
            self.assertTrue(any("--max-first-party-bytes" in n for n in home["notes"]))

    def test_hostile_files_give_notes_never_a_crash(self):
        with TestServer() as server:
            files = ["/h/utf8.js", "/h/huge.js", "/h/bomb.js", "/h/loop.js", "/h/missing.js",
                     "/h/page.js", "ftp://127.0.0.1/x.js", "javascript:void(0)"]
            server.route("/", Route(page("Hostile", *files)))
            server.route("/h/utf8.js", Route(b"var a='\xff\xfe\xc0';\nx('https://cdn.vendor-a.net/a.js');",
                                             content_type=JS))
            server.route("/h/huge.js", Route(b"x('https://cdn.vendor-b.net/b.js');" +
                                             b"/" * (6 << 20), content_type=JS))
            bomb = gzip.compress(b"\0" * (64 << 20))
            server.route("/h/bomb.js", Route(bomb, content_type=JS,
                                             headers={"Content-Encoding": "gzip"}))
            other = f"http://evil.other-site.test:{server.port}/loop.js"
            server.route("/h/loop.js", Route("", status=302, headers={"Location": other}))
            server.route("/loop.js", Route("", status=302,
                                           headers={"Location": server.url("/h/loop.js")}),
                         host="evil.other-site.test")
            server.route("/h/page.js", Route("<html>x('https://cdn.vendor-c.net/c.js')</html>"))
            result = self.scan_site(server, *server.resolve_args("evil.other-site.test"))
            self.assertIn(result.returncode, (0, 1), result.stderr)
            home = self.pages_by_path()[""]
            notes = "\n".join(home["notes"])
            self.assertIn("utf8.js: not valid UTF-8", notes)
            self.assertIn("huge.js: larger than", notes)
            self.assertIn("bomb.js: larger than", notes)
            self.assertIn("loop.js: redirects elsewhere", notes)
            self.assertIn("missing.js: answered HTTP 404", notes)
            self.assertIn("page.js: served as HTML", notes)
            self.assertIn('not http(s), not read: "ftp://127.0.0.1/x.js"', notes)
            hosts = {t["host"] for t in tags_from_files(home)}
            self.assertEqual(hosts, {"cdn.vendor-a.net", "cdn.vendor-b.net"})
            # The other site was never asked: redirects of first-party files are not followed.
            self.assertFalse([r for r in server.requests if r["host"] == "evil.other-site.test"])

    def test_cross_site_script_is_not_first_party(self):
        with TestServer() as server:
            cdn = f"http://static.other-cdn.test:{server.port}/lib.js"
            server.route("/", Route(page("Home", cdn)))
            server.route("/lib.js", Route('x("https://widget.intercom.io/w.js");', content_type=JS),
                         host="static.other-cdn.test")
            result = self.scan_site(server, *server.resolve_args("static.other-cdn.test"))
            self.assertIn(result.returncode, (0, 1), result.stderr)
            home = self.pages_by_path()[""]
            self.assertEqual(tags_from_files(home), [])
            self.assertEqual([t["host"] for t in home["tags"]], ["static.other-cdn.test"])
            self.assertFalse([r for r in server.requests if r["path"] == "/lib.js"])

    def test_directory_mode_reads_the_files_from_disk(self):
        site = self.work / "site"
        (site / "static").mkdir(parents=True)
        (site / "index.html").write_text(page("Home", "/static/bundle.js", "static/site.css",
                                              "/static/missing.js", "/../outside.js"))
        (site / "static" / "bundle.js").write_text(BUNDLE)
        (site / "static" / "site.css").write_text(SITE_CSS)
        (self.work / "outside.js").write_text('x("https://cdn.outside.test/o.js")')
        result = run_tagwarden("scan", site, "--out", self.work, "--db", self.work / "tw.db",
                               "--format", "json", cwd=self.work)
        self.assertIn(result.returncode, (0, 1), result.stderr)
        home = self.report_json()["pages"][0]
        found = {(t["initiator"], t["host"], t["parent"], t["line"])
                 for t in tags_from_files(home)}
        self.assertEqual(found, {
            ("first-party-script", "widget.intercom.io", "http://localhost/static/bundle.js", 5),
            ("stylesheet", "fonts.googleapis.com", "http://localhost/static/site.css", 1),
            ("stylesheet", "cdn.image-host.net", "http://localhost/static/site.css", 5),
        })
        self.assertTrue(any("missing.js: no such file" in n for n in home["notes"]), home["notes"])


if __name__ == "__main__":
    unittest.main()
