#!/usr/bin/env python3
"""Converts NextDNS's cname-cloaking-blocklist `domains` file (company comments followed by the
domains its CNAMEs point at) into cname-cloaking.json, the shape tagwarden embeds:

    {"source": ..., "commit": ..., "targets": [{"domain", "company", "category"}, ...]}

Usage: convert-nextdns.py DOMAINS_FILE COMMIT > cname-cloaking.json

Every company on the list tracks; those that sell advertising or affiliate marketing are filed
under "advertising", marketing automation under "marketing", the rest under "analytics"."""

import json
import sys

ADVERTISING = {"Criteo", "Keyade", "Ingenious Technologies", "A8.net", "actionlink",
               "AdSpyglass", "adcloud", "Otto Group", "Branch"}
MARKETING = {"Act-On", "Oracle Eloqua", "Pardot", "NP6 by ChapsVision", "Commanders Act",
             "Lead Forensics"}


def category(company):
    if company in ADVERTISING:
        return "advertising"
    if company in MARKETING:
        return "marketing"
    return "analytics"


def targets(lines):
    company, previous_blank = None, True
    for raw in lines:
        line = raw.strip()
        if not line:
            previous_blank = True
            continue
        if line.startswith("#"):
            text = line.lstrip("#").strip()
            # A company's block opens with its name after a blank line, then its homepage.
            if previous_blank and text and not text.startswith(("http", "Title", "Important",
                                                                 "Note", "(domain")):
                company = text.split(" (")[0]
            previous_blank = False
            continue
        previous_blank = False
        if company:
            yield {"domain": line.lower().rstrip("."), "company": company,
                   "category": category(company)}


def main():
    with open(sys.argv[1], encoding="utf-8") as handle:
        found = list(targets(handle))
    document = {"source": "https://github.com/nextdns/cname-cloaking-blocklist",
                "commit": sys.argv[2], "licence": "MIT (LICENSE in this folder)",
                "targets": found}
    json.dump(document, sys.stdout, indent=1)
    sys.stdout.write("\n")


if __name__ == "__main__":
    main()
