"""Validators for tagwarden's report files, shared by the test_reports_* integration tests. Each
runs a real consumer or schema checker: the SARIF multitool, ajv against the checked-in JSON
Schema, xmllint against the JUnit XSD, headless Chromium for the HTML, cmark-gfm (GitHub's
Markdown renderer) for the PR summary, Python's csv module for the spreadsheets."""

import csv
import json
import shutil
import subprocess
from pathlib import Path

from harness import FIXTURES, SOURCE_DIR

TOOLS = SOURCE_DIR / "tools"
NODE_BIN = TOOLS / "node_modules" / ".bin"
SARIF_SCHEMA = TOOLS / "node_modules" / "@microsoft" / "sarif-multitool-linux" / "sarif-2.1.0.json"
REPORT_SCHEMA = SOURCE_DIR / "reports" / "schema" / "tagwarden-report.schema.json"
PORTFOLIO_SCHEMA = SOURCE_DIR / "reports" / "schema" / "tagwarden-portfolio.schema.json"
JUNIT_XSD = FIXTURES / "junit" / "junit.xsd"
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def run(args, timeout=180):
    return subprocess.run([str(a) for a in args], capture_output=True, text=True, timeout=timeout)


def sarif_problems(path):
    """Errors the SARIF multitool reports, plus ajv's against the SARIF 2.1.0 schema (the multitool
    silently skips a file it cannot deserialise, so the schema check backs it up)."""
    problems = []
    result = run([NODE_BIN / "sarif-multitool", "validate", path])
    if result.returncode != 0:
        problems.append(f"multitool exit {result.returncode}: {result.stdout}{result.stderr}")
    problems += [line for line in result.stdout.splitlines() if ": error " in line]
    schema = run(["node", TOOLS / "validate-json.js", "--lenient", SARIF_SCHEMA, path])
    if schema.returncode != 0:
        problems.append(schema.stderr)
    return problems


def json_report_problems(path, schema=REPORT_SCHEMA):
    result = run(["node", TOOLS / "validate-json.js", schema, path])
    return [] if result.returncode == 0 else [result.stdout + result.stderr]


def junit_problems(path):
    result = run(["xmllint", "--noout", "--schema", JUNIT_XSD, path])
    return [] if result.returncode == 0 else [result.stderr]


def check_html(path, work):
    """Runs tools/check-html.js; returns its JSON verdict (see that file)."""
    shot = Path(work) / "report-screenshot.png"
    profile = Path(work) / "chromium-profile"
    result = run(["node", TOOLS / "check-html.js", path, shot, profile], timeout=240)
    if result.returncode != 0:
        raise AssertionError(f"check-html.js failed: {result.stderr}")
    verdict = json.loads(result.stdout)
    shutil.rmtree(profile, ignore_errors=True)
    return verdict


def read_csv(path):
    """Rows of an RFC 4180 file; also checks every record ends in CRLF."""
    raw = Path(path).read_bytes()
    assert raw.endswith(b"\r\n"), f"{path}: last record does not end in CRLF"
    with open(path, newline="", encoding="utf-8") as f:
        return list(csv.reader(f, strict=True))


def unneutralised_cells(rows):
    """Cells a spreadsheet would evaluate as a formula (skipping the header and number columns
    holding plain integers)."""
    bad = []
    for row in rows[1:]:
        for cell in row:
            if cell.startswith(FORMULA_STARTS) and not cell.lstrip("-").isdigit():
                bad.append(cell)
    return bad


def render_markdown(path):
    """HTML from cmark-gfm with GitHub's extensions, raw HTML allowed (--unsafe) so anything the
    writer failed to escape would show up as markup."""
    result = run(["cmark-gfm", "--unsafe", "-e", "table", "-e", "autolink", "-e", "strikethrough",
                  "-e", "tagfilter", path])
    if result.returncode != 0:
        raise AssertionError(result.stderr)
    return result.stdout
