"""`tagwarden history` with the real binary: every stored scan with its id, target, time,
status, pages, vendors and findings by severity, newest first, filterable by target, and the
trend: findings new and fixed since the scan before, as text, JSON or CSV."""

import csv
import io
import json
import re
import unittest

from harness import EXAMPLES, TagwardenTestCase, run_tagwarden
from store_support import write_directory_site

SITE = EXAMPLES / "site"


class HistoryTest(TagwardenTestCase):
    def scan(self, target, out):
        result = run_tagwarden("scan", target, "--db", self.db, "--out", out,
                               "--quiet", cwd=self.work)
        self.assertEqual(result.returncode, 0, result.stderr)
        return json.loads((out / "tagwarden-report.json").read_text())

    def history(self, *args):
        result = run_tagwarden("history", "--db", self.db, *args, cwd=self.work)
        self.assertEqual(result.returncode, 0, result.stderr)
        return result.stdout

    def test_history_lists_scans_with_their_counts(self):
        small = self.work / "small"
        write_directory_site(small, 3, lambda i: ["https://static.hotjar.com/c/hotjar-1.js"])
        example = self.scan(SITE, self.work / "a")
        tiny = self.scan(small, self.work / "b")
        scans = json.loads(self.history("--format", "json"))
        self.assertEqual([scan["id"] for scan in scans], [2, 1])
        for scan, report in zip(scans, (tiny, example)):
            self.assertEqual(scan["targets"], report["scan"]["targets"])
            self.assertEqual(scan["status"], "complete")
            self.assertEqual(scan["started"], report["scan"]["started"])
            self.assertEqual(scan["pages"], len(report["pages"]))
            self.assertEqual(scan["vendors"], len(report["vendors"]))
            unsuppressed = [f for f in report["findings"] if not f.get("suppressed")]
            for severity in ("critical", "high", "medium", "low", "info"):
                self.assertEqual(scan["findings"][severity],
                                 sum(1 for f in unsuppressed if f["severity"] == severity),
                                 severity)

        text = self.history()
        lines = text.splitlines()
        self.assertIn("status", lines[0])
        self.assertTrue(lines[1].split()[0] == "2" and "complete" in lines[1])
        self.assertIn(str(small), lines[1])

        filtered = json.loads(self.history("--target", "small", "--format", "json"))
        self.assertEqual([scan["id"] for scan in filtered], [2])
        self.assertIn("no scans", self.history("--target", "elsewhere.example"))

    def test_history_shows_findings_new_and_fixed_since_the_scan_before(self):
        site = self.work / "site"
        hotjar = "https://static.hotjar.com/c/hotjar-1.js"
        pixel = "http://connect.facebook.net/en_US/fbevents.js"
        write_directory_site(site, 3, lambda i: [hotjar])
        first = self.scan(site, self.work / "a")
        self.scan(site, self.work / "b")
        # Night three: page 0 gets a pixel over plain http (new findings); later it goes again.
        write_directory_site(site, 3, lambda i: [hotjar, pixel] if i == 0 else [hotjar])
        third = self.scan(site, self.work / "c")
        write_directory_site(site, 3, lambda i: [hotjar])
        self.scan(site, self.work / "d")

        def fingerprints(report):
            return {f["fingerprint"] for f in report["findings"] if not f.get("suppressed")}

        added = len(fingerprints(third) - fingerprints(first))
        self.assertGreater(added, 0)
        scans = json.loads(self.history("--format", "json"))
        self.assertEqual([scan["id"] for scan in scans], [4, 3, 2, 1])
        self.assertEqual([scan["compared_with"] for scan in scans], [3, 2, 1, None])
        self.assertEqual([scan["new_findings"] for scan in scans[:3]], [0, added, 0])
        self.assertEqual([scan["fixed_findings"] for scan in scans[:3]], [added, 0, 0])

        rows = list(csv.DictReader(io.StringIO(self.history("--format", "csv"))))
        self.assertEqual([row["id"] for row in rows], ["4", "3", "2", "1"])
        self.assertEqual(rows[1]["new_findings"], str(added))
        self.assertEqual(rows[0]["fixed_findings"], str(added))
        self.assertEqual(rows[3]["compared_with"], "")
        for row, scan in zip(rows, scans):
            self.assertEqual(row["status"], scan["status"])
            self.assertEqual(int(row["pages"]), scan["pages"])
            self.assertEqual(int(row["high"]), scan["findings"]["high"])
        self.assertIn("new  fixed", self.history().splitlines()[0])

    def html_of(self, target, out):
        result = run_tagwarden("scan", target, "--db", self.db, "--out", out,
                               "--quiet", "--format", "html", cwd=self.work)
        self.assertEqual(result.returncode, 0, result.stderr)
        return (out / "tagwarden-report.html").read_text()

    def test_html_report_charts_the_findings_of_the_last_scans_of_its_target(self):
        site = self.work / "site"
        hotjar = "https://static.hotjar.com/c/hotjar-1.js"
        pixel = "http://connect.facebook.net/en_US/fbevents.js"
        write_directory_site(site, 3, lambda i: [hotjar])
        alone = self.html_of(site, self.work / "a")
        self.html_of(SITE, self.work / "other")  # another target: not in this target's trend
        self.html_of(site, self.work / "b")
        write_directory_site(site, 3, lambda i: [hotjar, pixel])
        third = self.html_of(site, self.work / "c")

        # One scan of the target so far: no chart.
        self.assertNotIn('class="trend"', alone)
        self.assertEqual(third.count('class="trend"'), 1)
        chart = third[third.rindex("<svg", 0, third.index('class="trend"')):]
        chart = chart[:chart.index("</svg>")]
        points = re.findall(r'<circle class="trend-point"[^>]*><title>scan (\d+), ', chart)
        self.assertEqual(points, ["1", "3", "4"])
        totals = [int(n) for n in re.findall(r"pages, (\d+) findings", chart)]
        self.assertEqual(totals[0], totals[1])
        self.assertGreater(totals[2], totals[1])
        # Pure inline SVG: nothing to fetch, the report stays one file.
        self.assertNotIn("<script src", third)
        self.assertEqual(re.findall(r"https?://[^\s\"<]+", chart), ["http://www.w3.org/2000/svg"])
        # The stored scan written again later draws the trend up to that scan.
        result = run_tagwarden("report", "--db", self.db, "--scan", "3", "--format",
                               "html", "--out", self.work / "again", cwd=self.work)
        self.assertEqual(result.returncode, 0, result.stderr)
        again = (self.work / "again" / "tagwarden-report.html").read_text()
        self.assertEqual(re.findall(r'<circle class="trend-point"[^>]*><title>scan (\d+), ', again),
                         ["1", "3"])

    def test_history_rejects_bad_flags(self):
        result = run_tagwarden("history", "--format", "xml", "--db", self.db)
        self.assertEqual(result.returncode, 2)
        result = run_tagwarden("history", "--bogus")
        self.assertEqual(result.returncode, 2)
        self.assertIn("bogus", result.stderr)


if __name__ == "__main__":
    unittest.main()
