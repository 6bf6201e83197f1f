#!/usr/bin/env bash
# fleet-bench.sh: many sites, many runners. Eight generated sites (bench/make_site.py, as
# compare.sh generates them) served by nginx on 127.0.0.1, scanned two ways:
#   sqlite      one process: scan --targets portfolio.yaml --db FILE (the eight one after another)
#   postgresql  four processes at once: scan --targets portfolio.yaml --shard K/4 --db
#               postgresql://... into one PostgreSQL server started in a temporary directory
#               (initdb + pg_ctl, as the integration tests start it)
# and prints pages/s of each (pages counted from nginx's access log), the ratio of the four shards
# to the one SQLite process, and the store's share of the CPU time each way: the tw-store threads
# (StoreWriter) of the runners, plus, for PostgreSQL, the server's processes.
#
# usage: bench/fleet-bench.sh [--pages N] [--bin PATH]
#   --pages N   pages per site (default 500)
#   --bin PATH  the tagwarden binary (default build/cli/tagwarden)
# Needs nginx (nginx-light) and postgresql (Debian; scripts/install-deps.sh --bench). As root the
# server runs as the `postgres` user. Sites and logs go to $BENCH_TMP (default
# /tmp/tagwarden-fleet), never into the repository.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
exec python3 "$here/fleet_bench.py" "$@"
