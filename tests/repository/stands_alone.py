#!/usr/bin/env python3
"""Fails if any tracked file cites the team's design or style notes, or a path under a sibling
"shared" folder: someone who clones the repository has neither, so every fact must be stated here.

usage: stands_alone.py SOURCE_DIR   (lists files with `git ls-files`, else walks the tree)
"""
import os
import re
import subprocess
import sys

# Spelled in pieces so this file does not cite what it forbids.
FORBIDDEN = re.compile("|".join(["DESIGN" + r"\.md", "STYLE" + r"\.md", "shared" + "/"]))
SKIPPED_DIRS = {".git", "node_modules"}


def tracked_files(root):
    try:
        out = subprocess.run(["git", "-C", root, "ls-files", "-z"], check=True,
                             capture_output=True).stdout
        return [f for f in out.decode().split("\0") if f]
    except (OSError, subprocess.CalledProcessError):
        files = []
        for top, dirs, names in os.walk(root):
            dirs[:] = [d for d in dirs if d not in SKIPPED_DIRS and not d.startswith("build")]
            files += [os.path.relpath(os.path.join(top, n), root) for n in names]
        return files


def citations(root):
    found = []
    for rel in tracked_files(root):
        path = os.path.join(root, rel)
        if not os.path.isfile(path):
            continue
        with open(path, "rb") as f:
            text = f.read().decode("utf-8", "replace")
        for number, line in enumerate(text.splitlines(), 1):
            if FORBIDDEN.search(line):
                found.append(f"{rel}:{number}: {line.strip()[:120]}")
    return found


def main():
    if len(sys.argv) != 2:
        print("usage: stands_alone.py SOURCE_DIR", file=sys.stderr)
        return 2
    found = citations(sys.argv[1])
    for line in found:
        print(line)
    if found:
        print(f"stands_alone: {len(found)} citation(s) of files outside the repository", file=sys.stderr)
        return 1
    print("stands_alone: no citations of files outside the repository")
    return 0


if __name__ == "__main__":
    sys.exit(main())
