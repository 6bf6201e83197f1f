#!/usr/bin/env python3
"""Converts retire.js's jsrepository-v5.json into the shape tagwarden ships: only the extractors a
static scanner can run (uri, filename, filecontent, filecontentreplace, hashes; `func` and `ast`
need a JavaScript engine), the version placeholder already expanded, and per advisory only the
range, severity, summary, CVE / GHSA ids and the first links.

Usage: convert-retirejs.py SOURCE.json SOURCE_LABEL > jsrepository.json"""

import json
import sys

# retire's own expansion of the placeholder (node/lib/retire.js replaceVersion); always group 1.
VERSION_PATTERN = r"[0-9][0-9.a-z_\-]+"
KEPT_EXTRACTORS = ("uri", "filename", "filecontent", "filecontentreplace")


def drop_lookbehinds(pattern):
    """Debian 12's PCRE2 (10.42) rejects variable-length lookbehind, which JavaScript allows; the
    one retire pattern using it (lodash) only narrows a version already captured, so dropping the
    assertion keeps the detection with a slightly looser match."""
    out, i = "", 0
    while i < len(pattern):
        if pattern.startswith("(?<=", i) or pattern.startswith("(?<!", i):
            depth, j = 0, i
            while j < len(pattern):
                if pattern[j] == "\\":
                    j += 2
                    continue
                depth += pattern[j] == "("
                depth -= pattern[j] == ")"
                j += 1
                if depth == 0:
                    break
            i = j
            continue
        out += pattern[i]
        i += 1
    return out


def convert_advisory(advisory):
    identifiers = advisory.get("identifiers", {})
    ids = list(identifiers.get("CVE", []))
    github = identifiers.get("githubID")
    if github:
        ids.append(github)
    out = {"below": advisory["below"]}
    for key in ("atOrAbove", "excludes"):
        if key in advisory:
            out[key] = advisory[key]
    out["severity"] = advisory.get("severity", "medium")
    out["summary"] = " ".join(str(identifiers.get("summary", "")).split())[:300]
    out["ids"] = ids
    out["info"] = advisory.get("info", [])[:2]
    return out


def main():
    source, label = sys.argv[1], sys.argv[2]
    with open(source, encoding="utf-8") as handle:
        repository = json.load(handle)
    libraries = []
    for name, entry in repository.items():
        if name in ("retire-example", "dont check"):
            continue  # retire's own test entry and its list of URLs to skip
        extractors = entry.get("extractors", {})
        library = {"name": name}
        for kind in KEPT_EXTRACTORS:
            patterns = [drop_lookbehinds(p.replace("§§version§§", VERSION_PATTERN))
                        for p in extractors.get(kind, [])]
            if patterns:
                library[kind] = patterns
        if extractors.get("hashes"):
            library["hashes"] = extractors["hashes"]
        library["vulnerabilities"] = [convert_advisory(a) for a in entry.get("vulnerabilities", [])]
        libraries.append(library)
    json.dump({"source": label, "libraries": libraries}, sys.stdout, indent=1, ensure_ascii=False)
    sys.stdout.write("\n")


if __name__ == "__main__":
    main()
