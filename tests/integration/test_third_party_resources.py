"""The third-party stage end to end: a site whose pages load a vulnerable jQuery, a script whose
integrity does not match, a GTM container with custom HTML tags, a script that sets cookies, a slow
and an uncacheable script, and a host that does not resolve. Vendor hosts are the real names,
mapped to the local server with --resolve; nothing leaves 127.0.0.1."""

import json
import re
import time
import unittest

from dns_responder import DnsResponder
from harness import FIXTURES, Route, TagwardenTestCase, TestServer, run_tagwarden

THIRD_PARTY = FIXTURES / "third-party"
VENDOR_HOSTS = ["code.jquery.com", "cdn.vendor-widgets.com", "www.googletagmanager.com",
                "connect.facebook.net", "js.hs-scripts.com", "snap.licdn.com", "slow.cdn-host.net",
                "static.bigvendor.com", "nocache.vendor-widgets.com", "www.facebook.com",
                "tags.tiqcdn.com"]
DANGLING = "cdn.abandoned-vendor.invalid"

# The page pins this hash, but the vendor now serves other bytes.
PINNED = "sha384-oqVuAfXRKap7fdgcCY5uykM6+R9GqQ8K/uxy9rx7HNQlGYl1kPzQho1wx4JwY8wC"

JS = "application/javascript; charset=utf-8"


def js_route(body, headers=None):
    return Route(body, content_type=JS, headers=headers or {"Cache-Control": "max-age=3600"})


def page(port, *scripts):
    def url(host, path):
        return f"http://{host}:{port}{path}"
    tags = {
        "jquery": f'<script src="{url("code.jquery.com", "/jquery-1.8.1.min.js")}"></script>',
        "pinned": f'<script src="{url("cdn.vendor-widgets.com", "/widget/2.3.0/widget.min.js")}" '
                  f'integrity="{PINNED}" crossorigin="anonymous"></script>',
        "gtm": f'<script async src="{url("www.googletagmanager.com", "/gtm.js?id=GTM-TWTEST1")}">'
               '</script>',
        "insight": f'<script async src="{url("snap.licdn.com", "/li.lms-analytics/insight.min.js")}">'
                   '</script>',
        "slow": f'<script async src="{url("slow.cdn-host.net", "/slow.js")}"></script>',
        "dangling": f'<script src="http://{DANGLING}:{port}/tag.js"></script>',
        "big": f'<script async src="{url("static.bigvendor.com", "/bundle.js")}"></script>',
        "nocache": f'<script async src="{url("nocache.vendor-widgets.com", "/w.js")}"></script>',
        "tealium": f'<script async src="{url("tags.tiqcdn.com", "/utag/acme/main/prod/utag.js")}">'
                   '</script>',
    }
    head = "\n".join(tags[name] for name in scripts)
    return f"<!doctype html><html><head><title>Shop</title>\n{head}\n</head><body><p>hi</p></body></html>"


