"""PostgreSQL as the shared store, against a real server started for the test (initdb + pg_ctl
in a temporary directory, 127.0.0.1 on a free port): four shard runners writing one database at
once, the documented views, and the bad databases (unreachable, wrong password, a newer schema),
each one line and exit 2 or 3 before any crawl, never showing the password."""

import json
import os
import subprocess
import tempfile
import unittest

from harness import BIN, EXAMPLES, TagwardenTestCase, TestServer, run_tagwarden
from store_support import (PG_PASSWORD, PostgresCluster, query, slow_site, start_scan,
                           stored_pages, wait_until, write_directory_site)

SITE = EXAMPLES / "site"
NO_SHARD = {name: "" for name in ("JOB_COMPLETION_INDEX", "CI_NODE_INDEX", "CI_NODE_TOTAL",
                                  "TAGWARDEN_SHARD_INDEX", "TAGWARDEN_SHARD_TOTAL")}
VIEWS = ["v_scans", "v_latest_scans", "v_latest_vendors", "v_findings", "v_tags", "v_tag_ids",
         "v_pages", "v_scan_severities", "v_payment_scripts", "v_cookies", "tags", "findings",
         "notes", "page_tags"]


@unittest.skipIf(PostgresCluster.unavailable(), PostgresCluster.unavailable() or "")
class PostgresStoreTest(TagwardenTestCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        if cls.postgres is None:  # started by the harness only under TAGWARDEN_TEST_DB
            cls.postgres = PostgresCluster(tempfile.mkdtemp(prefix="tw-pg-")).start()
            cls.addClassCleanup(cls.postgres.stop)

    def setUp(self):
        super().setUp()
        self.db = self.postgres.new_database()

    def assert_one_line_error(self, result, *expected):
        self.assertIn(result.returncode, (2, 3), result.stdout + result.stderr)
        lines = [line for line in result.stderr.splitlines() if line.strip()]
        self.assertEqual(len(lines), 1, result.stderr)
        for text in expected:
            self.assertIn(text, lines[0])
        self.assertNotIn(PG_PASSWORD, result.stdout + result.stderr)

    def test_four_shards_at_once_store_every_target_completely(self):
        targets = []
        for index in range(8):
            site = self.work / f"sites/s{index}"
            write_directory_site(site, 25, lambda i, n=index: [
                f"https://www.googletagmanager.com/gtm.js?id=GTM-S{n}",
                "https://static.hotjar.com/c/hotjar-1.js"])
            targets.append(site)
        portfolio = self.work / "portfolio.yaml"
        portfolio.write_text("targets:\n" + "".join(f"  - target: {t}\n" for t in targets))
        runners = [subprocess.Popen(
            [BIN, "scan", "--targets", str(portfolio), "--shard", f"{k}/4", "--db", self.db,
             "--out", str(self.work / f"out{k}"), "--quiet", "--format", "json"],
            cwd=self.work, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
            env={**os.environ, **NO_SHARD}) for k in range(1, 5)]
        for runner in runners:
            out, err = runner.communicate(timeout=600)
            self.assertEqual(runner.returncode, 0, err)
            self.assertNotIn(PG_PASSWORD, out + err)
        history = run_tagwarden("history", "--db", self.db, "--format", "json")
        self.assertEqual(history.returncode, 0, history.stderr)
        scans = json.loads(history.stdout)
        self.assertEqual(sorted(scan["targets"][0] for scan in scans),
                         sorted(str(t) for t in targets))
        self.assertEqual({scan["status"] for scan in scans}, {"complete"})
        self.assertEqual({scan["pages"] for scan in scans}, {25})
        # Every page refers to an analysis, each distinct content stored once.
        self.assertEqual(query(self.db, "SELECT count(*) FROM pages WHERE analysis_id IS NULL"),
                         [(0,)])
        self.assertEqual(query(self.db, "SELECT count(*) - count(DISTINCT digest) FROM analyses"),
                         [(0,)])
        for scan in scans:
            report = run_tagwarden("report", "--db", self.db, "--scan", scan["id"], "--format",
                                   "json", "--out", self.work / f"report{scan['id']}")
            self.assertEqual(report.returncode, 0, report.stderr)
            doc = json.loads((self.work / f"report{scan['id']}/tagwarden-report.json").read_text())
            self.assertEqual(len(doc["pages"]), 25)

    def test_the_documented_views_answer_and_the_password_is_never_shown(self):
        result = run_tagwarden("scan", SITE, "--db", self.db, "--out", self.work, "--format",
                               "json", cwd=self.work)
        self.assertEqual(result.returncode, 0, result.stderr)
        self.assertIn("stored: scan 1 in postgresql://postgres:***@127.0.0.1:", result.stdout)
        self.assertNotIn(PG_PASSWORD, result.stdout + result.stderr)
        self.assertNotIn(PG_PASSWORD, (self.work / "tagwarden-report.json").read_text())
        pages = len(json.loads((self.work / "tagwarden-report.json").read_text())["pages"])
        self.assertEqual(query(self.db, "SELECT pages, status FROM v_scans"), [(pages, "complete")])
        self.assertEqual(query(self.db, "SELECT max(version) FROM schema_version"),
                         [(self.schema_version(),)])
        for view in VIEWS:
            query(self.db, f"SELECT count(*) FROM {view}")
        self.assertGreater(query(self.db, "SELECT count(*) FROM v_tags")[0][0], 0)
        self.assertGreater(query(self.db, "SELECT count(*) FROM v_findings")[0][0], 0)
        for command in (["history", "--target", "nowhere.example"], ["prune", "--keep-scans", "1"]):
            result = run_tagwarden(*command, "--db", self.db, cwd=self.work)
            self.assertEqual(result.returncode, 0, result.stderr)
            self.assertIn("postgresql://postgres:***@127.0.0.1:", result.stdout)
            self.assertNotIn(PG_PASSWORD, result.stdout + result.stderr)

    def test_a_runner_killed_mid_scan_leaves_its_pages_and_reads_as_partial(self):
        with TestServer() as server:
            slow_site(server, pages=200, delay=0.05)
            runner = start_scan(server.url("/p0.html"), "--db", self.db, "--out", self.work,
                                "--quiet", "--no-fetch-third-party", "--max-depth", 100,
                                cwd=self.work)
            self.assertTrue(wait_until(lambda: stored_pages(self.db, 1) >= 10), "no pages stored")
            runner.kill()
            runner.communicate(timeout=60)
        stored = stored_pages(self.db, 1)
        scans = json.loads(run_tagwarden("history", "--db", self.db, "--format", "json").stdout)
        self.assertEqual([(s["status"], s["pages"]) for s in scans], [("partial", stored)])
        report = run_tagwarden("report", "--db", self.db, "--scan", "1", "--format", "json",
                               "--out", self.work / "after")
        self.assertEqual(report.returncode, 0, report.stderr)

    def schema_version(self):
        header = (EXAMPLES.parent / "store/scan_store.h").read_text()
        return int(header.split("kStoreSchemaVersion = ")[1].split(";")[0])

    def test_an_unreachable_server_is_one_line_before_any_crawl(self):
        with TestServer(docroot=SITE) as server:
            url = f"postgresql://postgres:{PG_PASSWORD}@127.0.0.1:1/tw"
            result = run_tagwarden("scan", server.url("/"), "--db", url, "--out", self.work,
                                   cwd=self.work)
            self.assertEqual(server.requests, [])
        self.assert_one_line_error(result, "postgresql://postgres:***@127.0.0.1:1/tw",
                                   "cannot connect")
        for command in (["history"], ["report", "--scan", "latest", "--out", self.work],
                        ["prune", "--keep-scans", "1"], ["diff"]):
            result = run_tagwarden(*command, "--db", url, cwd=self.work)
            self.assert_one_line_error(result, "cannot connect")

    def test_a_wrong_password_is_one_line_before_any_crawl(self):
        url = self.db.replace(PG_PASSWORD, "not-the-password")
        with TestServer(docroot=SITE) as server:
            result = run_tagwarden("scan", server.url("/"), "--db", url, "--out", self.work,
                                   cwd=self.work)
            self.assertEqual(server.requests, [])
        self.assert_one_line_error(result, "password authentication failed")
        self.assertNotIn("not-the-password", result.stderr)

    def test_a_newer_schema_is_refused_and_left_untouched(self):
        self.assertEqual(run_tagwarden("history", "--db", self.db).returncode, 0)
        query(self.db, "INSERT INTO schema_version (version, applied) VALUES (99, 'later')")
        with TestServer(docroot=SITE) as server:
            result = run_tagwarden("scan", server.url("/"), "--db", self.db, "--out", self.work,
                                   cwd=self.work)
            self.assertEqual(server.requests, [])
        self.assert_one_line_error(result, "schema version 99 is newer")
        self.assertEqual(query(self.db, "SELECT count(*) FROM scans"), [(0,)])

    def test_a_database_of_another_program_is_not_migrated(self):
        query(self.db, "CREATE TABLE accounts (id INTEGER)")
        result = run_tagwarden("scan", SITE, "--db", self.db, "--out", self.work, cwd=self.work)
        self.assert_one_line_error(result, "no tagwarden schema")
        self.assertEqual(query(self.db, "SELECT count(*) FROM pg_tables WHERE tablename = 'scans'"),
                         [(0,)])


if __name__ == "__main__":
    unittest.main()
