"""A version 2 scan database (made by tagwarden before content-addressed history: two scans of
examples/site with examples/policy.yaml) migrates in place when opened: every scan reads back as
before, byte for byte in the JSON report, the views answer, and new scans append to it, sharing
the analyses the migration stored."""

import gzip
import json
import shutil
import unittest

from harness import EXAMPLES, FIXTURES, TagwardenTestCase, run_tagwarden
from store_support import query

STORE_FIXTURES = FIXTURES / "store"


class MigrationFromVersion2Test(TagwardenTestCase):
    def setUp(self):
        super().setUp()
        self.db = self.work / "v2.db"
        with gzip.open(STORE_FIXTURES / "v2-two-scans.db.gz") as packed, open(self.db, "wb") as out:
            shutil.copyfileobj(packed, out)

    def run_ok(self, *args, cwd=None):
        result = run_tagwarden(*args, cwd=cwd or self.work, timeout=300)
        self.assertEqual(result.returncode, 0, result.stderr)
        return result

    def test_version_2_database_migrates_in_place_and_keeps_working(self):
        self.assertEqual(query(self.db, "PRAGMA user_version"), [(2,)])
        tags_before = query(self.db, "SELECT count(*) FROM tags")[0][0]
        findings_before = query(self.db, "SELECT scan_id, count(*) FROM findings GROUP BY scan_id")

        history = json.loads(self.run_ok("history", "--db", self.db, "--format", "json").stdout)
        self.assertEqual(query(self.db, "PRAGMA user_version"), [(6,)])
        self.assertEqual(query(self.db, "SELECT count(*) FROM payment_pages"), [(0,)])
        self.assertEqual(query(self.db, "SELECT count(*) FROM first_party_files"), [(0,)])
        self.assertEqual(query(self.db, "SELECT count(*) FROM analyses WHERE first_party_files <> ''"),
                         [(0,)])
        self.assertEqual(query(self.db, "SELECT count(*) FROM v_cookies"), [(0,)])
        self.assertEqual([scan["id"] for scan in history], [2, 1])
        self.assertEqual([scan["status"] for scan in history], ["complete", "complete"])
        self.assertEqual(history[0]["pages"], 16)
        self.assertEqual(history[0]["new_findings"], 0)
        self.assertEqual(history[0]["fixed_findings"], 0)
        self.assertEqual(query(self.db, "PRAGMA integrity_check"), [("ok",)])
        self.assertEqual(query(self.db, "PRAGMA foreign_key_check"), [])

        # The report of a stored scan is the one version 2 wrote, byte for byte.
        self.run_ok("report", "--scan", "2", "--db", self.db, "--out", self.work / "r",
                    "--format", "json")
        # Version 2 of the report schema only adds the grouped `issues` (findings migrated from a
        # version 2 store carry no issue key and are grouped by message): the rest is unchanged.
        expected = json.loads(gzip.open(STORE_FIXTURES / "v2-scan-2-report.json.gz").read())
        report = json.loads((self.work / "r" / "tagwarden-report.json").read_bytes())
        issues = report.pop("issues")
        self.assertEqual(sum(issue["instances"] for issue in issues), len(report["findings"]))
        self.assertEqual(report.pop("schema_version"), 2)
        expected.pop("schema_version")
        # The browser pass's keys (store version 5) read as "nothing rendered, all seen statically".
        self.assertEqual(report.pop("cookies"), [])
        for page in report["pages"]:
            self.assertEqual((page.pop("cookies"), page.pop("browser")), ([], []))
            for tag in page["tags"]:
                self.assertEqual(tag.pop("seen_by"), ["static"])
        for vendor in report["vendors"]:
            self.assertEqual(vendor.pop("seen_by"), ["static"])
        self.assertEqual(report, expected)

        # The views read what the tables held; two identical scans share their analyses.
        self.assertEqual(query(self.db, "SELECT count(*) FROM tags")[0][0], tags_before)
        self.assertEqual(
            query(self.db, "SELECT scan_id, count(*) FROM findings GROUP BY scan_id"),
            findings_before)
        self.assertEqual(query(self.db, "SELECT count(*) FROM analyses")[0][0], 16)
        self.assertGreater(query(self.db, "SELECT count(*) FROM v_latest_vendors")[0][0], 0)
        self.assertGreater(query(self.db, "SELECT count(*) FROM v_tag_ids")[0][0], 0)
        self.assertEqual(query(self.db, "SELECT count(*) FROM v_pages WHERE title = ''")[0][0], 0)
        self.assertIn("no drift", self.run_ok("diff", "--db", self.db).stdout)
        policy = self.run_ok("init", "--db", self.db, "--scan", "2", "-o", "-").stdout
        self.assertIn("Google Tag Manager", policy)

        # A new scan of the unchanged site (the same target, as the fixture's scans named it)
        # appends, compares with the migrated scan, and a second one adds no analysis of its own
        # (the first may: extraction has learned more since the fixture was written).
        def scan_again():
            self.run_ok("scan", "examples/site", "--policy", "examples/policy.yaml", "--db",
                        self.db, "--out", self.work / "new", "--quiet", "--format", "json",
                        "--no-incremental", cwd=EXAMPLES.parent)
        scan_again()
        self.assertEqual(query(self.db, "SELECT max(id), count(*) FROM scans"), [(3, 3)])
        new = json.loads(self.run_ok("history", "--db", self.db, "--format", "json").stdout)[0]
        self.assertEqual((new["id"], new["compared_with"], new["new_findings"]), (3, 2, 0))
        analyses = query(self.db, "SELECT count(*) FROM analyses")[0][0]
        scan_again()
        self.assertEqual(query(self.db, "SELECT max(id), count(*) FROM scans"), [(4, 4)])
        self.assertEqual(query(self.db, "SELECT count(*) FROM analyses")[0][0], analyses)


if __name__ == "__main__":
    unittest.main()
