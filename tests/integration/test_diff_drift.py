"""`tagwarden diff` with the real binary: drift between two scans of a built site whose tags
changed (a vendor gone, a vendor and a tag ID new), as text and as JSON, by default and named."""

import json
import unittest

from harness import TagwardenTestCase, run_tagwarden
from store_support import write_directory_site

GTM = "https://www.googletagmanager.com/gtm.js?id="
HOTJAR = "https://static.hotjar.com/c/hotjar-3141592.js?sv=6"
META = "https://connect.facebook.net/en_US/fbevents.js"


def release_1(index):
    return [GTM + "GTM-AAAA111"] + ([HOTJAR] if index == 0 else [])


def release_2(index):
    urls = [GTM + "GTM-AAAA111"]
    if index == 1:
        urls.append(GTM + "GTM-BBBB222")
    if index == 2:
        urls.append(META)
    return urls


class DiffTest(TagwardenTestCase):
    def setUp(self):
        super().setUp()
        self.site = self.work / "public"
        self.reports = []
        for release in (release_1, release_2):
            write_directory_site(self.site, 4, release)
            out = self.work / f"out{len(self.reports) + 1}"
            result = run_tagwarden("scan", self.site, "--base-url", "https://www.example.com/",
                                   "--db", self.db, "--out", out, "--quiet", cwd=self.work)
            self.assertEqual(result.returncode, 0, result.stderr)
            self.reports.append(json.loads((out / "tagwarden-report.json").read_text()))

    def diff(self, *args):
        result = run_tagwarden("diff", "--db", self.db, *args, cwd=self.work)
        self.assertEqual(result.returncode, 0, result.stderr)
        return result.stdout

    def vendor_of_host(self, report, host):
        return next(tag["vendor"] for page in report["pages"] for tag in page["tags"]
                    if tag["host"] == host)

    def test_default_diff_compares_the_last_two_complete_scans_as_json(self):
        drift = json.loads(self.diff("--format", "json"))
        self.assertEqual((drift["before"]["id"], drift["after"]["id"]), (1, 2))

        hosts_added = {item["value"]: item for item in drift["hosts"]["added"]}
        self.assertEqual(set(hosts_added), {"connect.facebook.net"})
        self.assertEqual(hosts_added["connect.facebook.net"]["pages"],
                         ["https://www.example.com/p2.html"])
        self.assertEqual([item["value"] for item in drift["hosts"]["removed"]],
                         ["static.hotjar.com"])

        hotjar = self.vendor_of_host(self.reports[0], "static.hotjar.com")
        meta = self.vendor_of_host(self.reports[1], "connect.facebook.net")
        self.assertIn(hotjar, [item["value"] for item in drift["vendors"]["removed"]])
        self.assertIn(meta, [item["value"] for item in drift["vendors"]["added"]])

        ids_added = {item["value"]: item for item in drift["tag_ids"]["added"]}
        self.assertIn("GTM-BBBB222", ids_added)
        self.assertEqual(ids_added["GTM-BBBB222"]["pages"], ["https://www.example.com/p1.html"])
        self.assertNotIn("GTM-AAAA111", ids_added)

        # New and resolved findings are exactly the fingerprint differences of the two reports.
        before = {f["fingerprint"] for f in self.reports[0]["findings"]}
        after = {f["fingerprint"] for f in self.reports[1]["findings"]}
        self.assertEqual({f["fingerprint"] for f in drift["findings"]["new"]}, after - before)
        self.assertEqual({f["fingerprint"] for f in drift["findings"]["resolved"]},
                         before - after)
        self.assertTrue(after - before)

    def test_text_diff_names_what_appeared_and_disappeared(self):
        text = self.diff()
        self.assertIn("drift from scan 1", text)
        self.assertIn("+ connect.facebook.net", text)
        self.assertIn("- static.hotjar.com", text)
        self.assertIn("+ GTM-BBBB222", text)
        self.assertIn("https://www.example.com/p1.html", text)

    def test_named_scans_and_json_reports_can_be_compared(self):
        named = json.loads(self.diff("1", "2", "--format", "json"))
        default = json.loads(self.diff("--format", "json"))
        self.assertEqual(named, default)
        reversed_drift = json.loads(self.diff("2", "1", "--format", "json"))
        self.assertEqual(reversed_drift["hosts"]["added"], default["hosts"]["removed"])
        from_file = json.loads(self.diff(self.work / "out1" / "tagwarden-report.json", "2",
                                         "--format", "json"))
        self.assertEqual(from_file["hosts"], default["hosts"])
        self.assertEqual(from_file["tag_ids"], default["tag_ids"])

    def test_same_scan_twice_shows_no_drift(self):
        self.assertIn("no drift", self.diff("2", "2"))

    def test_diff_needs_two_complete_scans_and_says_so(self):
        result = run_tagwarden("diff", "--db", self.db, "--target", "nowhere.example",
                               cwd=self.work)
        self.assertEqual(result.returncode, 2)
        self.assertIn("no complete scan", result.stderr)
        result = run_tagwarden("diff", "1", "99", "--db", self.db, cwd=self.work)
        self.assertEqual(result.returncode, 2)
        self.assertIn("no scan 99", result.stderr)


if __name__ == "__main__":
    unittest.main()
