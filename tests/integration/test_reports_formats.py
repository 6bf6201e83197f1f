"""Every report format from a real scan of the example site, each checked by a real consumer:
SARIF by Microsoft's multitool, JSON by ajv against the checked-in schema, JUnit by xmllint
against the JUnit XSD, HTML in headless Chromium, Markdown by cmark-gfm, CSV by Python's csv."""

import json
import re
import unittest
import xml.etree.ElementTree as ET

from harness import EXAMPLES, TagwardenTestCase, run_tagwarden
from report_validators import (check_html, json_report_problems, junit_problems, read_csv,
                               render_markdown, sarif_problems, unneutralised_cells)

SITE = EXAMPLES / "site"
BASE = "https://www.example-shop.com/"
ALL_FORMATS = "json,sarif,junit,html,csv,markdown"
SEVERITIES = ["info", "low", "medium", "high", "critical"]


class ReportFormatsTest(TagwardenTestCase):
    def scan_all(self, *extra):
        result = self.scan(SITE, "--base-url", BASE, "--format", ALL_FORMATS, "--quiet", *extra)
        self.assertIn(result.returncode, (0, 1), result.stderr)
        return result

    def test_sarif_is_valid_with_a_result_per_issue_located_at_its_instances(self):
        self.scan_all()
        sarif_path = self.work / "tagwarden-report.sarif"
        self.assertEqual(sarif_problems(sarif_path), [])
        sarif = json.loads(sarif_path.read_text())
        report = self.report_json()
        run = sarif["runs"][0]
        self.assertEqual(len(sarif["runs"]), 1)
        rule_ids = [r["id"] for r in run["tool"]["driver"]["rules"]]
        self.assertIn("TW100", rule_ids, "the catalogue's rules are all described")
        self.assertEqual(len(run["results"]), len(report["issues"]))
        self.assertGreater(len(run["results"]), 0, "the example site has findings")
        self.assertEqual(sum(r["properties"]["instances"] for r in run["results"]),
                         len(report["findings"]))
        page_urls = {p["url"] for p in report["pages"]}
        for result, issue in zip(run["results"], report["issues"]):
            self.assertEqual(result["ruleId"], issue["rule"])
            self.assertEqual(rule_ids[result["ruleIndex"]], issue["rule"])
            self.assertEqual(result["partialFingerprints"]["tagwarden/issue/v1"], issue["id"])
            self.assertEqual(result["properties"]["instances"], issue["instances"])
            self.assertEqual(len(result["locations"]), min(issue["instances"], 100))
            for location, example in zip(result["locations"], issue["examples"]):
                location = location["physicalLocation"]
                if example["page"]:
                    self.assertIn(location["artifactLocation"]["uri"], page_urls)
                if example["line"] > 0:
                    self.assertEqual(location["region"]["startLine"], example["line"])

    def test_reports_without_tags_are_the_same_when_the_scan_drops_the_tags(self):
        # No JSON or HTML report: the kept pages lose their tags (only counted), which must
        # change nothing in the other reports.
        full, slim = self.work / "full", self.work / "slim"
        outputs = {}
        for out, formats in ((full, ALL_FORMATS), (slim, "sarif,junit,csv,markdown")):
            result = run_tagwarden("scan", SITE, "--base-url", BASE, "--format", formats,
                                   "--out", out, "--db", out / "tw.db")
            self.assertIn(result.returncode, (0, 1), result.stderr)
            outputs[out] = "".join(line for line in result.stdout.splitlines(True)
                                   if not line.startswith(("report: ", "stored: ")))
        counts = json.loads((full / "tagwarden-report.json").read_text())["scan"]["counts"]
        self.assertGreater(counts["tags"], 0)
        self.assertIn(f"tags: {counts['tags']} ", outputs[slim])
        self.assertEqual(outputs[slim], outputs[full])
        undated = lambda text: re.sub(r"\d{4}-\d\d-\d\dT[\d:]+Z", "T", text)
        for name in ("tagwarden-report.sarif", "tagwarden-junit.xml", "tagwarden-summary.md",
                     "tagwarden-vendors.csv", "tagwarden-findings.csv"):
            self.assertEqual(undated((slim / name).read_text()), undated((full / name).read_text()),
                             name)

    def test_json_report_matches_the_checked_in_schema(self):
        self.scan_all()
        self.assertEqual(json_report_problems(self.work / "tagwarden-report.json"), [])
        report = self.report_json()
        self.assertEqual(report["schema_version"], 2)
        self.assertEqual(sum(i["instances"] for i in report["issues"]), len(report["findings"]))

    def test_junit_is_schema_valid_with_a_failure_per_issue_at_or_above_fail_on(self):
        for fail_on in ("high", "low"):
            with self.subTest(fail_on=fail_on):
                self.scan_all("--fail-on", fail_on)
                path = self.work / "tagwarden-junit.xml"
                self.assertEqual(junit_problems(path), [])
                root = ET.parse(path).getroot()
                report = self.report_json()
                self.assertFalse(any(f["suppressed"] for f in report["findings"]))
                expected = sum(1 for i in report["issues"]
                               if SEVERITIES.index(i["severity"]) >= SEVERITIES.index(fail_on))
                self.assertEqual(len(root.findall(".//failure")), expected)
                self.assertEqual(int(root.get("failures")), expected)
                suites = root.findall("testsuite")
                self.assertEqual({s.get("name").split(" ")[0] for s in suites} - {"pages"},
                                 {i["rule"] for i in report["issues"]}, "one suite per rule")
                failed_pages = sum(1 for p in report["pages"] if p["error"] != "none")
                self.assertEqual(len(root.findall(".//testcase")),
                                 len(report["issues"]) + 1 + failed_pages)
                for suite in suites:
                    self.assertEqual(int(suite.get("tests")), len(suite.findall("testcase")))

    def test_html_renders_in_chromium_without_errors_or_network(self):
        self.scan_all()
        verdict = check_html(self.work / "tagwarden-report.html", self.work)
        self.assertEqual(verdict["consoleErrors"], [])
        self.assertEqual(verdict["pageErrors"], [])
        self.assertEqual(verdict["externalRequests"], [])
        self.assertEqual(verdict["sections"],
                         ["summary", "charts", "vendors", "matrix", "issues", "findings", "pages"])
        self.assertEqual(verdict["svgCharts"], 2)
        report = self.report_json()
        self.assertEqual(verdict["findingRows"], len(report["findings"]))
        self.assertEqual([(i["id"], i["instances"], i["pages"]) for i in verdict["issues"]],
                         [(i["id"], i["instances"], i["pages"]) for i in report["issues"]])
        self.assertEqual(verdict["findingRowsAfterFilter"], 0, "the report's own script runs")
        shot = self.work / "report-screenshot.png"
        self.assertTrue(shot.is_file() and shot.stat().st_size > 10_000)
        self.assertTrue(shot.read_bytes().startswith(b"\x89PNG"))

    def test_csv_vendor_inventory_and_findings(self):
        self.scan_all()
        report = self.report_json()
        vendors = read_csv(self.work / "tagwarden-vendors.csv")
        self.assertEqual(vendors[0], ["vendor", "category", "sanctioned", "status", "owner",
                                      "pages", "hosts", "ids"])
        self.assertEqual(sorted(r[0] for r in vendors[1:]), sorted(v["name"] for v in report["vendors"]))
        self.assertEqual(unneutralised_cells(vendors), [])
        findings_csv = self.work / "tagwarden-findings.csv"
        self.assertTrue(findings_csv.is_file(), "--format csv writes the findings table too")
        findings = read_csv(findings_csv)
        self.assertEqual(findings[0][:2], ["severity", "rule"])
        self.assertEqual(len(findings) - 1, len(report["findings"]))

    def test_markdown_summary_renders_with_collapsed_details(self):
        self.scan_all()
        md = (self.work / "tagwarden-summary.md").read_text()
        report = self.report_json()
        self.assertTrue(md.startswith(f"## tagwarden: {len(report['findings'])} finding"))
        html = render_markdown(self.work / "tagwarden-summary.md")
        self.assertIn("<details>", html)
        self.assertIn("<table>", html)
        self.assertLess(len(md), 65536, "fits a GitHub PR comment")

    def test_against_a_baseline_only_new_findings_fail_and_lead_the_summary(self):
        self.scan_all("--fail-on", "low")
        baseline = self.work / "baseline.json"
        (self.work / "tagwarden-report.json").rename(baseline)
        result = self.scan_all("--fail-on", "low", "--baseline", baseline)
        self.assertEqual(result.returncode, 0, "nothing new, nothing fails")
        report = self.report_json()
        self.assertTrue(report["findings"])
        self.assertTrue(all(f["baseline_state"] == "existing" for f in report["findings"]))
        root = ET.parse(self.work / "tagwarden-junit.xml").getroot()
        self.assertEqual(root.findall(".//failure"), [])
        sarif = json.loads((self.work / "tagwarden-report.sarif").read_text())
        self.assertEqual({r["baselineState"] for r in sarif["runs"][0]["results"]}, {"unchanged"})
        md = (self.work / "tagwarden-summary.md").read_text()
        self.assertIn("(0 new)", md.splitlines()[0])
        self.assertIn("### Issues with new findings first", md)

    def test_console_summary_fits_100_columns_with_the_pages_line(self):
        result = self.scan_all()
        pages = len([p for p in self.report_json()["pages"] if p["error"] == "none"])
        lines = result.stdout.splitlines()
        self.assertIn(f"pages: {pages}", lines)
        summary = [l for l in lines if not l.startswith(("report: ", "stored: "))]
        for line in summary:
            self.assertLessEqual(len(line), 100, line)
        self.assertNotIn("\x1b", result.stdout, "no colour when stdout is not a terminal")
        self.assertTrue(any(re.match(r"findings: \d+ \(critical", l) for l in lines))


if __name__ == "__main__":
    unittest.main()
