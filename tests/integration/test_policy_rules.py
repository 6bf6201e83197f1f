"""Every rule of the sanctioned-stack engine on a small fixture site scanned in directory mode:
where it must fire (id, severity, page, line) and the clean page where nothing may fire."""

import unittest

from harness import FIXTURES, TagwardenTestCase

SITE = FIXTURES / "rules" / "site"
POLICY = FIXTURES / "rules" / "policy.yaml"
BASE = "https://www.fixture-shop.test"


def line_of(page, marker):
    """1-based line of the first line in the fixture page containing `marker`."""
    lines = (SITE / page.lstrip("/")).read_text().splitlines()
    return next(i for i, text in enumerate(lines, 1) if marker in text)


class PolicyRulesTest(TagwardenTestCase):
    @classmethod
    def setUpClass(cls):
        cls.findings = None

    def setUp(self):
        super().setUp()
        if PolicyRulesTest.findings is None:
            result = self.scan(SITE, "--base-url", BASE + "/", "--policy", POLICY,
                               "--format", "json", "--fail-on", "high")
            self.assertEqual(result.returncode, 1, result.stderr)  # there are high findings
            PolicyRulesTest.findings = self.report_json()["findings"]

    def of(self, rule, page=None):
        return [f for f in self.findings if f["rule"] == rule
                and (page is None or f["page"] == BASE + page)]

    def assertFires(self, rule, severity, page, marker=None, count=1):
        found = self.of(rule, page)
        self.assertEqual(len(found), count, f"{rule} on {page}: {found}")
        self.assertEqual(found[0]["severity"], severity)
        expected_line = line_of(page, marker) if marker else 0
        self.assertIn(expected_line, [f["line"] for f in found])
        self.assertTrue(found[0]["fingerprint"])
        return found

    def test_clean_page_has_no_findings(self):
        self.assertEqual([f for f in self.findings if f["page"] == BASE + "/clean.html"], [])

    def test_unsanctioned_vendor(self):
        found = self.assertFires("TW100", "medium", "/governance.html", "analytics.tiktok.com")
        self.assertEqual(found[0]["vendor"], "TikTok Pixel")
        self.assertEqual(found[0]["host"], "analytics.tiktok.com")

    def test_unknown_host(self):
        self.assertFires("TW101", "low", "/governance.html", "cdn.mystery-tags.example")

    def test_unsanctioned_tag_id(self):
        found = self.assertFires("TW102", "high", "/governance.html", "GTM-STRAY99")
        self.assertEqual(found[0]["evidence"], "GTM-STRAY99")

    def test_required_tag_missing_across_the_site(self):
        self.assertFires("TW103", "medium", "/consent/missing.html")
        self.assertEqual(self.of("TW103", "/consent/ok.html"), [])
        self.assertEqual(len(self.of("TW103")), 1)

    def test_advertising_pixel_forbidden_on_checkout(self):
        found = self.assertFires("TW104", "high", "/checkout/pay.html", "fbevents.js")
        self.assertIn("no ad pixels where customers pay", found[0]["message"])
        self.assertEqual(self.of("TW100", "/checkout/pay.html"), [])  # TW104 replaces it

    def test_overlapping_vendors_site_level(self):
        found = self.of("TW105")
        self.assertEqual(len(found), 1)
        self.assertEqual(found[0]["severity"], "low")
        self.assertIn("advertising", found[0]["message"])
        self.assertIn(found[0]["page"], ("", None))

    def test_duplicate_tag(self):
        found = self.of("TW106", "/governance.html")
        self.assertEqual(len(found), 1)
        lines = [i for i, text in enumerate(
            (SITE / "governance.html").read_text().splitlines(), 1) if "collect?v=1" in text]
        self.assertEqual(found[0]["line"], lines[1])  # the second copy

    def test_tracking_without_consent_manager(self):
        self.assertFires("TW200", "high", "/privacy.html", "analytics.js", count=2)
        self.assertEqual(self.of("TW200", "/governance.html"), [])  # gated tags

    def test_personal_data_in_third_party_url(self):
        found = self.assertFires("TW201", "high", "/privacy.html", "uid=jane.doe")
        self.assertNotIn("jane.doe", found[0]["evidence"])  # redacted

    def test_tracker_on_sensitive_page(self):
        self.assertFires("TW202", "high", "/checkout/pay.html", "fbevents.js")

    def test_session_replay(self):
        self.assertFires("TW204", "info", "/privacy.html", "hotjar")  # sanctioned: info

    def test_missing_integrity(self):
        found = self.of("TW300", "/security.html")
        self.assertEqual({f["line"] for f in found},
                         {line_of("/security.html", "cdnjs.cloudflare.com/ajax"),
                          line_of("/security.html", "http://code.jquery.com/ui")})

    def test_insecure_transport(self):
        self.assertFires("TW302", "high", "/security.html", "http://code.jquery.com/ui")

    def test_compromised_domain(self):
        found = self.assertFires("TW303", "critical", "/security.html", "cdn.polyfill.io/v3")
        self.assertIn("2024", found[0]["evidence"])

    def test_weak_and_missing_csp(self):
        self.assertFires("TW305", "low", "/security.html")
        self.assertFires("TW305", "medium", "/privacy.html")
        self.assertEqual(self.of("TW305", "/consent/ok.html"), [])

    def test_csp_blocks_sanctioned_tag_and_allows_unsanctioned_hosts(self):
        found = self.of("TW306", "/security.html")
        blocking = [f for f in found if f["line"] > 0]
        self.assertEqual(len(blocking), 1)
        self.assertEqual(blocking[0]["line"], line_of("/security.html", "gtm.js?id=GTM-FIX001"))
        self.assertEqual(blocking[0]["severity"], "medium")
        self.assertEqual({f["host"] for f in found if f["line"] == 0},
                         {"code.jquery.com", "cdn.polyfill.io"})

    def test_iframe_without_sandbox(self):
        self.assertFires("TW307", "low", "/security.html", "youtube.com/embed")

    def test_render_blocking_and_preconnect(self):
        self.assertFires("TW400", "medium", "/performance.html", "slow-widgets")
        self.assertFires("TW406", "low", "/performance.html", "slow-widgets")

    def test_document_write(self):
        self.assertFires("TW401", "medium", "/performance.html", "document.write(")

    def test_host_budget(self):
        found = self.assertFires("TW402", "low", "/performance.html")
        self.assertIn("budget is 6", found[0]["message"])
        self.assertEqual(self.of("TW402", "/security.html"), [])

    def test_fingerprints_are_stable_across_runs(self):
        again = self.scan(SITE, "--base-url", BASE + "/", "--policy", POLICY, "--format", "json",
                          "--threads", "1")
        self.assertEqual(again.returncode, 0, again.stderr)
        second = self.report_json()["findings"]
        self.assertEqual(sorted(f["fingerprint"] for f in self.findings),
                         sorted(f["fingerprint"] for f in second))


class NoPolicyTest(TagwardenTestCase):
    def test_without_a_policy_only_policy_free_rules_fire_and_vendors_are_unreviewed(self):
        result = self.scan(SITE, "--base-url", BASE + "/", "--format", "json")
        self.assertIn(result.returncode, (0, 1), result.stderr)
        report = self.report_json()
        rules = {f["rule"] for f in report["findings"]}
        self.assertTrue(rules.isdisjoint({"TW100", "TW101", "TW102", "TW103", "TW104", "TW105"}),
                        rules)
        self.assertTrue({"TW200", "TW201", "TW302", "TW303", "TW305", "TW400"} <= rules, rules)
        self.assertTrue(report["vendors"])
        self.assertEqual({v["status"] for v in report["vendors"]}, {"unreviewed"})


if __name__ == "__main__":
    unittest.main()
