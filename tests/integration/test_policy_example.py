"""End to end: the example company site (examples/site) scanned in directory mode against its
sanctioned stack (examples/policy.yaml). Every finding is asserted exactly: rule, severity, page,
line and whether a suppression covers it."""

import unittest

from harness import EXAMPLES, TagwardenTestCase

BASE = "https://www.example-shop.com"

# rule severity page:line [suppressed]; "(site)" for site-level findings.
EXPECTED = """
    TW010 low      (site):0
    TW100 medium   /blog/spring-collection.html:55
    TW100 medium   /promo/spring-2019.html:22
    TW100 medium   /promo/spring-2019.html:23
    TW100 medium   /promo/spring-2019.html:33
    TW100 medium   /promo/spring-2019.html:55
    TW102 high     /promo/spring-2019.html:27
    TW103 medium   /products/index.html:0
    TW103 medium   /products/summit-jacket.html:0
    TW104 high     /account/login.html:53
    TW104 high     /account/orders.html:38
    TW104 high     /checkout/cart.html:35
    TW104 high     /checkout/cart.html:39
    TW104 high     /checkout/payment.html:33
    TW105 low      (site):0
    TW105 low      (site):0
    TW200 low      /about.html:40
    TW200 low      /account/login.html:53
    TW200 low      /account/orders.html:38
    TW200 low      /blog/spring-collection.html:30
    TW200 low      /blog/spring-collection.html:55
    TW200 low      /careers.html:40
    TW200 low      /checkout/cart.html:35
    TW200 low      /checkout/cart.html:39
    TW200 low      /checkout/payment.html:33
    TW200 low      /index.html:39
    TW200 low      /index.html:51
    TW200 low      /products/index.html:39
    TW200 low      /products/index.html:52
    TW200 low      /products/summit-jacket.html:39
    TW200 low      /products/summit-jacket.html:52
    TW200 low      /products/trail-runner.html:39
    TW200 low      /products/trail-runner.html:52
    TW200 low      /products/trail-runner.html:80
    TW200 low      /promo/spring-2019.html:33
    TW200 low      /support/contact.html:49
    TW201 high     /account/login.html:53
    TW202 high     /account/login.html:53
    TW202 high     /checkout/cart.html:35
    TW202 high     /checkout/cart.html:39
    TW202 high     /checkout/payment.html:33
    TW204 info     /account/orders.html:38
    TW204 info     /index.html:51
    TW300 medium   /promo/spring-2019.html:22
    TW300 medium   /promo/spring-2019.html:55
    TW302 high     /promo/spring-2019.html:22
    TW303 critical /promo/spring-2019.html:23
    TW305 medium   /about.html:0 suppressed
    TW305 medium   /account/login.html:0 suppressed
    TW305 medium   /account/orders.html:0 suppressed
    TW305 medium   /blog/index.html:0 suppressed
    TW305 medium   /blog/spring-collection.html:0 suppressed
    TW305 medium   /careers.html:0 suppressed
    TW305 medium   /checkout/cart.html:0 suppressed
    TW305 medium   /checkout/payment.html:0 suppressed
    TW305 medium   /index.html:0 suppressed
    TW305 medium   /legal/privacy.html:0 suppressed
    TW305 medium   /products/index.html:0 suppressed
    TW305 medium   /products/summit-jacket.html:0 suppressed
    TW305 medium   /products/trail-runner.html:0 suppressed
    TW305 medium   /promo/spring-2019.html:0 suppressed
    TW305 medium   /stores.html:0 suppressed
    TW305 medium   /support/contact.html:0 suppressed
    TW307 low      /about.html:66
    TW307 low      /careers.html:66
    TW307 low      /index.html:76
    TW307 low      /stores.html:48
    TW400 medium   /about.html:8 suppressed
    TW400 medium   /account/login.html:8 suppressed
    TW400 medium   /account/orders.html:8 suppressed
    TW400 medium   /blog/index.html:8 suppressed
    TW400 medium   /blog/spring-collection.html:8 suppressed
    TW400 medium   /careers.html:8 suppressed
    TW400 medium   /checkout/cart.html:8 suppressed
    TW400 medium   /checkout/payment.html:8 suppressed
    TW400 medium   /checkout/payment.html:29
    TW400 medium   /index.html:8 suppressed
    TW400 medium   /legal/privacy.html:8 suppressed
    TW400 medium   /products/index.html:8 suppressed
    TW400 medium   /products/summit-jacket.html:8 suppressed
    TW400 medium   /products/trail-runner.html:8 suppressed
    TW400 medium   /promo/spring-2019.html:8 suppressed
    TW400 medium   /promo/spring-2019.html:22
    TW400 medium   /promo/spring-2019.html:23
    TW400 medium   /stores.html:8 suppressed
    TW400 medium   /support/contact.html:8 suppressed
    TW400 medium   /support/contact.html:29
    TW401 medium   /promo/spring-2019.html:33
    TW406 info     /about.html:8
    TW406 info     /account/login.html:8
    TW406 info     /account/orders.html:8
    TW406 info     /blog/index.html:8
    TW406 info     /blog/spring-collection.html:8
    TW406 info     /careers.html:8
    TW406 info     /checkout/cart.html:8
    TW406 info     /checkout/payment.html:8
    TW406 info     /checkout/payment.html:29
    TW406 info     /index.html:8
    TW406 info     /legal/privacy.html:8
    TW406 info     /products/index.html:8
    TW406 info     /products/summit-jacket.html:8
    TW406 info     /products/trail-runner.html:8
    TW406 info     /promo/spring-2019.html:8
    TW406 info     /promo/spring-2019.html:22
    TW406 info     /promo/spring-2019.html:23
    TW406 info     /stores.html:8
    TW406 info     /support/contact.html:8
    TW406 info     /support/contact.html:29
"""


