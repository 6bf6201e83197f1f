"""`tagwarden prune` with the real binary: it keeps the newest scans of each target (or those of
the last days), removes the rest with the analyses nothing refers to any more, gives the space
back, and a prune killed with SIGKILL at any moment leaves the database consistent."""

import json
import random
import shutil
import subprocess
import time
import unittest
from pathlib import Path

from harness import BIN, STORE_BACKEND, TagwardenTestCase, run_tagwarden
from store_support import is_postgres, query, wait_until, write_directory_site


class PruneTest(TagwardenTestCase):
    def scan_nights(self, site_name, nights, pages=60):
        """`nights` scans of a directory site whose every page changes each night."""
        site = self.work / site_name
        for night in range(nights):
            write_directory_site(site, pages, lambda i, n=night: [
                f"https://www.googletagmanager.com/gtm.js?id=GTM-N{n}P{i}",
                "https://static.hotjar.com/c/hotjar-1.js"])
            result = run_tagwarden("scan", site, "--db", self.db, "--out", self.work / "out",
                                   "--quiet", "--format", "json", cwd=self.work, timeout=300)
            self.assertEqual(result.returncode, 0, result.stderr)

    def prune(self, *args):
        return run_tagwarden("prune", "--db", self.db, *args, cwd=self.work, timeout=300)

    def history(self):
        result = run_tagwarden("history", "--db", self.db, "--format", "json")
        self.assertEqual(result.returncode, 0, result.stderr)
        return json.loads(result.stdout)

    def assert_consistent(self, note=""):
        if is_postgres(self.db):  # the server checks every constraint on every write
            return
        self.assertEqual(query(self.db, "PRAGMA integrity_check"), [("ok",)], note)
        self.assertEqual(query(self.db, "PRAGMA foreign_key_check"), [], note)

    def test_prune_keeps_the_newest_scans_per_target_and_gives_space_back(self):
        self.scan_nights("a", 4)
        self.scan_nights("b", 2)
        size_before = self.store_bytes()

        result = self.prune("--keep-scans", "1")
        self.assertEqual(result.returncode, 0, result.stderr)
        self.assertIn("4 scans", result.stdout)
        kept = self.history()
        self.assertEqual([scan["id"] for scan in kept], [6, 4])
        self.assert_consistent()
        self.assertEqual(query(self.db, "SELECT count(*) FROM analyses WHERE id NOT IN "
                                        "(SELECT analysis_id FROM pages)"), [(0,)])
        # Two-thirds of the scans go; what stays is their share plus the fixed pages of the
        # schema (tables that hold nothing here, such as first_party_files, take a page each).
        if not is_postgres(self.db):  # PostgreSQL reuses the space; the files do not shrink
            self.assertLess(self.store_bytes(), size_before * 0.6 + 4 * 4096)
        doc = json.loads(self.stored_report(4, "r"))
        self.assertEqual(len(doc["pages"]), 60)

        # Scans of the last days stay; with --keep-days 0 only the limit of scans keeps any.
        self.assertIn("0 scans", self.prune("--keep-days", "1").stdout)
        result = self.prune("--keep-days", "0", "--vacuum")
        self.assertEqual(result.returncode, 0, result.stderr)
        self.assertEqual(self.history(), [])
        self.assert_consistent()

    def test_prune_rejects_bad_flags(self):
        self.scan_nights("a", 1, pages=3)
        for args in ([], ["--keep-scans", "-1"], ["--keep-days", "soon"], ["--bogus"]):
            result = self.prune(*args)
            self.assertEqual(result.returncode, 2, args)
            self.assertEqual(len(result.stderr.strip().splitlines()), 1, result.stderr)
        missing = run_tagwarden("prune", "--db", self.work / "none.db", "--keep-scans", "1")
        self.assertEqual(missing.returncode, 2)

    @unittest.skipIf(STORE_BACKEND == "postgresql", "copies the database file between kills")
    def test_prune_killed_at_any_moment_leaves_the_database_consistent(self):
        self.scan_nights("a", 6, pages=150)
        query(self.db, "PRAGMA wal_checkpoint(TRUNCATE)")
        pristine = self.work / "pristine.db"
        shutil.copyfile(self.db, pristine)
        expected = self.stored_report(6, "before")

        def restore():
            for suffix in ("-wal", "-shm"):
                Path(f"{self.db}{suffix}").unlink(missing_ok=True)
            shutil.copyfile(pristine, self.db)

        # How long a whole prune takes here, so the kills land inside it.
        restore()
        start = time.monotonic()
        self.assertEqual(self.prune("--keep-scans", "1", "--vacuum").returncode, 0)
        duration = time.monotonic() - start
        rng = random.Random(20261205)
        for delay in [0.0, 0.005] + [rng.uniform(0.0, duration) for _ in range(8)]:
            restore()
            process = subprocess.Popen([BIN, "prune", "--db", str(self.db), "--keep-scans", "1",
                                        "--vacuum"], stdout=subprocess.PIPE,
                                       stderr=subprocess.PIPE)
            wait_until(lambda: False, timeout=delay)
            process.kill()
            process.communicate(timeout=30)
            note = f"kill after {delay:.3f}s of {duration:.3f}s"
            self.assert_consistent(note)
            self.assertEqual(self.stored_report(6, "killed"), expected, note)
            # The next prune finishes the job and leaves nothing that no scan refers to.
            self.assertEqual(self.prune("--keep-scans", "1").returncode, 0, note)
            self.assertEqual([scan["id"] for scan in self.history()], [6], note)
            self.assertEqual(query(self.db, "SELECT count(*) FROM analyses WHERE id NOT IN "
                                            "(SELECT analysis_id FROM pages)"), [(0,)], note)
            self.assert_consistent(note)

    def store_bytes(self):
        if is_postgres(self.db):
            return query(self.db, "SELECT pg_database_size(current_database())")[0][0]
        query(self.db, "PRAGMA wal_checkpoint(TRUNCATE)")
        return self.db.stat().st_size

    def stored_report(self, scan_id, name):
        result = run_tagwarden("report", "--scan", scan_id, "--db", self.db, "--out",
                               self.work / name, "--format", "json")
        self.assertEqual(result.returncode, 0, result.stderr)
        return (self.work / name / "tagwarden-report.json").read_bytes()

if __name__ == "__main__":
    unittest.main()
