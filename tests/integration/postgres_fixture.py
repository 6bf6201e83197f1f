"""`postgres_fixture.py start STATE` starts a PostgreSQL server for the store's unit tests (as the
integration tests do, store_support.PostgresCluster) and writes a database URL to STATE/url;
`stop STATE` stops it. ctest runs them as the setup and cleanup of the tw_postgres fixture."""

import sys
import tempfile
from pathlib import Path

from store_support import PostgresCluster


def main(action, state):
    state = Path(state)
    state.mkdir(parents=True, exist_ok=True)
    if action == "start":
        reason = PostgresCluster.unavailable()
        if reason:
            print(f"no PostgreSQL for the unit tests: {reason}")
            (state / "url").unlink(missing_ok=True)
            return 0
        cluster = PostgresCluster(tempfile.mkdtemp(prefix="tw-pg-unit-")).start()
        (state / "root").write_text(str(cluster.root))
        (state / "port").write_text(str(cluster.port))
        (state / "url").write_text(cluster.new_database())
        return 0
    root = state / "root"
    if root.exists():
        cluster = PostgresCluster(root.read_text())
        cluster.stop()
    for name in ("root", "port", "url"):
        (state / name).unlink(missing_ok=True)
    return 0


if __name__ == "__main__":
    sys.exit(main(*sys.argv[1:3]))
