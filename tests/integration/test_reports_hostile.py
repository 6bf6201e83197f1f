"""Hostile content stays inert in every report: the hostile fixture site (XSS, spreadsheet
formulas, Markdown injection, terminal escapes in URLs, attributes, titles, CSP values, inline
scripts and a file name) is scanned in directory mode, and each report is opened the way its
audience would open it."""

import json
import os
import pty
import re
import subprocess
import unittest
import xml.etree.ElementTree as ET

from harness import BIN, FIXTURES, TagwardenTestCase
from report_validators import (check_html, json_report_problems, junit_problems, read_csv,
                               render_markdown, sarif_problems, unneutralised_cells)

SITE = FIXTURES / "hostile-site"
BASE = "https://hostile.example/"
TERMINAL_CONTROLS = re.compile("[\x00-\x08\x0b-\x1f\x7f\u0080-\u009f\u202a-\u202e\u2066-\u2069]")


class HostileSiteReportsTest(TagwardenTestCase):
    def setUp(self):
        super().setUp()
        self.result = self.scan(SITE, "--base-url", BASE, "--format",
                                "json,sarif,junit,html,csv,markdown")
        self.assertIn(self.result.returncode, (0, 1), self.result.stderr)
        self.report = self.report_json()

    def test_the_payloads_reach_the_reports(self):
        # Guards the other tests against passing vacuously: the payloads are in the scan.
        text = json.dumps(self.report)
        self.assertIn("window.__pwned", text)
        self.assertIn("=HYPERLINK", text)
        self.assertIn("phish.example", text)
        # The HTML parser already turns ESC and BEL into U+FFFD; what follows them still arrives.
        self.assertIn("[2J", text)
        self.assertIn("[?1049h", text)
        self.assertEqual(len(self.report["pages"]), 8)

    def test_no_injected_script_runs_in_the_html_report(self):
        verdict = check_html(self.work / "tagwarden-report.html", self.work)
        self.assertIsNone(verdict["pwned"], "an injected script set window.__pwned")
        self.assertTrue(verdict["title"].startswith("tagwarden report"), verdict["title"])
        self.assertEqual(verdict["dialogs"], [])
        self.assertEqual(verdict["consoleErrors"], [], "a CSP violation or script error")
        self.assertEqual(verdict["pageErrors"], [])
        self.assertEqual(verdict["externalRequests"], [])
        self.assertTrue((self.work / "report-screenshot.png").stat().st_size > 10_000)
        html = (self.work / "tagwarden-report.html").read_text()
        self.assertEqual(html.count("<script"), 1, "only the report's own script element")
        self.assertNotIn("<img", html)
        self.assertNotIn("<svg onload", html)
        self.assertIn("&lt;script&gt;window.__pwned", html, "payloads are shown as text")

    def test_csv_cells_are_neutralised(self):
        files = [self.work / "tagwarden-vendors.csv", self.work / "tagwarden-findings.csv"]
        present = [f for f in files if f.exists()]
        self.assertIn(files[0], present)
        cells = []
        for path in present:
            rows = read_csv(path)
            self.assertEqual(unneutralised_cells(rows), [], path.name)
            cells += [c for row in rows for c in row]
        if files[1] in present:
            # The CSP values begin with the payloads, so neutralised cells must be there.
            self.assertTrue(any(c.startswith("'=HYPERLINK") for c in cells))
            self.assertTrue(any(c.startswith("'+cmd") for c in cells))
            self.assertTrue(any(c.startswith("'@SUM") for c in cells))
            self.assertTrue(any(c.startswith("'-2+3") for c in cells))

    def test_markdown_renders_no_injected_links_images_or_html(self):
        html = render_markdown(self.work / "tagwarden-summary.md")
        self.assertIn("phish.example", html, "the payload text is there, as text")
        self.assertNotRegex(html, r"<a\s", "a link rendered")
        self.assertNotRegex(html, r"<img\s", "an image rendered")
        self.assertNotIn("<b>", html)
        self.assertNotIn("<script", html)
        self.assertNotIn("<svg", html)
        tags = set(re.findall(r"</?([a-zA-Z0-9]+)", html))
        self.assertLessEqual(tags, {"h2", "h3", "h4", "p", "strong", "em", "code", "table",
                                    "thead", "tbody", "tr", "th", "td", "details", "summary"})
        self.assertIsNone(TERMINAL_CONTROLS.search(html.replace("\n", "").replace("\t", "")))

    def test_terminal_summary_carries_no_raw_escape_sequences(self):
        out = self.result.stdout
        self.assertNotIn("\x1b", out)
        self.assertIsNone(TERMINAL_CONTROLS.search(out.replace("\n", "")), repr(out))
        self.assertIn(f"pages: {len(self.report['pages'])}", out.splitlines())
        self.assertNotIn("\x1b", self.result.stderr)

    def scan_on_terminal(self, *extra, env=None):
        """The console summary as a terminal receives it (stdout is a pseudo-terminal)."""
        master, slave = pty.openpty()
        full_env = {k: v for k, v in os.environ.items() if k != "NO_COLOR"}
        full_env.update(env or {})
        out_dir = self.work / "tty"
        out_dir.mkdir(exist_ok=True)
        proc = subprocess.Popen([BIN, "scan", SITE, "--base-url", BASE, "--format", "json",
                                 "--out", out_dir, "--db", out_dir / "tw.db", *extra],
                                stdout=slave, stderr=subprocess.DEVNULL, env=full_env)
        os.close(slave)
        chunks = []
        while True:
            try:
                chunk = os.read(master, 65536)
            except OSError:  # EIO once the child has exited and closed the terminal
                break
            if not chunk:
                break
            chunks.append(chunk)
        os.close(master)
        self.assertIn(proc.wait(timeout=120), (0, 1))
        return b"".join(chunks).decode("utf-8", "replace")

    def test_colour_on_a_terminal_carries_only_the_writers_own_sequences(self):
        coloured = self.scan_on_terminal()
        self.assertIn("\x1b[", coloured, "colour on a terminal")
        # Every escape is a complete SGR sequence (colour), none comes from crawled text.
        self.assertIsNone(re.search(r"\x1b(?!\[[0-9;]*m)", coloured), repr(coloured))
        without_sgr = re.sub(r"\x1b\[[0-9;]*m", "", coloured)
        self.assertIsNone(TERMINAL_CONTROLS.search(without_sgr.replace("\r\n", "")))
        self.assertIn(f"pages: {len(self.report['pages'])}", without_sgr.splitlines())
        self.assertNotIn("\x1b", self.scan_on_terminal("--no-color"))
        self.assertNotIn("\x1b", self.scan_on_terminal(env={"NO_COLOR": "1"}))

    def test_machine_reports_stay_valid(self):
        self.assertEqual(json_report_problems(self.work / "tagwarden-report.json"), [])
        self.assertEqual(sarif_problems(self.work / "tagwarden-report.sarif"), [])
        junit = self.work / "tagwarden-junit.xml"
        self.assertEqual(junit_problems(junit), [])
        root = ET.parse(junit).getroot()
        details = " ".join(e.text or "" for e in root.iter() if e.tag in ("failure", "system-out"))
        self.assertIn("hostile.example", details, "the issues name their pages")


if __name__ == "__main__":
    unittest.main()
