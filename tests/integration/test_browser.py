"""The browser pass (--browser) end to end with the real Chromium: tags only the rendered page
reveals (a vendor script an inline script injects, a pixel a container injects), the cookies
scripts and responses set (and TW203 read from them), fake OneTrust, Cookiebot, Didomi and
Usercentrics consent managers whose tags follow their consent state, pages that never settle,
hang or crash their renderer, profiles a killed scan left behind, and a missing browser. Vendor hosts are mapped to the local server (--resolve, which the
pass hands to Chromium as --host-resolver-rules); nothing leaves 127.0.0.1. Tests run as root, so
Chromium's sandbox is off (--browser-no-sandbox)."""

import base64
import json
import os
import shutil
import signal
import subprocess
import time
import unittest

from harness import BIN, Route, TagwardenTestCase, TestServer, run_tagwarden

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


def read_cmdline(pid):
    try:
        with open(f"/proc/{pid}/cmdline", "rb") as f:
            return f.read().decode(errors="replace")
    except OSError:
        return ""


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
        self.assertEqual((cookie["set_by"], cookie["set_via"]), (container, "script"))
        self.assertGreater(cookie["expires"], 0)
        site_cookie = next(c for c in report["cookies"] if c["name"] == "_vid")
        self.assertEqual((site_cookie["pages"], site_cookie["set_by"]), (1, container))
        self.assertIn("Cookie inventory", (self.work / "tagwarden-report.html").read_text())

    def test_a_third_party_cookie_names_its_response_and_tw203_takes_the_browsers_word(self):
        # A static vendor script answers with a SameSite-less (Lax) cookie, which Chromium refuses
        # in a cross-site response; the pixel it injects sets a third-party cookie Chromium keeps
        # (a *.localhost origin is trustworthy, so Secure holds over http).
        with TestServer() as server:
            self.port = server.port
            script = f"http://cdn.lax-vendor.example:{server.port}/lib.js"
            pixel = f"http://px.tracker.localhost:{server.port}/px.gif"
            server.route("/", page(f'<script src="{script}"></script>'), host=SITE)
            server.route("/lib.js", Route(f"new Image().src = {hidden(pixel)};", content_type=JS,
                                          headers={"Set-Cookie": "lx=1; Path=/"}))
            server.route("/px.gif", Route(b"GIF89a", content_type="image/gif", headers={
                "Set-Cookie": "uid=42; Path=/; Max-Age=3600; SameSite=None; Secure"}))
            hosts = ["cdn.lax-vendor.example", "px.tracker.localhost"]
            static = self.scan(server.url("/", SITE), "--format", "json",
                               *server.resolve_args(SITE, *hosts))
            self.assertEqual(static.returncode, 0, static.stderr)
            static_tw203 = {f["host"] for f in self.report_json()["findings"]
                            if f["rule"] == "TW203"}
            report = self.browser_scan(server, hosts)

        self.assertEqual(static_tw203, {"cdn.lax-vendor.example"})
        home = report["pages"][0]
        cookies = {c["name"]: c for c in home["cookies"]}
        self.assertNotIn("lx", cookies)  # refused by the browser: the fetch's Set-Cookie was a guess
        uid = cookies["uid"]
        self.assertEqual((uid["domain"], uid["party"]), ("px.tracker.localhost", "third"))
        self.assertEqual((uid["set_by"], uid["set_via"]), (pixel, "response"))
        inventory = next(c for c in report["cookies"] if c["name"] == "uid")
        self.assertEqual((inventory["set_by"], inventory["set_via"]), (pixel, "response"))
        tw203 = [f for f in report["findings"] if f["rule"] == "TW203"]
        self.assertEqual([f["host"] for f in tw203], ["px.tracker.localhost"])
        self.assertIn("third-party cookie in headless Chromium", tw203[0]["message"])
        self.assertIn("uid", tw203[0]["message"])
        html = (self.work / "tagwarden-report.html").read_text()
        self.assertIn(f"{pixel} (Set-Cookie)", html)

    def test_cookiebot_didomi_and_usercentrics_are_driven_and_their_tags_follow_consent(self):
        with TestServer() as server:
            self.port = server.port
            analytics = f"http://www.google-analytics.com:{server.port}/analytics.js"
            load = (f"function loadAnalytics() {{ var s = document.createElement('script'); "
                    f"s.src = {hidden(analytics)}; document.head.appendChild(s); }}")
            managers = {
                # Cookiebot: consent object, submitCustomConsent/withdraw, CookiebotOnAccept and
                # CookiebotOnDecline events, and an IAB TCF __tcfapi whose string follows it.
                "/cookiebot": (f"http://consent.cookiebot.com:{server.port}/uc.js", """
                    var tc = 'TC-UNDECIDED';
                    window.Cookiebot = {consent: {necessary: true, preferences: false,
                                                  statistics: false, marketing: false},
                      submitCustomConsent: function (p, s, m) {
                        this.consent.preferences = p; this.consent.statistics = s;
                        this.consent.marketing = m; tc = s ? 'TC-ACCEPTED' : 'TC-REJECTED';
                        window.dispatchEvent(new Event(s ? 'CookiebotOnAccept'
                                                         : 'CookiebotOnDecline'));
                      },
                      withdraw: function () { this.submitCustomConsent(false, false, false); }};
                    window.__tcfapi = function (command, version, callback) {
                      if (command === 'getTCData') callback({tcString: tc}, true);
                    };""", "window.addEventListener('CookiebotOnAccept', function () { "
                           "if (Cookiebot.consent.statistics) loadAnalytics(); });"),
                # Didomi: didomiOnReady callbacks, setUserAgreeToAll/setUserDisagreeToAll.
                "/didomi": (f"http://sdk.privacy-center.org:{server.port}/loader.js", """
                    var handlers = [];
                    var Didomi = {agreed: null,
                      on: function (event, f) { if (event === 'consent.changed') handlers.push(f); },
                      setUserAgreeToAll: function () { this.agreed = true; handlers.forEach(
                          function (f) { f(); }); },
                      setUserDisagreeToAll: function () { this.agreed = false; handlers.forEach(
                          function (f) { f(); }); }};
                    window.Didomi = Didomi;
                    (window.didomiOnReady || []).forEach(function (f) { f(Didomi); });""",
                           "window.didomiOnReady = window.didomiOnReady || [];"
                           "didomiOnReady.push(function (D) { D.on('consent.changed', function () {"
                           " if (D.agreed) loadAnalytics(); }); });"),
                # Usercentrics v2 (UC_UI, promises, UC_UI_CMP_EVENT).
                "/usercentrics": (f"http://app.usercentrics.eu:{server.port}/loader.js", """
                    function tell(type) { window.dispatchEvent(new CustomEvent('UC_UI_CMP_EVENT',
                        {detail: {type: type}})); return Promise.resolve(); }
                    window.UC_UI = {acceptAllConsents: function () { return tell('ACCEPT_ALL'); },
                                    denyAllConsents: function () { return tell('DENY_ALL'); }};""",
                                  "window.addEventListener('UC_UI_CMP_EVENT', function (e) { "
                                  "if (e.detail.type === 'ACCEPT_ALL') loadAnalytics(); });"),
                # Usercentrics v3 (__ucCmp): a choice counts once saveConsents() is called.
                "/usercentrics-v3": (f"http://web.cmp.usercentrics.eu:{server.port}/ui.js", """
                    var choice = null;
                    window.__ucCmp = {
                      acceptAllConsents: function () { choice = true; return Promise.resolve(); },
                      denyAllConsents: function () { choice = false; return Promise.resolve(); },
                      saveConsents: function () { window.dispatchEvent(new CustomEvent(
                          'UC_CONSENT', {detail: {all: choice}})); return Promise.resolve(); }};""",
                                     "window.addEventListener('UC_CONSENT', function (e) { "
                                     "if (e.detail.all) loadAnalytics(); });"),
            }
            links = "".join(f'<a href="{path}">{path}</a>' for path in managers)
            server.route("/", page(links), host=SITE)
            hosts = ["www.google-analytics.com"]
            for path, (url, api, gate) in managers.items():
                server.route(path, page(f"<script>{load} {gate}</script>"
                                        f'<script src="{url}"></script>'), host=SITE)
                server.route(url.split(str(server.port), 1)[1], Route(api, content_type=JS),
                             host=url.split("//")[1].split(":")[0])
                hosts.append(url.split("//")[1].split(":")[0])
            server.route("/analytics.js", Route("window.ga = function () {};", content_type=JS))
            report = self.browser_scan(server, hosts, "--consent", "none,reject,accept")

        pages = self.pages_by_path(report)
        expected = {"/cookiebot": "cookiebot", "/didomi": "didomi",
                    "/usercentrics": "usercentrics", "/usercentrics-v3": "usercentrics"}
        for path, manager in expected.items():
            states = {v["consent_state"]: v for v in pages[path]["browser"]}
            for state, action in (("none", "not-driven"), ("reject", "rejected"),
                                  ("accept", "accepted")):
                self.assertEqual(states[state]["note"], "", (path, state))
                self.assertEqual((states[state]["consent_manager"],
                                  states[state]["consent_action"]), (manager, action), path)
            loaded = {state: any(r["host"] == "www.google-analytics.com"
                                 for r in states[state]["requests"]) for state in states}
            self.assertEqual(loaded, {"none": False, "reject": False, "accept": True}, path)
        self.assertEqual({v["consent_state"]: v["tc_string"] for v in pages["/cookiebot"]["browser"]},
                         {"none": "TC-UNDECIDED", "reject": "TC-REJECTED",
                          "accept": "TC-ACCEPTED"})
        self.assertEqual(visit(pages["/"], "none")["consent_manager"], "")

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
            # The home page, /a and /checkout/ share their tags and element skeleton: one
            # template, stood for by the home page (nearest the start); /b has a widget of its
            # own. Three pages: the two templates, then the sensitive /checkout/ before /a.
            server.route("/", page(links), host=SITE)
            server.route("/a", page(links), host=SITE)
            server.route("/checkout/", page(links), host=SITE)
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

    def test_a_page_that_exhausts_memory_crashes_its_tab_only_and_the_scan_goes_on(self):
        with TestServer() as server:
            self.port = server.port
            server.route("/", page('<a href="/oom">oom</a> <a href="/after">after</a>'), host=SITE)
            server.route("/oom", page("<script>var hoard = []; for (;;) "
                                      "hoard.push(new Array(1e6).fill(1.5));</script>"), host=SITE)
            server.route("/after", page("<p>fine</p>"), host=SITE)
            report = self.browser_scan(server, [], "--browser-timeout", "60")

        pages = self.pages_by_path(report)
        self.assertIn("crashed", visit(pages["/oom"], "none")["note"])
        self.assertTrue(any(n.startswith("browser (none): ") for n in pages["/oom"]["notes"]))
        self.assertEqual(visit(pages["/"], "none")["note"], "")
        self.assertEqual(visit(pages["/after"], "none")["note"], "")
        self.assertEqual(report["scan"]["status"], "complete")

    def test_a_killed_scan_takes_its_browser_along_and_the_next_scan_removes_its_profile(self):
        tmp = self.work / "tmp"
        tmp.mkdir()
        done = subprocess.Popen(["true"])
        done.wait()  # a pid whose process is gone
        stale = tmp / f"tagwarden-chromium-{done.pid}-abcdef"
        (stale / "Default").mkdir(parents=True)
        alive = tmp / f"tagwarden-chromium-{os.getpid()}-keepme"
        alive.mkdir()
        env = dict(os.environ, TMPDIR=str(tmp))
        with TestServer() as server:
            self.port = server.port
            server.route("/", page("<script>for (;;) {}</script>"), host=SITE)
            args = ["scan", server.url("/", SITE), "--browser", "--browser-no-sandbox",
                    "--browser-timeout", "120", "--db", "", "--out", self.work,
                    *server.resolve_args(SITE)]
            scan = subprocess.Popen([BIN, *map(str, args)], env=env, cwd=self.work,
                                    stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            profile = None
            for _ in range(1200):  # until its browser is up (at most two minutes)
                found = list(tmp.glob(f"tagwarden-chromium-{scan.pid}-*"))
                if found or scan.poll() is not None:
                    profile = found[0] if found else None
                    break
                time.sleep(0.1)
            self.assertIsNotNone(profile, "the scan never started its browser")
            self.assertFalse(stale.exists())  # the dead scan's profile went when this one began
            scan.send_signal(signal.SIGKILL)
            scan.wait()
            self.assertTrue(profile.exists())

            def browsers():
                return [p for p in os.listdir("/proc") if p.isdigit()
                        and str(profile) in read_cmdline(p)]
            for _ in range(300):  # the death signal reaches the browser at once; its exit takes a moment
                if not browsers():
                    break
                time.sleep(0.1)
            self.assertEqual(browsers(), [])
            server.route("/", page("<p>calm</p>"), host=SITE)
            result = run_tagwarden(*args[:4], "--db", "", "--out", self.work,
                                   *server.resolve_args(SITE), env={"TMPDIR": str(tmp)})
        self.assertEqual(result.returncode, 0, result.stderr)
        self.assertFalse(profile.exists())
        self.assertTrue(alive.exists())  # its owner (this test) still runs
        self.assertEqual(list(tmp.glob("tagwarden-chromium-*")), [alive])

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
