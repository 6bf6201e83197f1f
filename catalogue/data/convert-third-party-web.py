#!/usr/bin/env python3
"""Converts third-party-web's dist/entities.json into tagwarden's compact catalogue shape.

usage: convert-third-party-web.py ENTITIES_JSON VERSION > third-party-web/entities.json

Keeps name, company, category, homepage and domains; "*.example.com" becomes the suffix
"example.com" (tagwarden matches every domain as a host suffix); entities listed twice under one
name are merged; third-party-web's category "ad" becomes tagwarden's "advertising".
"""
import json
import sys

CATEGORIES = {
    "ad": "advertising", "analytics": "analytics", "social": "social", "video": "video",
    "utility": "utility", "hosting": "hosting", "marketing": "marketing",
    "customer-success": "customer-success", "content": "content", "cdn": "cdn",
    "tag-manager": "tag-manager", "consent-provider": "consent-provider", "other": "other",
}


def main():
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    with open(sys.argv[1], encoding="utf-8") as f:
        entities = json.load(f)
    merged = {}
    for entity in entities:
        name = entity["name"].strip()
        vendor = merged.setdefault(name, {
            "name": name,
            "company": entity.get("company") or name,
            "category": CATEGORIES.get(entity.get("category", "other"), "other"),
            "homepage": entity.get("homepage", ""),
            "domains": [],
        })
        for domain in entity.get("domains", []):
            domain = domain.strip().lower()
            if domain.startswith("*."):
                domain = domain[2:]
            if domain and domain not in vendor["domains"]:
                vendor["domains"].append(domain)
    out = sys.stdout
    out.write('{"source": "third-party-web", "version": %s, "license": "MIT",\n"vendors": [\n'
              % json.dumps(sys.argv[2]))
    rows = sorted(merged.values(), key=lambda v: v["name"].lower())
    out.write(",\n".join(json.dumps(v, ensure_ascii=False) for v in rows))
    out.write("\n]}\n")


if __name__ == "__main__":
    main()