class ThirdPartyResourcesTest(TagwardenTestCase):
    def serve(self, server):
        port = server.port
        gtm = (THIRD_PARTY / "gtm-GTM-TWTEST1.js").read_text()
        for host in ("connect.facebook.net", "js.hs-scripts.com", "www.facebook.com"):
            gtm = gtm.replace(f"https:\\/\\/{host}", f"http:\\/\\/{host}:{port}")
        server.route("/", Route(page(port, "jquery", "pinned", "gtm", "insight", "dangling") +
                                '<a href="/about">about</a>'))
        server.route("/about", Route(page(port, "jquery", "gtm", "slow", "big", "nocache",
                                          "tealium") +
                                     '<a href="/">home</a>'))
        server.route("/jquery-1.8.1.min.js",
                     js_route((THIRD_PARTY / "jquery-1.8.1.min.js").read_bytes()),
                     host="code.jquery.com")
        server.route("/widget/2.3.0/widget.min.js",
                     js_route((THIRD_PARTY / "vendor-widget-2.3.0.min.js").read_bytes()),
                     host="cdn.vendor-widgets.com")
        server.route("/gtm.js?id=GTM-TWTEST1", js_route(gtm), host="www.googletagmanager.com")
        server.route("/en_US/fbevents.js", js_route("/* fbevents */ window.fbq=window.fbq||1;"),
                     host="connect.facebook.net")
        server.route("/4455667.js", js_route("/* HubSpot */ var _hsq=window._hsq=[];"),
                     host="js.hs-scripts.com")
        server.route("/li.lms-analytics/insight.min.js",
                     js_route((THIRD_PARTY / "linkedin-insight.min.js").read_bytes(), headers={
                         "Cache-Control": "max-age=86400",
                         "Set-Cookie": "li_sugr=5f8b2c1d-aaaa; Max-Age=7776000; Domain=.licdn.com; "
                                       "Path=/; SameSite=None; Secure"}),
                     host="snap.licdn.com")

        def slow(handler):
            time.sleep(2.3)
            body = b"/* slow vendor */ var s = 1;"
            handler.send_response(200)
            handler.send_header("Content-Type", JS)
            handler.send_header("Content-Length", str(len(body)))
            handler.send_header("Cache-Control", "max-age=600")
            handler.end_headers()
            handler.wfile.write(body)
        server.route("/slow.js", Route(handler=slow), host="slow.cdn-host.net")
        big_random = bytes((i * 7919 + 13) % 251 for i in range(1_100_000))
        server.route("/bundle.js", Route(big_random, content_type=JS,
                                         headers={"Cache-Control": "max-age=600"}),
                     host="static.bigvendor.com")
        server.route("/w.js", Route("/* widget */ " + "var w=1;" * 300, content_type=JS,
                                    headers={"Cache-Control": "no-store"}),
                     host="nocache.vendor-widgets.com")

        server.route("/utag/acme/main/prod/utag.js", js_route(
            '//tealium universal tag - utag.loader ut4.0.202401011200\n'
            'if(!utag){var utag={};utag.loader={};}utag.loader.cfg={"5":{load:1,send:1,v:202401011200,'
            'wait:1,tid:7117}};utag.loader.initcfg=function(){};'), host="tags.tiqcdn.com")
        server.route("/utag/acme/main/prod/utag.5.js", js_route(
            '//tealium universal tag - utag.5 ut4.0.202401011200\n'
            'try{(function(id,loader){var u={};u.ev={"view":1};u.base_url="//bat.bing.com/bat.js";'
            'utag.o[loader].loader.LOAD(id);})("5","acme.main");}catch(error){}'),
            host="tags.tiqcdn.com")

    def scan_site(self, *extra):
        # DNS knows the dangling host is gone; every other host is mapped with --resolve.
        dns_table = {DANGLING: "nxdomain", "abandoned-vendor.invalid": "nxdomain"}
        with TestServer() as server, DnsResponder(dns_table, default="servfail") as dns:
            self.serve(server)
            result = self.scan(server.url("/"), "--format", "json", "--dns-server", dns.address,
                               *server.resolve_args(*VENDOR_HOSTS), *extra, timeout=180)
            self.requests = server.requests
            self.port = server.port
        self.assertIn(result.returncode, (0, 1), result.stderr)
        return self.report_json()

    def page(self, report, path):
        for entry in report["pages"]:
            if entry["url"].endswith(path) and entry["url"].count("/") == 3:
                entry["findings"] = [f for f in report["findings"] if f["page"] == entry["url"]]
                return entry
        self.fail(f"no page {path}: {[p['url'] for p in report['pages']]}")

    def findings(self, page, rule):
        return [f for f in page.get("findings", []) if f["rule"] == rule]

    @classmethod
    def setUpClass(cls):
        cls.cached = None

    def report(self):
        if ThirdPartyResourcesTest.cached is None:
            ThirdPartyResourcesTest.cached = (self.scan_site(), self.requests, self.port)
        report, self.requests, self.port = ThirdPartyResourcesTest.cached
        return report

    def test_each_distinct_resource_is_fetched_once_for_the_whole_scan(self):
        self.report()
        hits = [r for r in self.requests if r["host"] == "code.jquery.com"]
        self.assertEqual(len(hits), 1, hits)
        gtm = [r for r in self.requests if r["host"] == "www.googletagmanager.com"]
        self.assertEqual(len(gtm), 1)

    def test_resource_facts_are_recorded_on_the_tag(self):
        home = self.page(self.report(), "/")
        jquery = next(t for t in home["tags"] if t["host"] == "code.jquery.com")
        attributes = jquery["attributes"]
        self.assertEqual(attributes["resource-status"], "200")
        self.assertEqual(attributes["resource-error"], "none")
        size = (THIRD_PARTY / "jquery-1.8.1.min.js").stat().st_size
        self.assertEqual(int(attributes["resource-decoded-bytes"]), size)
        self.assertEqual(int(attributes["resource-transfer-bytes"]), size)
        self.assertEqual(attributes["resource-cache-control"], "max-age=3600")
        self.assertIn("resource-ttfb-ms", attributes)
        self.assertIn("resource-total-ms", attributes)
        self.assertTrue(attributes["resource-sri-sha384"].startswith("sha384-"))

    def test_vulnerable_jquery_is_reported_with_its_advisory_ids(self):
        home = self.page(self.report(), "/")
        found = self.findings(home, "TW304")
        self.assertEqual(len(found), 1, found)
        self.assertIn("jquery 1.8.1", found[0]["message"])
        self.assertIn("CVE-2020-11023", found[0]["message"])
        self.assertIn("GHSA-", found[0]["message"])
        self.assertEqual(found[0]["severity"], "medium")

    def test_integrity_mismatch_names_the_hash_the_file_has_now(self):
        home = self.page(self.report(), "/")
        found = self.findings(home, "TW301")
        self.assertEqual(len(found), 1, found)
        self.assertIn("widget.min.js", found[0]["tag_url"])
        self.assertIn("sha384-", found[0]["message"])
        self.assertNotIn(PINNED, found[0]["message"])
        self.assertEqual(found[0]["severity"], "critical")

    def test_gtm_container_tags_become_tag_manager_tags_with_the_container_as_parent(self):
        home = self.page(self.report(), "/")
        container = f"http://www.googletagmanager.com:{self.port}/gtm.js?id=GTM-TWTEST1"
        inside = [t for t in home["tags"] if t["initiator"] == "tag-manager"]
        self.assertTrue(inside)
        self.assertTrue(all(t["parent"] == container for t in inside), inside)
        ids = {i for t in inside for i in t["ids"]}
        self.assertTrue({"G-TWTEST1234", "AW-987654321", "1122334455667788"} <= ids, ids)
        hosts = {t["host"] for t in inside}
        self.assertIn("connect.facebook.net", hosts)
        self.assertIn("js.hs-scripts.com", hosts)
        facebook = next(t for t in inside if t["host"] == "connect.facebook.net")
        self.assertTrue(facebook["vendor"])  # attributed by the catalogue like any page tag
        # Scripts the container's custom HTML loads were fetched too.
        hubspot = next(t for t in inside if t["host"] == "js.hs-scripts.com")
        self.assertEqual(hubspot["attributes"].get("resource-status"), "200")

    def test_tealium_tag_files_are_tag_manager_tags_and_their_hosts_fourth_parties(self):
        about = self.page(self.report(), "/about")
        base = f"http://tags.tiqcdn.com:{self.port}/utag/acme/main/prod/"
        tag_file = next(t for t in about["tags"] if t["url"] == base + "utag.5.js")
        self.assertEqual(tag_file["initiator"], "tag-manager")
        self.assertEqual(tag_file["parent"], base + "utag.js")
        self.assertEqual(tag_file["attributes"]["resource-status"], "200")
        bing = [t for t in about["tags"] if t["host"] == "bat.bing.com"]
        self.assertEqual([(t["initiator"], t["parent"]) for t in bing],
                         [("third-party-script", base + "utag.5.js")])

    def test_third_party_cookie_is_reported_without_its_value(self):
        home = self.page(self.report(), "/")
        found = self.findings(home, "TW203")
        self.assertEqual(len(found), 1, found)
        self.assertIn("li_sugr", found[0]["message"])
        self.assertIn("SameSite=None", found[0]["evidence"])
        self.assertNotIn("5f8b2c1d", found[0]["evidence"] + found[0]["message"])

    def test_fourth_party_hosts_are_recorded_with_the_script_as_parent(self):
        home = self.page(self.report(), "/")
        insight = f"http://snap.licdn.com:{self.port}/li.lms-analytics/insight.min.js"
        fourth = [t for t in home["tags"] if t["initiator"] == "third-party-script"]
        hosts = {t["host"] for t in fourth if t["parent"] == insight}
        self.assertIn("px.ads.linkedin.com", hosts)
        self.assertNotIn("www.w3.org", {t["host"] for t in fourth})

    def test_a_host_dns_proves_missing_is_a_dangling_host(self):
        home = self.page(self.report(), "/")
        found = self.findings(home, "TW308")
        self.assertEqual([f["host"] for f in found], [DANGLING])
        self.assertEqual(found[0]["severity"], "high")  # abandoned-vendor.invalid: no SOA or NS
        tag = next(t for t in home["tags"] if t["host"] == DANGLING)
        self.assertEqual(tag["attributes"]["resource-error"], "dns")

    def test_performance_budgets_slow_heavy_and_uncacheable_scripts(self):
        about = self.page(self.report(), "/about")
        slow = self.findings(about, "TW404")
        self.assertEqual([f["host"] for f in slow], ["slow.cdn-host.net"])
        heavy = self.findings(about, "TW403")
        self.assertEqual(len(heavy), 1)
        self.assertIn("bundle.js", heavy[0]["evidence"])
        delivery = {f["host"]: f["message"] for f in self.findings(about, "TW405")}
        self.assertIn("uncacheable", delivery["nocache.vendor-widgets.com"])
        self.assertIn("uncompressed", delivery["static.bigvendor.com"])
        self.assertNotIn("code.jquery.com", delivery)  # under the size worth compressing

    def test_policy_budgets_set_the_bytes_and_time_thresholds(self):
        policy = self.work / "policy.yaml"
        policy.write_text("budgets:\n  third_party_bytes_per_page: 2 kB\n"
                          "  slow_response_ms: 60000\n")
        report = self.scan_site("--policy", policy)
        home, about = self.page(report, "/"), self.page(report, "/about")
        self.assertFalse(self.findings(about, "TW404"))  # 2.3 s is under a minute
        heavy = self.findings(home, "TW403")  # the default 1 MB budget leaves home alone
        self.assertEqual(len(heavy), 1, heavy)
        self.assertIn("over the budget of 2 kB", heavy[0]["message"])  # ~5 kB of small scripts
        self.assertIn("gtm.js", heavy[0]["evidence"].split(";")[0])  # the largest comes first

    def test_a_scan_with_a_store_augments_the_stored_pages_like_a_scan_held_in_memory(self):
        # With a store the stage walks the pages back from it in batches instead of holding
        # them; what it stores, and the totals it prints, must be what it makes in memory.
        in_memory, streamed = self.work / "in-memory", self.work / "streamed"
        with TestServer() as server:
            self.serve(server)
            common = [server.url("/"), *server.resolve_args(*VENDOR_HOSTS)]
            held = run_tagwarden("scan", *common, "--format", "json", "--out", in_memory,
                                 "--db", "", timeout=180)  # no store: the stage works in memory
            console = run_tagwarden("scan", *common, "--format", "console", "--out", streamed,
                                    "--db", streamed / "tw.db", timeout=180)
        self.assertIn(held.returncode, (0, 1), held.stderr)
        self.assertIn(console.returncode, (0, 1), console.stderr)
        reported = run_tagwarden("report", "--db", streamed / "tw.db", "--scan", "latest",
                                 "--format", "json", "--out", streamed)
        self.assertEqual(reported.returncode, 0, reported.stderr)

        def contents(report):
            def facts(tag):  # timings differ from one fetch to the next
                return json.dumps({k: v for k, v in tag["attributes"].items()
                                   if not k.endswith("-ms")}, sort_keys=True)
            pages = {}
            for page in report["pages"]:
                tags = sorted((t["kind"], t["url"], t["initiator"], t["parent"], t["vendor"],
                               facts(t)) for t in page["tags"])
                pages[page["url"]] = (tags, sorted(page["notes"]))
            findings = sorted((f["page"], f["rule"], f["tag_url"],
                               re.sub(r"\d+ ms", "N ms", f["message"]))
                              for f in report["findings"])
            return pages, findings, report["vendors"]

        expected = json.loads((in_memory / "tagwarden-report.json").read_text())
        stored = json.loads((streamed / "tagwarden-report.json").read_text())
        self.assertEqual(contents(stored), contents(expected))
        derived = [t for p in stored["pages"] for t in p["tags"] if t["initiator"] != "parser"]
        self.assertTrue(derived)  # the container's tags are there, not only the page's own
        counts = expected["scan"]["counts"]
        self.assertIn(f"tags: {counts['tags']} ", console.stdout)
        self.assertIn(f"findings: {counts['findings']} ", console.stdout)

    def test_no_fetch_third_party_reads_only_the_pages(self):
        report = self.scan_site("--no-fetch-third-party")
        home = self.page(report, "/")
        self.assertFalse([t for t in home["tags"] if t["initiator"] == "tag-manager"])
        self.assertFalse(self.findings(home, "TW304"))
        self.assertFalse([r for r in self.requests if r["host"] == "code.jquery.com"])


