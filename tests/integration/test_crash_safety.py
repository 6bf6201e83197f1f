"""Crash safety with the real binary: a scan killed with SIGKILL at any moment leaves the
database consistent, earlier scans intact and the interrupted scan partial with the pages it
stored; SIGINT and SIGTERM stop cleanly with exit 4."""

import json
import random
import signal
import unittest

from harness import TagwardenTestCase, TestServer, run_tagwarden
from store_support import query, slow_site, start_scan, stored_pages, wait_until


class CrashSafetyTest(TagwardenTestCase):
    def setUp(self):
        super().setUp()
        self.db = self.work / "tw.db"
        self.server = TestServer().__enter__()
        slow_site(self.server)

    def tearDown(self):
        self.server.__exit__(None, None, None)
        super().tearDown()

    def scan_args(self, max_pages):
        return [self.server.url("/p0.html"), "--db", self.db, "--out", self.work, "--quiet",
                "--no-fetch-third-party", "--max-pages", max_pages, "--max-depth", 1000,
                "--format", "json"]

    def history(self):
        result = run_tagwarden("history", "--db", self.db, "--format", "json")
        self.assertEqual(result.returncode, 0, result.stderr)
        return {scan["id"]: scan for scan in json.loads(result.stdout)}

    def snapshot(self, scan_id):
        return query(self.db, "SELECT (SELECT count(*) FROM pages WHERE scan_id = ?1), "
                              "(SELECT count(*) FROM tags t JOIN pages p ON p.id = t.page_id "
                              " WHERE p.scan_id = ?1), "
                              "(SELECT count(*) FROM findings WHERE scan_id = ?1), "
                              "(SELECT status || finished FROM scans WHERE id = ?1)", scan_id)[0]

    def stored_report(self, scan_id, name):
        result = run_tagwarden("report", "--scan", scan_id, "--db", self.db, "--out",
                               self.work / name, "--format", "json")
        self.assertEqual(result.returncode, 0, result.stderr)
        return (self.work / name / "tagwarden-report.json").read_bytes()

    def test_sigkill_at_any_moment_keeps_the_database_and_earlier_scans(self):
        first = run_tagwarden("scan", *self.scan_args(20), timeout=300)
        self.assertEqual(first.returncode, 0, first.stderr)
        before = self.snapshot(1)
        self.assertEqual(before[0], 20)
        report_before = self.stored_report(1, "before")

        rng = random.Random(20261125)
        # From "just started" (schema, begin_scan) to "many batches stored".
        delays = [0.0, 0.05, 0.2] + [rng.uniform(0.3, 3.0) for _ in range(4)]
        for delay in delays:
            newest = query(self.db, "SELECT max(id) FROM scans")[0][0]
            process = start_scan(*self.scan_args(1000), cwd=self.work)
            if delay > 0.25:
                # Kill while batches are being written, not only between them.
                wait_until(lambda: stored_pages(self.db, newest + 1) > 0, timeout=30)
            wait_until(lambda: False, timeout=delay)
            process.kill()
            process.communicate(timeout=30)

            rows = query(self.db, "PRAGMA integrity_check")
            self.assertEqual(rows, [("ok",)], f"kill after {delay:.2f}s")
            self.assertEqual(query(self.db, "PRAGMA foreign_key_check"), [])
            self.assertEqual(self.snapshot(1), before, "the complete scan changed")

        scans = self.history()
        self.assertEqual(scans[1]["status"], "complete")
        killed = [scan for scan_id, scan in scans.items() if scan_id != 1]
        self.assertTrue(killed)
        for scan in killed:
            self.assertEqual(scan["status"], "partial", scan)
        # The kills that waited for stored batches find them in history and in the report.
        self.assertTrue(any(scan["pages"] > 0 for scan in killed))
        last = max(scans)
        self.assertGreater(scans[last]["pages"], 0)
        report = run_tagwarden("report", "--scan", last, "--db", self.db, "--out",
                               self.work / "partial", "--format", "json")
        self.assertEqual(report.returncode, 0, report.stderr)
        doc = json.loads((self.work / "partial" / "tagwarden-report.json").read_text())
        self.assertEqual(doc["scan"]["status"], "partial")
        self.assertEqual(len(doc["pages"]), scans[last]["pages"])
        self.assertTrue(all(page["tags"] for page in doc["pages"]))

        # The killed scans share analyses with the complete one: it still reads back whole.
        self.assertEqual(self.stored_report(1, "after"), report_before)

        # The database stays usable: a new scan after the kills completes, and pruning the
        # killed scans leaves nothing behind that no scan refers to.
        again = run_tagwarden("scan", *self.scan_args(10), timeout=300)
        self.assertEqual(again.returncode, 0, again.stderr)
        pruned = run_tagwarden("prune", "--db", self.db, "--keep-scans", "1")
        self.assertEqual(pruned.returncode, 0, pruned.stderr)
        self.assertEqual(query(self.db, "SELECT count(*) FROM analyses WHERE id NOT IN "
                                        "(SELECT analysis_id FROM pages)"), [(0,)])
        self.assertEqual(query(self.db, "PRAGMA integrity_check"), [("ok",)])

    def interrupt_with(self, signum):
        process = start_scan(*self.scan_args(1000), cwd=self.work)
        self.assertTrue(wait_until(lambda: stored_pages(self.db, 1) >= 5, timeout=60),
                        "no pages stored in time")
        process.send_signal(signum)
        out, err = process.communicate(timeout=120)
        self.assertEqual(process.returncode, 4, err)
        self.assertEqual(query(self.db, "PRAGMA integrity_check"), [("ok",)])
        scan = self.history()[1]
        self.assertEqual(scan["status"], "partial")
        self.assertGreaterEqual(scan["pages"], 5)
        self.assertLess(scan["pages"], 400)
        self.assertNotEqual(query(self.db, "SELECT finished FROM scans WHERE id = 1")[0][0], "")
        self.assertIn(f"pages: ", out)

    def test_sigint_stops_cleanly_stores_what_was_done_and_exits_4(self):
        self.interrupt_with(signal.SIGINT)

    def test_sigterm_stops_cleanly_stores_what_was_done_and_exits_4(self):
        self.interrupt_with(signal.SIGTERM)


if __name__ == "__main__":
    unittest.main()
