"""Findings grouped into issues, with the real binary: a served site of 300 pages built from one
template that loads the Meta Pixel in <head> without a consent manager gives one issue per rule,
the consent one with 300 instances on 300 pages, in every format; the ids do not change when the
same site is scanned again."""

import json
import shutil
import tempfile
import unittest
import xml.etree.ElementTree as ET
from pathlib import Path

from harness import TMP_ROOT, TagwardenTestCase, TestServer, run_tagwarden
from report_validators import check_html, json_report_problems, junit_problems, sarif_problems

PAGES = 300
PIXEL = "https://connect.facebook.net/en_US/fbevents.js"


def write_site(root):
    root.mkdir()
    links = "".join(f'<a href="/p{i}.html">product {i}</a>\n' for i in range(PAGES))
    (root / "index.html").write_text(
        f"<!doctype html><html><head><title>shop</title></head><body>{links}</body></html>")
    for i in range(PAGES):
        (root / f"p{i}.html").write_text(
            f"<!doctype html><html><head><title>Product {i}</title>\n"
            f'<script src="{PIXEL}"></script>\n'
            f"</head><body><h1>Product {i}</h1><a href='/'>home</a></body></html>")


class IssuesTest(TagwardenTestCase):
    """The site is served and scanned once for all the tests (300 pages)."""

    @classmethod
    def setUpClass(cls):
        TMP_ROOT.mkdir(parents=True, exist_ok=True)
        cls.root = Path(tempfile.mkdtemp(prefix="issues-", dir=TMP_ROOT))
        write_site(cls.root / "site")
        cls.server = TestServer(cls.root / "site").__enter__()
        cls.out = cls.root / "first"
        cls.console = cls.scan_site(cls.out).stdout
        cls.report = json.loads((cls.out / "tagwarden-report.json").read_text())

    @classmethod
    def tearDownClass(cls):
        cls.server.__exit__(None, None, None)
        shutil.rmtree(cls.root, ignore_errors=True)

    @classmethod
    def scan_site(cls, out, formats="json,sarif,junit,html,markdown"):
        out.mkdir(parents=True, exist_ok=True)
        result = run_tagwarden("scan", cls.server.url("/"), "--max-pages", "0",
                               "--no-fetch-third-party", "--format", formats, "--out", out,
                               "--db", out / "tw.db", "--no-color", cwd=cls.root, timeout=300)
        assert result.returncode in (0, 1), result.stderr
        return result

    def consent_issue(self):
        issues = [i for i in self.report["issues"] if i["rule"] == "TW200"]
        self.assertEqual(len(issues), 1, self.report["issues"])
        return issues[0]

    def test_one_template_gives_one_issue_per_rule_with_every_instance(self):
        report = self.report
        self.assertEqual(json_report_problems(self.out / "tagwarden-report.json"), [])
        self.assertEqual(len([p for p in report["pages"] if p["error"] == "none"]), PAGES + 1)
        self.assertEqual(sum(i["instances"] for i in report["issues"]), len(report["findings"]))
        rules = [i["rule"] for i in report["issues"]]
        self.assertEqual(len(rules), len(set(rules)), "one issue per rule on a one-template site")
        issue = self.consent_issue()
        self.assertEqual((issue["instances"], issue["pages"]), (PAGES, PAGES))
        self.assertEqual(issue["vendor"], "Meta Pixel")
        self.assertEqual(issue["host"], "connect.facebook.net")
        self.assertEqual(len(issue["examples"]), 5)
        self.assertEqual(len([f for f in report["findings"] if f["rule"] == "TW200"]), PAGES)

        again = self.work / "again"
        self.scan_site(again, "json")
        second = json.loads((again / "tagwarden-report.json").read_text())
        self.assertEqual([(i["id"], i["instances"]) for i in second["issues"]],
                         [(i["id"], i["instances"]) for i in report["issues"]],
                         "the same site scanned twice gives the same issue ids")

    def test_sarif_has_one_result_per_issue_with_its_locations(self):
        path = self.out / "tagwarden-report.sarif"
        self.assertEqual(sarif_problems(path), [])
        results = json.loads(path.read_text())["runs"][0]["results"]
        self.assertEqual(len(results), len(self.report["issues"]))
        consent = [r for r in results if r["ruleId"] == "TW200"]
        self.assertEqual(len(consent), 1)
        self.assertEqual(consent[0]["properties"]["instances"], PAGES)
        self.assertEqual(len(consent[0]["locations"]), 100)
        uris = {l["physicalLocation"]["artifactLocation"]["uri"] for l in consent[0]["locations"]}
        self.assertEqual(len(uris), 100, "each location a different page")
        self.assertEqual(consent[0]["partialFingerprints"]["tagwarden/issue/v1"],
                         self.consent_issue()["id"])

    def test_console_markdown_and_junit_show_the_issue_with_its_counts(self):
        self.assertRegex(self.console, rf"\n(high|medium|low) +{PAGES} +{PAGES}  TW200 ")
        self.assertIn(f" +{PAGES - 3} more", self.console)
        md = (self.out / "tagwarden-summary.md").read_text()
        self.assertTrue(md.startswith(f"## tagwarden: {len(self.report['findings'])} findings in "
                                      f"{len(self.report['issues'])} issues"), md[:200])
        self.assertRegex(md, rf"\| TW200 [^|]*\|[^|]*\|[^|]*\| {PAGES} \| {PAGES} \|")
        self.assertLess(len(md), 65536)
        junit = self.out / "tagwarden-junit.xml"
        self.assertEqual(junit_problems(junit), [])
        cases = [c for c in ET.parse(junit).getroot().iter("testcase")
                 if c.get("name").startswith("TW200 ")]
        self.assertEqual(len(cases), 1)
        text = "".join(cases[0].itertext())
        self.assertIn(f"instances: {PAGES} on {PAGES} pages", text)
        self.assertIn(f"+{PAGES - 10} more pages", text)

    def test_html_renders_the_issues_in_chromium(self):
        verdict = check_html(self.out / "tagwarden-report.html", self.work)
        self.assertEqual(verdict["pageErrors"], [])
        self.assertEqual(verdict["consoleErrors"], [])
        self.assertIn("issues", verdict["sections"])
        self.assertEqual(len(verdict["issues"]), len(self.report["issues"]))
        consent = [i for i in verdict["issues"] if i["rule"] == "TW200"]
        self.assertEqual(len(consent), 1)
        self.assertEqual((consent[0]["instances"], consent[0]["pages"]), (PAGES, PAGES))
        self.assertTrue(consent[0]["visible"])
        self.assertIn(f"+{PAGES - 3} more", consent[0]["firstPages"])
        self.assertEqual(verdict["findingRows"], min(1000, len(self.report["findings"])))


if __name__ == "__main__":
    unittest.main()
