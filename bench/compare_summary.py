#!/usr/bin/env python3
"""compare_summary.py: the tables compare.sh prints, from its rows.

usage: compare_summary.py RESULTS_TSV
Rows: site, tool, run, pages fetched, pages expected, wall s, max RSS KiB, CPU s, status.
Per site: each tool's median pages/s over its runs, max RSS, CPU; then tagwarden's ratios (both
configurations) to the Gumbo 2-thread parse ceiling, to wget2 and to crawlee. A tool with any
run not "ok" gets no ratio.
"""
import collections
import statistics
import sys

TAGWARDEN = ["tagwarden", "tagwarden-default"]
REFERENCES = [("gumbo", "gumbo-2t ceiling"), ("wget2", "wget2"), ("crawlee", "crawlee")]


def load(path):
    sites = collections.OrderedDict()
    with open(path) as f:
        for line in f:
            site, tool, _run, fetched, expected, wall, rss, cpu, status = line.rstrip("\n").split("\t")
            rows = sites.setdefault(site, collections.OrderedDict()).setdefault(tool, [])
            rows.append(dict(fetched=int(fetched), expected=int(expected), wall=float(wall),
                             rss=int(rss), cpu=float(cpu), status=status))
    return sites


def summarize(rows):
    ok = all(r["status"] == "ok" for r in rows)
    rates = [r["fetched"] / r["wall"] for r in rows if r["wall"] > 0]
    return dict(
        pages=f"{min(r['fetched'] for r in rows)}/{rows[0]['expected']}",
        rate=statistics.median(rates) if rates else 0.0,
        rss=max(r["rss"] for r in rows) / 1024,
        cpu=statistics.median(r["cpu"] for r in rows),
        status="ok" if ok else ",".join(sorted({r["status"] for r in rows if r["status"] != "ok"})),
        ok=ok)


def main():
    for site, tools in load(sys.argv[1]).items():
        summary = {tool: summarize(rows) for tool, rows in tools.items()}
        print(f"\n{site} site")
        print(f"{'tool':<18} {'pages':>11} {'pages/s':>9} {'max RSS MiB':>12} {'CPU s':>8}  status")
        for tool, s in summary.items():
            print(f"{tool:<18} {s['pages']:>11} {s['rate']:>9.1f} {s['rss']:>12.1f} {s['cpu']:>8.2f}  {s['status']}")
        for mine in TAGWARDEN:
            if mine not in summary:
                continue
            ratios = []
            for ref, label in REFERENCES:
                if ref not in summary:
                    continue
                if summary[mine]["ok"] and summary[ref]["ok"] and summary[ref]["rate"] > 0:
                    ratios.append(f"{summary[mine]['rate'] / summary[ref]['rate']:.3g} x {label}")
                else:
                    ratios.append(f"n/a x {label}")
            if ratios:
                print(f"{mine}: " + ", ".join(ratios))
    return 0


if __name__ == "__main__":
    sys.exit(main())
