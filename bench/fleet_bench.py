"""The measurement behind bench/fleet-bench.sh (see there): sites, nginx, PostgreSQL, the runs,
and the CPU accounting from /proc and wait4."""

import argparse
import os
import signal
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
sys.path.insert(0, str(REPO / "tests/integration"))
from store_support import PostgresCluster  # noqa: E402  (the tests' server, started the same way)

SITES = 8
SHARDS = 4
TICK = os.sysconf("SC_CLK_TCK")


def free_port():
    import socket
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def stat_fields(path):
    """Fields of a /proc stat file after the command name (index 0 is field 3, the state)."""
    text = Path(path).read_text()
    return text[text.rfind(")") + 2:].split()


def cpu_seconds(fields, children=False):
    ticks = int(fields[11]) + int(fields[12])  # utime, stime
    if children:
        ticks += int(fields[13]) + int(fields[14])  # cutime, cstime (children waited for)
    return ticks / TICK


class StoreThreads:
    """Samples the CPU time of the tw-store threads of the given processes until stopped (a
    thread's last sample before it ends is its total, to within the sampling interval)."""

    def __init__(self):
        self.seen = {}
        self.pids = []
        self.done = threading.Event()
        self.thread = threading.Thread(target=self.run, daemon=True)

    def run(self):
        while not self.done.is_set():
            for pid in list(self.pids):
                try:
                    tasks = os.listdir(f"/proc/{pid}/task")
                except OSError:
                    continue
                for tid in tasks:
                    try:
                        if Path(f"/proc/{pid}/task/{tid}/comm").read_text().strip() != "tw-store":
                            continue
                        self.seen[(pid, tid)] = cpu_seconds(
                            stat_fields(f"/proc/{pid}/task/{tid}/stat"))
                    except OSError:
                        continue
            time.sleep(0.05)

    def total(self):
        return sum(self.seen.values())


def postgres_cpu(cluster):
    """CPU seconds of the server so far: the postmaster, its live children and those it reaped."""
    pid = int((cluster.data / "postmaster.pid").read_text().split()[0])
    total = cpu_seconds(stat_fields(f"/proc/{pid}/stat"), children=True)
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            fields = stat_fields(f"/proc/{entry}/stat")
        except OSError:
            continue
        if int(fields[1]) == pid:
            total += cpu_seconds(fields)
    return total


def html_pages(log):
    return sum(1 for line in log.read_text().splitlines()
               if line.startswith("200 ") and line.endswith(".html"))


def run_runners(commands, cwd):
    """Starts every command at once; returns wall seconds, the runners' CPU seconds (wait4) and
    their tw-store threads' CPU seconds."""
    sampler = StoreThreads()
    start = time.monotonic()
    processes = [subprocess.Popen(c, cwd=cwd, stdout=subprocess.DEVNULL,
                                  stderr=subprocess.PIPE) for c in commands]
    sampler.pids = [p.pid for p in processes]
    sampler.thread.start()
    cpu = 0.0
    for process in processes:
        _, status, usage = os.wait4(process.pid, 0)
        process.returncode = os.waitstatus_to_exitcode(status)
        cpu += usage.ru_utime + usage.ru_stime
    wall = time.monotonic() - start
    sampler.done.set()
    sampler.thread.join()
    for process in processes:
        if process.returncode not in (0, 1):
            sys.exit(f"fleet-bench: a runner failed ({process.returncode}): "
                     f"{process.stderr.read().decode()[-2000:]}")
    return wall, cpu, sampler.total()


def nginx_conf(work, ports):
    servers = "".join(
        f"  server {{ listen 127.0.0.1:{port}; root {work}/s{i};\n"
        f"    location / {{ try_files $uri $uri/ =404; }} }}\n" for i, port in enumerate(ports))
    user = "user root;" if os.geteuid() == 0 else ""
    (work / "nginx/tmp").mkdir(parents=True, exist_ok=True)
    conf = work / "nginx/nginx.conf"
    conf.write_text(f"""{user}
worker_processes 1;
pid {work}/nginx/nginx.pid;
error_log {work}/nginx/error.log warn;
events {{ worker_connections 4096; }}
http {{
  types {{ text/html html; text/css css; application/javascript js; application/xml xml; }}
  default_type application/octet-stream;
  log_format short '$status $uri';
  access_log {work}/access.log short;
  sendfile on; tcp_nopush on; tcp_nodelay on; keepalive_requests 1000000;
  client_body_temp_path {work}/nginx/tmp/body; proxy_temp_path {work}/nginx/tmp/proxy;
  fastcgi_temp_path {work}/nginx/tmp/fcgi; uwsgi_temp_path {work}/nginx/tmp/uwsgi;
  scgi_temp_path {work}/nginx/tmp/scgi;
{servers}}}
""")
    return conf


