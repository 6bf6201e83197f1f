"""Payment-page script integrity (PCI DSS 4.0, 6.4.3 and 11.6.1) end to end: a checkout page in two
releases on a local server, its scripts approved with `approve`, the second release detected by
TW500-TW503 with before/after evidence, a third unchanged scan raising none of TW501-TW503, and
the inventory and evidence documents (escaping hostile text). The payment provider's host is
mapped to the local server with --resolve."""

import csv
import io
import json
import unittest
from datetime import datetime, timedelta

from harness import Route, TagwardenTestCase, TestServer, run_tagwarden
from store_support import execute, query

PROVIDER = "js.pay-provider.com"
JS = "application/javascript"
STRONG_CSP = "default-src 'self'; script-src 'self' js.pay-provider.com; frame-ancestors 'none'"
WEAK_CSP = "default-src 'self'; script-src 'self' 'unsafe-inline' js.pay-provider.com"
COOKIE = "session=abc123; Path=/; Secure; HttpOnly; SameSite=Lax"


def checkout(port, inline, extra=""):
    return ("<!doctype html><html><head><title>Checkout</title>\n"
            f"<script>{inline}</script>\n"
            '<script src="/js/checkout.js"></script>\n'
            f'<script src="http://{PROVIDER}:{port}/v3/pay.js"></script>\n'
            f"{extra}</head><body><form>card</form></body></html>")


