"""CNAME cloaking, with a DNS responder on 127.0.0.1 playing the resolver (--dns-server): a page
that loads from a host of its own site whose CNAME leads to a tracker gets that tracker's tag,
marked cloaked, rule TW206 and the policy's rules; a CNAME to a CDN, a loop, a chain too long to
follow, SERVFAIL and silence are no finding; without the third-party stage nothing is asked."""

import json

from dns_responder import DnsResponder
from harness import Route, TagwardenTestCase, TestServer

SITE = "www.cloak-shop.test"                 # the pages' host, mapped with --resolve
CLOAKED = "metrics.cloak-shop.test"          # CNAME -> cloak-shop.eulerian.net (listed target)
CDN = "static.cloak-shop.test"               # CNAME -> a CDN: nothing
LOOP = "loop.cloak-shop.test"                # CNAME loop
DEEP = "deep.cloak-shop.test"                # 20 names before the tracker: past the bound
BROKEN = "broken.cloak-shop.test"            # SERVFAIL
SILENT = "silent.cloak-shop.test"            # no answer at all
TRACKER = "cloak-shop.eulerian.net"
PAGES = ["/", "/about"]

POLICY = """\
site:
  domains: [cloak-shop.test]
vendors:
  - name: Google Tag Manager
"""


def dns_table():
    table = {CLOAKED: {"CNAME": TRACKER}, TRACKER: {"A": "127.0.0.1"},
             CDN: {"CNAME": "cloak-shop.cdn.cloudflare.net"},
             "cloak-shop.cdn.cloudflare.net": {"A": "127.0.0.1"},
             LOOP: {"CNAME": "loop2.cloak-shop.test"}, "loop2.cloak-shop.test": {"CNAME": LOOP},
             DEEP: {"CNAME": "h1.cdn-hop.test"}, BROKEN: "servfail", SILENT: "drop"}
    for hop in range(1, 20):
        table[f"h{hop}.cdn-hop.test"] = {"CNAME": f"h{hop + 1}.cdn-hop.test"}
    table["h20.cdn-hop.test"] = {"CNAME": TRACKER}
    return table


def page(port, title):
    loads = "\n".join([
        f'<script src="http://{CLOAKED}:{port}/t.js"></script>',
        f'<img src="http://{CDN}:{port}/logo.png" alt="">',
        f'<script src="http://{LOOP}:{port}/l.js"></script>',
        f'<script src="http://{DEEP}:{port}/d.js"></script>',
        f'<script src="http://{BROKEN}:{port}/b.js"></script>',
        f'<script src="http://{SILENT}:{port}/s.js"></script>',
        '<script src="/own.js"></script>',
    ])
    anchors = "".join(f'<a href="{path}">{path}</a>' for path in PAGES)
    return (f"<!doctype html><html><head><title>{title}</title>\n{loads}\n</head>"
            f"<body>{anchors}</body></html>")


