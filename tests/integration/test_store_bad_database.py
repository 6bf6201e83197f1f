"""Bad scan databases with the real binary: not SQLite, a newer schema, another program's
database, read-only, a full disk. Each gives one clear line and exit 2 or 3, and the file is
never left half-migrated."""

import json
import shutil
import sqlite3
import subprocess
import unittest

from harness import BIN, EXAMPLES, TagwardenTestCase, run_tagwarden

SITE = EXAMPLES / "site"


def can_unshare():
    if shutil.which("unshare") is None:
        return False
    probe = subprocess.run(["unshare", "-m", "true"], capture_output=True)
    return probe.returncode == 0


class BadDatabaseTest(TagwardenTestCase):
    def scan_into(self, db):
        return run_tagwarden("scan", SITE, "--db", db, "--out", self.work, "--quiet",
                             cwd=self.work)

    def assert_one_line_error(self, result, *expected):
        self.assertIn(result.returncode, (2, 3), result.stdout + result.stderr)
        lines = [line for line in result.stderr.splitlines() if line.strip()]
        self.assertEqual(len(lines), 1, result.stderr)
        for text in expected:
            self.assertIn(text, lines[0])

    def test_an_incremental_rescan_over_tampered_numbers_does_not_crash(self):
        # The database is a file anyone can edit: a consent-manager index past the page's tags
        # (the privacy rule indexes the tags with it) and impossible sizes read back as defaults.
        site = self.work / "site"
        site.mkdir()
        (site / "index.html").write_text(
            '<html><head><script src="https://cdn.cookielaw.org/scripttemplates/otSDKStub.js">'
            '</script><script src="https://www.google-analytics.com/analytics.js"></script>'
            "</head><body>shop</body></html>")
        db = self.work / "tw.db"
        first = run_tagwarden("scan", site, "--db", db, "--out", self.work, "--quiet",
                              cwd=self.work)
        self.assertEqual(first.returncode, 0, first.stderr)
        with sqlite3.connect(db) as connection:
            self.assertEqual(connection.execute(
                "SELECT consent_manager_index FROM analyses").fetchall(), [(0,)])
            connection.execute("UPDATE analyses SET consent_manager_index = 1000000")
            connection.execute("UPDATE pages SET depth = -5, body_bytes = -1, status = 99999")
        again = run_tagwarden("scan", site, "--db", db, "--out", self.work, "--quiet",
                              "--format", "json", cwd=self.work)
        self.assertEqual(again.returncode, 0, again.stderr)
        page = json.loads((self.work / "tagwarden-report.json").read_text())["pages"][0]
        self.assertTrue(page["reused"], page)

    def test_a_file_that_is_not_sqlite_is_refused_and_left_alone(self):
        db = self.work / "notes.db"
        content = b"meeting notes, not a database\n" * 20
        db.write_bytes(content)
        result = self.scan_into(db)
        self.assert_one_line_error(result, str(db), "not a SQLite database")
        self.assertEqual(result.returncode, 2)
        self.assertEqual(db.read_bytes(), content)

    def test_a_database_from_a_newer_tagwarden_is_refused(self):
        db = self.work / "tw.db"
        self.assertEqual(self.scan_into(db).returncode, 0)
        with sqlite3.connect(db) as connection:
            connection.execute("PRAGMA user_version = 42")
        result = self.scan_into(db)
        self.assert_one_line_error(result, "schema version 42", "newer")
        self.assertEqual(result.returncode, 2)
        history = run_tagwarden("history", "--db", db)
        self.assert_one_line_error(history, "newer")

    def test_another_programs_sqlite_database_is_not_migrated(self):
        db = self.work / "crm.db"
        with sqlite3.connect(db) as connection:
            connection.execute("CREATE TABLE customers (id INTEGER PRIMARY KEY)")
        result = self.scan_into(db)
        self.assert_one_line_error(result, "did not create")
        with sqlite3.connect(db) as connection:
            tables = [row[0] for row in connection.execute("SELECT name FROM sqlite_master")]
            self.assertEqual(tables, ["customers"])

    def test_history_diff_and_report_without_a_database_say_so(self):
        for command in (["history"], ["diff"], ["report", "--scan", "latest"]):
            result = run_tagwarden(*command, "--db", self.work / "missing.db", cwd=self.work)
            self.assert_one_line_error(result, "missing.db", "run 'tagwarden scan' first")
            self.assertEqual(result.returncode, 2)
            self.assertFalse((self.work / "missing.db").exists())

    def run_in_mount_namespace(self, script):
        """Runs a shell script as root in a private mount namespace (read-only bind mounts and
        small tmpfs stand for read-only and full disks without touching the machine)."""
        return subprocess.run(["unshare", "-m", "sh", "-euc", script], capture_output=True,
                              text=True, timeout=300,
                              env={"PATH": "/usr/bin:/bin", "TW": BIN, "SITE": str(SITE),
                                   "WORK": str(self.work)})

    @unittest.skipUnless(can_unshare(), "needs unshare -m (root) for a read-only mount")
    def test_a_read_only_database_is_refused_with_a_clear_error(self):
        db_dir = self.work / "ro"
        db_dir.mkdir()
        self.assertEqual(self.scan_into(db_dir / "tw.db").returncode, 0)
        result = self.run_in_mount_namespace(
            'mount --bind "$WORK/ro" "$WORK/ro"; mount -o remount,ro,bind "$WORK/ro"\n'
            'set +e; "$TW" scan "$SITE" --db "$WORK/ro/tw.db" --out "$WORK" --quiet '
            '>/dev/null 2>"$WORK/err"; echo "rc=$?"')
        self.assertIn("rc=2", result.stdout, result.stderr)
        error = (self.work / "err").read_text()
        self.assertEqual(len(error.strip().splitlines()), 1, error)
        self.assertIn("read-only", error)

    @unittest.skipUnless(can_unshare(), "needs unshare -m (root) for a small tmpfs")
    def test_a_full_disk_fails_the_scan_cleanly_and_keeps_the_database_consistent(self):
        check = ("import sqlite3, sys; c = sqlite3.connect(sys.argv[1]); "
                 "print('integrity', c.execute('PRAGMA integrity_check').fetchone()[0]); "
                 "print('version', c.execute('PRAGMA user_version').fetchone()[0]); "
                 "print('tables', c.execute(\"SELECT count(*) FROM sqlite_master WHERE "
                 "type = 'table'\").fetchone()[0]); "
                 "[print('status', row[0]) for row in c.execute("
                 "\"SELECT status FROM scans\" if c.execute(\"SELECT count(*) FROM sqlite_master "
                 "WHERE name = 'scans'\").fetchone()[0] else 'SELECT 1 WHERE 0')]")
        (self.work / "check.py").write_text(check)
        # 40 KB free: the schema does not fit, so the migration must roll back completely;
        # 200 KB free: the schema fits but the pages do not.
        for free_kb, expect_schema in ((40, False), (200, True)):
            with self.subTest(free_kb=free_kb):
                result = self.run_in_mount_namespace(
                    f'mkdir -p "$WORK/disk"; mount -t tmpfs -o size=2m tmpfs "$WORK/disk"\n'
                    f'dd if=/dev/zero of="$WORK/disk/filler" bs=1k count={2048 - free_kb} '
                    f'2>/dev/null\n'
                    'set +e; "$TW" scan "$SITE" --db "$WORK/disk/tw.db" --out "$WORK" --quiet '
                    '>/dev/null 2>"$WORK/err"; echo "rc=$?"\n'
                    'rm -f "$WORK/disk/filler"\n'
                    'if [ -e "$WORK/disk/tw.db" ]; then python3 "$WORK/check.py" "$WORK/disk/tw.db";'
                    ' "$TW" history --db "$WORK/disk/tw.db" --format json > "$WORK/history"; fi')
                self.assertRegex(result.stdout, r"rc=[23]\b", result.stderr)
                error = (self.work / "err").read_text()
                self.assertIn("disk full", error)
                self.assertEqual(len(error.strip().splitlines()), 1, error)
                if expect_schema:
                    self.assertIn("rc=3", result.stdout)
                    self.assertIn("integrity ok", result.stdout)
                    self.assertRegex(result.stdout, r"version [1-9]")  # fully migrated
                    history = json.loads((self.work / "history").read_text())
                    self.assertEqual([scan["status"] for scan in history], ["partial"])
                    # marked by the scan itself, not only by the next open
                    self.assertIn("status partial", result.stdout)
                elif "integrity" in result.stdout:
                    # Never half-migrated: either the whole schema or none of it.
                    self.assertIn("integrity ok", result.stdout)
                    self.assertIn("version 0", result.stdout)
                    self.assertIn("tables 0", result.stdout)

if __name__ == "__main__":
    unittest.main()
