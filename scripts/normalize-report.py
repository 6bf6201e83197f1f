#!/usr/bin/env python3
"""normalize-report.py: rewrite a report file in place, replacing what legitimately differs
between two scans of the same site (clock times, durations, elapsed-time attributes, the scan's
temporary directory) with fixed placeholders, so two binaries' reports can be compared byte for
byte. Used by scripts/compare-reports.sh.

usage: normalize-report.py WORK_DIR FILE...   (WORK_DIR: the temp dir the scan ran in)
"""
import re
import sys

PATTERNS = [
    # ISO 8601 instants: started/finished, SARIF start/endTimeUtc, the HTML header, CSV/markdown
    (re.compile(r"\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}:\d{2}(?:\.\d+)?(?:Z|[+-]\d{2}:?\d{2})?"), "<TIME>"),
    # JSON durations: "duration_ms": 12, "elapsed_seconds": 0.4, ...
    (re.compile(r'("[A-Za-z_]*(?:duration|elapsed|seconds|_ms)[A-Za-z_]*"\s*:\s*)-?[0-9.eE+-]+'), r"\1<N>"),
    # JUnit: time="0.123" on suites and cases; timestamp= is caught above
    (re.compile(r'\btime="[0-9.]+"'), 'time="<N>"'),
]


def normalize(text, work_dir):
    text = text.replace(work_dir, "<WORK>")
    for pattern, replacement in PATTERNS:
        text = pattern.sub(replacement, text)
    return text


def main():
    if len(sys.argv) < 3:
        print(__doc__.split("\n\n")[-1].strip(), file=sys.stderr)
        return 2
    work_dir = sys.argv[1]
    for path in sys.argv[2:]:
        with open(path, encoding="utf-8", errors="surrogateescape", newline="") as f:
            text = f.read()
        with open(path, "w", encoding="utf-8", errors="surrogateescape", newline="") as f:
            f.write(normalize(text, work_dir))
    return 0


if __name__ == "__main__":
    sys.exit(main())
