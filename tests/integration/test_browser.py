"""The browser pass (--browser) end to end with the real Chromium: tags only the rendered page
reveals (a vendor script an inline script injects, a pixel a container injects), the cookies
scripts write, a fake OneTrust whose tags follow its consent state, pages that never settle or
hang, and a missing browser. Vendor hosts are mapped to the local server (--resolve, which the
pass hands to Chromium as --host-resolver-rules); nothing leaves 127.0.0.1. Tests run as root, so
Chromium's sandbox is off (--browser-no-sandbox)."""

import base64
import json
import shutil
import unittest

from harness import Route, TagwardenTestCase, TestServer, run_tagwarden

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
SITE = "shop.browser-test.example"
JS = "application/javascript; charset=utf-8"
POLICY = """version: 1
vendors:
  - name: Google Tag Manager
    owner: web@shop.example
    purpose: container
forbidden:
  - category: advertising
    paths: [/checkout/**]
    reason: no ad pixels where customers pay
"""


def hidden(url):
    """JavaScript that yields `url` at run time only: no string a static reader could follow."""
    return "atob('%s')" % base64.b64encode(url.encode()).decode()


def page(body, title="Shop"):
    return Route(f"<!doctype html><html><head><title>{title}</title></head><body>{body}</body>"
                 "</html>")


def visit(page_json, state):
    return next(v for v in page_json["browser"] if v["consent_state"] == state)


@unittest.skipUnless(shutil.which("chromium") or shutil.os.path.exists(CHROMIUM),
                     "chromium is not installed")
