"""The third-party stage asks DNS before it fetches, with a DNS responder on 127.0.0.1 playing the
resolver (--dns-server): a host DNS proves missing is one TW308 for the whole scan, a domain with
no SOA or NS is a takeover risk, a resolver that answers nothing skips the checks with one note,
and a host that resolves is fetched from the address DNS gave."""

import time
import unittest

from dns_responder import DnsResponder, closed_port_address
from harness import Route, TagwardenTestCase, TestServer, run_tagwarden

GONE = "cdn.gone-vendor.test"          # NXDOMAIN, its domain registered
UNREGISTERED = "px.lapsed-vendor.test"  # NXDOMAIN, its domain unregistered too
LIVE = "tags.live-vendor.test"          # resolves to 127.0.0.1
PAGES = ["/", "/a", "/b", "/c"]


def accepts_flag(flag):
    """Whether this build's scan command knows `flag`."""
    return flag in run_tagwarden("scan", "--help").stdout


def site_page(port, links):
    tags = "\n".join([
        f'<script src="http://{GONE}:{port}/tag.js"></script>',
        f'<script src="http://{GONE}:{port}/other.js"></script>',
        f'<img src="http://{UNREGISTERED}:{port}/p.gif" alt="">',
        f'<script src="http://{LIVE}:{port}/live.js"></script>',
    ])
    anchors = "".join(f'<a href="{link}">{link}</a>' for link in links)
    return (f"<!doctype html><html><head><title>Shop</title>\n{tags}\n</head>"
            f"<body>{anchors}</body></html>")