class OriginChecksTest(TagwardenTestCase):
    """Pixels and images need only a connection check, which says the same for every URL of an
    origin: pages that each carry their own pixel URL must not cost a check (and memory) each."""

    def test_distinct_pixel_urls_share_one_check_per_origin(self):
        with TestServer() as server:
            port = server.port
            for n in range(1, 7):
                pixels = "".join(
                    f'<img src="http://px.pixel-vendor.com:{port}/tr?page={n}&amp;v={v}" '
                    'width="1" height="1">' for v in range(3))
                link = f'<a href="/p{n + 1}">next</a>' if n < 6 else ""
                server.route("/" if n == 1 else f"/p{n}",
                             Route(f"<!doctype html><title>p{n}</title><body>{pixels}{link}"))
            result = self.scan(server.url("/"), "--format", "json",
                               *server.resolve_args("px.pixel-vendor.com"))
            requests = server.requests
        self.assertIn(result.returncode, (0, 1), result.stderr)
        report = self.report_json()
        pixels = [t for p in report["pages"] for t in p["tags"]
                  if t["host"] == "px.pixel-vendor.com"]
        self.assertEqual(len({t["url"] for t in pixels}), 18)
        for tag in pixels:  # every tag gets its origin's facts
            self.assertEqual(tag["attributes"].get("resource-error"), "none", tag)
        self.assertEqual(report["scan"]["settings"]["third_party_fetched"], "1")
        self.assertFalse([r for r in requests if r["host"] == "px.pixel-vendor.com"])

    def test_past_max_third_party_nothing_new_is_fetched_and_the_scan_says_so(self):
        with TestServer() as server:
            port = server.port
            scripts = "".join(f'<script src="http://cdn.many-scripts.com:{port}/s{n}.js"></script>'
                              for n in range(6))
            server.route("/", Route(f"<!doctype html><title>t</title>{scripts}"))
            for n in range(6):
                server.route(f"/s{n}.js", js_route(f"/* {n} */"), host="cdn.many-scripts.com")
            result = run_tagwarden("scan", server.url("/"), "--format", "json", "--out", self.work,
                                   "--db", self.work / "tw.db", "--max-third-party", "4",
                                   *server.resolve_args("cdn.many-scripts.com"))
            requests = server.requests
        self.assertIn(result.returncode, (0, 1), result.stderr)
        fetched = [r["path"] for r in requests if r["host"] == "cdn.many-scripts.com"]
        self.assertEqual(sorted(fetched), ["/s0.js", "/s1.js", "/s2.js", "/s3.js"])
        report = self.report_json()
        self.assertEqual(report["scan"]["settings"]["third_party_not_fetched"], "2")
        self.assertIn("2 references to third-party URLs past the first 4", result.stderr)
        tags = {t["url"].rsplit("/", 1)[1]: t for t in report["pages"][0]["tags"]}
        self.assertEqual(tags["s3.js"]["attributes"]["resource-status"], "200")
        self.assertNotIn("resource-status", tags["s4.js"]["attributes"])  # never fetched


if __name__ == "__main__":
    unittest.main()