class BrowserPassTest(TagwardenTestCase):
    def browser_scan(self, server, hosts, *args):
        (self.work / "policy.yaml").write_text(POLICY)
        result = self.scan(server.url("/", SITE), "--browser", "--browser-no-sandbox",
                           "--policy", self.work / "policy.yaml", "--format", "json,html",
                           *server.resolve_args(SITE, *hosts), *args)
        self.assertEqual(result.returncode, 0, result.stderr)
        return self.report_json()

    def pages_by_path(self, report):
        return {p["url"].split(str(self.port), 1)[1]: p for p in report["pages"]}

    def test_a_vendor_script_injected_at_run_time_is_a_runtime_tag_the_policy_judges(self):
        with TestServer() as server:
            self.port = server.port
            bing = f"http://bat.bing.com:{server.port}/bat.js"
            inject = ("<script>var s = document.createElement('script'); s.src = "
                      f"{hidden(bing)}; document.head.appendChild(s);</script>")
            gtm = f"http://www.googletagmanager.com:{server.port}/gtm.js?id=GTM-BROWSER1"
            server.route("/", page(f'<script src="{gtm}"></script>{inject}'
                                   '<a href="/checkout/">checkout</a>'), host=SITE)
            server.route("/checkout/", page(inject), host=SITE)
            server.route("/bat.js", Route("window.uetq = [];", content_type=JS))
            server.route("/gtm.js?id=GTM-BROWSER1", Route("window.dataLayer = [];",
                                                          content_type=JS))
            report = self.browser_scan(server, ["bat.bing.com", "www.googletagmanager.com"])

        pages = self.pages_by_path(report)
        home, checkout = pages["/"], pages["/checkout/"]
        bing_tag = next(t for t in home["tags"] if t["host"] == "bat.bing.com")
        self.assertEqual(bing_tag["initiator"], "runtime")
        self.assertEqual(bing_tag["seen_by"], ["browser"])
        self.assertEqual(bing_tag["vendor"], "Microsoft Advertising (UET)")
        self.assertEqual(bing_tag["parent"], server.url("/", SITE))  # the page's inline script
        gtm_tag = next(t for t in home["tags"] if t["host"] == "www.googletagmanager.com")
        self.assertEqual(gtm_tag["seen_by"], ["static", "browser"])
        self.assertEqual(gtm_tag["initiator"], "parser")

        rules = {(f["rule"], f["page"].split(str(server.port), 1)[1], f["host"])
                 for f in report["findings"]}
        self.assertIn(("TW100", "/", "bat.bing.com"), rules)
        self.assertIn(("TW104", "/checkout/", "bat.bing.com"), rules)
        self.assertIn(("TW202", "/checkout/", "bat.bing.com"), rules)
        self.assertTrue(any(t["host"] == "bat.bing.com" for t in checkout["tags"]))

        vendors = {v["name"]: v["seen_by"] for v in report["vendors"]}
        self.assertEqual(vendors["Microsoft Advertising (UET)"], ["browser"])
        self.assertEqual(vendors["Google Tag Manager"], ["static", "browser"])
        html = (self.work / "tagwarden-report.html").read_text()
        self.assertIn("<th>seen by</th>", html)
        self.assertIn("<td>static + browser</td>", html)
        self.assertEqual(report["scan"]["settings"]["browser_pages_rendered"], "2")

    def test_a_pixel_a_container_injects_names_the_container_and_cookies_name_their_writer(self):
        with TestServer() as server:
            self.port = server.port
            container = f"http://tags.container-cdn.example:{server.port}/container.js"
            pixel = f"http://px.ads-pixel.example:{server.port}/p.gif?ev=view"
            server.route("/", page(f'<script src="{container}"></script>'), host=SITE)
            server.route("/container.js", Route(
                f"new Image().src = {hidden(pixel)};"
                "document.cookie = '_vid=abc123; path=/; max-age=86400';", content_type=JS))
            server.route("/p.gif?ev=view", Route(b"GIF89a", content_type="image/gif"))
            report = self.browser_scan(server, ["tags.container-cdn.example",
                                                "px.ads-pixel.example"])

        home = report["pages"][0]
        pixel_tag = next(t for t in home["tags"] if t["host"] == "px.ads-pixel.example")
        self.assertEqual(pixel_tag["initiator"], "runtime")
        self.assertEqual(pixel_tag["parent"], container)
        request = next(r for r in visit(home, "none")["requests"] if r["url"] == pixel)
        self.assertEqual((request["initiator"], request["initiator_url"]), ("script", container))
        self.assertEqual(request["status"], 200)
        self.assertGreater(request["bytes"], 0)

        cookie = next(c for c in home["cookies"] if c["name"] == "_vid")
        self.assertEqual(cookie["domain"], SITE)
        self.assertEqual(cookie["party"], "first")
        self.assertEqual(cookie["set_by"], container)
        self.assertGreater(cookie["expires"], 0)
        site_cookie = next(c for c in report["cookies"] if c["name"] == "_vid")
        self.assertEqual((site_cookie["pages"], site_cookie["set_by"]), (1, container))
        self.assertIn("Cookie inventory", (self.work / "tagwarden-report.html").read_text())

    def test_a_fake_onetrust_gates_tags_on_consent_and_a_tag_that_ignores_reject_is_tw205(self):
        with TestServer() as server:
            self.port = server.port
            analytics = f"http://www.google-analytics.com:{server.port}/analytics.js"
            pixel = f"http://ct.pinterest.com:{server.port}/v3/?event=init"
            load = ("function load(url) { var s = document.createElement('script'); s.src = url; "
                    "document.head.appendChild(s); }")
            # A consent manager with OneTrust's API: accept loads analytics; its reject handler
            # is buggy and still fires an advertising pixel.
            onetrust = (f"<script>{load} window.OneTrust = {{"
                        f"AllowAll: function () {{ load({hidden(analytics)}); }},"
                        f"RejectAll: function () {{ new Image().src = {hidden(pixel)}; }} }};"
                        "</script>")
            server.route("/", page(onetrust), host=SITE)
            server.route("/analytics.js", Route("window.ga = function () {};", content_type=JS))
            report = self.browser_scan(server, ["www.google-analytics.com", "ct.pinterest.com"],
                                       "--consent", "none,reject,accept")

        home = report["pages"][0]
        states = {v["consent_state"]: v for v in home["browser"]}
        self.assertEqual(set(states), {"none", "reject", "accept"})
        self.assertEqual(states["none"]["consent_manager"], "onetrust")
        self.assertEqual(states["none"]["consent_action"], "not-driven")
        self.assertEqual(states["reject"]["consent_action"], "rejected")
        self.assertEqual(states["accept"]["consent_action"], "accepted")

        def hosts(state, after):
            return {r["host"] for r in states[state]["requests"] if r["after_consent"] == after}
        self.assertNotIn("www.google-analytics.com", hosts("none", False))
        self.assertIn("www.google-analytics.com", hosts("accept", True))
        self.assertNotIn("www.google-analytics.com", hosts("reject", True))
        self.assertIn("ct.pinterest.com", hosts("reject", True))

        tw205 = [f for f in report["findings"] if f["rule"] == "TW205"]
        self.assertEqual([f["host"] for f in tw205], ["ct.pinterest.com"])
        self.assertIn("after the visitor rejected consent (onetrust)", tw205[0]["message"])

    def test_an_unrecognised_consent_manager_is_said_so_never_guessed(self):
        with TestServer() as server:
            self.port = server.port
            manager = f"http://cdn.cookielaw.org:{server.port}/scripttemplates/otSDKStub.js"
            server.route("/", page(f'<script src="{manager}"></script>'), host=SITE)
            server.route("/scripttemplates/otSDKStub.js", Route("/* no API */", content_type=JS))
            report = self.browser_scan(server, ["cdn.cookielaw.org"], "--consent", "reject")

        reject = visit(report["pages"][0], "reject")
        self.assertEqual(reject["consent_manager"], "unrecognised")
        self.assertEqual(reject["consent_action"], "not-driven")

    def test_browser_pages_covers_each_template_then_the_sensitive_pages(self):
        with TestServer() as server:
            self.port = server.port
            widget = f'<script src="http://cdn.widget-vendor.example:{server.port}/w.js"></script>'
            links = "".join(f'<a href="{p}">{p}</a>' for p in ("/a", "/b", "/checkout/"))
            server.route("/", page(links), host=SITE)
            server.route("/a", page("<p>same template as the home page</p>"), host=SITE)
            server.route("/checkout/", page("<p>pay</p>"), host=SITE)
            server.route("/b", page(widget), host=SITE)
            server.route("/w.js", Route("", content_type=JS))
            report = self.browser_scan(server, ["cdn.widget-vendor.example"], "--browser-pages",
                                       "3")
        rendered = {path for path, p in self.pages_by_path(report).items() if p["browser"]}
        self.assertEqual(rendered, {"/", "/b", "/checkout/"})
        self.assertEqual(report["scan"]["settings"]["browser_pages_rendered"], "3")

    def test_pages_that_never_settle_or_hang_are_notes_and_the_scan_goes_on(self):
        with TestServer() as server:
            self.port = server.port
            server.route("/", page('<a href="/busy">busy</a> <a href="/hang">hang</a>'),
                         host=SITE)
            server.route("/busy", page(
                "<script>setInterval(function () { fetch('/poll?' + Date.now()); }, 50);"
                "</script>"), host=SITE)
            server.route("/hang", page("<script>setTimeout(function () { while (true) {} }, 0);"
                                       "</script>"), host=SITE)
            # Two tabs: the hanging page (a core spinning) starts once the first page is done.
            report = self.browser_scan(server, [], "--browser-timeout", "3", "--browser-tabs", "2")

        pages = self.pages_by_path(report)
        self.assertEqual(visit(pages["/"], "none")["note"], "")
        busy_note = visit(pages["/busy"], "none")["note"]
        self.assertIn("did not settle within 3 s (--browser-timeout)", busy_note)
        self.assertTrue(any("browser (none): " in n for n in pages["/busy"]["notes"]))
        self.assertTrue(any("/poll?" in r["url"] for r in visit(pages["/busy"], "none")["requests"]))
        self.assertIn("--browser-timeout", visit(pages["/hang"], "none")["note"])
        self.assertEqual(report["scan"]["status"], "complete")

    def test_gpc_is_sent_as_a_header_and_announced_to_scripts(self):
        with TestServer() as server:
            self.port = server.port
            server.route("/", page("<script>if (navigator.globalPrivacyControl === true) "
                                   "fetch('/gpc-seen');</script>"), host=SITE)
            report = self.browser_scan(server, [], "--gpc")
            browser_requests = [r for r in server.requests if r["path"] == "/"
                                and "HeadlessChrome" in r["headers"].get("User-Agent", "")]
        self.assertEqual(browser_requests[0]["headers"].get("Sec-GPC"), "1")
        urls = [r["url"] for r in visit(report["pages"][0], "none")["requests"]]
        self.assertIn(server.url("/gpc-seen", SITE), urls)
        self.assertEqual(report["scan"]["settings"]["browser_gpc"], "on")

    def test_a_directory_is_served_to_the_browser_and_offline_blocks_what_leaves_the_site(self):
        site = self.work / "site"
        (site / "shop").mkdir(parents=True)
        with TestServer() as server:
            self.port = server.port
            vendor = f"http://cdn.widget-vendor.example:{server.port}/w.js"
            (site / "index.html").write_text(
                "<!doctype html><html><head><title>Built</title>"
                "<script src='/app.js'></script></head><body><a href='shop/'>shop</a></body>"
                "</html>")
            (site / "app.js").write_text(
                f"var s = document.createElement('script'); s.src = {hidden(vendor)};"
                "document.head.appendChild(s); fetch('/data.json');")
            (site / "data.json").write_text("{}")
            (site / "shop" / "index.html").write_text("<title>Shop</title><p>shop</p>")
            (self.work / "policy.yaml").write_text(POLICY)
            result = self.scan(site, "--base-url", "https://built.example/", "--browser",
                               "--browser-no-sandbox", "--offline", "--format", "json",
                               *server.resolve_args("cdn.widget-vendor.example"))
            self.assertEqual(result.returncode, 0, result.stderr)
            self.assertEqual([r for r in server.requests if r["path"] == "/w.js"], [])
        report = self.report_json()
        home = next(p for p in report["pages"] if p["url"] == "https://built.example/index.html")
        requests = {r["url"]: r for r in visit(home, "none")["requests"]}
        self.assertEqual(requests["http://built.example/data.json"]["status"], 200)
        self.assertTrue(requests[vendor]["blocked"])
        self.assertEqual(requests[vendor]["initiator_url"], "http://built.example/app.js")
        runtime = next(t for t in home["tags"] if t["host"] == "cdn.widget-vendor.example")
        self.assertEqual((runtime["initiator"], runtime["seen_by"]), ("runtime", ["browser"]))
        self.assertEqual(report["scan"]["settings"]["browser_offline"], "on")
        self.assertEqual(len(report["pages"]), 2)

    def test_a_missing_browser_is_one_line_and_exit_2_before_any_crawl(self):
        with TestServer() as server:
            result = self.scan(server.url("/"), "--browser", "--browser-binary",
                               self.work / "no-chromium")
            self.assertEqual(server.requests, [])
        self.assertEqual(result.returncode, 2)
        self.assertEqual(len(result.stderr.strip().splitlines()), 1, result.stderr)
        self.assertIn("--browser: cannot run", result.stderr)

    def test_without_browser_the_scan_renders_nothing(self):
        with TestServer() as server:
            server.route("/", page("<script>document.cookie = 'a=1';</script>"))
            result = self.scan(server.url("/"), "--format", "json")
        self.assertEqual(result.returncode, 0, result.stderr)
        report = self.report_json()
        self.assertNotIn("browser", report["scan"]["settings"])
        self.assertEqual((report["cookies"], report["pages"][0]["browser"]), ([], []))
        consent = run_tagwarden("scan", "http://127.0.0.1:1/", "--consent", "reject")
        self.assertEqual(consent.returncode, 2)
        self.assertIn("need --browser", consent.stderr)


if __name__ == "__main__":
    unittest.main()