class CnameCloakingTest(TagwardenTestCase):
    def scan_site(self, body, *extra, table=None):
        (self.work / "policy.yaml").write_text(POLICY)
        with DnsResponder(dns_table() if table is None else table) as dns:
            with TestServer() as server:
                for path in PAGES:
                    server.route(path, Route(body(server.port, path)))
                result = self.scan(server.url("/", host=SITE), *server.resolve_args(SITE),
                                   "--dns-server", dns.address, "--policy",
                                   self.work / "policy.yaml", "--format",
                                   "json,sarif,markdown,csv,html", *extra)
            self.questions = list(dns.questions)
        self.assertIn(result.returncode, (0, 1), result.stderr)
        self.assertNotIn("Traceback", result.stderr)
        return result, json.loads((self.work / "tagwarden-report.json").read_text())

    def test_a_re_scan_of_unchanged_pages_finds_the_cloaking_again(self):
        (self.work / "policy.yaml").write_text(POLICY)
        reports = []
        with DnsResponder(dns_table()) as dns, TestServer() as server:
            for path in PAGES:
                server.route(path, Route(page(server.port, path)))
            for _ in range(2):
                result = self.scan(server.url("/", host=SITE), *server.resolve_args(SITE),
                                   "--dns-server", dns.address, "--policy",
                                   self.work / "policy.yaml", "--format", "json")
                self.assertIn(result.returncode, (0, 1), result.stderr)
                reports.append(json.loads((self.work / "tagwarden-report.json").read_text()))
        again = reports[1]
        self.assertTrue(all(entry["reused"] for entry in again["pages"]), again["pages"])
        cloaked = self.cloaked_tags(again)
        self.assertEqual([tag["host"] for _, tag in cloaked], [CLOAKED] * len(PAGES))
        self.assertEqual(len([f for f in again["findings"] if f["rule"] == "TW206"]), len(PAGES))

    def cloaked_tags(self, report):
        return [(entry["url"], tag) for entry in report["pages"] for tag in entry["tags"]
                if tag.get("cloaked")]

    def test_a_site_host_aliased_to_a_tracker_is_that_tracker_cloaked_on_every_page(self):
        _, report = self.scan_site(page)
        cloaked = self.cloaked_tags(report)
        self.assertEqual(len(cloaked), len(PAGES), cloaked)
        for _, tag in cloaked:
            self.assertEqual(tag["host"], CLOAKED)
            self.assertEqual(tag["vendor"], "Eulerian")
            self.assertEqual(tag["kind"], "script")
            self.assertEqual(tag["line"], 2)
            self.assertEqual(tag["cname_chain"], [TRACKER])
        findings = [f for f in report["findings"] if f["rule"] == "TW206"]
        self.assertEqual(len(findings), len(PAGES), findings)
        self.assertEqual(findings[0]["host"], CLOAKED)
        self.assertEqual(findings[0]["evidence"], f"CNAME {CLOAKED} -> {TRACKER}")
        self.assertIn("cookies set for the site's domain reach Eulerian", findings[0]["message"])
        vendors = {vendor["name"]: vendor for vendor in report["vendors"]}
        self.assertIn(CLOAKED, vendors["Eulerian"]["hosts"])

    def test_the_policy_judges_the_cloaked_vendor(self):
        _, report = self.scan_site(page)
        unsanctioned = [f for f in report["findings"]
                        if f["rule"] == "TW100" and f["vendor"] == "Eulerian"]
        self.assertEqual(len(unsanctioned), len(PAGES), unsanctioned)
        self.assertEqual(unsanctioned[0]["host"], CLOAKED)
        vendors = {vendor["name"]: vendor for vendor in report["vendors"]}
        self.assertEqual(vendors["Eulerian"]["status"], "unsanctioned")

    def test_a_cdn_a_loop_a_long_chain_servfail_and_silence_are_no_finding(self):
        _, report = self.scan_site(page)
        hosts = {tag["host"] for _, tag in self.cloaked_tags(report)}
        self.assertEqual(hosts, {CLOAKED})
        every_tag_host = {tag["host"] for entry in report["pages"] for tag in entry["tags"]}
        for quiet in (CDN, LOOP, DEEP, BROKEN, SILENT):
            self.assertNotIn(quiet, every_tag_host)
        for finding in report["findings"]:
            for quiet in (CDN, LOOP, DEEP, BROKEN, SILENT):
                self.assertNotIn(quiet, finding["host"], finding)

    def test_each_site_host_is_asked_once_and_the_page_host_never(self):
        self.scan_site(page)
        for host in (CLOAKED, CDN, BROKEN):
            self.assertEqual(self.questions.count((host, "A")), 1, self.questions)
        # Chains too long for a UDP reply come again over TCP, once.
        for host in (LOOP, DEEP):
            self.assertEqual(self.questions.count((host, "A")), 1, self.questions)
            self.assertEqual(self.questions.count((host, "A/tcp")), 1, self.questions)
        self.assertNotIn(SITE, [name for name, _ in self.questions])

    def test_the_reports_show_the_cloaking(self):
        self.scan_site(page)
        markdown = (self.work / "tagwarden-summary.md").read_text().replace("\\", "")
        self.assertIn(f"Eulerian (cloaked: CNAME of {CLOAKED})", markdown)
        html = (self.work / "tagwarden-report.html").read_text()
        self.assertIn(f"cloaked: CNAME of <code>{CLOAKED}</code>", html)
        csv = next(self.work.glob("*findings*.csv")).read_text()
        self.assertIn(f"CNAME {CLOAKED} -> {TRACKER}", csv)
        sarif = json.loads((self.work / "tagwarden-report.sarif").read_text())
        results = [r for r in sarif["runs"][0]["results"] if r["ruleId"] == "TW206"]
        self.assertEqual(len(results), 1, results)
        self.assertTrue(results[0]["properties"]["cloaked"])
        self.assertEqual(results[0]["properties"]["cname"], f"CNAME {CLOAKED} -> {TRACKER}")

    def test_without_the_third_party_stage_no_site_host_is_asked(self):
        _, report = self.scan_site(page, "--no-fetch-third-party")
        self.assertEqual(self.questions, [])
        self.assertEqual(self.cloaked_tags(report), [])
        self.assertFalse([f for f in report["findings"] if f["rule"] == "TW206"])

    def test_pages_that_load_only_from_their_own_host_ask_dns_nothing(self):
        def plain(port, title):
            return (f"<!doctype html><html><head><title>{title}</title>"
                    '<script src="/own.js"></script></head><body>'
                    '<img src="/logo.png" alt=""></body></html>')
        _, report = self.scan_site(plain)
        self.assertEqual(self.questions, [])
        self.assertEqual(len(report["pages"]), 1)
