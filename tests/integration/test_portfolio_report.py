"""`tagwarden report --portfolio`: every target's newest scan (status, pages, vendors, unsanctioned
vendors, open issues by severity), its trend, and whether it was scanned within the expected
interval, as JSON, CSV and one self-contained HTML file opened in headless Chromium. The figures
are checked against each target's own stored scan report."""

import json
import unittest
from collections import Counter

from harness import TagwardenTestCase, TestServer, run_tagwarden
from store_support import execute, is_postgres
from report_validators import (PORTFOLIO_SCHEMA, check_html, json_report_problems, read_csv,
                               unneutralised_cells)

GTM = "https://www.googletagmanager.com/gtm.js?id="
PIXEL = "https://connect.facebook.net/en_US/fbevents.js"
HOSTILE_QUERY = "?q=%22%3E<svg onload=window.__pwned=1>'=cmd|' /C calc'!A0"


def page(*sources):
    tags = "".join(f'<script async src="{source}"></script>' for source in sources)
    return f"<!doctype html><html><head><title>t</title>{tags}</head><body>hi</body></html>"


class PortfolioReportTest(TagwardenTestCase):
    def portfolio(self, server):
        """Three targets: a site with an unsanctioned pixel, a clean site (its URL carries markup
        in the query), and a directory nobody has scanned yet."""
        self.write("policies/gtm.yaml", "version: 1\nvendors:\n  - name: Google Tag Manager\n"
                                        "    ids: [GTM-OK0001]\n")
        self.write("never/index.html", page())
        return self.write("portfolio.yaml", f"""targets:
  - target: {server.url("/shop/")}
    policy: policies/gtm.yaml
    name: shop
  - target: "{server.url("/blog/" + HOSTILE_QUERY)}"
    policy: policies/gtm.yaml
  - target: ./never
    base_url: https://never.example.com/
    policy: policies/gtm.yaml
""")

    def scan_shards(self, portfolio):
        """Scans the first two targets (shard 1/1 of a portfolio without the third)."""
        text = portfolio.read_text().split("  - target: ./never")[0]
        scanned = self.write("scanned.yaml", text)
        result = run_tagwarden("scan", "--targets", scanned, "--db", self.db, "--out",
                               self.work / "scan-out", "--no-fetch-third-party", "--format", "json",
                               cwd=self.work, env={"CI_NODE_INDEX": "", "CI_NODE_TOTAL": "",
                                                   "JOB_COMPLETION_INDEX": ""})
        self.assertIn(result.returncode, (0, 1), result.stderr)

    def portfolio_report(self, *args):
        return run_tagwarden("report", "--portfolio", "--db", self.db, "--out",
                             self.work / "out", *args, cwd=self.work)

    def stored_report(self, scan_id):
        out = self.work / f"scan-{scan_id}"
        result = run_tagwarden("report", "--scan", scan_id, "--db", self.db, "--out",
                               out, "--format", "json")
        self.assertEqual(result.returncode, 0, result.stderr)
        return json.loads((out / "tagwarden-report.json").read_text())

    def site_server(self):
        """A server for both sites' pages (the query string does not change what it serves)."""
        self.write("site/shop/index.html", page(GTM + "GTM-OK0001", PIXEL))
        self.write("site/blog/index.html", page(GTM + "GTM-OK0001"))
        return TestServer(self.work / "site")

    def test_rows_match_each_targets_newest_scan_and_the_trend_spans_the_scans(self):
        with self.site_server() as server:
            portfolio = self.portfolio(server)
            self.scan_shards(portfolio)
            self.scan_shards(portfolio)
        result = self.portfolio_report("--targets", portfolio, "--format", "json,csv,console",
                                       "--expect-every", "12h")
        self.assertEqual(result.returncode, 0, result.stderr)
        self.assertEqual(json_report_problems(self.work / "out" / "portfolio.json",
                                              PORTFOLIO_SCHEMA), [])
        document = json.loads((self.work / "out" / "portfolio.json").read_text())
        rows = document["targets"]
        # The file's order; the third target was never scanned.
        self.assertEqual(rows[0]["name"], "shop")
        self.assertTrue(rows[1]["name"].startswith(f"127.0.0.1_{server.port}_blog_q_"))
        self.assertEqual(rows[2]["name"], "never")
        shop, blog, never = rows
        self.assertIsNone(never["latest_scan"])
        self.assertEqual(never["scanned"], "never")
        self.assertEqual(document["summary"], {"targets": 3, "overdue": 1, "never_scanned": 1,
                                               "latest_failed": 0,
                                               "with_high_or_critical_issues": 1})
        for row in (shop, blog):
            self.assertEqual(row["scanned"], "current")
            self.assertEqual(row["latest_scan"]["status"], "complete")
            self.assertEqual(len(row["trend"]), 2)
            self.assertEqual(row["trend"][-1]["scan_id"], row["latest_scan"]["scan_id"])
            report = self.stored_report(row["latest_scan"]["scan_id"])
            statuses = Counter(vendor["status"] for vendor in report["vendors"])
            self.assertEqual(row["unsanctioned_vendors"], statuses["unsanctioned"])
            self.assertEqual(row["vendors"], len(report["vendors"]))
            self.assertEqual(row["pages"], len(report["pages"]))
            open_issues = Counter(issue["severity"] for issue in report["issues"]
                                  if issue["instances"] > issue.get("suppressed", 0))
            self.assertEqual({k: v for k, v in row["open_issues"].items() if v},
                             dict(open_issues))
        self.assertEqual(shop["unsanctioned_vendors"], 1)  # the pixel the policy does not list
        self.assertEqual(blog["unsanctioned_vendors"], 0)
        self.assertEqual(sum(blog["open_issues"].values()) < sum(shop["open_issues"].values()),
                         True)

        rows_csv = read_csv(self.work / "out" / "portfolio.csv")
        self.assertEqual(rows_csv[0][:3], ["target", "name", "status"])
        self.assertEqual([row[1] for row in rows_csv[1:]], [row["name"] for row in rows])
        self.assertEqual(rows_csv[3][2], "never scanned")
        self.assertEqual(unneutralised_cells(rows_csv), [])
        console = result.stdout.splitlines()
        self.assertIn("3 targets, 1 not scanned within 12h, 0 whose newest scan failed, "
                      "1 with high or critical issues", console)

    def test_a_target_last_scanned_before_the_interval_is_overdue(self):
        with self.site_server() as server:
            portfolio = self.portfolio(server)
            self.scan_shards(portfolio)
        # Time moves on: the shop's scan is made two days old in the database itself.
        execute(self.db, "UPDATE scans SET started = '2020-01-01T00:00:00Z' WHERE target = ?",
                server.url("/shop/"))
        result = self.portfolio_report("--targets", portfolio, "--expect-every", "36h")
        self.assertEqual(result.returncode, 0, result.stderr)
        rows = json.loads((self.work / "out" / "portfolio.json").read_text())["targets"]
        self.assertEqual([row["scanned"] for row in rows], ["overdue", "current", "never"])
        self.assertEqual(rows[0]["last_scanned"], "2020-01-01T00:00:00Z")
        # Without the file: the store's targets only, by name; nothing is invented.
        result = self.portfolio_report("--expect-every", "7d")
        rows = json.loads((self.work / "out" / "portfolio.json").read_text())["targets"]
        self.assertEqual(sorted(row["target"] for row in rows),
                         sorted([server.url("/shop/"), server.url("/blog/" + HOSTILE_QUERY)]))

    def test_html_is_self_contained_escaped_and_sortable_in_chromium(self):
        with self.site_server() as server:
            portfolio = self.portfolio(server)
            self.scan_shards(portfolio)
        result = self.portfolio_report("--targets", portfolio, "--format", "html")
        self.assertEqual(result.returncode, 0, result.stderr)
        html_path = self.work / "out" / "portfolio.html"
        text = html_path.read_text()
        self.assertNotIn("<svg onload", text)
        verdict = check_html(html_path, self.work)
        self.assertEqual(verdict["pageErrors"], [])
        self.assertEqual(verdict["consoleErrors"], [])
        self.assertEqual(verdict["externalRequests"], [])
        self.assertIsNone(verdict["pwned"])
        self.assertEqual(verdict["title"], "tagwarden portfolio")
        rows = verdict["portfolioRows"]
        self.assertEqual(len(rows), 3)
        self.assertIn("<svg onload=window.__pwned=1>", rows[1][0])  # shown as text
        self.assertEqual(rows[2][1], "never scanned")
        self.assertEqual(rows[2][-1], "never")
        self.assertEqual(verdict["portfolioPagesAfterSort"], [0, 1, 1])

    def test_bad_requests_are_one_line_errors(self):
        cases = {
            ("--expect-every", "soon"): "--expect-every 'soon' is not an interval",
            ("--format", "sarif"): "--portfolio writes json, csv, html or console, not sarif",
        }
        for args, message in cases.items():
            with self.subTest(args=args):
                result = self.portfolio_report(*args)
                self.assertEqual(result.returncode, 2)
                self.assertIn(message, result.stderr)
                self.assertEqual(len(result.stderr.strip().splitlines()), 1)
        if not is_postgres(self.db):  # a PostgreSQL database is made before the test
            result = self.portfolio_report()  # no database yet
            self.assertEqual(result.returncode, 2)
            self.assertIn("no scan database here", result.stderr)
        self.write("bad.yaml", "targets:\n  - target: https://a.example/\n    polcy: x.yaml\n")
        with self.site_server() as server:
            self.scan_shards(self.portfolio(server))
        result = self.portfolio_report("--targets", self.work / "bad.yaml")
        self.assertEqual(result.returncode, 2)
        self.assertIn("bad.yaml:3:", result.stderr)


if __name__ == "__main__":
    unittest.main()