def main():
    parser = argparse.ArgumentParser(description="fleet-bench: 4 shards into PostgreSQL "
                                     "against 1 process into SQLite")
    parser.add_argument("--pages", type=int, default=500)
    parser.add_argument("--bin", default=str(REPO / "build/cli/tagwarden"))
    args = parser.parse_args()
    work = Path(os.environ.get("BENCH_TMP", "/tmp/tagwarden-fleet"))
    work.mkdir(parents=True, exist_ok=True)
    ports = [free_port() for _ in range(SITES)]
    for i, port in enumerate(ports):
        subprocess.run([sys.executable, HERE / "make_site.py", "--pages", str(args.pages),
                        "--seed", str(i + 1), "--out", work / f"s{i}", "--base",
                        f"http://127.0.0.1:{port}"], check=True, stdout=subprocess.DEVNULL,
                       stderr=subprocess.DEVNULL)
    portfolio = work / "portfolio.yaml"
    portfolio.write_text("targets:\n" + "".join(
        f"  - target: http://127.0.0.1:{port}/index.html\n" for port in ports))
    log = work / "access.log"
    log.write_text("")
    conf = nginx_conf(work, ports)
    subprocess.run(["nginx", "-e", work / "nginx/error.log", "-p", work / "nginx", "-c", conf],
                   check=True)
    cluster = None
    try:
        time.sleep(0.5)
        flags = ["--quiet", "--format", "console", "--no-fetch-third-party", "--max-pages", "0",
                 "--concurrency", "64", "--per-host", "64"]
        scan = [args.bin, "scan", "--targets", str(portfolio), *flags]
        env_clean = {k: "" for k in ("JOB_COMPLETION_INDEX", "CI_NODE_INDEX", "CI_NODE_TOTAL")}
        os.environ.update(env_clean)

        sqlite_db = work / "fleet.db"
        for suffix in ("", "-wal", "-shm"):
            Path(f"{sqlite_db}{suffix}").unlink(missing_ok=True)
        before = html_pages(log)
        wall, cpu, store = run_runners([[*scan, "--db", str(sqlite_db), "--out",
                                         str(work / "out-sqlite")]], work)
        sqlite = {"pages": html_pages(log) - before, "wall": wall, "cpu": cpu, "store": store,
                  "server": 0.0}

        cluster = PostgresCluster(tempfile.mkdtemp(prefix="tw-pg-bench-")).start()
        url = cluster.new_database()
        server_before = postgres_cpu(cluster)
        before = html_pages(log)
        wall, cpu, store = run_runners(
            [[*scan, "--shard", f"{k}/{SHARDS}", "--db", url, "--out", str(work / f"out-pg{k}")]
             for k in range(1, SHARDS + 1)], work)
        server = postgres_cpu(cluster) - server_before
        postgres = {"pages": html_pages(log) - before, "wall": wall, "cpu": cpu, "store": store,
                    "server": server}
    finally:
        if cluster is not None:
            cluster.stop()
        pid_file = work / "nginx/nginx.pid"
        if pid_file.exists():
            os.kill(int(pid_file.read_text()), signal.SIGQUIT)

    print(f"fleet-bench: {SITES} sites x {args.pages} pages, {os.cpu_count()} cores")
    for name, run in (("sqlite, 1 process", sqlite), (f"postgresql, {SHARDS} shards", postgres)):
        total = run["cpu"] + run["server"]
        share = (run["store"] + run["server"]) / total if total else 0.0
        print(f"  {name:<22} {run['pages']:>6} pages {run['wall']:7.1f} s "
              f"{run['pages'] / run['wall']:8.1f} pages/s   CPU {total:6.1f} s, store "
              f"{share:5.1%} (tw-store threads {run['store']:.2f} s, server {run['server']:.2f} s)")
    ratio = (postgres["pages"] / postgres["wall"]) / (sqlite["pages"] / sqlite["wall"])
    print(f"  ratio: {SHARDS} shards into PostgreSQL / 1 process into SQLite = {ratio:.2f}x")


if __name__ == "__main__":
    main()