def row(finding):
    page = finding["page"].replace(BASE, "") if finding["page"] else "(site)"
    text = f"{finding['rule']} {finding['severity']:<8} {page}:{finding['line']}"
    return text + (" suppressed" if finding["suppressed"] else "")


class ExamplePolicyTest(TagwardenTestCase):
    def setUp(self):
        super().setUp()
        self.result = self.scan(EXAMPLES / "site", "--base-url", BASE + "/",
                                "--policy", EXAMPLES / "policy.yaml", "--format", "json")
        self.assertIn(self.result.returncode, (0, 1), self.result.stderr)
        self.report = self.report_json()

    def test_exact_findings(self):
        expected = sorted(line.strip() for line in EXPECTED.strip().splitlines())
        actual = sorted(row(f) for f in self.report["findings"])
        self.assertEqual(actual, expected)

    def test_findings_explain_themselves(self):
        by_rule = {}
        for f in self.report["findings"]:
            by_rule.setdefault(f["rule"], []).append(f)
        stray = by_rule["TW102"][0]
        self.assertEqual(stray["evidence"], "GTM-OLD2019")
        self.assertEqual(stray["vendor"], "Google Tag Manager")
        pay = [f for f in by_rule["TW104"] if f["page"].endswith("/checkout/payment.html")][0]
        self.assertEqual(pay["vendor"], "TikTok Pixel")
        self.assertIn("no ad pixels where customers pay", pay["message"])
        self.assertEqual(pay["host"], "analytics.tiktok.com")
        expired = by_rule["TW010"][0]
        self.assertIn("TW302", expired["message"])
        self.assertIn("2026-03-31", expired["message"])
        suppressed = [f for f in self.report["findings"] if f["suppressed"]]
        self.assertTrue(all(f["suppression_reason"] for f in suppressed))
        fingerprints = [f["fingerprint"] for f in self.report["findings"]]
        self.assertEqual(len(fingerprints), len(set(fingerprints)))

    def test_vendor_inventory_against_the_policy(self):
        status = {v["name"]: v["status"] for v in self.report["vendors"]}
        for name in ["Google Tag Manager", "OneTrust", "Meta Pixel", "Greenhouse", "Stripe"]:
            self.assertEqual(status[name], "sanctioned", name)
        for name in ["Twitter", "Polyfill.io", "Google Analytics", "Google/Doubleclick Ads"]:
            self.assertEqual(status[name], "unsanctioned", name)
        gtm = next(v for v in self.report["vendors"] if v["name"] == "Google Tag Manager")
        self.assertEqual(gtm["owner"], "web-platform@example-shop.com")


if __name__ == "__main__":
    unittest.main()