class PaymentIntegrityTest(TagwardenTestCase):
    def setUp(self):
        super().setUp()
        (self.work / "policy.yaml").write_text(
            "version: 1\npayment_pages: [/checkout/**]\nscripts_file: scripts.yaml\n")
        (self.work / "scripts.yaml").write_text("version: 1\nscripts: []\n")

    def release(self, server, number):
        port = server.port
        if number == 1:
            body, csp = checkout(port, "window.cart = {total: 10};"), STRONG_CSP
        else:
            body = checkout(port, "window.cart = {total: 10}; fetch('//collect.example');",
                            '<script src="/js/upsell.js"></script>\n')
            csp = WEAK_CSP
        server.route("/checkout", Route(body, headers={"Content-Security-Policy": csp,
                                                       "Set-Cookie": COOKIE}))
        server.route("/js/checkout.js", Route("/* checkout */ submit();", content_type=JS))
        server.route("/js/upsell.js", Route("/* upsell */ offer();", content_type=JS))
        server.route("/v3/pay.js", Route("/* provider */ mountCard();", content_type=JS),
                     host=PROVIDER)

    def scan_checkout(self, server):
        result = self.scan(server.url("/checkout"), "--policy", self.work / "policy.yaml",
                           "--max-pages", "1", *server.resolve_args(PROVIDER))
        self.assertIn(result.returncode, (0, 1), result.stderr)
        report = self.report_json()
        return [f for f in report["findings"] if f["rule"].startswith("TW50")]

    def approve(self):
        result = run_tagwarden("approve", "--scan", "latest", "--out", self.work / "scripts.yaml",
                               "--db", self.db, cwd=self.work)
        self.assertEqual(result.returncode, 0, result.stderr)
        return result.stdout

    def by_rule(self, findings, rule):
        return [f for f in findings if f["rule"] == rule]

    def test_second_release_is_detected_and_a_third_unchanged_scan_raises_no_change(self):
        with TestServer() as server:
            self.release(server, 1)
            first = self.scan_checkout(server)
            self.assertEqual(len(self.by_rule(first, "TW500")), 3, first)
            self.assertIn("3 new, 0 kept", self.approve())
            approved = (self.work / "scripts.yaml").read_text()
            self.assertEqual(approved.count("owner: \"\""), 3)
            self.assertIn("#inline-1", approved)
            # Approving again changes nothing: the file is stable for review.
            self.assertIn("0 new, 3 kept", self.approve())
            self.assertEqual((self.work / "scripts.yaml").read_text(), approved)

            self.assertEqual(self.scan_checkout(server), [])

            self.release(server, 2)
            second = self.scan_checkout(server)
            unauthorized = self.by_rule(second, "TW500")
            self.assertEqual(sorted(f["tag_url"] or "inline" for f in unauthorized),
                             sorted(["inline", server.url("/js/upsell.js")]))
            changed = self.by_rule(second, "TW501")
            self.assertEqual(len(changed), 1, second)
            self.assertRegex(changed[0]["evidence"], r"^approved sha384-\S+; now sha384-\S+$")
            added = self.by_rule(second, "TW502")
            self.assertEqual([f["tag_url"] for f in added], [server.url("/js/upsell.js")])
            headers = self.by_rule(second, "TW503")
            self.assertEqual(len(headers), 1, second)
            self.assertEqual(headers[0]["severity"], "high")
            self.assertIn("weakened", headers[0]["message"])
            self.assertEqual(headers[0]["evidence"],
                             f"before: {STRONG_CSP} | after: {WEAK_CSP}")

            third = self.scan_checkout(server)
            self.assertEqual([f["rule"] for f in third if f["rule"] != "TW500"], [])
            self.assertEqual(len(self.by_rule(third, "TW500")), 2)

    def test_a_removed_cookie_flag_and_a_removed_script_are_reported(self):
        with TestServer() as server:
            self.release(server, 1)
            self.scan_checkout(server)
            server.route("/checkout", Route(
                checkout(server.port, "window.cart = {total: 10};").replace(
                    '<script src="/js/checkout.js"></script>\n', ""),
                headers={"Content-Security-Policy": STRONG_CSP,
                         "Set-Cookie": "session=abc123; Path=/; Secure; SameSite=Lax"}))
            findings = self.scan_checkout(server)
            removed = self.by_rule(findings, "TW502")
            self.assertEqual([(f["tag_url"], f["severity"]) for f in removed],
                             [(server.url("/js/checkout.js"), "low")])
            cookie = self.by_rule(findings, "TW503")
            self.assertEqual(len(cookie), 1)
            self.assertIn("set-cookie session", cookie[0]["message"])
            self.assertEqual(cookie[0]["evidence"],
                             "before: httponly; path=/; samesite=Lax; secure | "
                             "after: path=/; samesite=Lax; secure")

    def test_inventory_lists_every_script_with_hash_and_escapes_hostile_text(self):
        hostile_csp = "default-src 'self' <img src=x onerror=alert(1)>"
        hostile_src = '/js/a.js?q=",=cmd|calc'
        with TestServer() as server:
            page = checkout(server.port, "1;", f"<script src='{hostile_src}'></script>\n")
            server.route("/checkout", Route(page, headers={"Content-Security-Policy": hostile_csp}))
            server.route("/js/checkout.js", Route("submit();", content_type=JS))
            server.route("/v3/pay.js", Route("mountCard();", content_type=JS), host=PROVIDER)
            self.scan_checkout(server)
        result = run_tagwarden("inventory", "--scan", "latest", "--format", "csv,json,html",
                               "--out", self.work / "inv", "--db", self.db)
        self.assertEqual(result.returncode, 0, result.stderr)
        inventory = json.loads((self.work / "inv" / "inventory.json").read_text())
        scripts = inventory["pages"][0]["scripts"]
        self.assertEqual([s["party"] for s in scripts], ["first", "first", "third", "first"])
        self.assertTrue(all(s["sha384"].startswith("sha384-") for s in scripts[:3]), scripts)
        self.assertEqual((scripts[3]["sha384"], scripts[3]["fetch_error"]), ("", "HTTP 404"))
        self.assertEqual(inventory["pages"][0]["headers"]["content-security-policy"], hostile_csp)
        rows = list(csv.DictReader(io.StringIO((self.work / "inv" / "inventory.csv").read_text())))
        self.assertEqual(len(rows), 4)
        self.assertEqual(rows[3]["script"], scripts[3]["url"])
        self.assertIn('",=cmd', rows[3]["script"].replace("%22", '"'))
        html = (self.work / "inv" / "inventory.html").read_text()
        self.assertNotIn("<img src=x", html)
        self.assertIn("&lt;img src=x onerror=alert(1)&gt;", html)

    def test_evidence_lists_scans_changes_and_flags_gaps(self):
        with TestServer() as server:
            self.release(server, 1)
            self.scan_checkout(server)
            self.approve()
            self.release(server, 2)
            self.scan_checkout(server)
            target = server.url("/checkout")
        # The first scan ran 20 days ago.
        second = datetime.strptime(query(self.db, "SELECT started FROM scans WHERE id = 2")[0][0],
                                   "%Y-%m-%dT%H:%M:%SZ")
        execute(self.db, "UPDATE scans SET started = ? WHERE id = 1",
                (second - timedelta(days=20)).strftime("%Y-%m-%dT%H:%M:%SZ"))
        result = run_tagwarden("evidence", "--target", target, "--since", "90d", "--out",
                               self.work / "ev", "--db", self.db)
        self.assertEqual(result.returncode, 0, result.stderr)
        rows = list(csv.DictReader(io.StringIO((self.work / "ev" / "evidence.csv").read_text())))
        scans = [r for r in rows if r["record"] in ("scan", "gap")]
        self.assertEqual([(r["scan_id"], r["record"]) for r in scans], [("1", "gap"), ("2", "gap")])
        self.assertEqual(scans[1]["detail"], "20 days since the scan before")
        changes = {r["status_or_rule"] for r in rows if r["record"] == "change"}
        self.assertEqual(changes, {"TW500", "TW501", "TW502", "TW503"})
        scripts = [r for r in rows if r["record"] == "script" and r["scan_id"] == "2"]
        self.assertEqual(len(scripts), 4)
        self.assertTrue(all(r["sha384_or_evidence"].startswith("sha384-") for r in scripts))
        html = (self.work / "ev" / "evidence.html").read_text()
        self.assertIn("gap: 20", html)

    def test_evidence_and_inventory_refuse_bad_input_with_one_line(self):
        for args in (["inventory", "--scan", "latest", "--db", self.work / "none.db"],
                     ["evidence", "--target", "x", "--since", "soon", "--db", self.work / "x.db"],
                     ["inventory", "--format", "pdf"], ["approve"], ["evidence"]):
            result = run_tagwarden(*args, cwd=self.work)
            self.assertEqual(result.returncode, 2, args)
            self.assertEqual(len(result.stderr.strip().splitlines()), 1, result.stderr)
        for command in ("inventory", "approve", "evidence"):
            self.assertEqual(run_tagwarden(command, "--help").returncode, 0, command)


if __name__ == "__main__":
    unittest.main()
