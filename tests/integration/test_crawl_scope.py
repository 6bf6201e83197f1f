"""What the crawl follows, seen from the command line: scope by host or registrable domain,
redirect chains and off-scope redirects, robots.txt and --ignore-robots, --sitemap seeds,
--include/--exclude, request options, and the exit codes of a crawl that cannot run."""

import gzip
import json

from harness import Route, TagwardenTestCase, TestServer

QUIET = ["--format", "json", "--quiet", "--no-fetch-third-party", "--timeout", "5",
         "--connect-timeout", "2", "--retries", "0"]


def html(body):
    return Route(f"<html><body>{body}</body></html>")


class CrawlScopeTest(TagwardenTestCase):
    def report(self):
        return json.loads((self.work / "tagwarden-report.json").read_text())

    def paths(self):
        return sorted(p["requested_url"].split("/", 3)[3] for p in self.report()["pages"])

    def test_scope_host_or_domain_decides_which_subdomains_are_crawled(self):
        with TestServer() as server:
            site = f"http://www.shop-example.test:{server.port}"
            blog = f"http://blog.shop-example.test:{server.port}"
            server.route("/", html(f"<a href='{blog}/post'>b</a><a href='/about'>a</a>"
                                   f"<a href='http://vendor.test:{server.port}/x'>v</a>"),
                         host="www.shop-example.test")
            server.route("/about", html("about"), host="www.shop-example.test")
            server.route("/post", html("post"), host="blog.shop-example.test")
            resolve = server.resolve_args("www.shop-example.test", "blog.shop-example.test",
                                          "vendor.test")
            result = self.scan(f"{site}/", *QUIET, *resolve, "--scope", "host")
            self.assertEqual(result.returncode, 0, result.stderr)
            self.assertEqual({p["url"] for p in self.report()["pages"]},
                             {f"{site}/", f"{site}/about"})
            result = self.scan(f"{site}/", *QUIET, *resolve, "--scope", "domain")
            self.assertEqual(result.returncode, 0, result.stderr)
            self.assertEqual({p["url"] for p in self.report()["pages"]},
                             {f"{site}/", f"{site}/about", f"{blog}/post"})
            self.assertFalse([r for r in server.requests if r["host"] == "vendor.test"],
                             "a third-party link is never crawled")

    def test_redirects_are_recorded_and_an_off_scope_redirect_is_not_followed(self):
        with TestServer() as server:
            server.route("/", html("<a href='/old'>o</a><a href='/out'>x</a>"))
            server.route("/old", Route(status=301, headers={"Location": "/mid"}))
            server.route("/mid", Route(status=302, headers={"Location": "/new"}))
            server.route("/new", html("new home"))
            server.route("/out", Route(status=302, headers={
                "Location": f"http://elsewhere.test:{server.port}/landing"}))
            server.route("/landing", html("never"), host="elsewhere.test")
            result = self.scan(server.url("/"), *QUIET,
                               *server.resolve_args("elsewhere.test"))
            self.assertEqual(result.returncode, 0, result.stderr)
            pages = {p["requested_url"]: p for p in self.report()["pages"]}
            old = pages[server.url("/old")]
            self.assertEqual(old["error"], "none")
            self.assertEqual(old["url"], server.url("/new"))
            self.assertEqual(old["redirect_chain"], [server.url("/old"), server.url("/mid")])
            out = pages[server.url("/out")]
            self.assertEqual(out["error"], "off-scope")
            self.assertIn("elsewhere.test", out["error_detail"])
            self.assertFalse([r for r in server.requests if r["host"] == "elsewhere.test"])

    def test_robots_txt_is_honoured_unless_ignored(self):
        with TestServer() as server:
            server.route("/robots.txt", Route("User-agent: tagwarden\nDisallow: /private\n",
                                              content_type="text/plain"))
            server.route("/", html("<a href='/private/a'>p</a><a href='/open'>o</a>"))
            server.route("/private/a", html("secret"))
            server.route("/open", html("open"))
            result = self.scan(server.url("/"), *QUIET)
            self.assertEqual(result.returncode, 0, result.stderr)
            pages = {p["requested_url"]: p for p in self.report()["pages"]}
            blocked = pages[server.url("/private/a")]
            self.assertEqual(blocked["error"], "robots")
            self.assertIn("robots.txt", blocked["error_detail"])
            self.assertFalse([r for r in server.requests if r["path"] == "/private/a"])
            result = self.scan(server.url("/"), *QUIET, "--ignore-robots")
            pages = {p["requested_url"]: p for p in self.report()["pages"]}
            self.assertEqual(pages[server.url("/private/a")]["error"], "none")

    def test_sitemap_seeds_pages_no_link_reaches(self):
        with TestServer() as server:
            sitemap = (f"<urlset><url><loc>{server.url('/orphan')}</loc></url>"
                       f"<url><loc>{server.url('/')}</loc></url></urlset>")
            server.route("/robots.txt", Route(f"Sitemap: {server.url('/sitemap.xml.gz')}\n",
                                              content_type="text/plain"))
            server.route("/sitemap.xml.gz", Route(gzip.compress(sitemap.encode()),
                                                  content_type="application/gzip"))
            server.route("/", html("home"))
            server.route("/orphan", html("only in the sitemap"))
            result = self.scan(server.url("/"), *QUIET)
            self.assertEqual(self.paths(), [""])
            result = self.scan(server.url("/"), *QUIET, "--sitemap")
            self.assertEqual(result.returncode, 0, result.stderr)
            self.assertEqual(self.paths(), ["", "orphan"])

    def test_a_hostile_sitemap_neither_stalls_the_crawl_nor_crashes_the_filters(self):
        # 1.5 million '<' (quadratic for a naive parser), then a 1,000,000-character <loc> that
        # must be dropped by the URL-length cap before any --exclude pattern sees it, and a
        # catastrophic-backtracking pattern that must stay bounded on every link it does see.
        with TestServer() as server:
            long_loc = server.url("/") + "a" * 1_000_000
            sitemap = ("<" * 1_500_000 + f"<urlset><url><loc>{long_loc}</loc></url>"
                       f"<url><loc>{server.url('/orphan')}</loc></url></urlset>")
            server.route("/robots.txt", Route(f"Sitemap: {server.url('/sitemap.xml')}\n",
                                              content_type="text/plain"))
            server.route("/sitemap.xml", Route(sitemap, content_type="application/xml"))
            xs = "/" + "x" * 40
            server.route("/", html(f"<a href='/p1'>1</a><a href='{xs}'>x</a>"))
            for path in ("/p1", xs, "/orphan"):
                server.route(path, html(path))
            result = self.scan(server.url("/"), *QUIET, "--sitemap", "--exclude", "(x+x+)+y",
                               timeout=60)
            self.assertEqual(result.returncode, 0, result.stderr)
            pages = {p["requested_url"]: p for p in self.report()["pages"]}
            for path in ("/", "/p1", xs, "/orphan"):
                self.assertEqual(pages[server.url(path)]["error"], "none", path)
            self.assertFalse(any(len(url) > 100_000 for url in pages))

    def test_include_and_exclude_choose_pages_and_a_bad_regex_is_a_usage_error(self):
        with TestServer() as server:
            server.route("/", html("<a href='/blog/1'>b</a><a href='/shop/1'>s</a>"
                                   "<a href='/blog/draft-2'>d</a>"))
            for path in ("/blog/1", "/shop/1", "/blog/draft-2"):
                server.route(path, html("x"))
            result = self.scan(server.url("/"), *QUIET, "--include", "/blog/",
                               "--exclude", "draft")
            self.assertEqual(result.returncode, 0, result.stderr)
            self.assertEqual(self.paths(), ["", "blog/1"])
            result = self.scan(server.url("/"), *QUIET, "--exclude", "(unclosed")
            self.assertEqual(result.returncode, 2)
            self.assertIn("(unclosed", result.stderr)

    def test_request_options_reach_the_server(self):
        with TestServer() as server:
            server.route("/", html("hi"))
            result = self.scan(server.url("/"), *QUIET, "--header", "X-Env: staging",
                               "--user-agent", "audit-bot/2", "--user", "ann:pw",
                               "--cookie", "s=1")
            self.assertEqual(result.returncode, 0, result.stderr)
            page = [r for r in server.requests if r["path"] == "/"][-1]["headers"]
            self.assertEqual(page["X-Env"], "staging")
            self.assertEqual(page["User-Agent"], "audit-bot/2")
            self.assertEqual(page["Authorization"], "Basic YW5uOnB3")
            self.assertEqual(page["Cookie"], "s=1")

    def test_an_unreachable_site_exits_3_with_the_reason(self):
        result = self.scan("http://127.0.0.1:9/", *QUIET)
        self.assertEqual(result.returncode, 3, result.stdout + result.stderr)
        self.assertIn("127.0.0.1", result.stderr)
        report = self.report()
        self.assertEqual(report["pages"][0]["error"], "connect")
        self.assertTrue(report["pages"][0]["error_detail"])
