"""tagwarden init writes a starter policy that sanctions exactly what a scan found: from a fresh
scan of a directory, or from a stored scan; the result validates and a scan against it reports no
governance findings."""

import unittest

from harness import EXAMPLES, TagwardenTestCase, run_tagwarden

BASE = "https://www.example-shop.com/"
GOVERNANCE = {"TW100", "TW101", "TW102", "TW103", "TW104", "TW105"}


class InitTest(TagwardenTestCase):
    def test_init_from_a_directory_scan_sanctions_what_is_there(self):
        policy = self.work / "policy.yaml"
        result = run_tagwarden("init", EXAMPLES / "site", "--base-url", BASE, "--out", policy)
        self.assertEqual(result.returncode, 0, result.stderr)
        text = policy.read_text()
        self.assertIn("# --- advertising ---", text)
        self.assertIn("# owner:", text)
        self.assertIn('"GTM-NW4X2QK"', text)
        self.assertIn('"greenhouse.io"', text)  # unknown host becomes a custom vendor
        checked = run_tagwarden("check-policy", policy)
        self.assertEqual(checked.returncode, 0, checked.stderr)

        scanned = self.scan(EXAMPLES / "site", "--base-url", BASE, "--policy", policy,
                            "--format", "json")
        self.assertIn(scanned.returncode, (0, 1), scanned.stderr)
        report = self.report_json()
        self.assertEqual([f for f in report["findings"] if f["rule"] in GOVERNANCE], [])
        self.assertEqual({v["status"] for v in report["vendors"]}, {"sanctioned"})

    def test_init_from_a_stored_scan(self):
        scanned = self.scan(EXAMPLES / "site", "--base-url", BASE, "--format", "json")
        self.assertIn(scanned.returncode, (0, 1), scanned.stderr)
        result = run_tagwarden("init", "--db", self.work / "tw.db", "--scan", "latest",
                               "--out", "-")
        self.assertEqual(result.returncode, 0, result.stderr)
        self.assertIn("from scan 1 in", result.stdout)
        self.assertIn('- name: "Meta Pixel"', result.stdout)

    def test_init_refuses_to_overwrite_and_bad_arguments(self):
        policy = self.work / "policy.yaml"
        policy.write_text("keep me\n")
        result = run_tagwarden("init", EXAMPLES / "site", "--out", policy)
        self.assertEqual(result.returncode, 2)
        self.assertIn("exists", result.stderr)
        self.assertEqual(policy.read_text(), "keep me\n")
        self.assertEqual(run_tagwarden("init").returncode, 2)
        bad = run_tagwarden("init", "--db", self.work / "tw.db", "--scan", "abc", "--out", "-")
        self.assertEqual(bad.returncode, 2)


if __name__ == "__main__":
    unittest.main()
