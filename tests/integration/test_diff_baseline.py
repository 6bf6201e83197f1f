"""Baselines for CI with the real binary: `scan --baseline SCAN_ID|report.json` marks each
finding new or existing, adds TW107 drift findings, stores the marks, and `--fail-on` counts only
new findings, so a release fails on what it introduced, not on old debt."""

import json
import unittest

from harness import TagwardenTestCase, run_tagwarden
from store_support import write_directory_site
from test_diff_drift import release_1, release_2

BASE = "https://www.example.com/"


class BaselineTest(TagwardenTestCase):
    def setUp(self):
        super().setUp()
        self.site = self.work / "public"
        write_directory_site(self.site, 4, release_1)
        first = self.release_scan("out1")
        self.assertEqual(first.returncode, 0, first.stderr)
        self.first = self.report("out1")
        self.assertTrue(self.first["findings"], "release 1 should carry some old debt")

    def release_scan(self, out, *args):
        return run_tagwarden("scan", self.site, "--base-url", BASE, "--db", self.db, "--out",
                             self.work / out, "--quiet", *args, cwd=self.work)

    def report(self, out):
        return json.loads((self.work / out / "tagwarden-report.json").read_text())

    def test_old_findings_are_existing_and_do_not_fail_the_build(self):
        without = self.release_scan("plain", "--fail-on", "info")
        self.assertEqual(without.returncode, 1, "old debt fails without a baseline")
        same = self.release_scan("same", "--baseline", "1", "--fail-on", "info")
        self.assertEqual(same.returncode, 0, same.stdout + same.stderr)
        report = self.report("same")
        self.assertTrue(report["findings"])
        self.assertEqual({f["baseline_state"] for f in report["findings"]}, {"existing"})
        self.assertNotIn("TW107", {f["rule"] for f in report["findings"]})

    def test_a_release_with_new_tags_gets_new_findings_and_tw107_drift(self):
        write_directory_site(self.site, 4, release_2)
        result = self.release_scan("out2", "--baseline", "1", "--fail-on", "info")
        self.assertEqual(result.returncode, 1, result.stdout + result.stderr)
        report = self.report("out2")
        old = {f["fingerprint"] for f in self.first["findings"]}
        for finding in report["findings"]:
            expected = "existing" if finding["fingerprint"] in old else "new"
            self.assertEqual(finding["baseline_state"], expected, finding)
        drift = [f for f in report["findings"] if f["rule"] == "TW107"]
        messages = " | ".join(f["message"] for f in drift)
        for text in ("connect.facebook.net", "static.hotjar.com", "GTM-BBBB222"):
            self.assertIn(text, messages)
        self.assertTrue(all(f["baseline_state"] == "new" for f in drift))
        gtm = next(f for f in drift if "GTM-BBBB222" in f["message"])
        self.assertIn("https://www.example.com/p1.html", gtm["evidence"])

        # The marks are stored: the report rendered from the store carries them.
        stored = run_tagwarden("report", "--scan", "2", "--db", self.db, "--out",
                               self.work / "stored", cwd=self.work)
        self.assertEqual(stored.returncode, 0, stored.stderr)
        again = self.report("stored")
        self.assertEqual(sorted((f["fingerprint"], f["baseline_state"]) for f in again["findings"]),
                         sorted((f["fingerprint"], f["baseline_state"]) for f in report["findings"]))

    def test_a_json_report_serves_as_baseline_like_the_stored_scan(self):
        write_directory_site(self.site, 4, release_2)
        by_id = self.release_scan("by-id", "--baseline", "1")
        by_file = self.release_scan("by-file", "--baseline", self.work / "out1" /
                                    "tagwarden-report.json")
        self.assertEqual(by_id.returncode, 0, by_id.stderr)
        self.assertEqual(by_file.returncode, 0, by_file.stderr)

        def marks(out):
            return sorted((f["rule"], f["fingerprint"], f["baseline_state"])
                          for f in self.report(out)["findings"])
        id_marks = marks("by-id")
        file_marks = marks("by-file")
        self.assertEqual([m for m in id_marks if m[0] != "TW107"],
                         [m for m in file_marks if m[0] != "TW107"])
        self.assertEqual(len([m for m in id_marks if m[0] == "TW107"]),
                         len([m for m in file_marks if m[0] == "TW107"]))

    def test_a_missing_baseline_is_a_usage_error(self):
        result = self.release_scan("x", "--baseline", "99")
        self.assertEqual(result.returncode, 2)
        self.assertIn("no scan 99", result.stderr)
        result = self.release_scan("x", "--baseline", self.work / "nope.json")
        self.assertEqual(result.returncode, 2)
        self.assertIn("nope.json", result.stderr)


if __name__ == "__main__":
    unittest.main()