class ThirdPartyDnsTest(TagwardenTestCase):
    def scan_with_dns(self, dns_server, *extra):
        with TestServer() as server:
            for path in PAGES:
                server.route(path, Route(site_page(server.port, PAGES)))
            server.route("/live.js", Route("var live = 1;", content_type="application/javascript",
                                           headers={"Cache-Control": "max-age=600"}), host=LIVE)
            started = time.monotonic()
            result = self.scan(server.url("/"), "--format", "json", "--dns-server", dns_server,
                               *extra)
            self.elapsed = time.monotonic() - started
            self.requests = server.requests
        self.assertIn(result.returncode, (0, 1), result.stderr)
        return result, self.report_json()

    def findings(self, report, rule):
        return [(finding["page"], finding) for finding in report["findings"]
                if finding["rule"] == rule]

    def answering_table(self):
        return {GONE: "nxdomain", "gone-vendor.test": {"SOA": True, "NS": True},
                UNREGISTERED: "nxdomain", "lapsed-vendor.test": "nxdomain",
                LIVE: {"A": "127.0.0.1"}}

    def test_a_missing_host_is_one_finding_for_the_scan_with_its_reach(self):
        with DnsResponder(self.answering_table()) as dns:
            result, report = self.scan_with_dns(dns.address)
        self.assertEqual(len(report["pages"]), len(PAGES))
        found = self.findings(report, "TW308")
        by_host = {finding["host"]: (page, finding) for page, finding in found}
        self.assertEqual(sorted(f["host"] for _, f in found), sorted([GONE, UNREGISTERED]), found)
        page, gone = by_host[GONE]
        self.assertEqual(page.split("/", 3)[3], "", page)  # the start page names it first
        self.assertIn("does not exist (NXDOMAIN; gone-vendor.test is registered)",
                      gone["message"])
        self.assertIn("8 references on 4 pages", gone["evidence"])  # two scripts on each page
        self.assertIn("NXDOMAIN", gone["evidence"])
        self.assertEqual(gone["severity"], "medium")  # its domain is registered
        self.assertNotIn("third-party checks skipped", result.stderr)

    def test_a_missing_host_whose_domain_has_no_soa_or_ns_is_a_takeover_risk(self):
        with DnsResponder(self.answering_table()) as dns:
            _, report = self.scan_with_dns(dns.address)
        lapsed = [f for _, f in self.findings(report, "TW308") if f["host"] == UNREGISTERED]
        self.assertEqual(len(lapsed), 1, lapsed)
        self.assertEqual(lapsed[0]["severity"], "high")
        self.assertIn("lapsed-vendor.test is not registered", lapsed[0]["message"])
        self.assertIn("whoever registers it", lapsed[0]["message"])
        self.assertIn("4 references on 4 pages", lapsed[0]["evidence"])

    def test_a_missing_host_is_never_fetched_and_asked_about_once(self):
        with DnsResponder(self.answering_table()) as dns:
            self.scan_with_dns(dns.address)
            questions = list(dns.questions)
        self.assertFalse([r for r in self.requests if r["host"] in (GONE, UNREGISTERED)])
        self.assertEqual(questions.count((GONE, "A")), 1, questions)
        self.assertEqual(questions.count(("lapsed-vendor.test", "SOA")), 1, questions)

    def test_a_host_dns_points_at_a_private_address_is_refused_by_the_address_check(self):
        # DNS answers 127.0.0.1 for the vendor: libcurl connects to that address only, and the
        # public-address check still refuses it (a public name must not reach the local network).
        with DnsResponder(self.answering_table()) as dns:
            result, report = self.scan_with_dns(dns.address)
        self.assertFalse([r for r in self.requests if r["host"] == LIVE])
        home = next(e for e in report["pages"] if e["url"].split("/", 3)[3] == "")
        live = next(t for t in home["tags"] if t["host"] == LIVE)
        self.assertEqual(live["attributes"]["resource-error"], "off-scope")
        self.assertIn("127.0.0.1 is not one", live["attributes"]["resource-error-detail"])

    @unittest.skipUnless(accepts_flag("--allow-private-third-party"),
                         "this build has no --allow-private-third-party")
    def test_a_host_that_resolves_is_fetched_from_the_address_dns_gave(self):
        with DnsResponder(self.answering_table()) as dns:
            _, report = self.scan_with_dns(dns.address, "--allow-private-third-party")
        fetched = [r for r in self.requests if r["host"] == LIVE]
        self.assertEqual([r["path"] for r in fetched], ["/live.js"])
        home = next(e for e in report["pages"] if e["url"].split("/", 3)[3] == "")
        live = next(t for t in home["tags"] if t["host"] == LIVE)
        self.assertEqual(live["attributes"]["resource-status"], "200")

    def test_hosts_mapped_with_resolve_are_never_asked_of_dns(self):
        with DnsResponder(self.answering_table()) as dns:
            with TestServer() as server:
                server.route("/", Route(site_page(server.port, [])))
                server.route("/live.js", Route("var live = 1;", content_type="text/javascript"),
                             host=LIVE)
                result = self.scan(server.url("/"), "--format", "json", "--dns-server",
                                   dns.address, *server.resolve_args(LIVE))
                requests = server.requests
            questions = list(dns.questions)
        self.assertIn(result.returncode, (0, 1), result.stderr)
        self.assertNotIn(LIVE, [name for name, _ in questions])
        self.assertIn(GONE, [name for name, _ in questions])
        self.assertEqual([r["path"] for r in requests if r["host"] == LIVE], ["/live.js"])

    def assert_skipped_with_one_note(self, result, report, why):
        self.assertEqual(result.stderr.count("third-party checks skipped:"), 1, result.stderr)
        self.assertIn(why, result.stderr)
        self.assertIn(why, report["scan"]["settings"]["third_party_skipped"])
        self.assertFalse(self.findings(report, "TW308"))
        self.assertFalse([r for r in self.requests if r["host"] != "127.0.0.1"])
        self.assertLess(self.elapsed, 30)  # bounded by the resolver's deadline, not per URL

    def test_servfail_for_everything_skips_the_checks_with_one_note(self):
        with DnsResponder({}, default="servfail") as dns:
            result, report = self.scan_with_dns(dns.address)
        self.assert_skipped_with_one_note(result, report, "SERVFAIL: 3")

    def test_a_resolver_that_never_answers_skips_the_checks_with_one_note(self):
        with DnsResponder({}, default="drop") as dns:
            result, report = self.scan_with_dns(dns.address)
        self.assert_skipped_with_one_note(result, report, "timeout: 3")

    def test_a_resolver_that_denies_every_name_proves_nothing(self):
        # A network that blocks outside DNS often answers NXDOMAIN for everything, "com" too.
        with DnsResponder({"com": "nxdomain"}, default="nxdomain") as dns:
            result, report = self.scan_with_dns(dns.address)
        self.assert_skipped_with_one_note(result, report, "NXDOMAIN even for com: 3")

    def test_no_resolver_listening_skips_the_checks_with_one_note(self):
        result, report = self.scan_with_dns(closed_port_address())
        self.assert_skipped_with_one_note(result, report, "connection refused: 3")

    def test_a_malformed_dns_server_is_a_one_line_error(self):
        result = run_tagwarden("scan", "http://127.0.0.1:9/", "--dns-server", "resolver.lan:53",
                               "--db", "", cwd=self.work)
        self.assertEqual(result.returncode, 2, result.stderr)
        self.assertEqual(len(result.stderr.strip().splitlines()), 1, result.stderr)
        self.assertIn("--dns-server", result.stderr)


if __name__ == "__main__":
    unittest.main()
