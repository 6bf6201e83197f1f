"""Reports are written from the store, whatever --db says: the files a scan writes are the files
`tagwarden report --scan` writes from the stored scan afterwards, byte for byte; `--db ''` runs
through a scratch database that is gone when the command ends; an --out that cannot be written is
refused before anything is crawled; a disk that fills while a report is written is named, and the
stored scan stays whole."""

import json
import time
import unittest

from harness import EXAMPLES, Route, TagwardenTestCase, TestServer, run_tagwarden

SITE = EXAMPLES / "site"
POLICY = EXAMPLES / "policy.yaml"
BASE = "https://www.example-shop.com/"
FORMATS = "json,sarif,junit,html,csv,markdown"


class ReportsFromStoreTest(TagwardenTestCase):
    def test_scan_reports_are_the_stored_scans_reports(self):
        db = self.db
        scanned = run_tagwarden("scan", SITE, "--base-url", BASE, "--policy", POLICY, "--db", db,
                                "--out", self.work / "scan", "--format", FORMATS, "--quiet",
                                cwd=self.work)
        self.assertIn(scanned.returncode, (0, 1), scanned.stderr)
        again = run_tagwarden("report", "--scan", "latest", "--db", db, "--out",
                              self.work / "again", "--format", FORMATS, cwd=self.work)
        self.assertEqual(again.returncode, 0, again.stderr)
        files = sorted(p.name for p in (self.work / "scan").iterdir())
        self.assertEqual(len(files), 7, files)
        for name in files:
            with self.subTest(file=name):
                self.assertEqual((self.work / "scan" / name).read_bytes(),
                                 (self.work / "again" / name).read_bytes())

    def test_issue_examples_follow_report_order_not_the_order_pages_arrived_in(self):
        # Every page loads the Meta Pixel with no consent manager: one issue, an instance per page.
        # The page that comes first in report order at depth 1 answers last, so the scan counts
        # its instance after the others; its reports must still show the examples a walk of the
        # stored pages in report order shows.
        def page(links):
            anchors = "".join(f'<a href="{link}">{link}</a>' for link in links)
            return ("<!doctype html><html><head><title>Shop</title>"
                    '<script src="https://connect.facebook.net/en_US/fbevents.js"></script>'
                    f"</head><body>{anchors}</body></html>")

        def slow(body):
            def answer(request):
                time.sleep(0.5)
                request.send_response(200)
                request.send_header("Content-Type", "text/html; charset=utf-8")
                request.send_header("Content-Length", str(len(body)))
                request.end_headers()
                request.wfile.write(body.encode())
            return Route(handler=answer)

        sections = [f"/s{i}/" for i in range(6)]
        with TestServer() as server:
            server.route("/", Route(page(sections)))
            for i, section in enumerate(sections):
                children = [f"{section}p{j}.html" for j in range(3)]
                server.route(section, slow(page(children)) if i == 0 else Route(page(children)))
                for child in children:
                    server.route(child, Route(page([])))
            scanned = self.scan(server.url("/"), "--format", "json,sarif,html", "--quiet",
                                "--concurrency", "4", "--no-fetch-third-party")
        self.assertIn(scanned.returncode, (0, 1), scanned.stderr)
        again_dir = self.work / "again"
        again = run_tagwarden("report", "--scan", "latest", "--db", self.db, "--out", again_dir,
                              "--format", "json,sarif,html", cwd=self.work)
        self.assertEqual(again.returncode, 0, again.stderr)
        issue = [i for i in self.report_json()["issues"] if i["rule"] == "TW200"]
        self.assertEqual(len(issue), 1, issue)
        self.assertEqual(issue[0]["instances"], 1 + 6 + 18)
        examples = [example["page"].split("/", 3)[3] for example in issue[0]["examples"]]
        self.assertEqual(examples, ["", "s0/", "s1/", "s2/", "s3/"])
        for name in ("tagwarden-report.json", "tagwarden-report.sarif", "tagwarden-report.html"):
            with self.subTest(file=name):
                self.assertEqual((self.work / name).read_bytes(), (again_dir / name).read_bytes())

    def test_no_history_uses_a_scratch_database_that_is_removed(self):
        scratch = self.work / "tmp"
        scratch.mkdir()
        out = self.work / "out"
        result = run_tagwarden("scan", SITE, "--base-url", BASE, "--policy", POLICY, "--db", "",
                               "--out", out, "--format", FORMATS, cwd=self.work,
                               env={"TMPDIR": str(scratch)})
        self.assertIn(result.returncode, (0, 1), result.stderr)
        self.assertNotIn("stored: scan", result.stdout)
        self.assertEqual(list(scratch.iterdir()), [])
        self.assertFalse((self.work / "tagwarden.db").exists())
        report = json.loads((out / "tagwarden-report.json").read_text())
        self.assertEqual(len(report["pages"]), report["scan"]["counts"]["pages"])
        self.assertGreater(len(report["pages"]), 10)
        self.assertEqual(sum(i["instances"] for i in report["issues"]), len(report["findings"]))

    def test_unwritable_out_is_refused_before_the_crawl(self):
        blocker = self.work / "a-file"
        blocker.write_text("not a directory")
        db = self.work / "tw.db"  # a file on either backend: the test is that none is made
        result = run_tagwarden("scan", SITE, "--base-url", BASE, "--db", db, "--out",
                               blocker / "reports", cwd=self.work)
        self.assertEqual(result.returncode, 2, result.stderr)
        self.assertIn("--out directory", result.stderr)
        self.assertEqual(len(result.stderr.strip().splitlines()), 1, result.stderr)
        self.assertFalse(db.exists())


if __name__ == "__main__":
    unittest.main()

    def test_a_full_disk_while_writing_a_report_keeps_the_stored_scan(self):
        out = self.work / "out"
        out.mkdir()
        # Writes to /dev/full fail with ENOSPC, as on a full disk.
        (out / "tagwarden-report.html").symlink_to("/dev/full")
        db = self.db
        result = run_tagwarden("scan", SITE, "--base-url", BASE, "--policy", POLICY, "--db", db,
                               "--out", out, "--format", "json,html", cwd=self.work)
        self.assertEqual(result.returncode, 3, result.stderr)
        error = result.stderr.strip().splitlines()
        self.assertEqual(len(error), 1, result.stderr)
        self.assertIn("tagwarden-report.html", error[0])
        self.assertIn("No space left on device", error[0])
        self.assertIn("--scan 1", error[0])
        self.assertNotIn("report: ", result.stdout)
        written = json.loads((out / "tagwarden-report.json").read_text())
        again = run_tagwarden("report", "--scan", "1", "--db", db, "--format", "json", "--out",
                              self.work / "again", cwd=self.work)
        self.assertEqual(again.returncode, 0, again.stderr)
        stored = json.loads((self.work / "again" / "tagwarden-report.json").read_text())
        self.assertEqual(stored["scan"]["status"], "complete")
        self.assertEqual(len(stored["pages"]), len(written["pages"]))
        self.assertGreater(len(stored["pages"]), 10)
