"""`tagwarden report` with the real binary: every format written from a stored scan without
crawling again, the JSON identical to the one the scan itself wrote."""

import json
import unittest

from harness import EXAMPLES, TagwardenTestCase, run_tagwarden

SITE = EXAMPLES / "site"
BASE = "https://www.example-shop.com/"


class ReportFromStoreTest(TagwardenTestCase):
    def setUp(self):
        super().setUp()
        result = run_tagwarden("scan", SITE, "--base-url", BASE, "--db", self.db, "--out",
                               self.work / "scan", "--format", "json,csv", "--quiet",
                               cwd=self.work)
        self.assertEqual(result.returncode, 0, result.stderr)
        self.original = json.loads((self.work / "scan" / "tagwarden-report.json").read_text())

    def test_stored_scan_gives_the_same_json_report(self):
        for spec in ("latest", "1"):
            out = self.work / f"report-{spec}"
            result = run_tagwarden("report", "--scan", spec, "--db", self.db, "--out", out,
                                   cwd=self.work)
            self.assertEqual(result.returncode, 0, result.stderr)
            again = json.loads((out / "tagwarden-report.json").read_text())
            self.assertEqual(again, self.original)

    def test_every_format_is_written_from_the_store(self):
        out = self.work / "all"
        result = run_tagwarden("report", "--db", self.db, "--out", out, "--format",
                               "json,sarif,junit,html,csv,markdown,console", "--no-color",
                               cwd=self.work)
        self.assertEqual(result.returncode, 0, result.stderr)
        written = sorted(p.name for p in out.iterdir())
        self.assertEqual(written, ["tagwarden-findings.csv", "tagwarden-junit.xml",
                                   "tagwarden-report.html", "tagwarden-report.json",
                                   "tagwarden-report.sarif", "tagwarden-summary.md",
                                   "tagwarden-vendors.csv"])
        for name in ("tagwarden-vendors.csv", "tagwarden-findings.csv"):
            self.assertEqual((out / name).read_bytes(), (self.work / "scan" / name).read_bytes(),
                             f"{name} from the store differs from the one the scan wrote")
            self.assertIn(f"report: {out / name}", result.stdout.splitlines())
        for path in out.iterdir():
            self.assertGreater(path.stat().st_size, 100, path.name)
        self.assertIn(f"pages: {len(self.original['pages'])}", result.stdout.splitlines())
        sarif = json.loads(next(out.glob("*.sarif")).read_text())
        results = sarif["runs"][0]["results"]
        self.assertEqual(len(results), len(self.original["issues"]), "one result per issue")
        self.assertEqual(sum(r["properties"]["instances"] for r in results),
                         len(self.original["findings"]))

    def test_a_json_report_can_be_rendered_again(self):
        out = self.work / "from-json"
        result = run_tagwarden("report", "--scan", self.work / "scan" / "tagwarden-report.json",
                               "--out", out, "--format", "json", cwd=self.work)
        self.assertEqual(result.returncode, 0, result.stderr)
        again = json.loads((out / "tagwarden-report.json").read_text())
        self.assertEqual(again["findings"], self.original["findings"])
        self.assertEqual([p["url"] for p in again["pages"]],
                         [p["url"] for p in self.original["pages"]])

    def test_unknown_scan_or_format_is_a_usage_error(self):
        result = run_tagwarden("report", "--scan", "42", "--db", self.db, "--out", self.work)
        self.assertEqual(result.returncode, 2)
        self.assertIn("no scan 42", result.stderr)
        result = run_tagwarden("report", "--format", "pdf", "--db", self.db, "--out", self.work)
        self.assertEqual(result.returncode, 2)
        self.assertIn("pdf", result.stderr)


if __name__ == "__main__":
    unittest.main()
