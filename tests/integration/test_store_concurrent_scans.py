"""Two scans writing the same database at once both succeed (WAL, busy timeout, short
transactions), and both are stored complete with all their pages."""

import json
import unittest

from harness import TagwardenTestCase, TestServer, run_tagwarden
from store_support import is_postgres, query, slow_site, start_scan


class ConcurrentScansTest(TagwardenTestCase):
    def test_two_scans_into_one_database_at_once_both_succeed(self):
        db = self.db
        with TestServer() as server:
            slow_site(server, pages=60, delay=0.02)
            processes = []
            for host in ("127.0.0.1", "localhost"):
                out = self.work / host
                processes.append(start_scan(
                    server.url("/p0.html", host=host), "--db", db, "--out", out, "--quiet",
                    "--no-fetch-third-party", "--max-depth", 100, "--format", "json",
                    cwd=self.work))
            results = [(p, *p.communicate(timeout=300)) for p in processes]
        for process, out, err in results:
            self.assertEqual(process.returncode, 0, err)
        if not is_postgres(db):
            self.assertEqual(query(db, "PRAGMA integrity_check"), [("ok",)])
        scans = json.loads(run_tagwarden("history", "--db", db, "--format", "json").stdout)
        self.assertEqual(sorted(scan["status"] for scan in scans), ["complete", "complete"])
        self.assertEqual(sorted(scan["pages"] for scan in scans), [60, 60])


if __name__ == "__main__":
    unittest.main()
